package dev.hotpath.scoring.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.testing.AllocationProbe;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * LightGBM ensembles score with 0 bytes allocated after warm-up on every evaluator and entry point: fast layouts
 * with double sums and double transforms, the reference walker over categorical and linear trees, multi-class
 * softmax and batches. The control proves the probe sees allocation.
 */
@Tag("allocation")
class LightgbmAllocationTest {
    private static final int F = 20;
    static float sink;
    static Object objectSink;

    private static TreeEnsemble ensemble(int outputs, DoubleOutputTransform transform, double categoricalShare,
                                         boolean linear) {
        Random rnd = new Random(7);
        TreeEnsembleBuilder b = TreeEnsemble.builder(F, outputs).transform(transform);
        for (int t = 0; t < 24; t++) {
            LightgbmTree tree = LightgbmTrees.random(rnd, F, 16, categoricalShare);
            b.addLightgbmTree(linear ? LightgbmTrees.withLinearLeaves(rnd, tree, F) : tree, t % outputs);
        }
        return b.build();
    }

    private static float[][] rows() {
        Random rnd = new Random(1);
        float[][] rows = new float[1024][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = LightgbmTrees.row(rnd, F);
        }
        return rows;
    }

    @Test
    void singleOutputScoringAllocatesNothing() {
        TreeEnsemble fast = ensemble(1, DoubleOutputTransform.sigmoid(1.0), 0, false);
        for (TreeEnsemble m : new TreeEnsemble[] {fast, fast.withReferenceEvaluator(),
            ensemble(1, DoubleOutputTransform.of(DoubleOutputTransform.Kind.LOG1P_EXP), 0.3, true)}) {
            ModelAllocationTest.assertSingleRowScoringAllocatesNothing(m, rows());
        }
    }

    @Test
    void multiClassScoringAllocatesNothing() {
        TreeEnsemble fast = ensemble(3, DoubleOutputTransform.of(DoubleOutputTransform.Kind.SOFTMAX), 0, false);
        for (TreeEnsemble m : new TreeEnsemble[] {fast, fast.withReferenceEvaluator(),
            ensemble(3, DoubleOutputTransform.sigmoid(2.0), 0.3, false)}) {
            ModelAllocationTest.assertMultiOutputScoringAllocatesNothing(m, rows());
        }
    }

    @Test
    void batchScoringAllocatesNothing() {
        TreeEnsemble m = ensemble(1, DoubleOutputTransform.sigmoid(1.0).averagedOver(24), 0, false);
        float[][] rows = rows();
        float[] batch = new float[64 * F];
        for (int r = 0; r < 64; r++) {
            System.arraycopy(rows[r], 0, batch, r * F, F);
        }
        float[] out = new float[64];
        long bytes = AllocationProbe.bytesAllocated(2_000, 10_000, () -> {
            m.score(batch, 64, out);
            m.scoreMargin(batch, 64, out);
            sink += out[3];
        });
        assertEquals(0, bytes, "batch score allocated " + bytes + " bytes");
    }

    @Test
    void controlBoxingIsSeenByTheProbe() {
        TreeEnsemble m = ensemble(1, DoubleOutputTransform.sigmoid(1.0), 0, false);
        float[][] rows = rows();
        int[] i = {0};
        double perCall = AllocationProbe.bytesPerCall(AllocationProbe.DEFAULT_CALLS,
                () -> objectSink = Float.valueOf(m.score(rows[i[0]++ & 1023])));
        assertTrue(perCall >= 16, "boxing the score must be seen as >= 16 B/call, saw " + perCall);
    }
}
