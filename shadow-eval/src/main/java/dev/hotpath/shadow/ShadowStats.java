package dev.hotpath.shadow;

import java.util.List;

/**
 * A point-in-time view of an evaluator's counters. Immutable; created by {@link ShadowEvaluator#stats()}
 * (allocates; cold path). Counters are cumulative since the evaluator was built.
 *
 * @param offered calls of {@code offer}
 * @param accepted offers accepted into the intake ring
 * @param sampledOut offers not in the sample
 * @param droppedRingFull sampled offers dropped because the intake ring was full
 * @param rejectedInvalid offers with invalid arguments
 * @param rejectedClosed offers after close
 * @param producerErrors claims lost to unexpected failures or revoked by the watchdog
 * @param dispatched requests taken off the intake ring
 * @param featuresCaptured FEATURES records captured for replay
 * @param featuresDropped FEATURES records dropped because the records ring was full
 * @param recordsWritten records written to disk
 * @param recordsDroppedIo records the writer dropped (I/O errors, low disk)
 * @param ioErrors I/O errors seen by the writer
 * @param agentErrors errors caught at the agents' loop boundaries
 * @param shadows one entry per shadow, in configuration order
 */
public record ShadowStats(long offered, long accepted, long sampledOut, long droppedRingFull, long rejectedInvalid,
        long rejectedClosed, long producerErrors, long dispatched, long featuresCaptured, long featuresDropped,
        long recordsWritten, long recordsDroppedIo, long ioErrors, long agentErrors, List<ShadowModelStats> shadows) {
    /** Copies the shadow list. */
    public ShadowStats {
        shadows = List.copyOf(shadows);
    }
}
