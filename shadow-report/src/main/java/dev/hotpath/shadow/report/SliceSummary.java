package dev.hotpath.shadow.report;

import java.util.List;

/**
 * What fraud teams measure beyond the counts, for one shadow (or backtest candidate): amount-weighted metrics
 * over all comparable requests and per-segment metrics for each segment column. Immutable.
 *
 * <p>For a backtest the weight and segment values are table columns ({@code --weight}, {@code --segment}); for a
 * shadow log they are what the service passed with each request ({@code amountMinor} and {@code segmentKey} of
 * {@code ShadowPublisher.offer}), recorded in every comparison record.
 *
 * @param shadowId the shadow's log id (the candidate's in a backtest)
 * @param weightName what the weight is, or {@code null} without one
 * @param weighted primary, shadow and shadow at the block-rate-matched threshold; empty without a weight
 * @param segments one breakdown per segment column, in the order asked
 * @param notes caveats (e.g. no request carried a weight)
 */
public record SliceSummary(int shadowId, String weightName, List<WeightedMetrics> weighted,
        List<SegmentBreakdown> segments, List<String> notes) {
    /** Copies the lists. */
    public SliceSummary {
        weighted = List.copyOf(weighted);
        segments = List.copyOf(segments);
        notes = List.copyOf(notes);
    }
}
