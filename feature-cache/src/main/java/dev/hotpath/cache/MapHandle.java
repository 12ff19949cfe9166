package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureStatus;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.core.Memory;
import net.openhft.chronicle.core.UnsafeMemory;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.VanillaChronicleMap;
import net.openhft.chronicle.values.Values;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One open, validated Chronicle Map file of one generation, plus the record-level operations on it. Exactly one of
 * {@link #stringMap} / {@link #longMap} is non-null, by the view's {@link KeyKind}.
 *
 * <p>Thread-safe (Chronicle maps are); the static record operations allocate nothing. Opening, validating and the
 * meta operations are cold paths.
 */
final class MapHandle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MapHandle.class);
    /** Segments at least this many: a dead process's lock then blocks at most 1/16 of a view's entities. */
    static final int MIN_SEGMENTS = 16;
    /** Bound on lock waits of cold-path operations (open validation, meta updates). */
    static final long COLD_LOCK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Results of {@link #writeRecord}. */
    static final int INSERTED = 1;
    static final int REPLACED = 0;
    static final int LOCK_TIMEOUT = -1;
    /** Result of {@link #mergeRecord}: not written, the stored record has a newer event time. */
    static final int OLDER = 2;
    private static final int NAN_BITS = Float.floatToRawIntBits(Float.NaN);

    final Manifest manifest;
    final Path file;
    final ChronicleMap<CharSequence, byte[]> stringMap;
    final ChronicleMap<LongValue, byte[]> longMap;
    /** Set when validation found the meta record's segment locked by a dead process. */
    boolean metaLocked;
    /** Largest size the file was seen with; a file that is smaller now was truncated (they never shrink). */
    private long largestSizeSeen;

    private MapHandle(Manifest manifest, Path file, ChronicleMap<CharSequence, byte[]> stringMap,
                      ChronicleMap<LongValue, byte[]> longMap) {
        this.manifest = manifest;
        this.file = file;
        this.stringMap = stringMap;
        this.longMap = longMap;
    }

    // ------------------------------------------------------------------------------------------ open / create

    private static <K> ChronicleMapBuilder<K, byte[]> builder(Class<K> keyClass, Manifest m) {
        ChronicleMapBuilder<K, byte[]> b = ChronicleMap.of(keyClass, byte[].class)
                .name(m.view.name() + "#" + m.generation)
                .entries(m.entriesCapacity)
                .constantValueSizeBySample(new byte[m.recordSize])
                .minSegments(MIN_SEGMENTS)
                .putReturnsNull(true)
                .removeReturnsNull(true)
                // Rebuild-and-swap instead of recovery: per-entry checksums are only checked by recovery.
                .checksumEntries(false)
                // Hotpath closes maps itself, after in-flight reads; a JVM hook could unmap under running threads.
                .skipCloseOnExitHook(true);
        if (keyClass == CharSequence.class) {
            b.averageKeySize(m.averageKeyBytes);
        }
        return b;
    }

    /**
     * Opens the generation file a manifest names and validates it against the manifest.
     *
     * @throws FeatureFileException if the file is missing, not a Chronicle Map, or does not match the manifest
     */
    static MapHandle openExisting(Path dir, Manifest m) {
        Path file = m.file(dir);
        try {
            if (!Files.isRegularFile(file) || Files.size(file) == 0) {
                throw new FeatureFileException(file + ": generation file named by manifest "
                        + Manifest.path(dir, m.view.name()) + " is missing or empty");
            }
        } catch (IOException e) {
            throw new FeatureFileException(file + ": cannot stat generation file: " + e, e);
        }
        MapHandle h = open(file, m, false);
        try {
            h.validate();
            h.largestSizeSeen = h.fileSizeBytes();
            return h;
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
    }

    /**
     * Creates a new, empty generation file and writes its meta record.
     *
     * @throws FeatureCacheException if the file exists already or cannot be created
     */
    static MapHandle createNew(Path dir, Manifest m, long nowMillis) {
        Path file = m.file(dir);
        if (Files.exists(file)) {
            throw new FeatureCacheException(file + ": generation file exists already; refusing to reuse it");
        }
        MapHandle h;
        try {
            h = open(file, m, true);
        } catch (RuntimeException e) {
            // E.g. no space for Chronicle's pre-allocation: it sized the file already, so delete what it left.
            deleteQuietly(file, e);
            throw e;
        }
        try {
            h.writeMeta(nowMillis, 0L, 0L, nowMillis, false, new RecordData(m.recordSize), newLongKey());
            h.validate();
            return h;
        } catch (RuntimeException e) {
            h.close();
            deleteQuietly(file, e);
            throw e;
        }
    }

    private static void deleteQuietly(Path file, RuntimeException failure) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static MapHandle open(Path file, Manifest m, boolean create) {
        ChronicleRuntime.ensureReady();
        String verb = create ? "create" : "open";
        try {
            if (m.view.keyKind() == KeyKind.STRING) {
                return new MapHandle(m, file, builder(CharSequence.class, m).createPersistedTo(file.toFile()), null);
            }
            return new MapHandle(m, file, null, builder(LongValue.class, m).createPersistedTo(file.toFile()));
        } catch (IOException | RuntimeException e) {
            String why = String.valueOf(e.getMessage());
            if (why.contains("Read-only file system") || why.contains("Permission denied")) {
                // Chronicle maps every file read-write, readers included, so this is what a read-only cache looks like.
                throw new FeatureFileException(file + ": cannot " + verb + " Chronicle Map file: it is not writable by"
                        + " this process (" + (why.contains("Read-only") ? "read-only file system" : "permission denied")
                        + "). Chronicle Map maps view files read-write even to read them: give the process write"
                        + " access to " + file.getParent() + " and its files", e);
            }
            if (create && (why.contains("Not enough space") || why.contains("No space left"))) {
                throw new FeatureCacheException(file + ": not enough space in " + file.getParent() + " for generation "
                        + m.generation + " of view " + m.view.name() + " (" + why + "). Nothing was left behind and the"
                        + " published generation keeps being served; free space there, or size the view for fewer"
                        + " entities.", e);
            }
            throw new FeatureFileException(file + ": cannot " + verb + " Chronicle Map file: " + e, e);
        }
    }

    /**
     * Chronicle silently adopts an existing file's header whatever the builder says, so check that the file really
     * is what the manifest describes: key class, value class, constant value size, and the meta record's schema
     * fingerprint, generation and dimension.
     */
    private void validate() {
        ChronicleMap<?, byte[]> map = map();
        Class<?> expectedKey = manifest.view.keyKind() == KeyKind.STRING ? CharSequence.class : LongValue.class;
        if (map.keyClass() != expectedKey) {
            throw mismatch("key class " + map.keyClass().getName() + ", expected " + expectedKey.getName());
        }
        if (map.valueClass() != byte[].class) {
            throw mismatch("value class " + map.valueClass().getName() + ", expected byte[]");
        }
        if (map instanceof VanillaChronicleMap) {
            VanillaChronicleMap<?, ?, ?> v = (VanillaChronicleMap<?, ?, ?>) map;
            long min = v.valueSizeMarshaller.minStorableSize();
            long max = v.valueSizeMarshaller.maxStorableSize();
            if (min != manifest.recordSize || max != manifest.recordSize) {
                throw mismatch("value size " + min + ".." + max + " bytes, expected a constant " + manifest.recordSize);
            }
        }
        Meta meta;
        try {
            meta = readMeta();
        } catch (LockTimeoutException e) {
            // A process died holding the meta record's segment lock. Refusing the file would take down the other
            // segments too; every data record carries the fingerprint and dimension, which reads check anyway.
            LOG.warn("{}: meta record unreadable (segment lock held, probably by a dead process); schema is"
                    + " checked per record only. Rebuild this generation.", file);
            metaLocked = true;
            return;
        }
        if (meta == null) {
            throw mismatch("no meta record (not a generation file written by Hotpath, or its build did not finish)");
        }
        if (meta.fingerprint != manifest.view.fingerprint()) {
            throw mismatch(String.format("schema fingerprint %08x in the meta record, expected %s", meta.fingerprint,
                    manifest.view.fingerprintHex()));
        }
        if (meta.generation != manifest.generation) {
            throw mismatch("generation " + meta.generation + " in the meta record, expected " + manifest.generation);
        }
        if (meta.featureCount != manifest.view.dimension() || meta.layoutVersion != RecordLayout.LAYOUT_VERSION) {
            throw mismatch(meta.featureCount + " features / layout " + meta.layoutVersion + " in the meta record,"
                    + " expected " + manifest.view.dimension() + " / " + RecordLayout.LAYOUT_VERSION);
        }
    }

    private FeatureFileException mismatch(String what) {
        return new FeatureFileException(file + ": does not match manifest " + Manifest.path(file.getParent(),
                manifest.view.name()) + ": " + what);
    }

    ChronicleMap<?, byte[]> map() {
        return stringMap != null ? stringMap : longMap;
    }

    static LongValue newLongKey() {
        return Values.newHeapInstance(LongValue.class);
    }

    // ------------------------------------------------------------------------------------------ hot path

    /**
     * Reads one data record into {@code dst} under the segment's read lock, bounded by {@code lockNanos}. Values
     * are copied only for {@link FeatureStatus#PRESENT}; the caller fills defaults for every other status.
     * Allocation-free.
     *
     * @param times null on the request path; else receives event time, write time (cold-path lookups)
     */
    static <K> FeatureStatus readRecord(ChronicleMap<K, byte[]> map, K key, long lockNanos, int fingerprint,
                                     int dimension, int recordSize, long ttlMillis, LongSupplier clock,
                                     float[] dst, int offset, long[] times) {
        try (ExternalMapQueryContext<K, byte[], ?> c = map.queryContext(key)) {
            // Chronicle's timed read lock gives up as soon as its deadline has passed, also when the thread was merely
            // descheduled after a lost CAS race with another reader: one more immediate attempt turns that into a
            // read, while a lock really held or awaited by a writer still fails at once.
            if (!c.readLock().tryLock(lockNanos, TimeUnit.NANOSECONDS) && !c.readLock().tryLock()) {
                return FeatureStatus.LOCK_TIMEOUT;
            }
            MapEntry<K, byte[]> e = c.entry();
            if (e == null) {
                return FeatureStatus.NOT_FOUND;
            }
            Data<byte[]> d = e.value();
            RandomDataInput in = d.bytes();
            long o = d.offset();
            if (d.size() != recordSize) {
                return FeatureStatus.SCHEMA_MISMATCH;
            }
            int flags = in.readUnsignedShort(o + RecordLayout.FLAGS);
            if ((flags & RecordLayout.FLAG_META) != 0) {
                return FeatureStatus.NOT_FOUND;
            }
            if (flags != 0 || in.readInt(o + RecordLayout.FINGERPRINT) != fingerprint
                    || in.readUnsignedShort(o + RecordLayout.FEATURE_COUNT) != dimension) {
                return FeatureStatus.SCHEMA_MISMATCH;
            }
            long eventTime = in.readLong(o + RecordLayout.EVENT_TIME);
            if (times != null) {
                times[0] = eventTime;
                times[1] = in.readLong(o + RecordLayout.WRITE_TIME);
            }
            if (clock.getAsLong() - eventTime > ttlMillis) {
                return FeatureStatus.STALE;
            }
            // Copy while the read lock is held: a view of the entry kept past the context would tear.
            copyValues(in, o + RecordLayout.VALUES, dimension, dst, offset);
            return FeatureStatus.PRESENT;
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return FeatureStatus.LOCK_TIMEOUT;
        }
    }

    /**
     * Copies {@code dimension} floats at {@code in[v..]} to {@code dst[offset..]}. The values are native-order floats,
     * the byte image of a {@code float[]}, so on a little-endian host with the entry in native memory (a mapped
     * file: always, for these maps) one memory copy does it; measured on 200 features: a per-float
     * {@code readFloat} loop (each call bounds-checked) was most of a read's cost. The range is in bounds: the caller
     * checked the entry's size against the record layout and {@code dst}'s room for {@code dimension} floats.
     */
    static void copyValues(RandomDataInput in, long v, int dimension, float[] dst, int offset) {
        if (BULK_COPY && in.isDirectMemory()) {
            MEMORY.copyMemory(in.addressForRead(v, dimension << 2), dst, FLOAT_BASE + 4L * offset, dimension << 2);
            return;
        }
        for (int i = 0; i < dimension; i++) {
            dst[offset + i] = in.readFloat(v + 4L * i);
        }
    }

    /** Whether {@link #copyValues} may copy raw memory; the per-float path is kept for big-endian hosts. */
    static final boolean BULK_COPY = UnsafeMemory.IS_LITTLE_ENDIAN;
    private static final Memory MEMORY = UnsafeMemory.MEMORY;
    private static final long FLOAT_BASE = MEMORY.arrayBaseOffset(float[].class);

    /**
     * Inserts or replaces one record under the segment's write lock, bounded by {@code lockNanos}.
     * Allocation-free.
     *
     * @return {@link #INSERTED}, {@link #REPLACED} or {@link #LOCK_TIMEOUT}
     * @throws IllegalStateException Chronicle's error when the map is full (translated by the caller)
     */
    static <K> int writeRecord(ChronicleMap<K, byte[]> map, K key, RecordData record, long lockNanos,
                               WriteHook hook) {
        try (ExternalMapQueryContext<K, byte[], ?> c = map.queryContext(key)) {
            if (!c.writeLock().tryLock(lockNanos, TimeUnit.NANOSECONDS)) {
                return LOCK_TIMEOUT;
            }
            return store(c, c.entry(), record, hook);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return LOCK_TIMEOUT;
        }
    }

    /** Replaces {@code e} or inserts the record, with the segment's write lock held; runs the test hook. */
    private static <K> int store(ExternalMapQueryContext<K, byte[], ?> c, MapEntry<K, byte[]> e, RecordData record,
                                 WriteHook hook) {
        int result;
        if (e != null) {
            e.doReplaceValue(record);
            result = REPLACED;
        } else {
            c.absentEntry().doInsert(record);
            result = INSERTED;
        }
        if (hook != null) {
            hook.whileLocked();
        }
        return result;
    }

    /**
     * Last-writer-wins by event time: under the segment's write lock, writes {@code record} unless the stored record
     * (of the same schema) has a newer event time. Features whose bit in {@code present} is clear are first filled in
     * {@code record} from the stored record, bit for bit (NaN if there is none); {@code present == null} writes the
     * record as it is. Allocation-free.
     *
     * @return {@link #INSERTED}, {@link #REPLACED}, {@link #OLDER} or {@link #LOCK_TIMEOUT}
     * @throws IllegalStateException Chronicle's error when the map is full (translated by the caller)
     */
    static <K> int mergeRecord(ChronicleMap<K, byte[]> map, K key, RecordData record, long[] present, int dimension,
                               long lockNanos, WriteHook hook) {
        try (ExternalMapQueryContext<K, byte[], ?> c = map.queryContext(key)) {
            if (!c.writeLock().tryLock(lockNanos, TimeUnit.NANOSECONDS)) {
                return LOCK_TIMEOUT;
            }
            MapEntry<K, byte[]> e = c.entry();
            RandomDataInput in = null;
            long o = 0;
            if (e != null) {
                Data<byte[]> d = e.value();
                RandomDataInput stored = d.bytes();
                long so = d.offset();
                RandomDataInput recordBytes = record.bytes();
                // Only a data record of this schema takes part; anything else is replaced whole.
                if (d.size() == record.size()
                        && stored.readUnsignedShort(so + RecordLayout.FLAGS) == 0
                        && stored.readInt(so + RecordLayout.FINGERPRINT)
                            == recordBytes.readInt(RecordLayout.FINGERPRINT)
                        && stored.readUnsignedShort(so + RecordLayout.FEATURE_COUNT) == dimension) {
                    if (stored.readLong(so + RecordLayout.EVENT_TIME) > record.eventTime()) {
                        return OLDER;
                    }
                    in = stored;
                    o = so;
                }
            }
            if (present != null) {
                for (int i = 0; i < dimension; i++) {
                    if ((present[i >>> 6] & (1L << i)) == 0) {
                        record.writeValueBits(i, in == null ? NAN_BITS : in.readInt(o + RecordLayout.VALUES + 4L * i));
                    }
                }
            }
            return store(c, e, record, hook);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return LOCK_TIMEOUT;
        }
    }

    /**
     * Removes one record under the segment's write lock, bounded by {@code lockNanos}. Allocation-free.
     *
     * @return 1 removed, 0 absent, {@link #LOCK_TIMEOUT}
     */
    static <K> int removeRecord(ChronicleMap<K, byte[]> map, K key, long lockNanos) {
        try (ExternalMapQueryContext<K, byte[], ?> c = map.queryContext(key)) {
            if (!c.writeLock().tryLock(lockNanos, TimeUnit.NANOSECONDS)) {
                return LOCK_TIMEOUT;
            }
            MapEntry<K, byte[]> e = c.entry();
            if (e == null) {
                return 0;
            }
            if ((e.value().bytes().readUnsignedShort(e.value().offset() + RecordLayout.FLAGS)
                    & RecordLayout.FLAG_META) != 0) {
                return 0;
            }
            c.remove(e);
            return 1;
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return LOCK_TIMEOUT;
        }
    }

    /** Fault-injection point for crash tests: runs after a record is written, before its lock is released. */
    interface WriteHook {
        void whileLocked();
    }

    // ------------------------------------------------------------------------------------------ meta record

    /** A decoded meta record. Immutable. */
    static final class Meta {
        final long watermarkMillis;
        final long heartbeatMillis;
        final int fingerprint;
        final int featureCount;
        final long generation;
        final long newestWriteMillis;
        final long writerPid;
        final long createdAtMillis;
        final int layoutVersion;
        /** Whether the meta record carries {@link RecordLayout#FLAG_PUBLISHED}. */
        final boolean published;
        /** The capacity the generation was created for; 0 if the file predates the field. */
        final long entriesCapacity;

        Meta(RandomDataInput in, long o) {
            published = (in.readUnsignedShort(o + RecordLayout.FLAGS) & RecordLayout.FLAG_PUBLISHED) != 0;
            watermarkMillis = in.readLong(o + RecordLayout.META_WATERMARK);
            heartbeatMillis = in.readLong(o + RecordLayout.META_HEARTBEAT);
            fingerprint = in.readInt(o + RecordLayout.FINGERPRINT);
            featureCount = in.readUnsignedShort(o + RecordLayout.FEATURE_COUNT);
            generation = in.readLong(o + RecordLayout.META_GENERATION);
            newestWriteMillis = in.readLong(o + RecordLayout.META_NEWEST_WRITE);
            writerPid = in.readLong(o + RecordLayout.META_WRITER_PID);
            createdAtMillis = in.readLong(o + RecordLayout.META_CREATED_AT);
            layoutVersion = in.readInt(o + RecordLayout.META_LAYOUT_VERSION);
            entriesCapacity = in.readInt(o + RecordLayout.META_ENTRIES_CAPACITY) & 0xFFFF_FFFFL;
        }
    }

    /**
     * @return the meta record, or null if absent
     * @throws FeatureCacheException if its segment stays locked (a process died holding it)
     */
    Meta readMeta() {
        return stringMap != null ? readMeta(stringMap, RecordLayout.META_STRING_KEY) : readMetaLong();
    }

    private Meta readMetaLong() {
        LongValue k = newLongKey();
        k.setValue(RecordLayout.META_LONG_KEY);
        return readMeta(longMap, k);
    }

    private <K> Meta readMeta(ChronicleMap<K, byte[]> map, K key) {
        try (ExternalMapQueryContext<K, byte[], ?> c = map.queryContext(key)) {
            if (!c.readLock().tryLock(COLD_LOCK_TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
                throw new LockTimeoutException(file + ": the meta record's segment stayed locked for 1 s; a process"
                        + " may have died holding it. Build and publish a new generation.");
            }
            MapEntry<K, byte[]> e = c.entry();
            if (e == null) {
                return null;
            }
            Data<byte[]> d = e.value();
            if (d.size() != manifest.recordSize
                    || (d.bytes().readUnsignedShort(d.offset() + RecordLayout.FLAGS) & RecordLayout.FLAG_META) == 0) {
                return null;
            }
            return new Meta(d.bytes(), d.offset());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new FeatureCacheException(file + ": interrupted while reading the meta record");
        }
    }

    /**
     * Writes the meta record. Cold path (heartbeat interval); uses the caller's thread-confined buffers.
     */
    void writeMeta(long heartbeatMillis, long watermarkMillis, long newestWriteMillis, long createdAtMillis,
                   boolean published, RecordData rec, LongValue longKey) {
        rec.writeHeader(watermarkMillis, heartbeatMillis, manifest.view.fingerprint(),
                RecordLayout.FLAG_META | (published ? RecordLayout.FLAG_PUBLISHED : 0), manifest.view.dimension());
        rec.writeLong(RecordLayout.META_GENERATION, manifest.generation);
        rec.writeLong(RecordLayout.META_NEWEST_WRITE, newestWriteMillis);
        rec.writeLong(RecordLayout.META_WRITER_PID, ProcessHandle.current().pid());
        rec.writeLong(RecordLayout.META_CREATED_AT, createdAtMillis);
        rec.writeInt(RecordLayout.META_LAYOUT_VERSION, RecordLayout.LAYOUT_VERSION);
        // Unsigned 32 bits hold every capacity FeatureWriter creates (at most 2.5 billion).
        rec.writeInt(RecordLayout.META_ENTRIES_CAPACITY, (int) Math.min(manifest.entriesCapacity, 0xFFFF_FFFFL));
        int r;
        if (stringMap != null) {
            r = writeRecord(stringMap, RecordLayout.META_STRING_KEY, rec, COLD_LOCK_TIMEOUT_NANOS, null);
        } else {
            longKey.setValue(RecordLayout.META_LONG_KEY);
            r = writeRecord(longMap, longKey, rec, COLD_LOCK_TIMEOUT_NANOS, null);
        }
        if (r == LOCK_TIMEOUT) {
            throw new LockTimeoutException(file + ": the meta record's segment stayed locked for 1 s; a process may"
                    + " have died holding it. Build and publish a new generation.");
        }
    }

    // ------------------------------------------------------------------------------------------ stats

    /** @return entities stored (excluding the meta record) */
    long entityCount() {
        return Math.max(0, map().longSize() - 1);
    }

    /**
     * Checks whether the file was truncated since it was opened. Cold path (one {@code stat}); not thread-safe (the
     * reader's refresher calls it under its lock).
     *
     * @return {@code {largest size seen, size now}} if the file is shorter than it was, else null (also when the
     *         file was deleted: a process mapping a deleted file keeps working)
     */
    long[] truncation() {
        long size = fileSizeBytes();
        if (size < 0) {
            return null;
        }
        if (size < largestSizeSeen) {
            return new long[] {largestSizeSeen, size};
        }
        largestSizeSeen = size;
        return null;
    }

    /** @return the file's size in bytes, or -1 if it cannot be read */
    long fileSizeBytes() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    short percentageFreeSpace() {
        return map().percentageFreeSpace();
    }

    int remainingAutoResizes() {
        return map().remainingAutoResizes();
    }

    @Override
    public void close() {
        map().close();
    }
}
