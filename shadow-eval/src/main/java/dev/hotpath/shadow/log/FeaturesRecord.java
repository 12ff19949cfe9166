package dev.hotpath.shadow.log;

import static dev.hotpath.shadow.log.ShadowLogFormat.ORDER;

import org.agrona.DirectBuffer;

/**
 * A flyweight over one FEATURES record inside a block being read. Valid only during the
 * {@link LogRecordVisitor#onFeatures(FeaturesRecord)} call that passed it. Not thread-safe; allocation-free.
 */
public final class FeaturesRecord {
    private DirectBuffer buffer;
    private int offset;
    private int length;

    FeaturesRecord() {
    }

    FeaturesRecord wrap(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** @return the buffer holding the record, for copying it verbatim */
    public DirectBuffer buffer() {
        return buffer;
    }

    /** @return the record's offset in {@link #buffer()} */
    public int offset() {
        return offset;
    }

    /** @return the record's length in bytes */
    public int length() {
        return length;
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
        return buffer.getLong(offset + ShadowLogFormat.F_REQUEST_ID, ORDER);
    }

    /** @return the amount in minor units */
    public long amountMinor() {
        return buffer.getLong(offset + ShadowLogFormat.F_AMOUNT, ORDER);
    }

    /** @return the primary model id */
    public int primaryModelId() {
        return buffer.getShort(offset + ShadowLogFormat.F_PRIMARY_MODEL, ORDER) & 0xFFFF;
    }

    /** @return the number of captured features */
    public int count() {
        return buffer.getShort(offset + ShadowLogFormat.F_COUNT, ORDER) & 0xFFFF;
    }

    /** @return the primary score */
    public float primaryScore() {
        return buffer.getFloat(offset + ShadowLogFormat.F_PRIMARY_SCORE, ORDER);
    }

    /** @return the primary latency in ns */
    public int primaryLatencyNanos() {
        return buffer.getInt(offset + ShadowLogFormat.F_PRIMARY_LATENCY, ORDER);
    }

    /** @return the segment key */
    public int segmentKey() {
        return buffer.getInt(offset + ShadowLogFormat.F_SEGMENT, ORDER);
    }

    /** @return the sampling rate in 1/10,000 */
    public int sampleRateE4() {
        return buffer.getShort(offset + ShadowLogFormat.F_SAMPLE_RATE, ORDER) & 0xFFFF;
    }

    /** @return the capture rate among sampled requests in 1/10,000 */
    public int captureRateE4() {
        return buffer.getShort(offset + ShadowLogFormat.F_CAPTURE_RATE, ORDER) & 0xFFFF;
    }

    /**
     * @param i feature index, {@code 0 <= i < count()}
     * @return the feature value
     */
    public float feature(int i) {
        return buffer.getFloat(offset + ShadowLogFormat.F_VALUES + 4 * i, ORDER);
    }

    /**
     * Copies the features into {@code dst[0..count)}.
     *
     * @param dst at least {@link #count()} long
     * @return the number of features copied
     */
    public int copyFeatures(float[] dst) {
        int n = count();
        for (int i = 0; i < n; i++) {
            dst[i] = buffer.getFloat(offset + ShadowLogFormat.F_VALUES + 4 * i, ORDER);
        }
        return n;
    }
}
