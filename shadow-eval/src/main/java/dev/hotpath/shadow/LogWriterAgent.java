package dev.hotpath.shadow;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.log.ShadowLogWriter;

/**
 * Owns the {@link ShadowLogWriter}: drains the records ring into blocks, does the writer's time-driven work,
 * appends COUNTERS records periodically and at close, and logs a one-line summary now and then. A slow disk
 * stalls only this thread; scoring continues and the records ring absorbs (or drops and counts) the backlog.
 */
final class LogWriterAgent implements Agent, MessageHandler {
    private static final int READ_LIMIT = 4096;
    private static final long CLOCK_RESAMPLE_NANOS = 10_000_000_000L;

    private final ManyToOneRingBuffer records;
    private final ShadowLogWriter writer;
    private final ShadowEvaluator evaluator;
    private final long countersIntervalNanos;
    private final long summaryIntervalNanos;
    private final EpochNanoClock clock;
    private final long[] values = new long[ShadowLogFormat.COUNTER_SLOTS];

    private volatile boolean stopRequested;
    private boolean finished;
    private long lastCountersNanos;
    private long lastSummaryNanos;
    private long lastResampleNanos;

    LogWriterAgent(ManyToOneRingBuffer records, ShadowLogWriter writer, ShadowEvaluator evaluator,
            long countersIntervalNanos, long summaryIntervalNanos, EpochNanoClock clock) {
        this.records = records;
        this.writer = writer;
        this.evaluator = evaluator;
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
        int work = records.read(this, READ_LIMIT);
        work += writer.poll();
        long now = System.nanoTime();
        if (now - lastCountersNanos >= countersIntervalNanos) {
            lastCountersNanos = now;
            appendCounters();
            work++;
        }
        if (summaryIntervalNanos > 0 && now - lastSummaryNanos >= summaryIntervalNanos) {
            lastSummaryNanos = now;
            evaluator.logSummary();
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

    void appendCounters() {
        long epoch = clock.nanoTime();
        evaluator.fillGlobalCounters(values);
        writer.appendCounters(epoch, ShadowLogFormat.SCOPE_GLOBAL, values);
        for (int k = 0; k < evaluator.shadowCount(); k++) {
            evaluator.fillShadowCounters(k, values);
            writer.appendCounters(epoch, evaluator.shadowModelId(k), values);
        }
        ShadowWorkerAgent.Slot retired;
        while ((retired = evaluator.pollRetired()) != null) {
            // Final counters of a shadow replaced by promotion; its successor reports under its own id.
            retired.counters.copyInto(values);
            writer.appendCounters(epoch, retired.modelId, values);
        }
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
