package dev.hotpath.shadow;

import static dev.hotpath.shadow.log.ShadowLogFormat.ORDER;

import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import dev.hotpath.shadow.log.LogRecordEncoder;
import dev.hotpath.shadow.log.ShadowLogFormat;

/**
 * Drains the intake ring and fans each request out to every shadow's own queue, so one slow or stuck shadow only
 * fills its own queue (its drops are counted as {@code droppedBacklog}) and never delays the others. Also takes
 * the feature-capture decision and writes FEATURES records for the writer.
 *
 * <p>Watchdog: if the intake ring has a backlog that has not moved for more than a second across several duty
 * cycles, a producer died between claim and commit; {@code unblock()} turns its claim into padding.
 *
 * <p>Runs on its own agent thread; allocation-free in steady state.
 */
final class DispatcherAgent implements Agent, MessageHandler {
    static final int D_DISPATCHED = 0;
    static final int D_FEATURES_CAPTURED = 1;
    static final int D_FEATURES_DROPPED = 2;
    static final int D_UNBLOCKED = 3;
    static final int SLOTS = 4;

    private static final int READ_LIMIT = 256;
    /** The intake holds native-order floats; when the log's order is the same, captured features are copied raw. */
    private static final boolean SAME_ORDER = ORDER == ByteOrder.nativeOrder();
    private static final long STALL_NANOS = 1_000_000_000L;
    /**
     * How often an idle dispatcher looks for a stuck claim. The check reads the producers' tail counter; doing it on
     * every idle cycle kept that cache line shared with this core, so every producer's claim CAS first had to take
     * it back (measured: a paced accepted offer of 20 features cost 243 ns with the check on every idle cycle).
     */
    private static final long WATCHDOG_PERIOD_NANOS = 10_000_000L;

    private final ManyToOneRingBuffer intake;
    private final OneToOneRingBuffer[] queues;
    private final ShadowWorkerAgent[] workers;
    private final ManyToOneRingBuffer records;
    private final int captureRateE4;
    private final long captureSeed;
    private final SingleWriterCounters counters = new SingleWriterCounters(SLOTS);

    private volatile boolean stopRequested;
    private final EpochNanoClock clock;
    /** The intake time of the requests taken in by the current {@code read}: read once, at its first request. */
    private long intakeEpochNanos;
    private long stallPosition = -1;
    private long nextWatchdogNanos = System.nanoTime();
    private long stallSinceNanos;

    DispatcherAgent(ManyToOneRingBuffer intake, ShadowWorkerAgent[] workers, ManyToOneRingBuffer records,
            int captureRateE4, long seed, EpochNanoClock clock) {
        this.intake = intake;
        this.clock = clock;
        this.workers = workers;
        this.queues = new OneToOneRingBuffer[workers.length];
        for (int k = 0; k < workers.length; k++) {
            queues[k] = workers[k].queue();
        }
        this.records = records;
        this.captureRateE4 = captureRateE4;
        this.captureSeed = seed ^ ShadowSampling.CAPTURE_SALT;
    }

    SingleWriterCounters counters() {
        return counters;
    }

    void requestStop() {
        stopRequested = true;
    }

    @Override
    public int doWork() {
        if (stopRequested) {
            throw new AgentTerminationException("stopped");
        }
        intakeEpochNanos = 0;
        int read = intake.read(this, READ_LIMIT);
        if (read == 0) {
            long now = System.nanoTime();
            if (now - nextWatchdogNanos >= 0) {
                nextWatchdogNanos = now + WATCHDOG_PERIOD_NANOS;
                watchdog(now);
            }
        } else {
            stallPosition = -1;
        }
        return read;
    }

    private void watchdog(long now) {
        if (intake.size() == 0) {
            stallPosition = -1;
            return;
        }
        long position = intake.consumerPosition();
        if (position != stallPosition) {
            stallPosition = position;
            stallSinceNanos = now;
        } else if (now - stallSinceNanos > STALL_NANOS) {
            if (intake.unblock()) {
                counters.increment(D_UNBLOCKED);
            }
            stallPosition = -1;
        }
    }

    @Override
    public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
        if (msgTypeId != IntakeLayout.MSG_SCORE_REQUEST) {
            return;
        }
        counters.increment(D_DISPATCHED);
        // The record time is stamped here rather than by the request thread (a clock read is ~40 ns there).
        if (intakeEpochNanos == 0) {
            intakeEpochNanos = clock.nanoTime();
        }
        buffer.putLong(index + IntakeLayout.EPOCH_NANOS, intakeEpochNanos);
        if (captureRateE4 > 0
                && ShadowSampling.isSampled(buffer.getLong(index + IntakeLayout.REQUEST_ID), captureSeed, captureRateE4)) {
            if (capture(buffer, index)) {
                buffer.putInt(index + IntakeLayout.FLAGS, ShadowLogFormat.FLAG_FEATURES_CAPTURED);
                counters.increment(D_FEATURES_CAPTURED);
            } else {
                counters.increment(D_FEATURES_DROPPED);
            }
        }
        final int primaryModel = buffer.getShort(index + IntakeLayout.PRIMARY_MODEL) & 0xFFFF;
        for (int k = 0; k < queues.length; k++) {
            // Per request, so a replaced shadow (promotion) takes over in queue order; see ShadowWorkerAgent.
            ShadowWorkerAgent.Slot slot = workers[k].dispatchSlot(buffer, index);
            SingleWriterCounters c = slot.counters;
            if (slot.modelId == primaryModel) {
                // Around a promotion, requests served by this very model (the old primary before it became this
                // shadow, the new primary before the old one replaced it) would compare the model with itself.
                c.increment(ShadowLogFormat.S_SKIPPED_SELF);
                continue;
            }
            if (queues[k].write(msgTypeId, buffer, index, length)) {
                c.increment(ShadowLogFormat.S_RECEIVED);
            } else {
                c.increment(ShadowLogFormat.S_DROPPED_BACKLOG);
            }
        }
    }

    private boolean capture(MutableDirectBuffer in, int index) {
        int n = in.getInt(index + IntakeLayout.N_FEATURES);
        int len = ShadowLogFormat.featuresLength(n);
        int at = records.tryClaim(ShadowLogFormat.TYPE_FEATURES, len);
        if (at == RingBuffer.INSUFFICIENT_CAPACITY || at < 0) {
            return false;
        }
        AtomicBuffer out = records.buffer();
        boolean committed = false;
        try {
            LogRecordEncoder.encodeFeaturesHeader(out, at, in.getLong(index + IntakeLayout.EPOCH_NANOS),
                    in.getLong(index + IntakeLayout.REQUEST_ID), in.getLong(index + IntakeLayout.AMOUNT),
                    in.getShort(index + IntakeLayout.PRIMARY_MODEL) & 0xFFFF, n,
                    in.getFloat(index + IntakeLayout.PRIMARY_SCORE), in.getInt(index + IntakeLayout.PRIMARY_LATENCY),
                    in.getInt(index + IntakeLayout.SEGMENT), in.getShort(index + IntakeLayout.SAMPLE_RATE) & 0xFFFF,
                    captureRateE4);
            int src = index + IntakeLayout.FEATURES;
            int dst = at + ShadowLogFormat.F_VALUES;
            if (SAME_ORDER) {
                out.putBytes(dst, in, src, n << 2);
            } else {
                for (int i = 0; i < n; i++) {
                    out.putFloat(dst + (i << 2), in.getFloat(src + (i << 2)), ORDER);
                }
            }
            records.commit(at);
            committed = true;
        } finally {
            if (!committed) {
                records.abort(at);
            }
        }
        return true;
    }

    @Override
    public String roleName() {
        return "hotpath-shadow-dispatcher";
    }
}
