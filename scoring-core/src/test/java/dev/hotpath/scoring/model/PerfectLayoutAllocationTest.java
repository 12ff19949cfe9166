package dev.hotpath.scoring.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotpath.scoring.testing.AllocationProbe;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The perfect-heap evaluator allocates 0 bytes per call after warm-up (single row, multi-output, weighted, batch);
 * the boxing control proves the probe sees allocation.
 */
@Tag("allocation")
class PerfectLayoutAllocationTest {
    private static final float[] THRESHOLDS = {-1f, 0f, 0.5f, 1f};
    static float sink;
    static Object objectSink;

    private static TreeEnsemble ensemble(int outputs, OutputTransform transform, boolean dart) {
        Random rnd = new Random(11);
        TreeEnsembleBuilder b = TreeEnsemble.builder(20, outputs).transform(transform);
        for (int t = 0; t < 61; t++) {
            b.addTree(Trees.random(rnd, 20, 5, THRESHOLDS, 1), t % outputs, dart ? 0.5f + t * 0.01f : 1f);
        }
        TreeEnsemble m = b.build();
        assertEquals("perfect", m.evaluator());
        return m;
    }

    private static float[][] rows(int n) {
        Random rnd = new Random(2);
        float[][] rows = new float[n][20];
        for (float[] r : rows) {
            for (int j = 0; j < 20; j++) {
                r[j] = rnd.nextInt(10) == 0 ? Float.NaN : (float) rnd.nextGaussian();
            }
        }
        return rows;
    }

    private static void assertZero(String what, Runnable body) {
        long bytes = AllocationProbe.bytesAllocated(AllocationProbe.DEFAULT_WARMUP, AllocationProbe.DEFAULT_CALLS,
                body);
        assertEquals(0, bytes, what + " allocated " + bytes + " bytes over " + AllocationProbe.DEFAULT_CALLS
                + " calls");
    }

    @Test
    void singleRowAndWeightedScoringAllocateNothing() {
        assumeTrue(PerfectTreeLayout.available(), "sun.misc.Unsafe is not usable on this JVM");
        float[][] rows = rows(1024);
        for (boolean dart : new boolean[] {false, true}) {
            TreeEnsemble m = ensemble(1, OutputTransform.LOGISTIC, dart);
            int[] i = {0};
            assertZero("score(float[]) dart=" + dart, () -> sink += m.score(rows[i[0]++ & 1023]));
            assertZero("scoreMargin(float[]) dart=" + dart, () -> sink += m.scoreMargin(rows[i[0]++ & 1023]));
        }
    }

    @Test
    void multiOutputAndBatchScoringAllocateNothing() {
        assumeTrue(PerfectTreeLayout.available(), "sun.misc.Unsafe is not usable on this JVM");
        float[][] rows = rows(1024);
        TreeEnsemble multi = ensemble(3, OutputTransform.SOFTMAX, false);
        float[] out = new float[3];
        int[] i = {0};
        assertZero("score(float[], float[])", () -> {
            multi.score(rows[i[0]++ & 1023], out);
            sink += out[0];
        });
        TreeEnsemble single = ensemble(1, OutputTransform.LOGISTIC, false);
        float[] batch = new float[64 * 20];
        for (int r = 0; r < 64; r++) {
            System.arraycopy(rows[r], 0, batch, r * 20, 20);
        }
        float[] batchOut = new float[64];
        long bytes = AllocationProbe.bytesAllocated(2_000, 10_000, () -> {
            single.score(batch, 64, batchOut);
            sink += batchOut[5];
        });
        assertEquals(0, bytes, "batch score allocated " + bytes + " bytes");
    }

    @Test
    void controlBoxingIsSeenByTheProbe() {
        TreeEnsemble m = ensemble(1, OutputTransform.LOGISTIC, false);
        float[][] rows = rows(1024);
        int[] i = {0};
        double perCall = AllocationProbe.bytesPerCall(AllocationProbe.DEFAULT_CALLS,
                () -> objectSink = Float.valueOf(m.score(rows[i[0]++ & 1023])));
        assertTrue(perCall >= 16, "boxing the score must be seen as >= 16 B/call, saw " + perCall);
    }
}
