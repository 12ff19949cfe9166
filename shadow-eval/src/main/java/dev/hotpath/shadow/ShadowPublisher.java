package dev.hotpath.shadow;

import java.util.concurrent.atomic.LongAdder;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import dev.hotpath.scoring.scorer.ShadowSink;

/**
 * The request-thread side of shadow evaluation: hands the primary's feature vector and result to the shadow agent
 * without ever blocking, allocating, throwing or logging.
 *
 * <p>{@code offer} does, in order: a closed check; argument checks; the deterministic sampling decision
 * ({@link ShadowSampling#isSampled}); one {@code tryClaim} on an Agrona {@link ManyToOneRingBuffer}; a copy of
 * the features and primary result into the claimed slot; {@code commit}. If the ring is full the request is
 * dropped and counted ({@link #DROPPED_RING_FULL}); the claim is aborted in {@code finally} if anything fails
 * between claim and commit. Every outcome is counted, so coverage can be reported later. The request thread reads
 * no clock: the record's time is stamped by the shadow agent when it takes the request in (normally within a
 * millisecond of the offer), because a clock read was a third of an accepted offer's cost.
 *
 * <p>Request ids: pass the caller's own 64-bit id. For string ids (UUIDs, transaction references) compute
 * {@link ShadowSampling#requestIdOf(CharSequence)} on the request thread (allocation-free) and use that value
 * everywhere the id is joined, e.g. in the labels file (the report maps non-numeric label ids the same way).
 *
 * <p><b>Thread-safety:</b> thread-safe; any number of producer threads (including virtual threads) may call
 * {@code offer} concurrently. <b>Allocation:</b> {@code offer} allocates nothing in any branch (the outcome
 * counters are {@link LongAdder}s, which may allocate their striped cells once, the first time threads contend).
 * Obtain an instance from {@link ShadowEvaluator#publisher()}; it is also the evaluator's {@link ShadowSink}, which
 * the {@code Scorer} offers to directly, with the primary id it resolved when the model was built or swapped in.
 */
public final class ShadowPublisher implements ShadowSink {
    /** The request was copied into the ring and will be scored by every shadow ({@link ShadowSink#ACCEPTED}). */
    public static final int ACCEPTED = ShadowSink.ACCEPTED;
    /** The request is not in the sample; nothing was done. */
    public static final int SAMPLED_OUT = 1;
    /** The request was sampled but the ring was full (the shadow agent is behind); dropped and counted. */
    public static final int DROPPED_RING_FULL = 2;
    /** The evaluator is closed. */
    public static final int CLOSED = 3;
    /**
     * The arguments were invalid ({@code features == null}, {@code nFeatures} negative, longer than
     * {@code features} or than the configured maximum, or a model id outside {@code 0..65534}); counted.
     */
    public static final int REJECTED_INVALID = 4;
    /** An unexpected failure while claiming or committing (e.g. a claim revoked by the watchdog); counted. */
    public static final int DROPPED_ERROR = 5;

    private final ManyToOneRingBuffer ring;
    private final AtomicBuffer buffer;
    private final int maxFeatures;
    private final long seed;

    private volatile int sampleRateE4;
    private volatile boolean closed;

    // Counted before the claim, so the request thread's last locked instruction precedes the copy (see offer).
    private final LongAdder sampledIn = new LongAdder();
    private final LongAdder sampledOut = new LongAdder();
    private final LongAdder droppedRingFull = new LongAdder();
    private final LongAdder rejectedInvalid = new LongAdder();
    private final LongAdder rejectedClosed = new LongAdder();
    private final LongAdder producerErrors = new LongAdder();

    ShadowPublisher(ManyToOneRingBuffer ring, int maxFeatures, long seed, int sampleRateE4) {
        this.ring = ring;
        this.buffer = ring.buffer();
        this.maxFeatures = maxFeatures;
        this.seed = seed;
        this.sampleRateE4 = sampleRateE4;
    }

    /**
     * Offers one scored request to the shadows. See the class comment for what happens; never blocks, allocates,
     * throws or logs.
     *
     * @param requestId the caller's request id (sampling is a pure function of it)
     * @param features the feature vector the primary scored; read, not kept
     * @param nFeatures how many leading values of {@code features} to copy, {@code 0..maxFeatures}; shadows that
     *     expect more see NaN (missing) for the rest
     * @param primaryScore the primary's score
     * @param primaryModelId the primary model's id, {@code 0..65534}: registered with the evaluator's builder, or
     *     returned by {@link ShadowEvaluator#resolvePrimary}
     * @param primaryLatencyNanos how long the primary took, in ns (0 if not measured)
     * @return {@link #ACCEPTED}, {@link #SAMPLED_OUT}, {@link #DROPPED_RING_FULL}, {@link #CLOSED},
     *     {@link #REJECTED_INVALID} or {@link #DROPPED_ERROR}
     */
    @Override
    public int offer(long requestId, float[] features, int nFeatures, float primaryScore, int primaryModelId,
            int primaryLatencyNanos) {
        return offer(requestId, features, nFeatures, primaryScore, primaryModelId, primaryLatencyNanos, 0, 0L);
    }

    /**
     * Offers one scored request with a segment key and an amount, which the log keeps for per-segment and
     * amount-weighted analysis. Never blocks, allocates, throws or logs.
     *
     * @param requestId the caller's request id
     * @param features the feature vector the primary scored
     * @param nFeatures how many leading values to copy
     * @param primaryScore the primary's score
     * @param primaryModelId the primary model's id, {@code 0..65534}
     * @param primaryLatencyNanos the primary's latency in ns
     * @param segmentKey a caller-packed segment, e.g. {@code country << 16 | mcc}
     * @param amountMinor the amount in minor currency units, 0 when unknown
     * @return a result code, see {@link #offer(long, float[], int, float, int, int)}
     */
    public int offer(long requestId, float[] features, int nFeatures, float primaryScore, int primaryModelId,
            int primaryLatencyNanos, int segmentKey, long amountMinor) {
        if (closed) {
            rejectedClosed.increment();
            return CLOSED;
        }
        if (features == null || nFeatures < 0 || nFeatures > features.length || nFeatures > maxFeatures
                || primaryModelId < 0 || primaryModelId > 65534) {
            rejectedInvalid.increment();
            return REJECTED_INVALID;
        }
        final int rate = sampleRateE4;
        if (!ShadowSampling.isSampled(requestId, seed, rate)) {
            sampledOut.increment();
            return SAMPLED_OUT;
        }
        // Every locked instruction (an atomic increment, the claim's CAS) makes the request thread wait until its
        // earlier stores are visible. Before the copy that is nothing; after it, it would be the whole slot, whose
        // cache lines the consumers hold (measured: a counter incremented after the commit made a paced offer
        // wait for them). So the count happens here and the copy ends in plain stores that drain in the background.
        sampledIn.increment();
        final int index;
        try {
            index = ring.tryClaim(IntakeLayout.MSG_SCORE_REQUEST, IntakeLayout.messageLength(nFeatures));
        } catch (RuntimeException e) {
            producerErrors.increment();
            return DROPPED_ERROR;
        }
        if (index == RingBuffer.INSUFFICIENT_CAPACITY || index < 0) {
            droppedRingFull.increment();
            return DROPPED_RING_FULL;
        }
        boolean committed = false;
        try {
            final AtomicBuffer b = buffer;
            b.putLong(index + IntakeLayout.REQUEST_ID, requestId);
            b.putLong(index + IntakeLayout.AMOUNT, amountMinor);
            b.putFloat(index + IntakeLayout.PRIMARY_SCORE, primaryScore);
            b.putInt(index + IntakeLayout.PRIMARY_LATENCY, primaryLatencyNanos);
            b.putInt(index + IntakeLayout.SEGMENT, segmentKey);
            b.putShort(index + IntakeLayout.PRIMARY_MODEL, (short) primaryModelId);
            b.putShort(index + IntakeLayout.SAMPLE_RATE, (short) rate);
            b.putInt(index + IntakeLayout.N_FEATURES, nFeatures);
            b.putInt(index + IntakeLayout.FLAGS, 0);
            IntakeLayout.writeFeatures(b, index + IntakeLayout.FEATURES, features, nFeatures, IntakeLayout.BULK_COPY);
            ring.commit(index);
            committed = true;
        } catch (RuntimeException e) {
            // Only a claim revoked by the consumer's watchdog (IllegalStateException) can land here.
            producerErrors.increment();
            return DROPPED_ERROR;
        } finally {
            if (!committed) {
                abortQuietly(index);
            }
        }
        return ACCEPTED;
    }

    private void abortQuietly(int index) {
        try {
            ring.abort(index);
        } catch (RuntimeException ignored) {
            // Already revoked by the watchdog; the slot is padding either way.
        }
    }

    /**
     * @param requestId a request id
     * @return whether {@code offer} would sample this request at the current rate (allocation-free)
     */
    public boolean wouldSample(long requestId) {
        return ShadowSampling.isSampled(requestId, seed, sampleRateE4);
    }

    /**
     * Changes the sampling rate at run time (a kill switch at 0). Thread-safe; takes effect for later offers and is
     * written into every record.
     *
     * @param rate inclusion probability in {@code [0, 1]}, resolved to 1/10,000
     */
    public void sampleRate(double rate) {
        this.sampleRateE4 = ShadowSampling.toRateE4(rate);
    }

    /** @return the current sampling rate in 1/10,000 */
    public int sampleRateE4() {
        return sampleRateE4;
    }

    /** @return the most features one offer may carry */
    public int maxFeatures() {
        return maxFeatures;
    }

    /** @return the sampling seed */
    public long seed() {
        return seed;
    }

    /**
     * @return offers accepted into the ring; while offers are in flight this may include a few that are about to be
     *     dropped (it is derived from the sampled count, which is taken before the ring claim)
     */
    public long acceptedCount() {
        // Failures first: each was counted as sampled before it failed, so the difference is never negative.
        long failed = droppedRingFull.sum() + producerErrors.sum();
        return sampledIn.sum() - failed;
    }

    /** @return offers not in the sample */
    public long sampledOutCount() {
        return sampledOut.sum();
    }

    /** @return sampled offers dropped because the ring was full */
    public long droppedRingFullCount() {
        return droppedRingFull.sum();
    }

    /** @return offers rejected for invalid arguments */
    public long rejectedInvalidCount() {
        return rejectedInvalid.sum();
    }

    /** @return offers made after close */
    public long rejectedClosedCount() {
        return rejectedClosed.sum();
    }

    /** @return offers lost to unexpected claim/commit failures */
    public long producerErrorCount() {
        return producerErrors.sum();
    }

    /** @return every call of {@code offer} so far (sum of all outcomes) */
    public long offeredCount() {
        return sampledIn.sum() + sampledOut.sum() + rejectedInvalid.sum() + rejectedClosed.sum();
    }

    /** For tests that simulate a producer dying between claim and commit. */
    ManyToOneRingBuffer ring() {
        return ring;
    }

    void close() {
        closed = true;
    }

    /** @return whether the evaluator behind this publisher is closed */
    public boolean isClosed() {
        return closed;
    }

    /**
     * @param code a result code of {@code offer}
     * @return its constant name, e.g. {@code ACCEPTED}
     */
    public static String describe(int code) {
        switch (code) {
            case ACCEPTED:
                return "ACCEPTED";
            case SAMPLED_OUT:
                return "SAMPLED_OUT";
            case DROPPED_RING_FULL:
                return "DROPPED_RING_FULL";
            case CLOSED:
                return "CLOSED";
            case REJECTED_INVALID:
                return "REJECTED_INVALID";
            case DROPPED_ERROR:
                return "DROPPED_ERROR";
            default:
                return "UNKNOWN(" + code + ")";
        }
    }
}
