package dev.hotpath.shadow.report;

import java.util.List;

/**
 * Every metric of one segment (one value of a segment column, or the folded rest): the segment's own comparison,
 * computed by the same code as the whole report's, and its weighted metrics. Immutable.
 *
 * @param value the segment value; for the folded rest {@code (other)}
 * @param foldedSegments how many segments the row stands for: 1, or more for {@code (other)}
 * @param comparison the comparison on the segment's requests (no gates; its block-rate-matched threshold is the
 *     segment's own)
 * @param weighted the weighted metrics (primary, shadow, shadow at the whole report's matched threshold), empty
 *     without a weight
 * @param shift how the segment is ranked: its flip rate at the configured thresholds (share of its comparable
 *     requests whose decision changes)
 */
public record SegmentMetrics(String value, int foldedSegments, ShadowComparison comparison,
        List<WeightedMetrics> weighted, double shift) {
    /** Copies the list. */
    public SegmentMetrics {
        weighted = List.copyOf(weighted);
    }

    /** @return whether this row is the folded rest rather than one segment */
    public boolean isOther() {
        return value.equals(Slices.OTHER);
    }
}
