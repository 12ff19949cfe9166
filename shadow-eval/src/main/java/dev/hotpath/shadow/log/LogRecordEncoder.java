package dev.hotpath.shadow.log;

import static dev.hotpath.shadow.log.ShadowLogFormat.*;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.agrona.MutableDirectBuffer;

/**
 * Writes the records of the {@link ShadowLogFormat} layout into a buffer: COMPARISON, FEATURES (header; the caller
 * copies the values), COUNTERS and MODEL_INFO.
 *
 * <p><b>Thread-safety:</b> stateless static methods; safe from any thread. <b>Allocation:</b> none, except
 * {@link #encodeModelInfo} and {@link #modelInfoLength} (cold path: they encode the strings).
 */
public final class LogRecordEncoder {
    private LogRecordEncoder() {
    }

    /**
     * Writes a complete 64-byte COMPARISON record at {@code offset}. Allocation-free.
     *
     * @param buf destination
     * @param offset where the record starts (8-byte aligned for numpy-friendly files)
     * @param epochNanos when the shadow pipeline took the request in
     * @param requestId caller request id
     * @param amountMinor amount in minor units, 0 when unknown
     * @param primaryModelId u16 primary model id
     * @param shadowModelId u16 shadow model id
     * @param primaryScore primary score
     * @param shadowScore shadow score, NaN when not available
     * @param primaryDecision primary decision code
     * @param shadowDecision shadow decision code
     * @param flags {@code FLAG_*} bits
     * @param primaryLatencyNanos primary latency
     * @param shadowLatencyNanos shadow latency
     * @param segmentKey caller segment key
     * @param sampleRateE4 sampling rate in 1/10,000
     */
    public static void encodeComparison(MutableDirectBuffer buf, int offset, long epochNanos, long requestId,
            long amountMinor, int primaryModelId, int shadowModelId, float primaryScore, float shadowScore,
            int primaryDecision, int shadowDecision, int flags, int primaryLatencyNanos, int shadowLatencyNanos,
            int segmentKey, int sampleRateE4) {
        buf.putInt(offset, ShadowLogFormat.COMPARISON_LENGTH, ORDER);
        buf.putShort(offset + RH_TYPE_OFFSET, (short) TYPE_COMPARISON, ORDER);
        buf.putShort(offset + RH_VERSION_OFFSET, (short) 1, ORDER);
        buf.putLong(offset + R_EPOCH_OFFSET, epochNanos, ORDER);
        buf.putLong(offset + C_REQUEST_ID, requestId, ORDER);
        buf.putLong(offset + C_AMOUNT, amountMinor, ORDER);
        buf.putShort(offset + C_PRIMARY_MODEL, (short) primaryModelId, ORDER);
        buf.putShort(offset + C_SHADOW_MODEL, (short) shadowModelId, ORDER);
        buf.putFloat(offset + C_PRIMARY_SCORE, primaryScore, ORDER);
        buf.putFloat(offset + C_SHADOW_SCORE, shadowScore, ORDER);
        buf.putByte(offset + C_PRIMARY_DECISION, (byte) primaryDecision);
        buf.putByte(offset + C_SHADOW_DECISION, (byte) shadowDecision);
        buf.putByte(offset + C_FLAGS, (byte) flags);
        buf.putByte(offset + C_FLAGS + 1, (byte) 0);
        buf.putInt(offset + C_PRIMARY_LATENCY, primaryLatencyNanos, ORDER);
        buf.putInt(offset + C_SHADOW_LATENCY, shadowLatencyNanos, ORDER);
        buf.putInt(offset + C_SEGMENT, segmentKey, ORDER);
        buf.putShort(offset + C_SAMPLE_RATE, (short) sampleRateE4, ORDER);
        buf.putShort(offset + C_SAMPLE_RATE + 2, (short) 0, ORDER);
    }

    /**
     * Writes the fixed part of a FEATURES record (everything but the values) at {@code offset}; the caller then
     * writes {@code count} floats at {@code offset + F_VALUES} (use {@link ShadowLogFormat#ORDER}) and nothing else. The padding
     * after the values is zeroed here. Allocation-free.
     *
     * @param buf destination
     * @param offset record start
     * @param epochNanos when the shadow pipeline took the request in
     * @param requestId caller request id
     * @param amountMinor amount in minor units
     * @param primaryModelId u16 primary model id
     * @param count number of features, at most {@link ShadowLogFormat#MAX_FEATURES}
     * @param primaryScore primary score
     * @param primaryLatencyNanos primary latency
     * @param segmentKey segment key
     * @param sampleRateE4 sampling rate in 1/10,000
     * @param captureRateE4 capture rate among sampled requests in 1/10,000
     * @return the record length ({@link ShadowLogFormat#featuresLength(int)})
     */
    public static int encodeFeaturesHeader(MutableDirectBuffer buf, int offset, long epochNanos, long requestId,
            long amountMinor, int primaryModelId, int count, float primaryScore, int primaryLatencyNanos,
            int segmentKey, int sampleRateE4, int captureRateE4) {
        int length = featuresLength(count);
        buf.putInt(offset, length, ORDER);
        buf.putShort(offset + RH_TYPE_OFFSET, (short) TYPE_FEATURES, ORDER);
        buf.putShort(offset + RH_VERSION_OFFSET, (short) 1, ORDER);
        buf.putLong(offset + R_EPOCH_OFFSET, epochNanos, ORDER);
        buf.putLong(offset + F_REQUEST_ID, requestId, ORDER);
        buf.putLong(offset + F_AMOUNT, amountMinor, ORDER);
        buf.putShort(offset + F_PRIMARY_MODEL, (short) primaryModelId, ORDER);
        buf.putShort(offset + F_COUNT, (short) count, ORDER);
        buf.putFloat(offset + F_PRIMARY_SCORE, primaryScore, ORDER);
        buf.putInt(offset + F_PRIMARY_LATENCY, primaryLatencyNanos, ORDER);
        buf.putInt(offset + F_SEGMENT, segmentKey, ORDER);
        buf.putShort(offset + F_SAMPLE_RATE, (short) sampleRateE4, ORDER);
        buf.putShort(offset + F_CAPTURE_RATE, (short) captureRateE4, ORDER);
        buf.putInt(offset + 52, 0, ORDER);
        int end = offset + F_VALUES + 4 * count;
        for (int i = end; i < offset + length; i++) {
            buf.putByte(i, (byte) 0);
        }
        return length;
    }

    /**
     * Writes a complete 160-byte COUNTERS record. Allocation-free.
     *
     * @param buf destination
     * @param offset record start
     * @param epochNanos when the values were read
     * @param instanceId writer instance id
     * @param scope a shadow model id or {@link ShadowLogFormat#SCOPE_GLOBAL}
     * @param values at least {@link ShadowLogFormat#COUNTER_SLOTS} cumulative values
     */
    public static void encodeCounters(MutableDirectBuffer buf, int offset, long epochNanos, long instanceId,
            int scope, long[] values) {
        buf.putInt(offset, COUNTERS_LENGTH, ORDER);
        buf.putShort(offset + RH_TYPE_OFFSET, (short) TYPE_COUNTERS, ORDER);
        buf.putShort(offset + RH_VERSION_OFFSET, (short) 1, ORDER);
        buf.putLong(offset + R_EPOCH_OFFSET, epochNanos, ORDER);
        buf.putLong(offset + K_INSTANCE, instanceId, ORDER);
        buf.putShort(offset + K_SCOPE, (short) scope, ORDER);
        buf.putShort(offset + K_COUNT, (short) COUNTER_SLOTS, ORDER);
        buf.putInt(offset + 28, 0, ORDER);
        for (int i = 0; i < COUNTER_SLOTS; i++) {
            buf.putLong(offset + K_VALUES + 8 * i, values[i], ORDER);
        }
    }

    /**
     * @param descriptor the model to describe
     * @return the length of its MODEL_INFO record
     */
    public static int modelInfoLength(ModelDescriptor descriptor) {
        int len = M_STRINGS;
        for (String s : descriptor.strings()) {
            len += 2 + utf8(s).length;
        }
        return align8(len);
    }

    /**
     * Writes a MODEL_INFO record (cold path; allocates the UTF-8 bytes).
     *
     * @param buf destination, with room for {@link #modelInfoLength(ModelDescriptor)} bytes
     * @param offset record start
     * @param epochNanos when the model was registered
     * @param d the model description
     * @return the record length
     */
    public static int encodeModelInfo(MutableDirectBuffer buf, int offset, long epochNanos, ModelDescriptor d) {
        int length = modelInfoLength(d);
        buf.setMemory(offset, length, (byte) 0);
        buf.putInt(offset, length, ORDER);
        buf.putShort(offset + RH_TYPE_OFFSET, (short) TYPE_MODEL_INFO, ORDER);
        buf.putShort(offset + RH_VERSION_OFFSET, (short) 1, ORDER);
        buf.putLong(offset + R_EPOCH_OFFSET, epochNanos, ORDER);
        buf.putShort(offset + M_MODEL_ID, (short) d.modelId(), ORDER);
        buf.putShort(offset + M_ROLE, (short) d.role(), ORDER);
        buf.putFloat(offset + M_THRESHOLD, d.threshold(), ORDER);
        buf.putInt(offset + M_NUM_FEATURES, d.numFeatures(), ORDER);
        buf.putInt(offset + M_OUTPUT_INDEX, d.outputIndex(), ORDER);
        buf.putLong(offset + M_BUDGET, d.latencyBudgetNanos(), ORDER);
        String[] strings = d.strings();
        buf.putShort(offset + M_STRING_COUNT, (short) strings.length, ORDER);
        int pos = offset + M_STRINGS;
        for (String s : strings) {
            byte[] bytes = utf8(s);
            buf.putShort(pos, (short) bytes.length, ORDER);
            buf.putBytes(pos + 2, bytes);
            pos += 2 + bytes.length;
        }
        return length;
    }

    static byte[] utf8(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_MODEL_STRING_BYTES) {
            // Descriptors validate lengths eagerly; this only guards hand-built callers.
            return Arrays.copyOf(bytes, MAX_MODEL_STRING_BYTES);
        }
        return bytes;
    }
}
