package dev.hotpath.scoring.scorer;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The scorer's latency recorders and counters. Recording is wait-free and allocation-free (HdrHistogram
 * {@link Recorder}s and atomic counters); {@link #snapshot()} is the cold read side.
 */
final class ScorerMetrics {
    /** Latencies above this are recorded as this (a fixed range keeps recording allocation-free). */
    static final long MAX_TRACKED_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Recorder feature = recorder();
    private final Recorder model = recorder();
    private final Recorder shadow = recorder();
    private final Recorder total = recorder();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();
    private final AtomicLong shadowAccepted = new AtomicLong();
    private final AtomicLong shadowNotAccepted = new AtomicLong();
    private final AtomicLong swaps = new AtomicLong();
    private final AtomicLong swapsRefused = new AtomicLong();
    private static final int STATUSES = FeatureStatus.values().length; // values() clones: never on the hot path
    private final AtomicLongArray statuses;
    private final List<String> viewNames;
    private Histogram featureRecycle;
    private Histogram modelRecycle;
    private Histogram shadowRecycle;
    private Histogram totalRecycle;

    ScorerMetrics(List<String> viewNames) {
        this.viewNames = viewNames;
        this.statuses = new AtomicLongArray(Math.max(1, viewNames.size() * STATUSES));
    }

    private static Recorder recorder() {
        return new Recorder(1, MAX_TRACKED_NANOS, 3);
    }

    private static long clamp(long nanos) {
        return nanos < 1 ? 1 : Math.min(nanos, MAX_TRACKED_NANOS);
    }

    void record(long featureNanos, long modelNanos, long shadowNanos, long totalNanos, boolean hasShadow) {
        requests.incrementAndGet();
        feature.recordValue(clamp(featureNanos));
        model.recordValue(clamp(modelNanos));
        if (hasShadow) {
            shadow.recordValue(clamp(shadowNanos));
        }
        total.recordValue(clamp(totalNanos));
    }

    void status(int view, FeatureStatus status) {
        statuses.incrementAndGet(view * STATUSES + status.ordinal());
    }

    void fallback() {
        fallbacks.incrementAndGet();
    }

    void shadow(boolean accepted) {
        (accepted ? shadowAccepted : shadowNotAccepted).incrementAndGet();
    }

    void swap(boolean done) {
        (done ? swaps : swapsRefused).incrementAndGet();
    }

    synchronized MetricsSnapshot snapshot() {
        featureRecycle = feature.getIntervalHistogram(featureRecycle);
        modelRecycle = model.getIntervalHistogram(modelRecycle);
        shadowRecycle = shadow.getIntervalHistogram(shadowRecycle);
        totalRecycle = total.getIntervalHistogram(totalRecycle);
        int n = STATUSES;
        long[][] counts = new long[viewNames.size()][n];
        for (int v = 0; v < viewNames.size(); v++) {
            for (int s = 0; s < n; s++) {
                counts[v][s] = statuses.get(v * n + s);
            }
        }
        return new MetricsSnapshot(requests.get(), fallbacks.get(), shadowAccepted.get(), shadowNotAccepted.get(),
                swaps.get(), swapsRefused.get(), viewNames, counts, featureRecycle.copy(), modelRecycle.copy(),
                shadowRecycle.copy(), totalRecycle.copy());
    }
}
