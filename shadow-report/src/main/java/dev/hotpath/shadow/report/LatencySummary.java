package dev.hotpath.shadow.report;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles in nanoseconds from an HdrHistogram (3 significant digits). Immutable.
 *
 * @param count measured calls
 * @param p50 median
 * @param p90 90th percentile
 * @param p99 99th percentile
 * @param p999 99.9th percentile
 * @param max largest
 */
public record LatencySummary(long count, long p50, long p90, long p99, long p999, long max) {

    /**
     * @param h a histogram of ns values
     * @return its summary (zeros when empty)
     */
    public static LatencySummary of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0);
        }
        return new LatencySummary(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
    }
}
