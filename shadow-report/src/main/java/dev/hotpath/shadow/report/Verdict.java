package dev.hotpath.shadow.report;

/** Outcome of a gate, a shadow or a whole report; ordered from best to worst. */
public enum Verdict {
    /** Every gate holds. */
    PASS,
    /** A warning-level gate does not hold, or a metric could not be computed. */
    WARN,
    /** A failure-level gate does not hold; the report command exits non-zero. */
    FAIL;

    /**
     * @param other another verdict
     * @return the worse of the two
     */
    public Verdict worst(Verdict other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
