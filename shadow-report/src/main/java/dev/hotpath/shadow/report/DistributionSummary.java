package dev.hotpath.shadow.report;

/**
 * Location and spread of a score sample; quantiles are type 7 ({@link ShadowMetrics#quantile}). Immutable.
 *
 * @param n sample size
 * @param mean arithmetic mean
 * @param min smallest value
 * @param p50 median
 * @param p90 90th percentile
 * @param p99 99th percentile
 * @param p999 99.9th percentile
 * @param max largest value
 */
public record DistributionSummary(long n, double mean, double min, double p50, double p90, double p99, double p999,
        double max) {

    /**
     * @param sorted ascending values
     * @return the summary (NaN fields when empty)
     */
    public static DistributionSummary ofSorted(float[] sorted) {
        double sum = 0;
        for (float v : sorted) {
            sum += v;
        }
        int n = sorted.length;
        return new DistributionSummary(n, n == 0 ? Double.NaN : sum / n, n == 0 ? Double.NaN : sorted[0],
                ShadowMetrics.quantile(sorted, 0.5), ShadowMetrics.quantile(sorted, 0.9),
                ShadowMetrics.quantile(sorted, 0.99), ShadowMetrics.quantile(sorted, 0.999),
                n == 0 ? Double.NaN : sorted[n - 1]);
    }
}
