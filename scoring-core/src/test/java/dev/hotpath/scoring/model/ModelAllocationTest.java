package dev.hotpath.scoring.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.testing.AllocationProbe;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Every scoring entry point allocates 0 bytes after warm-up, on both evaluators; the control proves the probe. */
@Tag("allocation")
class ModelAllocationTest {
    private static final float[] THRESHOLDS = {-1f, 0f, 0.5f, 1f};
    static float sink;
    static Object objectSink;

    private static TreeEnsemble ensemble(int outputs, OutputTransform transform) {
        Random rnd = new Random(7);
        TreeEnsembleBuilder b = TreeEnsemble.builder(20, outputs).transform(transform);
        for (int t = 0; t < 60; t++) {
            b.addTree(Trees.random(rnd, 20, 6, THRESHOLDS, 1), t % outputs, 1f);
        }
        return b.build();
    }

    private static float[][] rows(int n, int f) {
        Random rnd = new Random(1);
        float[][] rows = new float[n][f];
        for (float[] r : rows) {
            for (int j = 0; j < f; j++) {
                r[j] = rnd.nextInt(10) == 0 ? Float.NaN : (float) rnd.nextGaussian();
            }
        }
        return rows;
    }

    private static void assertZero(String what, Model m, Runnable body) {
        long bytes = AllocationProbe.bytesAllocated(AllocationProbe.DEFAULT_WARMUP, AllocationProbe.DEFAULT_CALLS,
                body);
        assertEquals(0, bytes, what + " on " + m + " allocated " + bytes + " bytes over "
                + AllocationProbe.DEFAULT_CALLS + " calls");
    }

    /** {@code score(float[])} and {@code scoreMargin(float[])} allocate nothing on rows cycled from {@code rows}. */
    static void assertSingleRowScoringAllocatesNothing(Model m, float[][] rows) {
        int[] i = {0};
        int mask = rows.length - 1; // a power of two
        assertZero("score(float[])", m, () -> sink += m.score(rows[i[0]++ & mask]));
        assertZero("scoreMargin(float[])", m, () -> sink += m.scoreMargin(rows[i[0]++ & mask]));
    }

    /** {@code score(float[], float[])} and {@code scoreMargin(float[], float[])} allocate nothing. */
    static void assertMultiOutputScoringAllocatesNothing(Model m, float[][] rows) {
        float[] out = new float[m.numMarginOutputs()];
        int[] i = {0};
        int mask = rows.length - 1;
        assertZero("score(float[], float[])", m, () -> {
            m.score(rows[i[0]++ & mask], out);
            sink += out[0];
        });
        assertZero("scoreMargin(float[], float[])", m, () -> {
            m.scoreMargin(rows[i[0]++ & mask], out);
            sink += out[1];
        });
    }

    @Test
    void singleRowScoringAllocatesNothing() {
        for (TreeEnsemble m : new TreeEnsemble[] {ensemble(1, OutputTransform.LOGISTIC),
            ensemble(1, OutputTransform.LOGISTIC).withReferenceEvaluator()}) {
            assertSingleRowScoringAllocatesNothing(m, rows(1024, 20));
        }
    }

    @Test
    void multiOutputScoringAllocatesNothing() {
        for (TreeEnsemble m : new TreeEnsemble[] {ensemble(3, OutputTransform.SOFTMAX),
            ensemble(3, OutputTransform.SOFTMAX).withReferenceEvaluator()}) {
            assertMultiOutputScoringAllocatesNothing(m, rows(1024, 20));
        }
    }

    @Test
    void batchScoringAllocatesNothing() {
        TreeEnsemble m = ensemble(1, OutputTransform.LOGISTIC);
        float[] batch = new float[64 * 20];
        float[][] rows = rows(64, 20);
        for (int r = 0; r < 64; r++) {
            System.arraycopy(rows[r], 0, batch, r * 20, 20);
        }
        float[] out = new float[64];
        long bytes = AllocationProbe.bytesAllocated(2_000, 10_000, () -> {
            m.score(batch, 64, out);
            sink += out[3];
        });
        assertEquals(0, bytes, "batch score allocated " + bytes + " bytes");
    }

    @Test
    void batchScoringAllocatesNothingOnEveryLayoutKindAndSize() {
        // The lane batch path of both layouts, for float (XGBoost, DART-weighted) and double (LightGBM) sums, over a
        // full chunk of 64 rows and a second chunk with a partial lane group; margins and scores.
        final int rowCount = 67;
        Random rnd = new Random(3);
        TreeEnsembleBuilder dart = TreeEnsemble.builder(20, 1).transform(OutputTransform.LOGISTIC);
        TreeEnsembleBuilder lightgbm = TreeEnsemble.builder(20, 1).transform(DoubleOutputTransform.sigmoid(1));
        for (int t = 0; t < 60; t++) {
            dart.addTree(Trees.random(rnd, 20, 6, THRESHOLDS, 1), 0, 0.5f + t * 0.01f);
            lightgbm.addLightgbmTree(LightgbmTrees.random(rnd, 20, 2 + t % 10, 0), 0);
        }
        TreeEnsemble plain = ensemble(1, OutputTransform.LOGISTIC);
        TreeEnsemble weighted = dart.build();
        TreeEnsemble lgbm = lightgbm.build();
        TreeEnsemble[] models = {plain, plain.withInterleavedEvaluator(), weighted,
            weighted.withInterleavedEvaluator(), lgbm, lgbm.withInterleavedEvaluator()};
        float[][] rows = rows(rowCount, 20);
        float[] batch = new float[rowCount * 20];
        for (int r = 0; r < rowCount; r++) {
            System.arraycopy(rows[r], 0, batch, r * 20, 20);
        }
        float[] out = new float[rowCount];
        for (TreeEnsemble m : models) {
            String what = "[" + m.evaluator() + ", " + rowCount + " rows] ";
            long bytes = AllocationProbe.bytesAllocated(2_000, 2_000, () -> {
                m.score(batch, rowCount, out);
                sink += out[rowCount - 1];
            });
            assertEquals(0, bytes, what + "score(rows, n, out) allocated " + bytes + " bytes");
            bytes = AllocationProbe.bytesAllocated(2_000, 2_000, () -> {
                m.scoreMargin(batch, rowCount, out);
                sink += out[rowCount - 1];
            });
            assertEquals(0, bytes, what + "scoreMargin(rows, n, out) allocated " + bytes + " bytes");
        }
    }

    @Test
    void linearModelScoringAllocatesNothing() {
        float[] w = new float[21 * 2];
        for (int i = 0; i < w.length; i++) {
            w[i] = i * 0.01f;
        }
        LinearModel m = LinearModel.builder(20, 2).weights(w).transform(OutputTransform.SOFTMAX).build();
        float[][] rows = rows(1024, 20);
        float[] out = new float[2];
        int[] i = {0};
        assertZero("linear score", m, () -> {
            m.score(rows[i[0]++ & 1023], out);
            sink += out[0];
        });
    }

    @Test
    void controlBoxingIsSeenByTheProbe() {
        TreeEnsemble m = ensemble(1, OutputTransform.LOGISTIC);
        float[][] rows = rows(1024, 20);
        int[] i = {0};
        double perCall = AllocationProbe.bytesPerCall(AllocationProbe.DEFAULT_CALLS,
                () -> objectSink = Float.valueOf(m.score(rows[i[0]++ & 1023])));
        assertTrue(perCall >= 16, "boxing the score must be seen as >= 16 B/call, saw " + perCall);
    }
}
