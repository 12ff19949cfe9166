package dev.hotpath.cache;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.scorer.FeatureStatus;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.map.ChronicleMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Writes one generation of a feature view; used by pipeline processes, never on the scoring path.
 *
 * <p><b>Two ways in.</b> {@link #open(Path, String, WriterOptions)} writes the view's current (published)
 * generation: streaming upserts and deletes that readers in every process see immediately.
 * {@link #createGeneration(Path, FeatureView, long, WriterOptions)} creates a new, unpublished generation (for a bulk
 * rebuild, a schema change, or recovery after a crash left a lock held); fill it, then {@link #publish()} flips the
 * manifest atomically and readers switch to it. {@link FeatureCsvLoader} does that from a CSV file.
 *
 * <p><b>Records.</b> Each upsert writes the whole fixed-size record (event time, write time, schema fingerprint,
 * flags, features) under the entity's segment write lock, bounded by {@link WriterOptions#writeLockTimeoutNanos()};
 * readers never see a partial record. A heartbeat thread stamps the meta record with the writer's heartbeat,
 * event-time watermark ({@link #setWatermark}) and newest write time.
 *
 * <p><b>Thread-safety and allocation.</b> Thread-safe: several pipeline threads may write concurrently. Single
 * upserts and deletes allocate nothing after a thread's first call (per-thread key and record buffers are reused;
 * Chronicle's own {@code put} and {@code wrapValueAsData} would allocate). Writers throw on bad input and on
 * {@link LockTimeoutException} / {@link CacheFullException}; those never affect readers.
 */
public final class FeatureWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureWriter.class);
    /** Largest expected-entity count accepted for one generation. */
    public static final long MAX_ENTITIES = 2_000_000_000L;

    private final Path dir;
    private final MapHandle handle;
    private final FeatureView view;
    private final int fingerprint;
    private final int dimension;
    private final long lockNanos;
    private final LongSupplier clock;
    private final int retainedGenerations;
    private final long createdAtMillis;
    private final ThreadLocal<Scratch> scratch;
    private final AtomicLong inserts = new AtomicLong();
    private final AtomicLong replaces = new AtomicLong();
    private final AtomicLong deletes = new AtomicLong();
    private final AtomicLong newestWriteMillis = new AtomicLong();
    private final AtomicLong heartbeatErrors = new AtomicLong();
    private final long heartbeatIntervalNanos;
    private final Thread heartbeatThread;
    private volatile long watermarkMillis;
    private volatile boolean published;
    private volatile boolean superseded;
    private volatile boolean closed;
    private volatile MapHandle.WriteHook writeHook;
    /** Non-null while an unpublished generation is being built; guarded by this. */
    private BuildLock buildLock;

    private FeatureWriter(Path dir, MapHandle handle, WriterOptions options, boolean published, BuildLock buildLock,
                          long createdAtMillis, long watermarkMillis) {
        this.dir = dir;
        this.handle = handle;
        this.view = handle.manifest.view;
        this.fingerprint = view.fingerprint();
        this.dimension = view.dimension();
        this.lockNanos = options.writeLockTimeoutNanos();
        this.clock = options.clock();
        this.retainedGenerations = options.retainedGenerations();
        this.createdAtMillis = createdAtMillis;
        this.watermarkMillis = watermarkMillis;
        this.published = published;
        this.buildLock = buildLock;
        int recordSize = handle.manifest.recordSize;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(recordSize));
        this.heartbeatIntervalNanos = options.heartbeatIntervalNanos();
        if (heartbeatIntervalNanos > 0) {
            heartbeatThread = new Thread(this::heartbeatLoop, "hotpath-feature-heartbeat-" + view.name());
            heartbeatThread.setDaemon(true);
            heartbeatThread.start();
        } else {
            heartbeatThread = null;
        }
    }

    /**
     * Opens the view's current generation for streaming writes.
     *
     * @param dir the cache directory
     * @param viewName the view
     * @param options writer options
     * @return an open writer; close it when done
     * @throws FeatureFileException if the manifest or the generation file is missing or corrupt
     * @throws ConfigurationException if the JVM lacks the Chronicle flags
     */
    public static FeatureWriter open(Path dir, String viewName, WriterOptions options) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(viewName, "viewName");
        Objects.requireNonNull(options, "options");
        ChronicleRuntime.ensureReady();
        Manifest m = Manifest.read(dir, viewName);
        MapHandle h = MapHandle.openExisting(dir, m);
        try {
            MapHandle.Meta meta = h.metaLocked ? null : h.readMeta();
            if (meta == null) {
                // The meta segment is held by a dead process: other segments stay writable, heartbeats will fail
                // (counted) until the generation is rebuilt.
                return new FeatureWriter(dir, h, options, true, null, options.clock().getAsLong(), 0L);
            }
            FeatureWriter w = new FeatureWriter(dir, h, options, true, null, meta.createdAtMillis,
                    meta.watermarkMillis);
            w.newestWriteMillis.set(meta.newestWriteMillis);
            return w;
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
    }

    /**
     * {@link #open(Path, String, WriterOptions)} with {@link WriterOptions#defaults()}.
     *
     * @param dir the cache directory
     * @param viewName the view
     * @return an open writer
     */
    public static FeatureWriter open(Path dir, String viewName) {
        return open(dir, viewName, WriterOptions.defaults());
    }

    /**
     * Creates a new, empty, unpublished generation of {@code view} (whose definition may differ from the published
     * one: that is how a schema changes). Takes the view's build lock until {@link #publish()} or {@link #close()};
     * closing without publishing deletes the file. Under the lock it first deletes what earlier builds that never
     * published left behind (generation files newer than the published manifest's, e.g. of a killed load).
     *
     * <p>Sizing: the map holds {@code expectedEntities} plus 25 % headroom (Chronicle can grow about 2x more by
     * chaining segment tiers, then {@link CacheFullException}).
     *
     * @param dir the cache directory (created if absent)
     * @param view the definition of the new generation
     * @param expectedEntities entities the generation must hold, 1 to {@link #MAX_ENTITIES}
     * @param options writer options ({@link WriterOptions#averageIdBytes()} sizes string keys)
     * @return a writer on the new generation
     * @throws FeatureCacheException if another process is building this view, or the files cannot be created
     */
    public static FeatureWriter createGeneration(Path dir, FeatureView view, long expectedEntities,
                                                 WriterOptions options) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(options, "options");
        if (expectedEntities < 1 || expectedEntities > MAX_ENTITIES) {
            throw new ConfigurationException("expectedEntities must be between 1 and " + MAX_ENTITIES + ", got "
                    + expectedEntities);
        }
        ChronicleRuntime.ensureReady();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new FeatureCacheException(dir + ": cannot create the cache directory: " + e, e);
        }
        BuildLock lock = BuildLock.acquire(dir, view.name());
        try {
            long now = options.clock().getAsLong();
            // Numbered before the leftovers of killed builds are deleted, so a generation number is never reused.
            long generation = nextGeneration(dir, view.name());
            GenerationFiles.deleteUnpublished(dir, view.name());
            int averageKeyBytes = view.keyKind() == KeyKind.STRING ? options.averageIdBytes() : 8;
            Manifest m = new Manifest(view, generation, RecordLayout.recordSize(view.dimension()),
                    capacityFor(expectedEntities), averageKeyBytes, now, ProcessHandle.current().pid());
            MapHandle h = MapHandle.createNew(dir, m, now);
            LOG.info("view {}: created generation {} ({} entities capacity, schema {})", view.name(), generation,
                    m.entriesCapacity, view.fingerprintHex());
            return new FeatureWriter(dir, h, options, false, lock, now, 0L);
        } catch (RuntimeException e) {
            lock.release();
            throw e;
        }
    }

    /** Capacity with headroom: 25 % plus a small constant so tiny views are not at the edge. */
    static long capacityFor(long expectedEntities) {
        return expectedEntities + expectedEntities / 4 + 64;
    }

    private static long nextGeneration(Path dir, String viewName) {
        long max = 0;
        if (Files.exists(Manifest.path(dir, viewName))) {
            try {
                max = Manifest.read(dir, viewName).generation;
            } catch (FeatureFileException e) {
                // A corrupt manifest must not block the rebuild that replaces it; file names still give a floor.
                LOG.warn("view {}: ignoring unreadable manifest while numbering a new generation: {}", viewName,
                        e.getMessage());
            }
        }
        for (Manifest.GenerationFile f : Manifest.listGenerations(dir, viewName)) {
            max = Math.max(max, f.generation);
        }
        return max + 1;
    }

    // ------------------------------------------------------------------------------------------ upserts

    /**
     * Inserts or replaces one entity's features. Thread-safe; allocation-free after the thread's first call.
     *
     * @param id the entity id (for a long-keyed view, its decimal form)
     * @param eventTimeMillis as-of time of the features (epoch ms); readers report the entity
     *                        {@link FeatureStatus#STALE} once it is older than the view's TTL
     * @param values the features in view order
     * @param offset where feature 0 is in {@code values}
     * @return true if the entity was new, false if it replaced an existing record
     * @throws IllegalArgumentException if the id is invalid (empty, reserved, not a long for a long-keyed view)
     * @throws LockTimeoutException if the entity's segment stayed locked (a process died holding it)
     * @throws CacheFullException if the generation has no room for a new entity
     */
    public boolean upsert(CharSequence id, long eventTimeMillis, float[] values, int offset) {
        checkWritable();
        checkRoom(values, offset);
        Scratch s = scratch.get();
        long now = clock.getAsLong();
        s.record.writeHeader(eventTimeMillis, now, fingerprint, 0, dimension);
        s.record.writeValues(values, offset, dimension);
        return put(s, id, now, -1, 0, null, false) == MapHandle.INSERTED;
    }

    /**
     * Inserts or replaces one entity's features, keyed by a long id (for a string-keyed view, its decimal form is
     * used, built in a reused buffer). Thread-safe; allocation-free after the thread's first call.
     *
     * @param id the entity id; {@link Long#MIN_VALUE} is reserved
     * @param eventTimeMillis as-of time of the features (epoch ms)
     * @param values the features in view order
     * @param offset where feature 0 is in {@code values}
     * @return true if the entity was new
     * @throws IllegalArgumentException if the id is {@link Long#MIN_VALUE}
     * @throws LockTimeoutException if the entity's segment stayed locked
     * @throws CacheFullException if the generation has no room for a new entity
     */
    public boolean upsert(long id, long eventTimeMillis, float[] values, int offset) {
        checkWritable();
        checkRoom(values, offset);
        Scratch s = scratch.get();
        long now = clock.getAsLong();
        s.record.writeHeader(eventTimeMillis, now, fingerprint, 0, dimension);
        s.record.writeValues(values, offset, dimension);
        return putLong(s, id, now, -1, 0, null, false) == MapHandle.INSERTED;
    }

    /**
     * Writes every entity of a batch, in order. Each entity is atomic; the batch as a whole is not (a reader may
     * see some entities updated and others not yet; after a failure the entities before the failing one are
     * written). Thread-safe for distinct batches; allocation-free after warm-up.
     *
     * @param batch the batch; its dimension must equal the view's
     * @return how many entities were new
     * @throws LockTimeoutException or {@link CacheFullException} naming the failing entity and its batch index
     */
    public int upsert(FeatureBatch batch) {
        checkWritable();
        if (batch.dimension() != dimension) {
            throw new IllegalArgumentException("batch has " + batch.dimension() + " features per entity; view "
                    + view.name() + " has " + dimension);
        }
        Scratch s = scratch.get();
        float[] values = batch.values();
        int n = batch.size();
        int inserted = 0;
        for (int i = 0; i < n; i++) {
            long now = clock.getAsLong();
            s.record.writeHeader(batch.eventTime(i), now, fingerprint, 0, dimension);
            s.record.writeValues(values, i * dimension, dimension);
            int r = batch.isLongId(i) ? putLong(s, batch.longId(i), now, i, n, null, false)
                    : put(s, batch.stringId(i), now, i, n, null, false);
            if (r == MapHandle.INSERTED) {
                inserted++;
            }
        }
        return inserted;
    }

    /**
     * Last-writer-wins by event time, for followers of an update stream: writes the entity's features unless the
     * stored record has a <em>newer</em> event time (then nothing is written and {@link MergeOutcome#SKIPPED_OLDER}
     * is returned). An update with the same event time is written, so re-applying an update is harmless. A partial
     * update ({@code present} not null) changes only the features whose bit is set
     * ({@code (present[i >>> 6] & (1L << i)) != 0}); the others keep their stored values, or are NaN ("missing")
     * for a new entity. The stored record's event time becomes {@code eventTimeMillis}. The comparison and the write
     * happen under the entity's segment write lock, so concurrent merges of one entity are atomic. Thread-safe;
     * allocation-free after the thread's first call.
     *
     * @param id the entity id (for a long-keyed view, its decimal form)
     * @param eventTimeMillis as-of time of the update (epoch ms)
     * @param values the features in view order; entries of features not in {@code present} are ignored
     * @param offset where feature 0 is in {@code values}
     * @param present which features the update carries, one bit per feature; null means all
     * @return what happened
     * @throws IllegalArgumentException if the id is invalid, or {@code present} has fewer than
     *                                  {@code ceil(dimension / 64)} words
     * @throws LockTimeoutException if the entity's segment stayed locked (a process died holding it)
     * @throws CacheFullException if the generation has no room for a new entity
     */
    public MergeOutcome merge(CharSequence id, long eventTimeMillis, float[] values, int offset, long[] present) {
        Scratch s = mergeRecord(eventTimeMillis, values, offset, present);
        return outcome(put(s, id, s.now, -1, 0, present, true));
    }

    /**
     * {@link #merge(CharSequence, long, float[], int, long[])} keyed by a long id. Thread-safe; allocation-free
     * after the thread's first call.
     *
     * @param id the entity id; {@link Long#MIN_VALUE} is reserved
     * @param eventTimeMillis as-of time of the update (epoch ms)
     * @param values the features in view order
     * @param offset where feature 0 is in {@code values}
     * @param present which features the update carries; null means all
     * @return what happened
     * @throws IllegalArgumentException if the id is {@link Long#MIN_VALUE} or {@code present} is too short
     * @throws LockTimeoutException if the entity's segment stayed locked
     * @throws CacheFullException if the generation has no room for a new entity
     */
    public MergeOutcome merge(long id, long eventTimeMillis, float[] values, int offset, long[] present) {
        Scratch s = mergeRecord(eventTimeMillis, values, offset, present);
        return outcome(putLong(s, id, s.now, -1, 0, present, true));
    }

    /** Checks a merge's arguments and writes its record into the thread's buffer (stamped with {@code s.now}). */
    private Scratch mergeRecord(long eventTimeMillis, float[] values, int offset, long[] present) {
        checkWritable();
        checkRoom(values, offset);
        checkPresent(present);
        Scratch s = scratch.get();
        s.now = clock.getAsLong();
        s.record.writeHeader(eventTimeMillis, s.now, fingerprint, 0, dimension);
        s.record.writeValues(values, offset, dimension);
        return s;
    }

    private static MergeOutcome outcome(int r) {
        return r == MapHandle.INSERTED ? MergeOutcome.INSERTED
                : r == MapHandle.OLDER ? MergeOutcome.SKIPPED_OLDER : MergeOutcome.UPDATED;
    }

    private void checkPresent(long[] present) {
        if (present != null && present.length < (dimension + 63) >>> 6) {
            throw new IllegalArgumentException("present has " + present.length + " words; view " + view.name()
                    + " has " + dimension + " features and needs " + ((dimension + 63) >>> 6));
        }
    }

    private int put(Scratch s, CharSequence id, long now, int batchIndex, int batchSize, long[] present,
                    boolean merge) {
        int r;
        if (handle.stringMap != null) {
            String invalid = Ids.invalidStringId(id);
            if (invalid != null) {
                throw badId(invalid, id, batchIndex, batchSize);
            }
            r = write(handle.stringMap, id, s.record, id, batchIndex, batchSize, present, merge);
        } else {
            long v = Ids.parseLongId(id);
            if (v == Long.MIN_VALUE) {
                throw badId("view " + view.name() + " has long ids; \"" + id + "\" is not a decimal long other than "
                        + Long.MIN_VALUE, id, batchIndex, batchSize);
            }
            s.longKey.setValue(v);
            r = write(handle.longMap, s.longKey, s.record, id, batchIndex, batchSize, present, merge);
        }
        written(r, now);
        return r;
    }

    private int putLong(Scratch s, long id, long now, int batchIndex, int batchSize, long[] present,
                        boolean merge) {
        int r;
        if (handle.longMap != null) {
            if (id == RecordLayout.META_LONG_KEY) {
                throw badId("id " + Long.MIN_VALUE + " is reserved for the view's meta record", Long.toString(id),
                        batchIndex, batchSize);
            }
            s.longKey.setValue(id);
            r = write(handle.longMap, s.longKey, s.record, null, batchIndex, batchSize, present, merge);
        } else {
            StringBuilder sb = s.stringKey;
            sb.setLength(0);
            sb.append(id);
            r = write(handle.stringMap, sb, s.record, null, batchIndex, batchSize, present, merge);
        }
        written(r, now);
        return r;
    }

    private void written(int r, long now) {
        if (r == MapHandle.OLDER) {
            return;
        }
        if (r == MapHandle.INSERTED) {
            inserts.incrementAndGet();
        } else {
            replaces.incrementAndGet();
        }
        if (now > newestWriteMillis.get()) {
            newestWriteMillis.lazySet(now);
        }
    }

    /** @param idForMessage the id to name in errors; null means "derive from key" (cold path only) */
    private <K> int write(ChronicleMap<K, byte[]> map, K key, RecordData record,
                          CharSequence idForMessage, int batchIndex, int batchSize, long[] present, boolean merge) {
        int r;
        try {
            r = merge ? MapHandle.mergeRecord(map, key, record, present, dimension, lockNanos, writeHook)
                    : MapHandle.writeRecord(map, key, record, lockNanos, writeHook);
        } catch (IllegalStateException e) {
            if (isChronicleFull(e)) {
                throw full(e);
            }
            throw e;
        }
        if (r == MapHandle.LOCK_TIMEOUT) {
            throw lockTimeout(idForMessage != null ? idForMessage : keyText(key), batchIndex, batchSize);
        }
        return r;
    }

    private static boolean isChronicleFull(IllegalStateException e) {
        String m = e.getMessage();
        return m != null && (m.contains("extra segment tier") || m.contains("is full"));
    }

    private CacheFullException full(IllegalStateException cause) {
        return new CacheFullException("view " + view.name() + " generation " + handle.manifest.generation + " ("
                + handle.file + ") is full: " + handle.entityCount() + " entities stored, sized for "
                + handle.manifest.entriesCapacity + ". Existing entities can still be updated and readers are"
                + " unaffected. To add more entities, build a new generation with more capacity:"
                + " `hotpath cache load --view " + view.name() + " --dir " + dir + " --csv FILE` (sized from the"
                + " CSV) or FeatureWriter.createGeneration(dir, view, expectedEntities, options) with a larger"
                + " expectedEntities, then publish.", cause);
    }

    private LockTimeoutException lockTimeout(CharSequence id, int batchIndex, int batchSize) {
        return new LockTimeoutException("view " + view.name() + " generation " + handle.manifest.generation
                + ": could not lock the segment of id \"" + id + "\" within "
                + TimeUnit.NANOSECONDS.toMicros(lockNanos) + " µs" + batchContext(batchIndex, batchSize)
                + ". A process probably died while holding it (Chronicle's locks live in the shared file and are"
                + " never released). Rebuild: create a new generation, fill it, publish (e.g. `hotpath cache load"
                + " --view " + view.name() + " --dir " + dir + " --csv FILE`); readers switch to it.");
    }

    private IllegalArgumentException badId(String why, CharSequence id, int batchIndex, int batchSize) {
        return new IllegalArgumentException("invalid id \"" + id + "\" for view " + view.name() + ": " + why
                + batchContext(batchIndex, batchSize));
    }

    private static String batchContext(int batchIndex, int batchSize) {
        return batchIndex < 0 ? "" : " (batch entry " + batchIndex + " of " + batchSize
                + "; the entries before it were written)";
    }

    private static String keyText(Object key) {
        return key instanceof LongValue ? Long.toString(((LongValue) key).getValue()) : String.valueOf(key);
    }

    /**
     * Removes one entity. Thread-safe; allocation-free after the thread's first call.
     *
     * @param id the entity id (decimal form for long-keyed views)
     * @return whether it existed
     * @throws LockTimeoutException if its segment stayed locked
     */
    public boolean delete(CharSequence id) {
        checkWritable();
        Scratch s = scratch.get();
        int r;
        if (handle.stringMap != null) {
            if (Ids.invalidStringId(id) != null) {
                return false;
            }
            r = MapHandle.removeRecord(handle.stringMap, id, lockNanos);
        } else {
            long v = Ids.parseLongId(id);
            if (v == Long.MIN_VALUE) {
                return false;
            }
            s.longKey.setValue(v);
            r = MapHandle.removeRecord(handle.longMap, s.longKey, lockNanos);
        }
        return removed(r, id);
    }

    /**
     * Removes one entity by long id. Thread-safe; allocation-free after the thread's first call.
     *
     * @param id the entity id
     * @return whether it existed
     * @throws LockTimeoutException if its segment stayed locked
     */
    public boolean delete(long id) {
        checkWritable();
        Scratch s = scratch.get();
        int r;
        if (handle.longMap != null) {
            if (id == RecordLayout.META_LONG_KEY) {
                return false;
            }
            s.longKey.setValue(id);
            r = MapHandle.removeRecord(handle.longMap, s.longKey, lockNanos);
        } else {
            StringBuilder sb = s.stringKey;
            sb.setLength(0);
            sb.append(id);
            r = MapHandle.removeRecord(handle.stringMap, sb, lockNanos);
        }
        return removed(r, null);
    }

    private boolean removed(int r, CharSequence id) {
        if (r == MapHandle.LOCK_TIMEOUT) {
            throw lockTimeout(id == null ? "(long id)" : id, -1, 0);
        }
        if (r == 1) {
            deletes.incrementAndGet();
            return true;
        }
        return false;
    }

    private void checkWritable() {
        if (closed) {
            throw new FeatureCacheException("writer of view " + view.name() + " generation "
                    + handle.manifest.generation + " is closed");
        }
    }

    private void checkRoom(float[] values, int offset) {
        if (offset < 0 || offset > values.length - dimension) {
            throw new IndexOutOfBoundsException("values has " + values.length + " floats; view " + view.name()
                    + " needs " + dimension + " at offset " + offset);
        }
    }

    // ------------------------------------------------------------------------------------------ meta

    /**
     * Sets the event-time watermark reported in the meta record (the time up to which the pipeline has processed
     * its input). Written by the next heartbeat. Thread-safe; allocation-free.
     *
     * @param eventTimeMillis the watermark (epoch ms)
     */
    public void setWatermark(long eventTimeMillis) {
        this.watermarkMillis = eventTimeMillis;
    }

    /**
     * Writes the meta record now: heartbeat = now, the watermark, the newest write time. The heartbeat thread calls
     * this every interval. Thread-safe.
     *
     * @throws LockTimeoutException if the meta record's segment stays locked for 1 s
     */
    public void heartbeat() {
        checkWritable();
        writeMeta(published);
    }

    private void writeMeta(boolean publishedFlag) {
        Scratch s = scratch.get();
        handle.writeMeta(clock.getAsLong(), watermarkMillis, newestWriteMillis.get(), createdAtMillis, publishedFlag,
                s.record, s.longKey);
    }

    private void heartbeatLoop() {
        byte[] manifestBytes = null;
        String lastError = null;
        while (!closed) {
            LockSupport.parkNanos(heartbeatIntervalNanos);
            if (closed) {
                break;
            }
            try {
                heartbeat();
                if (published && !superseded) {
                    byte[] bytes = Manifest.readBytes(dir, view.name());
                    if (bytes != null && !Arrays.equals(bytes, manifestBytes)) {
                        manifestBytes = bytes;
                        Manifest m = Manifest.parse(bytes, dir, view.name());
                        if (m.generation != handle.manifest.generation) {
                            superseded = true;
                            LOG.warn("view {}: generation {} was superseded by generation {}; this writer's updates"
                                    + " are no longer served. Open a writer on the new generation.", view.name(),
                                    handle.manifest.generation, m.generation);
                        }
                    }
                }
                lastError = null;
            } catch (Throwable t) {
                // Loop boundary: count, log once per distinct problem, keep beating.
                heartbeatErrors.incrementAndGet();
                String msg = String.valueOf(t.getMessage());
                if (!msg.equals(lastError)) {
                    LOG.warn("view {}: heartbeat failed: {}", view.name(), msg, t);
                }
                lastError = msg;
            }
        }
    }

    // ------------------------------------------------------------------------------------------ publish / close

    /**
     * Publishes this (new) generation: writes its meta record (marked published), then atomically replaces the
     * view's manifest so readers switch to it; keeps the {@link WriterOptions#retainedGenerations()} newest
     * generations the outgoing manifest lists as published, deletes every other older generation file, and
     * releases the build lock. The writer stays open on the now-current generation. Thread-safe; cold path.
     *
     * @throws FeatureCacheException if this generation was already published, or a newer one was published
     *                               meanwhile
     */
    public synchronized void publish() {
        checkWritable();
        if (published) {
            throw new FeatureCacheException("generation " + handle.manifest.generation + " of view " + view.name()
                    + " is already published");
        }
        Path manifestPath = Manifest.path(dir, view.name());
        Manifest outgoing = null;
        if (Files.exists(manifestPath)) {
            try {
                outgoing = Manifest.read(dir, view.name());
                if (outgoing.generation >= handle.manifest.generation) {
                    throw new FeatureCacheException("view " + view.name() + ": generation " + outgoing.generation
                            + " was published while generation " + handle.manifest.generation + " was built;"
                            + " refusing to roll back");
                }
            } catch (FeatureFileException e) {
                LOG.warn("view {}: replacing unreadable manifest: {}", view.name(), e.getMessage());
            }
        }
        // Only generations a manifest listed as published are kept, never a leftover of a killed build.
        List<String> kept = GenerationFiles.keptAfter(dir, outgoing, retainedGenerations);
        // Marked published before the flip: if the manifest is lost later, `cache repair` finds this generation.
        writeMeta(true);
        try {
            handle.manifest.withPreviousFiles(kept).writeAtomically(dir);
        } catch (RuntimeException e) {
            try {
                writeMeta(false);
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        published = true;
        LOG.info("view {}: published generation {} ({} entities, {})", view.name(), handle.manifest.generation,
                handle.entityCount(), handle.manifest.fileName);
        if (outgoing != null) {
            // Without a readable outgoing manifest it is unknown what was published (the files may be a view whose
            // manifest was lost): delete nothing now; the next publish cleans up.
            GenerationFiles.deleteSuperseded(dir, view.name(), handle.manifest.generation, kept);
        }
        buildLock.release();
        buildLock = null;
    }

    /** @return whether this writer's generation has been published (always true for {@link #open}) */
    public boolean isPublished() {
        return published;
    }

    /**
     * @return whether another generation of the view was published after this writer's (noticed by the heartbeat,
     *         so up to one heartbeat interval late): this writer's updates are then no longer served. Allocation-free.
     */
    public boolean isSuperseded() {
        return superseded;
    }

    /** @return the definition this generation follows */
    public FeatureView view() {
        return view;
    }

    /** @return this writer's generation number */
    public long generation() {
        return handle.manifest.generation;
    }

    /** @return the generation's map file */
    public Path file() {
        return handle.file;
    }

    /**
     * @return a snapshot of entries, capacity, free space and counters. Cold path.
     */
    public WriterStats stats() {
        return new WriterStats(view.name(), handle.manifest.generation, handle.manifest.fileName,
                handle.entityCount(), handle.manifest.entriesCapacity, handle.fileSizeBytes(),
                handle.percentageFreeSpace(), handle.remainingAutoResizes(), inserts.get(), replaces.get(),
                deletes.get(), heartbeatErrors.get(), published, superseded);
    }

    /** Test-only fault injection: runs while a record's segment lock is held, just after the record is written. */
    void writeHookForTesting(MapHandle.WriteHook hook) {
        this.writeHook = hook;
    }

    /** Test-only access to the underlying map. */
    MapHandle handleForTesting() {
        return handle;
    }

    /**
     * Stops the heartbeat, writes a final heartbeat (published generations) and closes the map. An unpublished
     * generation is abandoned: its file is deleted and the build lock released. Call after all writes finished.
     * Idempotent; thread-safe.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (published) {
            try {
                heartbeat();
            } catch (RuntimeException e) {
                LOG.warn("view {}: final heartbeat failed: {}", view.name(), e.toString());
            }
        }
        closed = true;
        if (heartbeatThread != null) {
            LockSupport.unpark(heartbeatThread);
            try {
                heartbeatThread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            handle.close();
        } finally {
            if (!published) {
                try {
                    Files.deleteIfExists(handle.file);
                } catch (IOException e) {
                    LOG.warn("view {}: cannot delete abandoned generation file {}: {}", view.name(), handle.file,
                            e.toString());
                }
                if (buildLock != null) {
                    buildLock.release();
                    buildLock = null;
                }
            }
        }
    }

    /** Per-thread buffers; one per writer per thread. */
    private static final class Scratch {
        final RecordData record;
        final StringBuilder stringKey = new StringBuilder(24);
        final LongValue longKey = MapHandle.newLongKey();
        /** The write time of the merge being prepared. */
        long now;

        Scratch(int recordSize) {
            this.record = new RecordData(recordSize);
        }
    }
}
