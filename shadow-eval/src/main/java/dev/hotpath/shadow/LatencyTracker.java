package dev.hotpath.shadow;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency of one shadow: the worker records into an HdrHistogram {@link Recorder} (wait-free, allocation-free);
 * readers fold interval histograms into a cumulative one under a lock (cold path).
 */
final class LatencyTracker {
    static final long HIGHEST_NANOS = 3_600_000_000_000L;

    private final Recorder recorder = new Recorder(1, HIGHEST_NANOS, 3);
    private final Histogram cumulative = new Histogram(1, HIGHEST_NANOS, 3);
    private Histogram interval;

    void record(long nanos) {
        recorder.recordValue(nanos < 1 ? 1 : Math.min(nanos, HIGHEST_NANOS));
    }

    synchronized Histogram snapshot() {
        interval = recorder.getIntervalHistogram(interval);
        cumulative.add(interval);
        return cumulative.copy();
    }
}
