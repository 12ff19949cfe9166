package dev.hotpath.scoring.scorer;

import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * A point-in-time copy of a {@link Scorer}'s metrics, cumulative since the scorer was built: take two and call
 * {@link #since(MetricsSnapshot)} for what happened in between. Several readers (a metrics registry, a log line, a
 * test) can therefore sample the same scorer without stealing each other's intervals.
 *
 * <p>Counters are exact. The latency histograms (nanoseconds, HdrHistogram with 2 significant digits, values above
 * 10 s recorded as 10 s) hold the requests the scorer timed: one in {@link Scorer.Builder#stageTimingEvery(int) n}
 * chosen at random (every request with {@code n = 1}), an unbiased sample of each stage's distribution. A stage the
 * scorer does not have (no view, no shadow) has an empty histogram.
 *
 * <p>Immutable by convention (do not modify the histograms); taking one allocates and is meant for a reporting
 * thread.
 *
 * @param requests requests scored
 * @param fallbacks requests answered with the fallback score
 * @param explained requests whose reasons were computed ({@link ScoreResult#EXPLAINED})
 * @param shadowAccepted requests the shadow sink accepted
 * @param shadowNotAccepted requests the shadow sink sampled out or dropped
 * @param swaps successful model swaps
 * @param swapsRefused refused swaps
 * @param viewNames feature view names, in builder order
 * @param statusCounts {@code statusCounts[view][FeatureStatus.ordinal()]}: every view read of every request, counted
 *     here and nowhere else
 * @param featureLatency time reading feature views
 * @param modelLatency time in the primary model
 * @param explainLatency time computing reasons, of the timed requests that were explained (so its count is the
 *     sample of explained requests, not of all requests); empty without reasons
 * @param shadowLatency time offering to the shadow sink
 * @param totalLatency whole {@code score} call
 */
public record MetricsSnapshot(long requests, long fallbacks, long explained, long shadowAccepted,
                              long shadowNotAccepted, long swaps, long swapsRefused, List<String> viewNames,
                              long[][] statusCounts, Histogram featureLatency, Histogram modelLatency,
                              Histogram explainLatency, Histogram shadowLatency, Histogram totalLatency) {

    /**
     * @param view view index
     * @param status a status
     * @return how many reads of that view ended with that status
     */
    public long statusCount(int view, FeatureStatus status) {
        return statusCounts[view][status.ordinal()];
    }

    /**
     * The difference between this snapshot and an earlier one of the same scorer: counters and histograms of the
     * requests in between.
     *
     * @param earlier a snapshot taken before this one from the same scorer
     * @return the interval's metrics
     * @throws IllegalArgumentException if {@code earlier} comes from another scorer or is newer than this one
     */
    public MetricsSnapshot since(MetricsSnapshot earlier) {
        if (!earlier.viewNames.equals(viewNames) || earlier.requests > requests) {
            throw new IllegalArgumentException("the earlier snapshot must come from the same scorer, before this one");
        }
        long[][] counts = new long[statusCounts.length][];
        for (int v = 0; v < counts.length; v++) {
            counts[v] = new long[statusCounts[v].length];
            for (int s = 0; s < counts[v].length; s++) {
                counts[v][s] = statusCounts[v][s] - earlier.statusCounts[v][s];
            }
        }
        return new MetricsSnapshot(requests - earlier.requests, fallbacks - earlier.fallbacks,
                explained - earlier.explained, shadowAccepted - earlier.shadowAccepted, shadowNotAccepted - earlier.shadowNotAccepted,
                swaps - earlier.swaps, swapsRefused - earlier.swapsRefused, viewNames, counts,
                minus(featureLatency, earlier.featureLatency), minus(modelLatency, earlier.modelLatency),
                minus(explainLatency, earlier.explainLatency), minus(shadowLatency, earlier.shadowLatency), minus(totalLatency, earlier.totalLatency));
    }

    private static Histogram minus(Histogram later, Histogram earlier) {
        Histogram h = later.copy();
        h.subtract(earlier);
        return h;
    }

    /**
     * @return one line per part: counters, feature statuses per view (non-zero ones), and per stage the timed
     *     requests with p50, p99, p99.9 and max in microseconds
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("MetricsSnapshot: ").append(requests).append(" requests, ")
                .append(fallbacks).append(" fallbacks, ").append(explained).append(" explained, shadow ").append(shadowAccepted).append(" accepted / ")
                .append(shadowNotAccepted).append(" not accepted, swaps ").append(swaps).append(" (")
                .append(swapsRefused).append(" refused)");
        for (int v = 0; v < viewNames.size(); v++) {
            sb.append("\n  view ").append(viewNames.get(v)).append(':');
            for (FeatureStatus s : FeatureStatus.values()) {
                long c = statusCounts[v][s.ordinal()];
                if (c > 0) {
                    sb.append(' ').append(s).append('=').append(c);
                }
            }
        }
        sb.append("\n  latency µs          timed      p50      p99    p99.9      max");
        stage(sb, "feature", featureLatency);
        stage(sb, "model", modelLatency);
        stage(sb, "explain", explainLatency);
        stage(sb, "shadow", shadowLatency);
        stage(sb, "total", totalLatency);
        return sb.toString();
    }

    private static void stage(StringBuilder sb, String name, Histogram h) {
        long n = h.getTotalCount();
        sb.append(String.format(Locale.ROOT, "%n  %-16s %8d", name, n));
        if (n > 0) {
            sb.append(String.format(Locale.ROOT, " %8.2f %8.2f %8.2f %8.2f", h.getValueAtPercentile(50) / 1e3,
                    h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3));
        }
    }
}
