package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.concurrent.Stripes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The scorer's counters and latency histograms, recorded without a cache line that every request thread writes.
 *
 * <p><b>Request side.</b> Recording goes to one of a few <em>lanes</em> (about two per CPU): plain counters and plain
 * HdrHistogram {@link Histogram}s behind a lane lock. A request thread starts at the lane its thread id picks and
 * takes the first free one (one compare-and-set on a line that, with a pool of threads spread over the lanes, only
 * that thread writes), records everything of its request with plain writes, and releases the lane. No atomic
 * counter or {@code Recorder} phaser is shared between threads: on two threads the old recorders' ~30 atomic
 * operations per request on shared lines made two threads slower than one (issue #18).
 *
 * <p><b>Read side</b> ({@link #snapshot()}, cold): takes each lane in turn, sums its counters and swaps its histograms
 * for empty ones, then merges them into cumulative histograms outside the lane lock. A writer that finds its lane
 * taken moves to the next one, so the reader never blocks a request for longer than it takes to swap two
 * references.
 *
 * <p>Thread-safe; {@link #record} allocates nothing.
 */
final class ScorerMetrics {
    /** Latencies above this are recorded as this (a fixed range keeps recording allocation-free). */
    static final long MAX_TRACKED_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Value resolution of the latency histograms: 1 % (a 29 KB histogram per stage and lane, not 200 KB). */
    static final int SIGNIFICANT_DIGITS = 2;

    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int STATUSES = FeatureStatus.values().length; // values() clones: never on the hot path
    /** 128 bytes of padding on each side of a lane's cells, so two lanes never share a cache line. */
    private static final int PAD = 16;
    private static final int LOCK = PAD;
    private static final int REQUESTS = PAD + 1;
    private static final int FALLBACKS = PAD + 2;
    private static final int SHADOW_ACCEPTED = PAD + 3;
    private static final int SHADOW_NOT_ACCEPTED = PAD + 4;
    private static final int EXPLAINED = PAD + 5;
    private static final int STATUS_BASE = PAD + 6;

    private final List<String> viewNames;
    private final int views;
    private final boolean hasShadow;
    private final boolean hasReasons;
    private final Lane[] lanes;
    private final int laneMask;
    private final AtomicLong swaps = new AtomicLong();
    private final AtomicLong swapsRefused = new AtomicLong();
    /** Guarded by this: the histograms swapped out of a lane, and the sums of all swapped out so far. */
    private Stages spare;
    private final Stages cumulative;

    ScorerMetrics(List<String> viewNames, boolean hasShadow, boolean hasReasons) {
        this.viewNames = List.copyOf(viewNames);
        this.views = viewNames.size();
        this.hasShadow = hasShadow;
        this.hasReasons = hasReasons;
        boolean hasViews = views > 0;
        int n = Stripes.count(2, 2, 64);
        this.lanes = new Lane[n];
        this.laneMask = n - 1;
        int cells = STATUS_BASE + views * STATUSES + PAD;
        for (int i = 0; i < n; i++) {
            lanes[i] = new Lane(new long[cells], new Stages(hasViews, hasShadow, hasReasons));
        }
        this.spare = new Stages(hasViews, hasShadow, hasReasons);
        this.cumulative = new Stages(hasViews, hasShadow, hasReasons);
    }

    /**
     * Records one request. Allocation-free.
     *
     * @param statuses the request's status per view
     * @param flags the result's flags ({@link ScoreResult#FALLBACK}, {@link ScoreResult#SHADOW_NOT_ACCEPTED},
     *     {@link ScoreResult#EXPLAINED} counted)
     * @param featureNanos stage timings, all {@code -1} when the request was not timed
     * @param modelNanos time in the primary model
     * @param explainNanos time computing reasons
     * @param shadowNanos time offering to the shadow sink
     * @param totalNanos the whole call
     */
    void record(FeatureStatus[] statuses, int flags, long featureNanos, long modelNanos, long explainNanos,
                long shadowNanos, long totalNanos) {
        Lane lane = claim();
        long[] c = lane.cells;
        c[REQUESTS]++;
        if ((flags & ScoreResult.FALLBACK) != 0) {
            c[FALLBACKS]++;
        }
        if ((flags & ScoreResult.EXPLAINED) != 0) {
            c[EXPLAINED]++;
        }
        if (hasShadow) {
            c[(flags & ScoreResult.SHADOW_NOT_ACCEPTED) != 0 ? SHADOW_NOT_ACCEPTED : SHADOW_ACCEPTED]++;
        }
        for (int v = 0; v < views; v++) {
            c[STATUS_BASE + v * STATUSES + statuses[v].ordinal()]++;
        }
        if (totalNanos >= 0) {
            Stages s = lane.stages;
            if (s.feature != null) {
                s.feature.recordValue(clamp(featureNanos));
            }
            s.model.recordValue(clamp(modelNanos));
            if (s.explain != null && (flags & ScoreResult.EXPLAINED) != 0) {
                s.explain.recordValue(clamp(explainNanos));
            }
            if (s.shadow != null) {
                s.shadow.recordValue(clamp(shadowNanos));
            }
            s.total.recordValue(clamp(totalNanos));
        }
        lane.unlock();
    }

    private static long clamp(long nanos) {
        return nanos < 1 ? 1 : Math.min(nanos, MAX_TRACKED_NANOS);
    }

    /** The first free lane from the calling thread's own. */
    private Lane claim() {
        int h = Stripes.threadHash();
        for (int i = 0; ; i++) {
            Lane l = lanes[(h + i) & laneMask];
            if (l.tryLock()) {
                return l;
            }
            Thread.onSpinWait();
        }
    }

    void swap(boolean done) {
        (done ? swaps : swapsRefused).incrementAndGet();
    }

    /** @return cumulative counters and histograms since the scorer was built; cold, allocates */
    synchronized MetricsSnapshot snapshot() {
        long[] sums = new long[STATUS_BASE + views * STATUSES];
        for (Lane l : lanes) {
            lockForReading(l);
            Stages recorded;
            try {
                long[] c = l.cells;
                for (int i = REQUESTS; i < sums.length; i++) {
                    sums[i] += c[i];
                }
                recorded = l.stages;
                l.stages = spare;
            } finally {
                l.unlock();
            }
            cumulative.add(recorded);
            recorded.reset();
            spare = recorded;
        }
        long[][] counts = new long[views][STATUSES];
        for (int v = 0; v < views; v++) {
            System.arraycopy(sums, STATUS_BASE + v * STATUSES, counts[v], 0, STATUSES);
        }
        return new MetricsSnapshot(sums[REQUESTS], sums[FALLBACKS], sums[EXPLAINED], sums[SHADOW_ACCEPTED],
                sums[SHADOW_NOT_ACCEPTED], swaps.get(), swapsRefused.get(), viewNames, counts,
                copyOf(cumulative.feature), cumulative.model.copy(), copyOf(cumulative.explain),
                copyOf(cumulative.shadow), cumulative.total.copy());
    }

    private static Histogram copyOf(Histogram h) {
        return h == null ? newHistogram() : h.copy();
    }

    static Histogram newHistogram() {
        return new Histogram(1, MAX_TRACKED_NANOS, SIGNIFICANT_DIGITS);
    }

    /** Writers hold a lane for a few dozen nanoseconds, unless the scheduler took their CPU away meanwhile. */
    private static void lockForReading(Lane l) {
        for (int spins = 0; !l.tryLock(); spins++) {
            if (spins < 1_000) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(20_000);
            }
        }
    }

    /** One lane: padded counters (and its lock word) plus the histograms recorded since the last snapshot. */
    private static final class Lane {
        final long[] cells;
        /** Guarded by the lane lock. */
        Stages stages;

        Lane(long[] cells, Stages stages) {
            this.cells = cells;
            this.stages = stages;
        }

        boolean tryLock() {
            // Test before the compare-and-set, so a taken lane costs a read, not a write to its line.
            return (long) CELL.getOpaque(cells, LOCK) == 0L && CELL.compareAndSet(cells, LOCK, 0L, 1L);
        }

        void unlock() {
            CELL.setRelease(cells, LOCK, 0L);
        }
    }

    /**
     * One histogram per stage; the feature, explain and shadow stages only when the scorer has views, reasons and a
     * shadow.
     */
    private static final class Stages {
        final Histogram feature;
        final Histogram model = newHistogram();
        final Histogram explain;
        final Histogram shadow;
        final Histogram total = newHistogram();

        Stages(boolean hasViews, boolean hasShadow, boolean hasReasons) {
            this.feature = hasViews ? newHistogram() : null;
            this.explain = hasReasons ? newHistogram() : null;
            this.shadow = hasShadow ? newHistogram() : null;
        }

        void add(Stages other) {
            if (feature != null) {
                feature.add(other.feature);
            }
            model.add(other.model);
            if (explain != null) {
                explain.add(other.explain);
            }
            if (shadow != null) {
                shadow.add(other.shadow);
            }
            total.add(other.total);
        }

        void reset() {
            if (feature != null) {
                feature.reset();
            }
            model.reset();
            if (explain != null) {
                explain.reset();
            }
            if (shadow != null) {
                shadow.reset();
            }
            total.reset();
        }
    }
}
