package dev.hotpath.shadow.log;

import static dev.hotpath.shadow.log.ShadowLogFormat.ORDER;

import org.agrona.DirectBuffer;

/**
 * A flyweight over one COMPARISON record inside a block being read. Valid only during the
 * {@link LogRecordVisitor#onComparison(ComparisonRecord)} call that passed it; copy what you need.
 * Not thread-safe; the getters allocate nothing.
 */
public final class ComparisonRecord {
    private DirectBuffer buffer;
    private int offset;

    ComparisonRecord() {
    }

    ComparisonRecord wrap(DirectBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** @return record version */
    public int version() {
        return buffer.getShort(offset + ShadowLogFormat.RH_VERSION_OFFSET, ORDER) & 0xFFFF;
    }

    /**
     * @return when the shadow pipeline took the request in, epoch ns (normally within a millisecond of the primary
     *     decision; later when the agents were behind)
     */
    public long epochNanos() {
        return buffer.getLong(offset + ShadowLogFormat.R_EPOCH_OFFSET, ORDER);
    }

    /** @return the caller's request id */
    public long requestId() {
        return buffer.getLong(offset + ShadowLogFormat.C_REQUEST_ID, ORDER);
    }

    /** @return the amount in minor units (0 when unknown) */
    public long amountMinor() {
        return buffer.getLong(offset + ShadowLogFormat.C_AMOUNT, ORDER);
    }

    /** @return the primary model id */
    public int primaryModelId() {
        return buffer.getShort(offset + ShadowLogFormat.C_PRIMARY_MODEL, ORDER) & 0xFFFF;
    }

    /** @return the shadow model id */
    public int shadowModelId() {
        return buffer.getShort(offset + ShadowLogFormat.C_SHADOW_MODEL, ORDER) & 0xFFFF;
    }

    /** @return the primary score */
    public float primaryScore() {
        return buffer.getFloat(offset + ShadowLogFormat.C_PRIMARY_SCORE, ORDER);
    }

    /** @return the shadow score, NaN when the shadow failed or was skipped */
    public float shadowScore() {
        return buffer.getFloat(offset + ShadowLogFormat.C_SHADOW_SCORE, ORDER);
    }

    /** @return the primary decision code at the threshold configured when it was written */
    public int primaryDecision() {
        return buffer.getByte(offset + ShadowLogFormat.C_PRIMARY_DECISION) & 0xFF;
    }

    /** @return the shadow decision code at the threshold configured when it was written */
    public int shadowDecision() {
        return buffer.getByte(offset + ShadowLogFormat.C_SHADOW_DECISION) & 0xFF;
    }

    /** @return the {@code FLAG_*} bits */
    public int flags() {
        return buffer.getByte(offset + ShadowLogFormat.C_FLAGS) & 0xFF;
    }

    /** @return the primary's latency in ns, as reported by the caller */
    public int primaryLatencyNanos() {
        return buffer.getInt(offset + ShadowLogFormat.C_PRIMARY_LATENCY, ORDER);
    }

    /** @return the shadow's measured latency in ns */
    public int shadowLatencyNanos() {
        return buffer.getInt(offset + ShadowLogFormat.C_SHADOW_LATENCY, ORDER);
    }

    /** @return the caller's segment key */
    public int segmentKey() {
        return buffer.getInt(offset + ShadowLogFormat.C_SEGMENT, ORDER);
    }

    /** @return the sampling rate in 1/10,000 */
    public int sampleRateE4() {
        return buffer.getShort(offset + ShadowLogFormat.C_SAMPLE_RATE, ORDER) & 0xFFFF;
    }
}
