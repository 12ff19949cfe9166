package dev.hotpath.shadow.report;

import java.util.Locale;

import dev.hotpath.scoring.ConfigurationException;

/** A metric of a {@link ShadowComparison} that a {@link Gate} can test, with its name in gate expressions. */
public enum GateMetric {
    /** PSI of the shadow's scores against the primary's. */
    PSI("psi", "PSI shadow vs primary"),
    /** Two-sample KS statistic D. */
    KS("ks", "KS D"),
    /** Jensen–Shannon distance (base 2). */
    JS_DISTANCE("js_distance", "JS distance"),
    /** Spearman's rank correlation. */
    SPEARMAN("spearman", "Spearman rho"),
    /** Kendall's tau-b. */
    KENDALL_TAU_B("kendall_tau_b", "Kendall tau-b"),
    /** Cohen's kappa at the configured thresholds. */
    KAPPA("kappa", "Cohen's kappa (configured thresholds)"),
    /** Flip rate at the configured thresholds. */
    FLIP_RATE("flip_rate", "flip rate (configured thresholds)"),
    /** Flip rate at the block-rate-matched shadow threshold. */
    MATCHED_FLIP_RATE("matched_flip_rate", "flip rate (block-rate-matched)"),
    /** Matched flip rate divided by the primary's block rate. */
    MATCHED_FLIP_OVER_BLOCK_RATE("matched_flip_over_block_rate", "matched flip rate / primary block rate"),
    /** Absolute change of the block rate at the configured thresholds. */
    ABS_DELTA_BLOCK_RATE("abs_delta_block_rate", "|shadow - primary block rate|"),
    /** Overlap of the riskiest 1 %. */
    TOP1PCT_OVERLAP("top1pct_overlap", "top-1% overlap"),
    /** Share of the shadow's records with an error, NaN score or open breaker. */
    ERROR_RATE("error_rate", "shadow error rate"),
    /** Recorded comparison records / accepted requests. */
    COVERAGE("coverage", "coverage"),
    /** Shadow p99 latency / primary p99 latency. */
    LATENCY_P99_RATIO("latency_p99_ratio", "p99 latency ratio shadow/primary"),
    /** Shadow PR-AUC minus primary PR-AUC on the same labelled requests. */
    PR_AUC_DELTA("pr_auc_delta", "PR-AUC shadow - primary");

    private final String key;
    private final String label;

    GateMetric(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** @return the name used in gate expressions and JSON, e.g. {@code psi} */
    public String key() {
        return key;
    }

    /** @return a short human description */
    public String label() {
        return label;
    }

    /**
     * @param key a metric name such as {@code flip_rate} (case-insensitive, {@code -} accepted for {@code _})
     * @return the metric
     * @throws ConfigurationException if unknown, listing the valid names
     */
    public static GateMetric fromKey(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (GateMetric m : values()) {
            if (m.key.equals(k)) {
                return m;
            }
        }
        StringBuilder names = new StringBuilder();
        for (GateMetric m : values()) {
            names.append(names.length() == 0 ? "" : ", ").append(m.key);
        }
        throw new ConfigurationException("unknown gate metric '" + key + "'; known: " + names);
    }

    double valueOf(ShadowComparison c) {
        switch (this) {
            case PSI:
                return c.psi();
            case KS:
                return c.ks();
            case JS_DISTANCE:
                return c.jsDistance();
            case SPEARMAN:
                return c.spearman();
            case KENDALL_TAU_B:
                return c.kendallTauB();
            case KAPPA:
                return c.configured().kappa();
            case FLIP_RATE:
                return c.configured().flipRate();
            case MATCHED_FLIP_RATE:
                return c.matched().flipRate();
            case MATCHED_FLIP_OVER_BLOCK_RATE:
                double b = c.matched().primaryBlockRate();
                return b > 0 ? c.matched().flipRate() / b : Double.NaN;
            case ABS_DELTA_BLOCK_RATE:
                return Math.abs(c.configured().deltaBlockRate());
            case TOP1PCT_OVERLAP:
                for (TopKOverlap t : c.topK()) {
                    if (t.fraction() == 0.01) {
                        return t.overlap();
                    }
                }
                return Double.NaN;
            case ERROR_RATE:
                return c.errorRate();
            case COVERAGE:
                return c.coverage().coverage();
            case LATENCY_P99_RATIO:
                long pp = c.primaryLatency().p99();
                return pp > 0 && c.shadowLatency().count() > 0 ? (double) c.shadowLatency().p99() / pp : Double.NaN;
            case PR_AUC_DELTA:
                LabelSummary l = c.labels();
                return l == null ? Double.NaN : l.shadow().prAuc() - l.primary().prAuc();
            default:
                throw new IllegalStateException(name());
        }
    }
}
