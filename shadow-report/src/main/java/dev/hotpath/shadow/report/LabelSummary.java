package dev.hotpath.shadow.report;

import java.util.List;

/**
 * The label join of one comparison: coverage, per-model metrics on the same labelled requests, and the
 * selection-bias warning. Immutable.
 *
 * @param requests requests in the comparison
 * @param labelled requests with a label
 * @param primaryBlocked requests the primary blocked
 * @param labelledPrimaryBlocked of those, labelled
 * @param primaryAllowed requests the primary allowed
 * @param labelledPrimaryAllowed of those, labelled
 * @param primary the primary's metrics at its threshold
 * @param shadow the shadow's metrics at its configured threshold
 * @param shadowMatched the shadow's metrics at the block-rate-matched threshold
 * @param warnings plain-language caveats (selection bias, few positives)
 */
public record LabelSummary(long requests, long labelled, long primaryBlocked, long labelledPrimaryBlocked,
        long primaryAllowed, long labelledPrimaryAllowed, LabelMetrics primary, LabelMetrics shadow,
        LabelMetrics shadowMatched, List<String> warnings) {
    /** Copies the warnings. */
    public LabelSummary {
        warnings = List.copyOf(warnings);
    }

    /** @return share of requests with a label */
    public double coverage() {
        return requests == 0 ? Double.NaN : (double) labelled / requests;
    }
}
