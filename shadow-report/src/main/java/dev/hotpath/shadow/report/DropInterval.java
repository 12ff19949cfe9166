package dev.hotpath.shadow.report;

/**
 * Producer-side drops in one interval between consecutive COUNTERS records (summed over instances whose intervals
 * end in the same bucket). Drops cluster in bursts, and bursts can coincide with attacks, so the report shows them
 * over time. Immutable.
 *
 * @param endEpochNanos end of the interval
 * @param sampled sampled requests (accepted + dropped at the ring)
 * @param dropped of those, dropped because the intake ring was full
 */
public record DropInterval(long endEpochNanos, long sampled, long dropped) {
    /** @return dropped / sampled, 0 when nothing was sampled */
    public double dropRate() {
        return sampled == 0 ? 0 : (double) dropped / sampled;
    }
}
