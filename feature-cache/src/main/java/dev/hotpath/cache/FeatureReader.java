package dev.hotpath.cache;

import dev.hotpath.scoring.concurrent.InFlightGuard;
import dev.hotpath.scoring.scorer.FeatureSource;
import dev.hotpath.scoring.scorer.FeatureStatus;
import dev.hotpath.scoring.scorer.ViewHealth;
import net.openhft.chronicle.core.values.LongValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Reads one feature view on the request path: copies an entity's features into the caller's array, allocation-free,
 * with a bounded lock wait, and says how much to trust them with a {@link FeatureStatus}. A reader pinned to a
 * definition is the {@link dev.hotpath.scoring.scorer.Scorer}'s {@link FeatureSource} for its view: pass it to
 * {@code Scorer.Builder.featureSource(reader)}.
 *
 * <p><b>Usage.</b> Open once at start-up (the first Chronicle map opened in a JVM takes a few seconds, later ones
 * about 100 ms), share the instance between all request threads, close at shutdown after scoring has stopped:
 * <pre>{@code
 * FeatureReader cards = FeatureReader.open(dir, cardView);           // pinned to the model's definition
 * float[] row = new float[cardView.dimension()];                     // per request thread, reused
 * FeatureStatus s = cards.read(cardFingerprint, row, 0);                // PRESENT, or defaults + why
 * }</pre>
 *
 * <p><b>Two modes.</b> {@link #open(Path, FeatureView, ReaderOptions) Pinned} to a definition (what a model needs):
 * if the view's published definition has another schema fingerprint, every read returns
 * {@link FeatureStatus#SCHEMA_MISMATCH} with this definition's defaults; if it matches, reads are served.
 * {@link #open(Path, String, ReaderOptions) Following} the manifest: the reader adopts whatever definition is
 * published, so {@link #view()} and {@link #dimension()} can change after a schema change; size {@code dst} for
 * the largest definition you accept (tools, generic consumers).
 *
 * <p><b>Generations.</b> A background thread (or {@link #refresh()}) notices a new manifest, opens and validates the
 * new generation, switches to it, and closes the old map only after reads in flight on it have finished. No read
 * fails because of a switch. A generation whose file turns out damaged (truncated under the mapping: a read faults,
 * or the refresher, which checks the file's size every 50 ms, sees it shrink) is taken out of service: reads return
 * {@link FeatureStatus#UNAVAILABLE} with defaults, without touching the file, until a valid generation is published.
 * Reads racing the truncation before it is noticed may fault, and the JVM reports that fault asynchronously (an
 * {@link InternalError} that can surface in the calling thread after the read returned); see the module README.
 *
 * <p><b>Thread-safety and allocation.</b> Thread-safe. {@link #read(CharSequence, float[], int)} and
 * {@link #read(long, float[], int)} allocate nothing for every status once the calling thread has made its first
 * read (which creates the thread's key holder), and never throw for data problems; they throw only
 * {@link IndexOutOfBoundsException} when {@code dst} has no room for {@link #dimension()} floats at
 * {@code offset}. Everything else is a cold path.
 *
 * <p><b>Counting.</b> A read returns its status and counts nothing: the caller decides what a status means, and the
 * {@code Scorer} counts every view read by status in one place (its metrics). The reader counts only its own
 * failures ({@link ReaderStats#readErrors()}) and generation switches.
 */
public final class FeatureReader implements FeatureSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureReader.class);
    private static final long RETIRE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How often the refresher checks that the served file did not shrink (between refreshes). */
    static final long DAMAGE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Read failures are logged at most once per this interval (with the count since the last report). */
    static final long ERROR_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final AtomicReferenceFieldUpdater<FeatureReader, Generation> CURRENT =
            AtomicReferenceFieldUpdater.newUpdater(FeatureReader.class, Generation.class, "current");
    private static final AtomicLongFieldUpdater<FeatureReader> NEXT_ERROR_LOG =
            AtomicLongFieldUpdater.newUpdater(FeatureReader.class, "nextErrorLogNanos");

    private final Path dir;
    private final String viewName;
    private final FeatureView pinned;
    private final long lockNanos;
    private final long refreshIntervalNanos;
    private final LongSupplier clock;
    private final ThreadLocal<Scratch> scratch;
    private final AtomicLong readErrors = new AtomicLong();
    private final AtomicLong refreshErrors = new AtomicLong();
    private final AtomicLong switches = new AtomicLong();
    private volatile Generation current;
    private volatile long nextErrorLogNanos = System.nanoTime();
    /** Read failures already reported in the log; written only by the thread that won {@link #NEXT_ERROR_LOG}. */
    private long errorsLogged;
    private volatile String lastRefreshError;
    private volatile boolean closed;

    private final Object refreshLock = new Object();
    /** Guarded by refreshLock: the manifest bytes last acted on. */
    private byte[] manifestBytes;
    /** Guarded by refreshLock: switched-away generations whose maps are not closed yet. */
    private final List<Generation> retiring = new ArrayList<>();
    private final Thread refresher;

    private FeatureReader(Path dir, String viewName, FeatureView pinned, ReaderOptions options) {
        this.dir = dir;
        this.viewName = viewName;
        this.pinned = pinned;
        this.lockNanos = options.readLockTimeoutNanos();
        this.refreshIntervalNanos = options.refreshIntervalNanos();
        this.clock = options.clock();
        this.scratch = ThreadLocal.withInitial(Scratch::new);

        synchronized (refreshLock) {
            for (int attempt = 1; ; attempt++) {
                byte[] bytes = Manifest.readBytes(dir, viewName);
                Manifest m = bytes == null ? Manifest.read(dir, viewName) : Manifest.parse(bytes, dir, viewName);
                try {
                    this.current = openGeneration(m);
                    this.manifestBytes = bytes;
                    break;
                } catch (FeatureFileException e) {
                    // A publish between reading the manifest and opening its file may have pruned that file; if
                    // the manifest moved on, open the new generation instead of failing the service's start-up.
                    if (attempt >= 3 || Arrays.equals(bytes, Manifest.readBytes(dir, viewName))) {
                        throw e;
                    }
                    LOG.info("view {}: generation {} went away while opening; retrying with the new manifest",
                            viewName, m.generation);
                }
            }
        }
        if (refreshIntervalNanos > 0) {
            refresher = new Thread(this::refreshLoop, "hotpath-feature-refresh-" + viewName);
            refresher.setDaemon(true);
            refresher.start();
        } else {
            refresher = null;
        }
    }

    /**
     * Opens a reader pinned to a definition (the one a model was trained with). Reads are served while the
     * published definition has the same fingerprint, and return {@link FeatureStatus#SCHEMA_MISMATCH} with this
     * definition's defaults while it does not.
     *
     * @param dir the cache directory
     * @param expected the definition the caller expects; its name selects the view
     * @param options reader options
     * @return an open reader; close it at shutdown
     * @throws FeatureFileException if the manifest or the generation file is missing or corrupt
     * @throws dev.hotpath.scoring.ConfigurationException if the JVM lacks the Chronicle flags
     */
    public static FeatureReader open(Path dir, FeatureView expected, ReaderOptions options) {
        Objects.requireNonNull(expected, "expected");
        ChronicleRuntime.ensureReady();
        return new FeatureReader(Objects.requireNonNull(dir, "dir"), expected.name(), expected,
                Objects.requireNonNull(options, "options"));
    }

    /**
     * {@link #open(Path, FeatureView, ReaderOptions)} with {@link ReaderOptions#defaults()}.
     *
     * @param dir the cache directory
     * @param expected the definition the caller expects
     * @return an open reader
     */
    public static FeatureReader open(Path dir, FeatureView expected) {
        return open(dir, expected, ReaderOptions.defaults());
    }

    /**
     * Opens a reader pinned to the definition published now: what a {@code Scorer} needs when the service does not
     * ship the view definition itself. A later schema change then reads as {@link FeatureStatus#SCHEMA_MISMATCH} with
     * defaults (never as misplaced features) until the service is restarted or rebuilt with the new definition.
     *
     * @param dir the cache directory
     * @param viewName the view
     * @return an open, pinned reader; close it at shutdown
     * @throws FeatureFileException if the manifest or the generation file is missing or corrupt
     * @throws dev.hotpath.scoring.ConfigurationException if the JVM lacks the Chronicle flags
     */
    public static FeatureReader openPinnedToCurrent(Path dir, String viewName) {
        Objects.requireNonNull(viewName, "viewName");
        ChronicleRuntime.ensureReady();
        return open(dir, Manifest.read(Objects.requireNonNull(dir, "dir"), viewName).view);
    }

    /**
     * Opens a reader that follows the view's manifest, adopting whatever definition is published.
     *
     * @param dir the cache directory
     * @param viewName the view
     * @param options reader options
     * @return an open reader; close it at shutdown
     * @throws FeatureFileException if the manifest or the generation file is missing or corrupt
     * @throws dev.hotpath.scoring.ConfigurationException if the JVM lacks the Chronicle flags
     */
    public static FeatureReader open(Path dir, String viewName, ReaderOptions options) {
        Objects.requireNonNull(viewName, "viewName");
        ChronicleRuntime.ensureReady();
        return new FeatureReader(Objects.requireNonNull(dir, "dir"), viewName, null,
                Objects.requireNonNull(options, "options"));
    }

    /**
     * {@link #open(Path, String, ReaderOptions)} with {@link ReaderOptions#defaults()}.
     *
     * @param dir the cache directory
     * @param viewName the view
     * @return an open reader
     */
    public static FeatureReader open(Path dir, String viewName) {
        return open(dir, viewName, ReaderOptions.defaults());
    }

    // ------------------------------------------------------------------------------------------ hot path

    /**
     * Copies the features of the entity {@code id} into {@code dst[offset .. offset + dimension())}, or the
     * defaults when the status is not {@link FeatureStatus#PRESENT}. Waits at most the configured read-lock timeout.
     * Thread-safe; allocation-free (any {@code CharSequence}: a {@code String}, a reused {@code StringBuilder}, a
     * flyweight over request bytes); never throws for data problems.
     *
     * @param id the entity id; for a long-keyed view, its decimal form (anything else is
     *           {@link FeatureStatus#NOT_FOUND})
     * @param dst the caller's array
     * @param offset where feature 0 goes
     * @return the status
     * @throws IndexOutOfBoundsException if {@code dst} has no room for {@link #dimension()} floats at {@code offset}
     */
    @Override
    public FeatureStatus read(CharSequence id, float[] dst, int offset) {
        Scratch s = scratch.get();
        Generation g = enter();
        FeatureStatus status;
        try {
            checkRoom(dst, offset, g.dimension);
            status = g.fixedStatus != null ? g.fixedStatus : readString(g, id, s, dst, offset, null);
            if (status != FeatureStatus.PRESENT) {
                g.view.copyDefaults(dst, offset);
            }
        } finally {
            exit(g);
        }
        return status;
    }

    /**
     * Copies the features of the entity {@code id} like {@link #read(CharSequence, float[], int)}. For a
     * string-keyed view, {@code id} is looked up by its decimal form, built in a reused per-thread buffer (no
     * {@code String} is created). Thread-safe; allocation-free; never throws for data problems.
     *
     * @param id the entity id
     * @param dst the caller's array
     * @param offset where feature 0 goes
     * @return the status
     * @throws IndexOutOfBoundsException if {@code dst} has no room for {@link #dimension()} floats at {@code offset}
     */
    public FeatureStatus read(long id, float[] dst, int offset) {
        Scratch s = scratch.get();
        Generation g = enter();
        FeatureStatus status;
        try {
            checkRoom(dst, offset, g.dimension);
            status = g.fixedStatus != null ? g.fixedStatus : readLong(g, id, s, dst, offset, null);
            if (status != FeatureStatus.PRESENT) {
                g.view.copyDefaults(dst, offset);
            }
        } finally {
            exit(g);
        }
        return status;
    }

    private FeatureStatus readString(Generation g, CharSequence id, Scratch s, float[] dst, int offset, long[] times) {
        try {
            MapHandle h = g.handle;
            if (h.stringMap != null) {
                return MapHandle.readRecord(h.stringMap, id, lockNanos, g.fingerprint, g.dimension, g.recordSize,
                        g.ttlMillis, clock, dst, offset, times);
            }
            long value = Ids.parseLongId(id);
            if (value == Long.MIN_VALUE) {
                return FeatureStatus.NOT_FOUND;
            }
            s.longKey.setValue(value);
            return MapHandle.readRecord(h.longMap, s.longKey, lockNanos, g.fingerprint, g.dimension, g.recordSize,
                    g.ttlMillis, clock, dst, offset, times);
        } catch (RuntimeException | InternalError e) {
            return failed(g, e);
        }
    }

    private FeatureStatus readLong(Generation g, long id, Scratch s, float[] dst, int offset, long[] times) {
        try {
            MapHandle h = g.handle;
            if (h.longMap != null) {
                s.longKey.setValue(id);
                return MapHandle.readRecord(h.longMap, s.longKey, lockNanos, g.fingerprint, g.dimension,
                        g.recordSize, g.ttlMillis, clock, dst, offset, times);
            }
            StringBuilder sb = s.stringKey;
            sb.setLength(0);
            sb.append(id);
            return MapHandle.readRecord(h.stringMap, sb, lockNanos, g.fingerprint, g.dimension, g.recordSize,
                    g.ttlMillis, clock, dst, offset, times);
        } catch (RuntimeException | InternalError e) {
            return failed(g, e);
        }
    }

    /**
     * Chronicle failed unexpectedly: its internal lock timeout, a corrupt file, or an {@link InternalError}, which is
     * how the JVM reports a SIGBUS on the mapping (the file was truncated under it). Counted, logged at most once per
     * {@link #ERROR_LOG_INTERVAL_NANOS}, defaults served. A SIGBUS also takes the generation out of service at once:
     * every further access to the lost pages would fault again, and the JVM reports such faults asynchronously, at
     * the thread's next safepoint check, which may come after the read returned (even in the caller's code); so the
     * fewer there are, the better.
     */
    private FeatureStatus failed(Generation g, Throwable e) {
        long errors = readErrors.incrementAndGet();
        if (e instanceof InternalError) {
            takeOutOfService(g);
        }
        long now = System.nanoTime();
        long next = nextErrorLogNanos;
        if (now - next >= 0 && NEXT_ERROR_LOG.compareAndSet(this, next, now + ERROR_LOG_INTERVAL_NANOS)) {
            long since = errors - errorsLogged;
            errorsLogged = errors;
            LOG.error("view {}: feature read failed ({} failure(s) since the last report, {} in total); serving"
                    + " defaults (UNAVAILABLE). Next report in {} s at the earliest.", viewName, since, errors,
                    TimeUnit.NANOSECONDS.toSeconds(ERROR_LOG_INTERVAL_NANOS), e);
        }
        return FeatureStatus.UNAVAILABLE;
    }

    /**
     * Replaces a damaged generation by an {@link FeatureStatus#UNAVAILABLE} stand-in, unless something else replaced it
     * first. Lock-free because it runs on the request path; the refresher retires the damaged map (after reads in
     * flight) and keeps trying to open a valid generation.
     */
    private void takeOutOfService(Generation g) {
        if (g.handle == null || g.damaged) {
            return;
        }
        g.damaged = true;
        Generation standIn = new Generation(null, g.manifest, g.view, FeatureStatus.UNAVAILABLE);
        standIn.replacedDamaged = g;
        if (CURRENT.compareAndSet(this, g, standIn)) {
            Thread r = refresher;
            if (r != null) {
                LockSupport.unpark(r);
            }
        }
    }

    private static void checkRoom(float[] dst, int offset, int dimension) {
        if (offset < 0 || offset > dst.length - dimension) {
            throw new IndexOutOfBoundsException("dst has " + dst.length + " floats; " + dimension
                    + " features do not fit at offset " + offset);
        }
    }

    /** Registers a read on the current generation so its map is not closed under the read. */
    private Generation enter() {
        for (;;) {
            Generation g = current;
            if (g.handle == null || g.inFlight.tryEnter()) {
                return g;
            }
            // Closed guard: retire() publishes the replacement before it closes the old guard, so the next pass
            // sees the replacement.
            Thread.onSpinWait();
        }
    }

    private static void exit(Generation g) {
        if (g.handle != null) {
            g.inFlight.exit();
        }
    }

    // ------------------------------------------------------------------------------------------ cold path

    /**
     * Reads one entity like {@link #read(CharSequence, float[], int)} and returns everything known about it: status,
     * values (defaults unless present), event and write time, generation. For tools and debugging; allocates.
     *
     * @param id the entity id
     * @return the result
     */
    public FeatureLookup lookup(CharSequence id) {
        Scratch s = scratch.get();
        Generation g = enter();
        try {
            float[] values = new float[g.dimension];
            long[] times = {-1L, -1L};
            FeatureStatus status = g.fixedStatus != null ? g.fixedStatus : readString(g, id, s, values, 0, times);
            if (status != FeatureStatus.PRESENT) {
                g.view.copyDefaults(values, 0);
            }
            return new FeatureLookup(g.view, g.generation, id.toString(), status, values, times[0], times[1]);
        } finally {
            exit(g);
        }
    }

    /** @return the view's name ({@link FeatureSource}: the prefix of the scorer's {@code view.feature} bindings) */
    @Override
    public String name() {
        return viewName;
    }

    /**
     * The pinned definition's feature names: the {@link FeatureSource} face a {@code Scorer} binds once at build time.
     *
     * @return the pinned definition's feature names, in storage order
     * @throws IllegalStateException if the reader follows the manifest instead of being pinned to a definition (its
     *                               schema can change under a scorer's bindings; {@code Scorer.Builder} refuses it
     *                               here, at build time)
     */
    @Override
    public List<String> featureNames() {
        return pinned().featureNames();
    }

    /**
     * Writes the pinned definition's defaults ({@link FeatureSource}: a request without an id for this view).
     * Allocation-free.
     *
     * @param dst destination array
     * @param offset first index to write
     * @throws IllegalStateException if the reader follows the manifest
     */
    @Override
    public void fillDefaults(float[] dst, int offset) {
        pinned().copyDefaults(dst, offset);
    }

    /**
     * The view's state for {@code Scorer.health()}: serving unless the reader is closed or every read returns a fixed
     * status (the published schema differs from the pinned one); heartbeat age and watermark lag from the
     * generation's meta record, by this reader's clock. Cold; reads the meta record like {@link #stats()}.
     *
     * @return the view's health now
     */
    @Override
    public ViewHealth health() {
        Generation g = current;
        ReaderStats s = stats();
        String problem = null;
        if (s.closed()) {
            problem = "the reader is closed; every read returns UNAVAILABLE with defaults";
        } else if (s.servingStatus() == FeatureStatus.SCHEMA_MISMATCH && g.manifest != null) {
            problem = "the published definition (fingerprint " + g.manifest.view.fingerprintHex() + ", generation "
                    + g.manifest.generation + ") differs from the pinned one (" + g.view.fingerprintHex()
                    + "); every read returns SCHEMA_MISMATCH with defaults";
        } else if ((g.replacedDamaged != null || g.reopenDamaged) && g.manifest != null) {
            problem = "generation " + g.manifest.generation + " (" + g.manifest.fileName + ") is damaged (truncated"
                    + " under the mapping); every read returns UNAVAILABLE with defaults until a valid generation is"
                    + " published";
        } else if (s.servingStatus() != null) {
            problem = "every read returns " + s.servingStatus() + " with defaults";
        }
        return new ViewHealth(viewName, problem == null, problem, s.heartbeatAgeMillis(), s.watermarkLagMillis(),
                null);
    }

    private FeatureView pinned() {
        if (pinned == null) {
            throw new IllegalStateException("view " + viewName + ": only a reader pinned to a definition"
                    + " (FeatureReader.open(dir, FeatureView, ...) or openPinnedToCurrent) can serve a scorer; a"
                    + " following reader's schema can change under it");
        }
        return pinned;
    }

    /** @return the definition reads currently follow (the pinned one, or the published one when following) */
    public FeatureView view() {
        return current.view;
    }

    /** @return number of floats one read writes, under the current definition */
    public int dimension() {
        return current.dimension;
    }

    /** @return the generation currently served, or 0 when none is (schema mismatch, closed) */
    public long generation() {
        return current.generation;
    }

    /**
     * Checks the manifest now and switches to a newly published generation if there is one. The background thread
     * calls this every refresh interval; call it directly when the interval is zero. Thread-safe; cold path.
     *
     * @return whether the reader switched
     * @throws FeatureFileException if the new manifest or generation is corrupt (the current generation stays
     *                              served)
     */
    public boolean refresh() {
        synchronized (refreshLock) {
            if (closed) {
                return false;
            }
            checkForDamage();
            closeQuiescentRetired(0);
            byte[] bytes = Manifest.readBytes(dir, viewName);
            if (bytes == null) {
                throw new FeatureFileException(Manifest.path(dir, viewName) + ": manifest disappeared; still serving"
                        + " generation " + current.generation);
            }
            Generation cur = current;
            // A stand-in for a damaged generation reopens whatever the manifest names on every refresh: a new
            // generation once one is published; the same file only if it is whole again (Chronicle refuses a file
            // shorter than its header says, so a truncated one fails here, logged by the refresher).
            boolean reopen = cur.replacedDamaged != null || cur.reopenDamaged;
            if (Arrays.equals(bytes, manifestBytes) && !reopen) {
                return false;
            }
            Manifest m = Manifest.parse(bytes, dir, viewName);
            if (!reopen && cur.manifest != null && cur.manifest.generation == m.generation
                    && cur.manifest.view.fingerprint() == m.view.fingerprint()) {
                manifestBytes = bytes;
                return false;
            }
            Generation next = openGeneration(m);
            current = next;
            manifestBytes = bytes;
            retire(cur);
            switches.incrementAndGet();
            LOG.info("view {}: switched from generation {} to {} ({})", viewName, cur.generation, next.generation,
                    next.fixedStatus == null ? m.fileName : "schema " + m.view.fingerprintHex()
                            + " does not match the pinned definition " + pinned.fingerprintHex());
            return true;
        }
    }

    /**
     * Must hold refreshLock. Takes the served generation out of service if its file shrank (checked here, on the
     * refresher's schedule, so readers rarely get to fault on it), and retires a generation the read path took out
     * of service.
     */
    private void checkForDamage() {
        Generation cur = current;
        if (cur.handle != null && !cur.damaged) {
            long[] sizes = cur.handle.truncation();
            if (sizes != null) {
                LOG.error("view {}: generation {} file {} was truncated from {} to {} bytes; serving UNAVAILABLE"
                        + " with defaults until a valid generation is published (e.g. hotpath cache load --view {}"
                        + " --dir {} --csv FILE)", viewName, cur.generation, cur.handle.file, sizes[0], sizes[1],
                        viewName, dir);
                cur.loggedDamage = true;
                takeOutOfService(cur);
                cur = current;
            }
        }
        Generation damaged = cur.replacedDamaged;
        if (damaged != null) {
            if (!damaged.loggedDamage) {
                LOG.error("view {}: generation {} ({}) is damaged (a read faulted on its mapping); serving UNAVAILABLE"
                        + " with defaults until a valid generation is published (e.g. hotpath cache load --view {}"
                        + " --dir {} --csv FILE)", viewName, damaged.generation, damaged.handle.file, viewName, dir);
            }
            // The stand-in keeps reopening; it no longer holds the damaged map once that is retired.
            cur.replacedDamaged = null;
            cur.reopenDamaged = true;
            retire(damaged);
        }
    }

    private Generation openGeneration(Manifest m) {
        if (pinned != null && m.view.fingerprint() != pinned.fingerprint()) {
            LOG.warn("view {}: published definition {} (generation {}) differs from the pinned definition {};"
                    + " reads return SCHEMA_MISMATCH with defaults", viewName, m.view.fingerprintHex(), m.generation,
                    pinned.fingerprintHex());
            return new Generation(null, m, pinned, FeatureStatus.SCHEMA_MISMATCH);
        }
        MapHandle h = MapHandle.openExisting(dir, m);
        return new Generation(h, m, m.view, null);
    }

    /** Must hold refreshLock; `current` must already point at the replacement. */
    private void retire(Generation old) {
        if (old.handle == null) {
            return;
        }
        old.inFlight.close();
        retiring.add(old);
        closeQuiescentRetired(RETIRE_WAIT_NANOS);
    }

    /** Closes retired maps that no read is using, waiting up to {@code waitNanos} for in-flight reads. */
    private void closeQuiescentRetired(long waitNanos) {
        long deadline = System.nanoTime() + waitNanos;
        for (Iterator<Generation> it = retiring.iterator(); it.hasNext(); ) {
            Generation g = it.next();
            if (g.inFlight.awaitDrained(Math.max(0, deadline - System.nanoTime()))) {
                try {
                    g.handle.close();
                } catch (RuntimeException e) {
                    LOG.warn("view {}: closing generation {} failed", viewName, g.generation, e);
                }
                it.remove();
            }
        }
    }

    private void refreshLoop() {
        long nextRefresh = System.nanoTime() + refreshIntervalNanos;
        while (!closed) {
            // Between refreshes, a cheap check (one stat) that the served file did not shrink, every
            // DAMAGE_CHECK_NANOS: reads racing a truncation before it is noticed are the ones that can fault.
            long untilRefresh = nextRefresh - System.nanoTime();
            LockSupport.parkNanos(Math.max(0, Math.min(untilRefresh, DAMAGE_CHECK_NANOS)));
            if (closed) {
                break;
            }
            try {
                if (System.nanoTime() - nextRefresh >= 0 || current.replacedDamaged != null) {
                    nextRefresh = System.nanoTime() + refreshIntervalNanos;
                    refresh();
                    lastRefreshError = null;
                } else {
                    synchronized (refreshLock) {
                        if (!closed) {
                            checkForDamage();
                        }
                    }
                }
            } catch (Throwable t) {
                // Loop boundary: keep serving the current generation, count, log only when the problem changes.
                String msg = String.valueOf(t.getMessage());
                if (!msg.equals(lastRefreshError)) {
                    LOG.warn("view {}: refresh failed, still serving generation {}: {}", viewName,
                            current.generation, msg, t);
                }
                lastRefreshError = msg;
                refreshErrors.incrementAndGet();
            }
        }
    }

    /**
     * A snapshot of the reader's state: generation, entries, file size, freshness, errors. Cold path;
     * reads the generation's meta record.
     *
     * @return the snapshot
     */
    public ReaderStats stats() {
        Scratch s = scratch.get();
        Generation g = enter();
        try {
            long now = clock.getAsLong();
            MapHandle.Meta meta = null;
            long entries = -1;
            long fileSize = -1;
            if (g.handle != null) {
                try {
                    meta = g.handle.readMeta();
                    entries = g.handle.entityCount();
                    fileSize = g.handle.fileSizeBytes();
                } catch (RuntimeException | InternalError e) {
                    LOG.warn("view {}: cannot read stats of generation {}: {}", viewName, g.generation, e.toString());
                }
            }
            return new ReaderStats(viewName, g.view, g.generation, g.manifest == null ? null : g.manifest.fileName,
                    g.manifest == null ? -1 : g.manifest.entriesCapacity, entries, fileSize, meta, now,
                    readErrors.get(), refreshErrors.get(), switches.get(), lastRefreshError, g.fixedStatus, closed);
        } finally {
            exit(g);
        }
    }

    /**
     * Stops the refresher and closes the map after in-flight reads finish. Reads after close return
     * {@link FeatureStatus#UNAVAILABLE} with defaults (they do not throw), so request threads still running during
     * shutdown are safe. Idempotent; thread-safe.
     */
    @Override
    public void close() {
        synchronized (refreshLock) {
            if (closed) {
                return;
            }
            closed = true;
            Generation cur = current;
            current = new Generation(null, cur.manifest, cur.view, FeatureStatus.UNAVAILABLE);
            retire(cur);
            Generation damaged = cur.replacedDamaged;
            if (damaged != null) {
                retire(damaged);
            }
            closeQuiescentRetired(CLOSE_WAIT_NANOS);
            if (!retiring.isEmpty()) {
                LOG.error("view {}: {} generation(s) still had reads in flight after 5 s; leaving them mapped",
                        viewName, retiring.size());
            }
        }
        if (refresher != null) {
            LockSupport.unpark(refresher);
            try {
                refresher.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Test-only: the map currently served (null if none). */
    MapHandle currentHandleForTesting() {
        return current.handle;
    }

    /** Per-thread key holders; one per reader per thread. */
    private static final class Scratch {
        final StringBuilder stringKey = new StringBuilder(24);
        final LongValue longKey = MapHandle.newLongKey();
    }

    /** One served generation (or a fixed-status stand-in when no map can be served). */
    private static final class Generation {
        final MapHandle handle;
        final Manifest manifest;
        final FeatureView view;
        final FeatureStatus fixedStatus;
        final int fingerprint;
        final int dimension;
        final int recordSize;
        final long ttlMillis;
        final long generation;
        /** Reads in flight on {@link #handle}; closed when the generation is retired. Null when there is no map. */
        final InFlightGuard inFlight;
        /** Set once a read faulted on this generation's mapping, or its file was found truncated. */
        volatile boolean damaged;
        /** Set by checkForDamage when it found the truncation itself (so it logged it already). */
        boolean loggedDamage;
        /** On a stand-in: the damaged generation it replaced, until the refresher retires that. */
        volatile Generation replacedDamaged;
        /** On a stand-in: refresh reopens the manifest's generation each time, whether the manifest changed or not. */
        volatile boolean reopenDamaged;

        Generation(MapHandle handle, Manifest manifest, FeatureView view, FeatureStatus fixedStatus) {
            this.handle = handle;
            this.manifest = manifest;
            this.view = view;
            this.fixedStatus = fixedStatus;
            this.fingerprint = view.fingerprint();
            this.dimension = view.dimension();
            this.recordSize = RecordLayout.recordSize(view.dimension());
            this.ttlMillis = view.ttlMillis();
            this.generation = handle == null || manifest == null ? 0 : manifest.generation;
            this.inFlight = handle == null ? null : new InFlightGuard();
        }
    }
}
