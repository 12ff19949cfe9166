package dev.hotpath.shadow;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.AtomicBuffer;

/**
 * Payload layout of a score request in the intake ring and the per-shadow queues (native byte order; it never
 * leaves the process). Agrona's 8-byte record header precedes it. Also the feature copies in and out of a slot,
 * shared by the publisher (request threads) and the workers.
 */
final class IntakeLayout {
    static final int MSG_SCORE_REQUEST = 1;
    /** Queue-only marker without payload: the worker switches to the slot the dispatcher handed over. */
    static final int MSG_SWITCH_SLOT = 2;

    static final int REQUEST_ID = 0;
    /** Written by the dispatcher when it takes the request in, not by the request thread. */
    static final int EPOCH_NANOS = 8;
    static final int AMOUNT = 16;
    static final int PRIMARY_SCORE = 24;
    static final int PRIMARY_LATENCY = 28;
    static final int SEGMENT = 32;
    static final int PRIMARY_MODEL = 36;
    static final int SAMPLE_RATE = 38;
    static final int N_FEATURES = 40;
    static final int FLAGS = 44;
    static final int FEATURES = 48;

    /**
     * Whether features are copied with one raw memory copy instead of one {@code putFloat}/{@code getFloat} per
     * value. The slot holds floats in native order, which is exactly the byte image of a {@code float[]}, so the
     * raw copy would be right on any platform; it is still limited to little-endian hosts (every platform Hotpath
     * runs on) so that a big-endian JVM keeps the per-float path. Both paths are tested to produce the same bytes.
     */
    static final boolean BULK_COPY = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final long FLOAT_ARRAY_BASE = UnsafeApi.arrayBaseOffset(float[].class);

    private IntakeLayout() {
    }

    static int messageLength(int nFeatures) {
        return FEATURES + 4 * nFeatures;
    }

    /**
     * Writes {@code src[0..n)} at {@code offset} of {@code b}, the bytes {@code b.putFloat(offset + 4 * i, src[i])}
     * would write. The raw copy moves bits, so NaN payloads and -0.0 arrive unchanged (as through
     * {@code putFloat}). Allocation-free.
     *
     * @param n {@code 0..src.length}, checked by the caller
     * @throws IndexOutOfBoundsException if {@code [offset, offset + 4n)} is not inside {@code b}
     */
    static void writeFeatures(AtomicBuffer b, int offset, float[] src, int n, boolean bulk) {
        if (bulk) {
            final int bytes = n << 2;
            // One check for the whole range replaces one per float. For the publisher it cannot fail: tryClaim
            // returned a slot of messageLength(n) = FEATURES + 4n bytes inside the ring's data area and offset is
            // slot + FEATURES, and offer checked 0 <= n <= src.length before claiming, so the source range is in
            // the array too. It stays so that a layout mistake throws (offer catches and counts it) instead of
            // writing outside the buffer.
            b.boundsCheck(offset, bytes);
            UnsafeApi.copyMemory(src, FLOAT_ARRAY_BASE, b.byteArray(), b.addressOffset() + offset, bytes);
        } else {
            for (int i = 0; i < n; i++) {
                b.putFloat(offset + (i << 2), src[i]);
            }
        }
    }

    /**
     * Reads {@code n} floats at {@code offset} of {@code b} into {@code dst[0..n)}, bit for bit what
     * {@code b.getFloat(offset + 4 * i)} returns. Allocation-free.
     *
     * @param n {@code 0..dst.length}
     * @throws IndexOutOfBoundsException if {@code n} is outside {@code 0..dst.length} or the range is not inside
     *     {@code b}
     */
    static void readFeatures(DirectBuffer b, int offset, float[] dst, int n, boolean bulk) {
        if (bulk) {
            if (n < 0 || n > dst.length) {
                throw new IndexOutOfBoundsException("n=" + n + " dst.length=" + dst.length);
            }
            final int bytes = n << 2;
            // The message was written by writeFeatures with this n, so the range is inside the record; checked
            // once anyway because the raw copy itself checks nothing.
            b.boundsCheck(offset, bytes);
            UnsafeApi.copyMemory(b.byteArray(), b.addressOffset() + offset, dst, FLOAT_ARRAY_BASE, bytes);
        } else {
            for (int i = 0; i < n; i++) {
                dst[i] = b.getFloat(offset + (i << 2));
            }
        }
    }
}
