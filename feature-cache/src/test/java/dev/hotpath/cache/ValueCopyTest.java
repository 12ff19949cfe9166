package dev.hotpath.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/**
 * {@code MapHandle.copyValues}: the raw memory copy used for records in native memory and the per-float path give
 * the same bits, NaN payloads and -0 included, at any offset in the caller's array and without touching the rest.
 */
class ValueCopyTest {
    private static final int[] BITS = {
        Float.floatToRawIntBits(1.5f), Float.floatToRawIntBits(-0f), 0x7fc00001, 0xffa00000,
        Float.floatToRawIntBits(Float.NEGATIVE_INFINITY), Float.floatToRawIntBits(Float.MIN_VALUE), 0x3f800000,
    };
    private static final int AT = 24; // the values start this far into the entry

    @Test
    void shouldCopyTheSameBitsFromNativeMemoryAndFromTheHeap() {
        Bytes<?> direct = Bytes.allocateElasticDirect(256);
        Bytes<?> heap = Bytes.allocateElasticOnHeap(256);
        try {
            for (Bytes<?> b : new Bytes<?>[] {direct, heap}) {
                for (int i = 0; i < AT; i++) {
                    b.writeByte(i, (byte) 0x55);
                }
                for (int i = 0; i < BITS.length; i++) {
                    b.writeInt(AT + 4L * i, BITS[i]);
                }
                b.writeInt(AT + 4L * BITS.length, 0x12345678); // past the values: must not be copied
            }
            assertTrue(direct.isDirectMemory(), "the bulk path is exercised");
            assertFalse(heap.isDirectMemory(), "the per-float path is exercised");
            for (Bytes<?> b : new Bytes<?>[] {direct, heap}) {
                float[] dst = new float[BITS.length + 4];
                java.util.Arrays.fill(dst, 9f);
                MapHandle.copyValues(b, AT, BITS.length, dst, 3);
                assertEquals(9f, dst[0]);
                assertEquals(9f, dst[1]);
                assertEquals(9f, dst[2]);
                for (int i = 0; i < BITS.length; i++) {
                    assertEquals(BITS[i], Float.floatToRawIntBits(dst[3 + i]),
                            "value " + i + (b == direct ? " (bulk)" : " (per float)"));
                }
                assertEquals(9f, dst[3 + BITS.length], "nothing written past the values");
            }
        } finally {
            direct.releaseLast();
            heap.releaseLast();
        }
    }
}
