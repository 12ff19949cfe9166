package dev.hotpath.scoring.scorer;

import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * A point-in-time copy of a {@link Scorer}'s metrics. Counters are cumulative since the scorer was built; the latency
 * histograms (nanoseconds, HdrHistogram with 3 significant digits) cover the interval since the previous snapshot.
 * Immutable by convention (do not modify the histograms); taking one allocates and is meant for a reporting thread.
 *
 * @param requests requests scored
 * @param fallbacks requests answered with the fallback score
 * @param shadowAccepted requests the shadow sink accepted
 * @param shadowNotAccepted requests the shadow sink sampled out or dropped
 * @param swaps successful model swaps
 * @param swapsRefused refused swaps
 * @param viewNames feature view names, in builder order
 * @param statusCounts {@code statusCounts[view][FeatureStatus.ordinal()]}
 * @param featureLatency time reading feature views
 * @param modelLatency time in the primary model
 * @param shadowLatency time offering to the shadow sink
 * @param totalLatency whole {@code score} call
 */
public record MetricsSnapshot(long requests, long fallbacks, long shadowAccepted, long shadowNotAccepted, long swaps,
                              long swapsRefused, List<String> viewNames, long[][] statusCounts,
                              Histogram featureLatency, Histogram modelLatency, Histogram shadowLatency,
                              Histogram totalLatency) {

    /**
     * @param view view index
     * @param status a status
     * @return how many reads of that view ended with that status
     */
    public long statusCount(int view, FeatureStatus status) {
        return statusCounts[view][status.ordinal()];
    }
}
