package dev.hotpath.shadow;

import java.util.Queue;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hotpath.scoring.Model;
import dev.hotpath.shadow.log.LogRecordEncoder;
import dev.hotpath.shadow.log.ShadowLogFormat;

/**
 * Scores one shadow position on its own thread: reads its queue, copies the features into preallocated scratch
 * (NaN-padded to the model's width), times {@code Model.score}, applies the circuit breaker, records latency into
 * an HdrHistogram {@code Recorder}, and hands a 64-byte COMPARISON record to the writer ring.
 *
 * <p>The model being run lives in a {@link Slot}. A replacement (promotion: the old primary becomes a shadow) is
 * {@link #configure configured} by the control plane and handed over in queue order: the dispatcher, at its next
 * request, puts a SWITCH marker in this worker's queue and from then on counts requests against the new slot; the
 * worker switches when it reads the marker. So every request is counted and scored by the same slot, and the
 * requests already queued for the old model are still scored by it. The old slot then goes to the {@code retired}
 * queue, whose final counters the writer records.
 *
 * <p>Failure isolation: every call is wrapped; a throw or NaN is counted and flagged, never propagated. A call
 * that never returns stalls only this thread; the evaluator abandons it at close. Allocation-free in steady state
 * (the error log line of a failing shadow is rate-limited).
 */
final class ShadowWorkerAgent implements Agent, MessageHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowEvaluator.class);
    private static final int READ_LIMIT = 64;
    private static final long ERROR_LOG_INTERVAL_NANOS = 60_000_000_000L;

    /** One shadow model with its thresholds, counters, latency, scratch and breaker state. */
    static final class Slot {
        final ShadowModelConfig config;
        final Model model;
        final int modelId;
        final int outputIndex;
        final float threshold;
        final long budgetNanos;
        final int breakerFailures;
        final long coolDownNanos;
        final SingleWriterCounters counters = new SingleWriterCounters(ShadowLogFormat.COUNTER_SLOTS);
        final LatencyTracker latency = new LatencyTracker();
        final float[] features;
        final float[] out;
        volatile boolean breakerOpen;
        // Only the worker thread touches the fields below.
        int consecutiveFailures;
        long openUntilNanos;
        boolean trialCall;
        long lastErrorLogNanos = Long.MIN_VALUE / 2;
        long errorsSinceLog;

        Slot(ShadowModelConfig config, float threshold) {
            this(config, threshold, null);
        }

        /**
         * @param carried the counters of an earlier slot with the same model id (a model shadowed again after a
         *     promotion), continued so that the log's cumulative counters of that id never go back; or null
         */
        Slot(ShadowModelConfig config, float threshold, SingleWriterCounters carried) {
            this.config = config;
            this.model = config.model();
            this.modelId = config.modelId();
            this.outputIndex = config.outputIndex();
            this.threshold = threshold;
            this.budgetNanos = config.latencyBudgetNanos();
            this.breakerFailures = config.breakerFailures();
            this.coolDownNanos = config.breakerCoolDownNanos();
            this.features = new float[Math.max(1, model.numFeatures())];
            this.out = new float[Math.max(1, model.numOutputs())];
            if (carried != null) {
                counters.addAll(carried);
            }
        }
    }

    private final OneToOneRingBuffer queue;
    private final ManyToOneRingBuffer records;
    private final float primaryThreshold;
    private final int position;
    private final Queue<Slot> retired;

    /** The slot configured last by the control plane: names, stats, promotion. */
    private volatile Slot configured;
    /** The slot the dispatcher counts requests against; written by the dispatcher thread only. */
    private volatile Slot dispatching;
    /** A slot the dispatcher announced with a SWITCH marker that the worker has not taken yet. */
    private volatile Slot handoff;
    /** The slot scoring requests; written by the worker thread only. */
    private volatile Slot active;
    private volatile boolean stopRequested;

    ShadowWorkerAgent(int position, Slot slot, float primaryThreshold, OneToOneRingBuffer queue,
            ManyToOneRingBuffer records, Queue<Slot> retired) {
        this.position = position;
        this.configured = slot;
        this.dispatching = slot;
        this.active = slot;
        this.primaryThreshold = primaryThreshold;
        this.queue = queue;
        this.records = records;
        this.retired = retired;
    }

    /** @return the slot configured last (what the evaluator reports and promotes) */
    Slot configured() {
        return configured;
    }

    /** @return the slot requests are currently counted against */
    Slot dispatching() {
        return dispatching;
    }

    /** @return the slot currently scoring */
    Slot active() {
        return active;
    }

    /** Configures a new model for this position; it takes over in queue order (see the class comment). Cold. */
    void configure(Slot next) {
        this.configured = next;
    }

    /**
     * Dispatcher thread: the slot to count the next request against. When a new slot is configured and the
     * previous handover is done, a SWITCH marker goes into the queue first; if the queue has no room for it, the
     * old slot keeps counting (and its worker scoring) until there is. Allocation-free.
     *
     * @param buffer any buffer (the marker has no payload)
     * @param index any index in it
     * @return the slot to count the request against (and whose model will score it)
     */
    Slot dispatchSlot(MutableDirectBuffer buffer, int index) {
        Slot d = dispatching;
        Slot want = configured;
        if (want != d && handoff == null) {
            handoff = want;
            if (queue.write(IntakeLayout.MSG_SWITCH_SLOT, buffer, index, 0)) {
                dispatching = want;
                return want;
            }
            handoff = null;
        }
        return d;
    }

    void requestStop() {
        stopRequested = true;
    }

    OneToOneRingBuffer queue() {
        return queue;
    }

    @Override
    public int doWork() {
        if (stopRequested) {
            throw new AgentTerminationException("stopped");
        }
        return queue.read(this, READ_LIMIT);
    }

    /** Counts the requests left in the queue; only called once this agent's thread has ended. Cold. */
    void countAbandoned() {
        long[] requests = new long[1];
        MessageHandler count = (type, buffer, index, length) -> {
            if (type == IntakeLayout.MSG_SCORE_REQUEST) {
                requests[0]++;
            }
        };
        while (queue.read(count, Integer.MAX_VALUE) > 0) {
            // drain
        }
        active.counters.add(ShadowLogFormat.S_ABANDONED_AT_CLOSE, requests[0]);
    }

    @Override
    public void onMessage(int msgTypeId, MutableDirectBuffer buf, int index, int length) {
        if (msgTypeId == IntakeLayout.MSG_SWITCH_SLOT) {
            switchSlot();
            return;
        }
        if (msgTypeId != IntakeLayout.MSG_SCORE_REQUEST) {
            return;
        }
        final Slot s = active;
        final float[] features = s.features;
        final int n = buf.getInt(index + IntakeLayout.N_FEATURES);
        final int width = features.length;
        final int copy = Math.min(n, width);
        final int base = index + IntakeLayout.FEATURES;
        IntakeLayout.readFeatures(buf, base, features, copy, IntakeLayout.BULK_COPY);
        for (int i = copy; i < width; i++) {
            features[i] = Float.NaN;
        }
        final float primaryScore = buf.getFloat(index + IntakeLayout.PRIMARY_SCORE);
        int flags = buf.getInt(index + IntakeLayout.FLAGS) & ShadowLogFormat.FLAG_FEATURES_CAPTURED;
        float score = Float.NaN;
        long elapsed = 0;
        final SingleWriterCounters counters = s.counters;

        long now = System.nanoTime();
        if (s.breakerOpen && now < s.openUntilNanos) {
            flags |= ShadowLogFormat.FLAG_BREAKER_OPEN;
            counters.increment(ShadowLogFormat.S_SKIPPED_BREAKER_OPEN);
        } else {
            if (s.breakerOpen) {
                s.trialCall = true;
            }
            boolean failed = false;
            final long t0 = System.nanoTime();
            try {
                s.model.score(features, s.out);
                score = s.out[s.outputIndex];
            } catch (Throwable t) {
                failed = true;
                flags |= ShadowLogFormat.FLAG_SHADOW_ERROR;
                counters.increment(ShadowLogFormat.S_ERRORS);
                logError(s, t);
            }
            final long t1 = System.nanoTime();
            elapsed = t1 - t0;
            s.latency.record(elapsed);
            if (!failed && score != score) {
                failed = true;
                flags |= ShadowLogFormat.FLAG_SHADOW_ERROR | ShadowLogFormat.FLAG_NAN_OUTPUT;
                counters.increment(ShadowLogFormat.S_NAN_OUTPUTS);
            }
            if (elapsed > s.budgetNanos) {
                failed = true;
                flags |= ShadowLogFormat.FLAG_OVER_BUDGET;
                counters.increment(ShadowLogFormat.S_OVER_BUDGET);
            }
            if (!failed) {
                counters.increment(ShadowLogFormat.S_SCORED);
            }
            updateBreaker(s, failed, t1);
        }
        emit(s, buf, index, primaryScore, score, flags, elapsed);
    }

    private void switchSlot() {
        Slot next = handoff;
        if (next == null) {
            return;
        }
        Slot old = active;
        active = next;
        handoff = null;
        retired.add(old);
        LOG.info("shadow position {}: '{}' [{}] now scores in place of '{}' [{}]", position, next.config.name(),
                next.modelId, old.config.name(), old.modelId);
    }

    private static void updateBreaker(Slot s, boolean failed, long now) {
        if (!failed) {
            s.consecutiveFailures = 0;
            if (s.breakerOpen) {
                s.breakerOpen = false;
                LOG.info("shadow {} ({}): trial call succeeded, circuit breaker closed", s.config.name(), s.modelId);
            }
            s.trialCall = false;
            return;
        }
        s.consecutiveFailures++;
        if (s.trialCall || s.consecutiveFailures >= s.breakerFailures) {
            boolean wasOpen = s.breakerOpen;
            s.breakerOpen = true;
            s.openUntilNanos = now + s.coolDownNanos;
            s.trialCall = false;
            s.consecutiveFailures = 0;
            if (!wasOpen) {
                s.counters.increment(ShadowLogFormat.S_BREAKER_TRIPS);
                LOG.warn("shadow {} ({}): circuit breaker opened after {} consecutive failure(s) "
                        + "(throw, NaN or over the {} ns budget); skipping it for {} ms", s.config.name(), s.modelId,
                        s.breakerFailures, s.budgetNanos, s.coolDownNanos / 1_000_000);
            }
        }
    }

    private void emit(Slot s, MutableDirectBuffer in, int index, float primaryScore, float score, int flags,
            long elapsed) {
        int at = records.tryClaim(ShadowLogFormat.TYPE_COMPARISON, ShadowLogFormat.COMPARISON_LENGTH);
        if (at == RingBuffer.INSUFFICIENT_CAPACITY || at < 0) {
            s.counters.increment(ShadowLogFormat.S_DROPPED_WRITER_FULL);
            return;
        }
        AtomicBuffer out = records.buffer();
        boolean committed = false;
        try {
            LogRecordEncoder.encodeComparison(out, at, in.getLong(index + IntakeLayout.EPOCH_NANOS),
                    in.getLong(index + IntakeLayout.REQUEST_ID), in.getLong(index + IntakeLayout.AMOUNT),
                    in.getShort(index + IntakeLayout.PRIMARY_MODEL) & 0xFFFF, s.modelId, primaryScore, score,
                    ShadowLogFormat.decision(primaryScore, primaryThreshold),
                    ShadowLogFormat.decision(score, s.threshold), flags,
                    in.getInt(index + IntakeLayout.PRIMARY_LATENCY),
                    (int) Math.min(Integer.MAX_VALUE, elapsed), in.getInt(index + IntakeLayout.SEGMENT),
                    in.getShort(index + IntakeLayout.SAMPLE_RATE) & 0xFFFF);
            records.commit(at);
            committed = true;
            s.counters.increment(ShadowLogFormat.S_RECORDS_EMITTED);
        } finally {
            if (!committed) {
                records.abort(at);
            }
        }
    }

    private static void logError(Slot s, Throwable t) {
        long now = System.nanoTime();
        s.errorsSinceLog++;
        if (now - s.lastErrorLogNanos >= ERROR_LOG_INTERVAL_NANOS) {
            LOG.warn("shadow {} ({}) threw; {} error(s) since the last report (the primary is unaffected)",
                    s.config.name(), s.modelId, s.errorsSinceLog, t);
            s.lastErrorLogNanos = now;
            s.errorsSinceLog = 0;
        }
    }

    @Override
    public String roleName() {
        return "hotpath-shadow-worker-" + position;
    }
}
