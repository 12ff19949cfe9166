package dev.hotpath.shadow;

import java.util.Queue;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import dev.hotpath.shadow.log.ModelDescriptor;
import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.log.ShadowLogWriter;

/**
 * Owns the {@link ShadowLogWriter}: writes the MODEL_INFO records the control plane queued, drains the records ring
 * into blocks, does the writer's time-driven work, appends COUNTERS records periodically and at close, and logs a
 * one-line summary now and then. A slow disk stalls only this thread; scoring continues and the records ring
 * absorbs (or drops and counts) the backlog.
 *
 * <p>COUNTERS are written per shadow slot under its model id: the slots replaced by a promotion first (their final
 * values), then each position's scoring slot and, while a handover is under way, the slot already counting.
 */
final class LogWriterAgent implements Agent, MessageHandler {
    private static final int READ_LIMIT = 4096;
    private static final long CLOCK_RESAMPLE_NANOS = 10_000_000_000L;

    private final ManyToOneRingBuffer records;
    private final ShadowLogWriter writer;
    private final EvaluatorStats stats;
    private final ModelRoster roster;
    private final ShadowWorkerAgent[] workers;
    private final Queue<ShadowWorkerAgent.Slot> retired;
    private final long countersIntervalNanos;
    private final long summaryIntervalNanos;
    private final EpochNanoClock clock;
    private final long[] values = new long[ShadowLogFormat.COUNTER_SLOTS];

    private volatile boolean stopRequested;
    private boolean finished;
    private long lastCountersNanos;
    private long lastSummaryNanos;
    private long lastResampleNanos;

    LogWriterAgent(ManyToOneRingBuffer records, ShadowLogWriter writer, EvaluatorStats stats, ModelRoster roster,
            ShadowWorkerAgent[] workers, Queue<ShadowWorkerAgent.Slot> retired, long countersIntervalNanos,
            long summaryIntervalNanos, EpochNanoClock clock) {
        this.records = records;
        this.writer = writer;
        this.stats = stats;
        this.roster = roster;
        this.workers = workers;
        this.retired = retired;
        this.countersIntervalNanos = countersIntervalNanos;
        this.summaryIntervalNanos = summaryIntervalNanos;
        this.clock = clock;
        long now = System.nanoTime();
        this.lastCountersNanos = now;
        this.lastSummaryNanos = now;
        this.lastResampleNanos = now;
    }

    void requestStop() {
        stopRequested = true;
    }

    @Override
    public int doWork() {
        if (stopRequested) {
            throw new AgentTerminationException("stopped");
        }
        int work = registerPendingModels();
        work += records.read(this, READ_LIMIT);
        work += writer.poll();
        long now = System.nanoTime();
        if (now - lastCountersNanos >= countersIntervalNanos) {
            lastCountersNanos = now;
            appendCounters();
            work++;
        }
        if (summaryIntervalNanos > 0 && now - lastSummaryNanos >= summaryIntervalNanos) {
            lastSummaryNanos = now;
            stats.logSummary();
        }
        if (now - lastResampleNanos >= CLOCK_RESAMPLE_NANOS) {
            lastResampleNanos = now;
            if (clock instanceof OffsetEpochNanoClock offset) {
                // Keeps the publisher's nanoTime-based epoch clock aligned with wall time over long runs.
                offset.sample();
            }
        }
        return work;
    }

    @Override
    public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
        writer.append(buffer, index, length);
    }

    private int registerPendingModels() {
        int n = 0;
        ModelDescriptor d;
        while ((d = roster.pollPending()) != null) {
            writer.registerModel(d);
            n++;
        }
        return n;
    }

    void appendCounters() {
        long epoch = clock.nanoTime();
        stats.fillGlobalCounters(values);
        writer.appendCounters(epoch, ShadowLogFormat.SCOPE_GLOBAL, values);
        ShadowWorkerAgent.Slot slot;
        while ((slot = retired.poll()) != null) {
            // Final values first: a successor that continues the same id (see ModelRoster) then comes later.
            appendCounters(epoch, slot);
        }
        for (ShadowWorkerAgent w : workers) {
            ShadowWorkerAgent.Slot active = w.active();
            ShadowWorkerAgent.Slot dispatching = w.dispatching();
            appendCounters(epoch, active);
            if (dispatching != active) {
                appendCounters(epoch, dispatching);
            }
        }
    }

    private void appendCounters(long epoch, ShadowWorkerAgent.Slot slot) {
        slot.counters.copyInto(values);
        writer.appendCounters(epoch, slot.modelId, values);
    }

    /** Drains what is left, writes final counters and finishes the segment; runs on the agent thread. */
    @Override
    public void onClose() {
        finish();
    }

    /** Used when the agent never ran: the same final work on the closing thread. */
    void closeWithoutThread() {
        finish();
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        registerPendingModels();
        drain();
        appendCounters();
        writer.close();
    }

    private void drain() {
        for (int i = 0; i < 100_000; i++) {
            if (records.read(this, READ_LIMIT) == 0) {
                break;
            }
        }
    }

    @Override
    public String roleName() {
        return "hotpath-shadow-writer";
    }
}
