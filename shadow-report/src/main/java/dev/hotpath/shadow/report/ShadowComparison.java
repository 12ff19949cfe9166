package dev.hotpath.shadow.report;

import java.util.List;

import dev.hotpath.shadow.log.ModelDescriptor;

/**
 * Everything the report says about one shadow compared with the primary on the same requests. Immutable apart
 * from the scatter arrays, which callers must not modify.
 *
 * @param shadow the shadow model
 * @param primaries the primary models seen in this shadow's records
 * @param records this shadow's comparison records
 * @param validPairs records where both scores are finite (all score metrics use these)
 * @param errors records where the shadow threw or returned NaN
 * @param breakerSkipped records skipped while the shadow's breaker was open
 * @param overBudget records over the shadow's latency budget
 * @param replayed records written by offline replay
 * @param duplicateRequestIds records whose request id appeared before for this shadow
 * @param truncated whether records beyond the report's per-shadow limit were ignored
 * @param coverage sampling coverage and drops
 * @param primaryThreshold the primary threshold used for decisions
 * @param shadowThreshold the shadow threshold used for decisions
 * @param primaryScores the primary's score distribution on the valid pairs
 * @param shadowScores the shadow's score distribution on the valid pairs
 * @param psiBins bins actually used for PSI and JS (after merging tied edges)
 * @param psi PSI of shadow vs primary scores
 * @param ks KS D
 * @param ksCritical05 KS critical value at alpha 0.05 (indicative)
 * @param jsDistance Jensen–Shannon distance, base 2
 * @param histogram equal-width histograms for plotting
 * @param spearman Spearman rho
 * @param kendallTauB Kendall tau-b
 * @param topK top-k overlaps
 * @param configured decisions at the configured thresholds
 * @param matchedThreshold the shadow threshold that blocks the primary's share
 * @param matched decisions at the primary threshold and {@code matchedThreshold}
 * @param primaryLatency the primary's latency as reported by the caller
 * @param shadowLatency the shadow's measured latency
 * @param labels the label join, or {@code null} without labels
 * @param topDisagreements requests with the largest |shadow - primary|
 * @param topNewBlocks largest |delta| among requests only the shadow blocks
 * @param topReleases largest |delta| among requests only the primary blocks
 * @param scatterPrimary primary scores of a deterministic sample of pairs, for plotting
 * @param scatterShadow shadow scores of the same sample
 * @param gates gate results
 * @param verdict the worst gate verdict
 * @param notes caveats specific to this comparison
 */
public record ShadowComparison(ModelDescriptor shadow, List<ModelDescriptor> primaries, long records,
        long validPairs, long errors, long breakerSkipped, long overBudget, long replayed, long duplicateRequestIds,
        boolean truncated, CoverageSummary coverage, float primaryThreshold, float shadowThreshold,
        DistributionSummary primaryScores, DistributionSummary shadowScores, int psiBins, double psi, double ks,
        double ksCritical05, double jsDistance, ScoreHistogram histogram, double spearman, double kendallTauB,
        List<TopKOverlap> topK, DecisionTable configured, float matchedThreshold, DecisionTable matched,
        LatencySummary primaryLatency, LatencySummary shadowLatency, LabelSummary labels,
        List<Disagreement> topDisagreements, List<Disagreement> topNewBlocks, List<Disagreement> topReleases,
        float[] scatterPrimary, float[] scatterShadow, List<GateResult> gates, Verdict verdict, List<String> notes) {

    /** Copies the lists. */
    public ShadowComparison {
        primaries = List.copyOf(primaries);
        topK = List.copyOf(topK);
        topDisagreements = List.copyOf(topDisagreements);
        topNewBlocks = List.copyOf(topNewBlocks);
        topReleases = List.copyOf(topReleases);
        gates = List.copyOf(gates);
        notes = List.copyOf(notes);
    }

    /** @return (errors + breaker-skipped) / records, NaN without records */
    public double errorRate() {
        return records == 0 ? Double.NaN : (double) (errors + breakerSkipped) / records;
    }

    ShadowComparison withGates(List<GateResult> results, Verdict v) {
        return new ShadowComparison(shadow, primaries, records, validPairs, errors, breakerSkipped, overBudget,
                replayed, duplicateRequestIds, truncated, coverage, primaryThreshold, shadowThreshold, primaryScores,
                shadowScores, psiBins, psi, ks, ksCritical05, jsDistance, histogram, spearman, kendallTauB, topK,
                configured, matchedThreshold, matched, primaryLatency, shadowLatency, labels, topDisagreements,
                topNewBlocks, topReleases, scatterPrimary, scatterShadow, results, v, notes);
    }
}
