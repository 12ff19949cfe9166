package dev.hotpath.shadow;

import org.HdrHistogram.Histogram;

/**
 * A point-in-time view of one shadow's counters and latency. Immutable apart from the histogram, which is a private
 * copy the caller may use freely. Created by {@link ShadowEvaluator#stats()} (allocates; cold path).
 *
 * @param modelId the shadow's log id
 * @param name the shadow's name
 * @param received requests queued for this shadow
 * @param droppedBacklog requests dropped because this shadow's queue was full
 * @param scored successful calls
 * @param errors calls that threw
 * @param nanOutputs calls that returned NaN
 * @param overBudget calls over the latency budget
 * @param breakerTrips times the circuit breaker opened
 * @param skippedBreakerOpen requests skipped while the breaker was open
 * @param droppedWriterFull comparison records dropped because the writer ring was full
 * @param recordsEmitted comparison records handed to the writer
 * @param breakerOpen whether the breaker is open now
 * @param latencyNanos cumulative latency histogram of the calls, in ns
 */
public record ShadowModelStats(int modelId, String name, long received, long droppedBacklog, long scored,
        long errors, long nanOutputs, long overBudget, long breakerTrips, long skippedBreakerOpen,
        long droppedWriterFull, long recordsEmitted, boolean breakerOpen, Histogram latencyNanos) {
}
