package dev.hotpath.shadow.report;

/**
 * How many of the sampled requests reached the log for one shadow, and where the others were dropped. Counter
 * values are the latest COUNTERS records of the instances that ran this shadow, summed; they are -1 when the log
 * has no counters (for example a process killed before its first counters record). Immutable.
 *
 * <p>Coverage is measured against the requests dispatched <em>to this shadow</em>, not against every accepted
 * request: a shadow added or swapped in part-way (a promotion turns the old primary into a shadow) only saw the
 * traffic from then on, and is complete if it recorded all of that.
 *
 * @param offered calls of {@code offer}
 * @param accepted sampled requests accepted into the intake ring
 * @param sampledOut requests not in the sample
 * @param droppedRingFull sampled requests dropped at the producer because the intake ring was full
 * @param droppedBacklog requests dropped because this shadow's queue was full (shadow too slow)
 * @param droppedWriterFull comparison records dropped because the writer ring was full (disk too slow)
 * @param droppedIo records of any kind the writer dropped on I/O errors or low disk
 * @param abandonedAtClose requests still queued for this shadow at shutdown
 * @param dispatched accepted requests the dispatcher handed to this shadow while it was registered: queued for it
 *     or dropped because its queue was full
 * @param skippedSelf requests not given to this shadow because this same model served them as the primary (around
 *     a promotion); not part of {@code dispatched}
 * @param recorded comparison records of this shadow found in the log
 */
public record CoverageSummary(long offered, long accepted, long sampledOut, long droppedRingFull,
        long droppedBacklog, long droppedWriterFull, long droppedIo, long abandonedAtClose, long dispatched,
        long skippedSelf, long recorded) {

    /** @return recorded / dispatched, NaN when the dispatched count is unknown or zero */
    public double coverage() {
        return dispatched > 0 ? (double) recorded / dispatched : Double.NaN;
    }

    /** @return accepted + dropped at the ring, over offered (the effective sample share), NaN when unknown */
    public double sampledShare() {
        return offered > 0 ? (double) (accepted + droppedRingFull) / offered : Double.NaN;
    }
}
