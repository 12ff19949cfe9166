package dev.hotpath.shadow;

import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.log.ShadowLogWriter;

/**
 * Reads the evaluator's counters, which live where they are written (the publisher's adders, the dispatcher's and
 * each shadow slot's single-writer counters, the log writer's fields): as a {@link ShadowStats} snapshot, as the
 * values of the log's global COUNTERS record, and as the periodic one-line INFO summary.
 *
 * <p>Thread-safe (reads only). {@link #fillGlobalCounters} allocates nothing; the others allocate (cold).
 */
final class EvaluatorStats {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowEvaluator.class);

    private final ShadowPublisher publisher;
    private final DispatcherAgent dispatcher;
    private final ShadowWorkerAgent[] workers;
    private final ShadowLogWriter writer;
    private final SingleWriterCounters agentErrors;

    EvaluatorStats(ShadowPublisher publisher, DispatcherAgent dispatcher, ShadowWorkerAgent[] workers,
            ShadowLogWriter writer, SingleWriterCounters agentErrors) {
        this.publisher = publisher;
        this.dispatcher = dispatcher;
        this.workers = workers;
        this.writer = writer;
        this.agentErrors = agentErrors;
    }

    /** @return every counter and each configured shadow's latency histogram (allocates) */
    ShadowStats snapshot() {
        List<ShadowModelStats> list = new ArrayList<>();
        for (ShadowWorkerAgent w : workers) {
            ShadowWorkerAgent.Slot slot = w.configured();
            SingleWriterCounters c = slot.counters;
            list.add(new ShadowModelStats(slot.modelId, slot.config.name(),
                    c.get(ShadowLogFormat.S_RECEIVED), c.get(ShadowLogFormat.S_DROPPED_BACKLOG),
                    c.get(ShadowLogFormat.S_SCORED), c.get(ShadowLogFormat.S_ERRORS),
                    c.get(ShadowLogFormat.S_NAN_OUTPUTS), c.get(ShadowLogFormat.S_OVER_BUDGET),
                    c.get(ShadowLogFormat.S_BREAKER_TRIPS), c.get(ShadowLogFormat.S_SKIPPED_BREAKER_OPEN),
                    c.get(ShadowLogFormat.S_DROPPED_WRITER_FULL), c.get(ShadowLogFormat.S_RECORDS_EMITTED),
                    slot.breakerOpen, slot.latency.snapshot()));
        }
        SingleWriterCounters d = dispatcher.counters();
        return new ShadowStats(publisher.offeredCount(), publisher.acceptedCount(), publisher.sampledOutCount(),
                publisher.droppedRingFullCount(), publisher.rejectedInvalidCount(), publisher.rejectedClosedCount(),
                publisher.producerErrorCount() + d.get(DispatcherAgent.D_UNBLOCKED),
                d.get(DispatcherAgent.D_DISPATCHED), d.get(DispatcherAgent.D_FEATURES_CAPTURED),
                d.get(DispatcherAgent.D_FEATURES_DROPPED), writer.recordsWritten(), writer.recordsDropped(),
                writer.ioErrors(), agentErrors.get(0), list);
    }

    /** Fills the {@code G_*} slots of a global COUNTERS record. Allocation-free. */
    void fillGlobalCounters(long[] v) {
        SingleWriterCounters d = dispatcher.counters();
        v[ShadowLogFormat.G_OFFERED] = publisher.offeredCount();
        v[ShadowLogFormat.G_ACCEPTED] = publisher.acceptedCount();
        v[ShadowLogFormat.G_SAMPLED_OUT] = publisher.sampledOutCount();
        v[ShadowLogFormat.G_DROPPED_RING_FULL] = publisher.droppedRingFullCount();
        v[ShadowLogFormat.G_REJECTED_INVALID] = publisher.rejectedInvalidCount();
        v[ShadowLogFormat.G_REJECTED_CLOSED] = publisher.rejectedClosedCount();
        v[ShadowLogFormat.G_PRODUCER_ERRORS] = publisher.producerErrorCount() + d.get(DispatcherAgent.D_UNBLOCKED);
        v[ShadowLogFormat.G_DISPATCHED] = d.get(DispatcherAgent.D_DISPATCHED);
        v[ShadowLogFormat.G_FEATURES_CAPTURED] = d.get(DispatcherAgent.D_FEATURES_CAPTURED);
        v[ShadowLogFormat.G_FEATURES_DROPPED] = d.get(DispatcherAgent.D_FEATURES_DROPPED);
        v[ShadowLogFormat.G_DROPPED_IO] = writer.recordsDropped();
        v[ShadowLogFormat.G_IO_ERRORS] = writer.ioErrors();
        v[ShadowLogFormat.G_RECORDS_WRITTEN] = writer.recordsWritten();
        v[ShadowLogFormat.G_BYTES_WRITTEN] = writer.bytesWritten();
        v[ShadowLogFormat.G_AGENT_ERRORS] = agentErrors.get(0);
        v[ShadowLogFormat.G_SAMPLE_RATE_E4] = publisher.sampleRateE4();
    }

    /** Logs one INFO line with the run's and each shadow's headline numbers (allocates). */
    void logSummary() {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        ShadowStats s = snapshot();
        StringBuilder sb = new StringBuilder(256);
        sb.append("shadow evaluation: offered=").append(s.offered()).append(" accepted=").append(s.accepted())
                .append(" droppedRingFull=").append(s.droppedRingFull()).append(" written=")
                .append(s.recordsWritten()).append(" droppedIo=").append(s.recordsDroppedIo());
        for (ShadowModelStats m : s.shadows()) {
            Histogram h = m.latencyNanos();
            sb.append("; ").append(m.name()).append('[').append(m.modelId()).append("]: scored=").append(m.scored())
                    .append(" errors=").append(m.errors() + m.nanOutputs()).append(" overBudget=")
                    .append(m.overBudget()).append(" backlogDrops=").append(m.droppedBacklog()).append(" breaker=")
                    .append(m.breakerOpen() ? "OPEN" : "closed").append(" p99=")
                    .append(h.getTotalCount() == 0 ? "-" : (h.getValueAtPercentile(99.0) / 1000.0) + "us");
        }
        LOG.info(sb.toString());
    }
}
