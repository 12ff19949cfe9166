package dev.hotpath.shadow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.agrona.BufferUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.shadow.testing.LogContents;
import dev.hotpath.shadow.testing.TestModels.SingleOutputModel;

/**
 * The feature copies into and out of an intake slot move bits, not values: NaN payloads (quiet and signalling,
 * either sign), -0.0, subnormals and infinities arrive unchanged, through the raw bulk copy and through the
 * per-float fallback alike, and both write the same bytes. Expected values are the source arrays' own bit patterns.
 */
class FeatureCopyTest {
    /** Bit patterns chosen so that any value-level conversion (NaN canonicalisation, -0.0 == 0.0) shows. */
    private static final int[] SPECIAL_BITS = {
        0x7fc00000, // canonical quiet NaN
        0x7fc00001, // quiet NaN with a payload
        0xffc12345, // negative quiet NaN with a payload
        0x7f800001, // signalling NaN
        0xff800abc, // negative signalling NaN
        0x80000000, // -0.0
        0x00000000, // +0.0
        0x00000001, // smallest subnormal
        0x807fffff, // largest negative subnormal
        0x7f800000, // +inf
        0xff800000, // -inf
        0x3e800000, // 0.25
        0xc2f6e979, // -123.456
    };

    @TempDir
    Path dir;

    /** {@code n} floats cycling through the special patterns and then ordinary values. */
    private static float[] specialFeatures(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = i < 3 * SPECIAL_BITS.length
                    ? Float.intBitsToFloat(SPECIAL_BITS[i % SPECIAL_BITS.length])
                    : (i - 100) * 0.37f;
        }
        return f;
    }

    private static int[] bits(float[] f, int n) {
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
            b[i] = Float.floatToRawIntBits(f[i]);
        }
        return b;
    }

    private static List<AtomicBuffer> buffers(int capacity) {
        return List.of(new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity, 64)),
                new UnsafeBuffer(new byte[capacity]));
    }

    @Test
    void shouldRunTheBulkCopyOnLittleEndianHosts() {
        assertEquals(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, IntakeLayout.BULK_COPY);
    }

    @Test
    void shouldWriteTheSameBytesWithTheBulkCopyAsWithOnePutFloatPerValue() {
        float[] src = specialFeatures(200);
        for (int offset : new int[] {0, 48, 7}) {
            List<AtomicBuffer> bulk = buffers(1024);
            List<AtomicBuffer> loop = buffers(1024);
            for (int k = 0; k < bulk.size(); k++) {
                AtomicBuffer a = bulk.get(k);
                AtomicBuffer b = loop.get(k);
                a.setMemory(0, 1024, (byte) 0x5A);
                b.setMemory(0, 1024, (byte) 0x5A);
                IntakeLayout.writeFeatures(a, offset, src, 200, true);
                IntakeLayout.writeFeatures(b, offset, src, 200, false);
                byte[] ab = new byte[1024];
                byte[] bb = new byte[1024];
                a.getBytes(0, ab);
                b.getBytes(0, bb);
                assertArrayEquals(bb, ab, "same bytes at offset " + offset);
                for (int i = 0; i < 200; i++) {
                    assertEquals(Float.floatToRawIntBits(src[i]), a.getInt(offset + 4 * i),
                            "feature " + i + " at offset " + offset);
                }
                // Nothing outside the range is touched.
                for (int i = 0; i < offset; i++) {
                    assertEquals((byte) 0x5A, ab[i]);
                }
                for (int i = offset + 800; i < 1024; i++) {
                    assertEquals((byte) 0x5A, ab[i]);
                }
            }
        }
    }

    @Test
    void shouldReadBackEveryBitPatternWithBothPaths() {
        float[] src = specialFeatures(200);
        for (AtomicBuffer b : buffers(1024)) {
            for (int i = 0; i < 200; i++) {
                b.putInt(52 + 4 * i, Float.floatToRawIntBits(src[i]));
            }
            float[] bulk = new float[210];
            float[] loop = new float[210];
            java.util.Arrays.fill(bulk, 9f);
            java.util.Arrays.fill(loop, 9f);
            IntakeLayout.readFeatures(b, 52, bulk, 200, true);
            IntakeLayout.readFeatures(b, 52, loop, 200, false);
            assertArrayEquals(bits(src, 200), bits(bulk, 200));
            assertArrayEquals(bits(src, 200), bits(loop, 200));
            assertEquals(9f, bulk[200], "nothing past n is written");
        }
    }

    @Test
    void shouldThrowAndWriteNothingWhenTheRangeLeavesTheBuffer() {
        float[] src = specialFeatures(200);
        for (AtomicBuffer b : buffers(1024)) {
            b.setMemory(0, 1024, (byte) 0x5A);
            assertThrows(IndexOutOfBoundsException.class, () -> IntakeLayout.writeFeatures(b, 1024 - 796, src, 200,
                    true));
            for (int i = 0; i < 1024; i++) {
                assertEquals((byte) 0x5A, b.getByte(i), "byte " + i);
            }
            float[] dst = new float[200];
            assertThrows(IndexOutOfBoundsException.class, () -> IntakeLayout.readFeatures(b, 1024 - 796, dst, 200,
                    true));
            assertThrows(IndexOutOfBoundsException.class, () -> IntakeLayout.readFeatures(b, 0, dst, 201, true));
        }
    }

    @Test
    void shouldPutTheOfferedFeaturesIntoTheIntakeSlotBitForBit() {
        ShadowEvaluator ev = ShadowEvaluatorTest.base(dir)
                .addShadow(ShadowModelConfig.builder(2, "cand", new RecordingModel(200)).build())
                .maxFeatures(200)
                .build();
        try {
            float[] src = specialFeatures(200);
            ShadowPublisher p = ev.publisher();
            assertEquals(ShadowPublisher.ACCEPTED, p.offer(1, src, 200, 0.5f, 1, 7));
            assertEquals(ShadowPublisher.ACCEPTED, p.offer(2, src, 13, 0.5f, 1, 7));
            assertEquals(ShadowPublisher.ACCEPTED, p.offer(3, src, 0, 0.5f, 1, 7));
            int[] seen = new int[1];
            p.ring().read((type, buf, index, length) -> {
                int n = buf.getInt(index + IntakeLayout.N_FEATURES);
                assertEquals(IntakeLayout.messageLength(n), length);
                assertEquals(new int[] {200, 13, 0}[seen[0]], n);
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToRawIntBits(src[i]), buf.getInt(index + IntakeLayout.FEATURES + 4 * i),
                            "request " + buf.getLong(index + IntakeLayout.REQUEST_ID) + " feature " + i);
                }
                seen[0]++;
            }, 10);
            assertEquals(3, seen[0]);
        } finally {
            ev.close();
        }
    }

    @Test
    void shouldHandTheShadowAndTheCapturedFeaturesTheOfferedBitsAndNanForTheMissingTail() {
        RecordingModel shadow = new RecordingModel(210);
        ShadowEvaluator ev = ShadowEvaluatorTest.base(dir)
                .addShadow(ShadowModelConfig.builder(2, "cand", shadow).build())
                .maxFeatures(200)
                .featureCaptureRate(1.0)
                .build();
        float[] src = specialFeatures(200);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            ev.start();
            assertEquals(ShadowPublisher.ACCEPTED, ev.publisher().offer(1, src, 200, 0.5f, 1, 7));
            assertEquals(ShadowPublisher.ACCEPTED, ev.publisher().offer(2, src, 5, 0.5f, 1, 7));
            ev.close();
        });
        assertEquals(2, shadow.seen.size());
        int[] first = shadow.seen.poll();
        int[] second = shadow.seen.poll();
        int[] expectedFirst = new int[210];
        System.arraycopy(bits(src, 200), 0, expectedFirst, 0, 200);
        for (int i = 200; i < 210; i++) {
            expectedFirst[i] = Float.floatToRawIntBits(Float.NaN);
        }
        assertArrayEquals(expectedFirst, first);
        for (int i = 0; i < 5; i++) {
            assertEquals(Float.floatToRawIntBits(src[i]), second[i], "feature " + i);
        }
        for (int i = 5; i < 210; i++) {
            assertTrue(Float.isNaN(Float.intBitsToFloat(second[i])), "missing feature " + i + " is NaN");
        }

        LogContents log = LogContents.read(dir);
        assertEquals(2, log.features.size());
        LogContents.Feat f = log.features.get(0).requestId() == 1 ? log.features.get(0) : log.features.get(1);
        assertArrayEquals(bits(src, 200), bits(f.features(), 200), "captured features keep their bits");
    }

    /** Records the raw bits of every feature vector it is asked to score (on the worker thread). */
    static final class RecordingModel extends SingleOutputModel {
        final ConcurrentLinkedQueue<int[]> seen = new ConcurrentLinkedQueue<>();
        private final int n;

        RecordingModel(int n) {
            super(n, "recording");
            this.n = n;
        }

        @Override
        protected float compute(float[] f) {
            seen.add(bits(f, n));
            return 0.5f;
        }
    }
}
