package dev.hotpath.shadow.report;

import java.util.List;

/**
 * The per-segment metrics of one segment column, largest shift first. Segments with fewer than
 * {@code minSize} comparable requests, and those beyond the {@code maxSegments} largest shifts, are folded into one
 * {@code (other)} row, last, so tiny segments neither flood the report nor rank first on noise. Immutable.
 *
 * @param column the segment column (for a shadow log: {@code segment}, the key the service passed)
 * @param segments distinct values seen
 * @param minSize the minimum comparable requests for a segment of its own
 * @param maxSegments the most segments listed on their own
 * @param foldedSmall segments folded because they were smaller than {@code minSize}
 * @param foldedBeyondMax segments folded because {@code maxSegments} larger shifts were listed
 * @param rows listed segments by shift (descending; ties: more requests first, then value), then {@code (other)}
 */
public record SegmentBreakdown(String column, int segments, int minSize, int maxSegments, int foldedSmall,
        int foldedBeyondMax, List<SegmentMetrics> rows) {
    /** Copies the list. */
    public SegmentBreakdown {
        rows = List.copyOf(rows);
    }
}
