package dev.hotpath.scoring.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The branch-free interleaved evaluator against the reference walker, bit for bit, on seeded random ensembles
 * (tree counts that are and are not multiples of the interleave width, unbalanced trees, DART weights,
 * multi-output groups) and rows full of edge values: NaN, ±0, ±Inf, subnormals and exact thresholds.
 */
class InterleavedLayoutParityTest {
    private static final float[] THRESHOLDS = {-3.5f, -1f, -0f, 0f, 1e-30f, 0.25f, 0.5f, 1f, 2.75f, 1e30f,
        -Float.MIN_VALUE, Float.MIN_VALUE, 100f};

    @ParameterizedTest(name = "{0} trees, depth {1}, {2} outputs, dart={3}")
    @CsvSource({"1,1,1,false", "7,3,1,false", "8,6,1,false", "53,6,1,true", "200,8,1,false", "30,5,3,false",
        "31,7,4,true", "64,12,1,false"})
    void shouldMatchTheReferenceWalkerBitForBit(int nTrees, int depth, int outputs, boolean dart) {
        Random rnd = new Random(nTrees * 31L + depth);
        int f = 17;
        TreeEnsembleBuilder b = TreeEnsemble.builder(f, outputs);
        float[] base = new float[outputs];
        for (int k = 0; k < outputs; k++) {
            base[k] = k == 0 ? -0f : (float) rnd.nextGaussian();
        }
        b.baseMargins(base);
        for (int t = 0; t < nTrees; t++) {
            float w = dart ? (float) rnd.nextDouble() : 1f;
            b.addTree(Trees.random(rnd, f, depth, THRESHOLDS, 1), t % outputs, w);
        }
        // The default evaluator may be PerfectTreeLayout (PerfectLayoutParityTest); this test pins the interleaved one.
        TreeEnsemble fast = b.build().withInterleavedEvaluator();
        assertEquals("interleaved", fast.evaluator());
        TreeEnsemble ref = fast.withReferenceEvaluator();

        float[] edge = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
            -Float.MIN_VALUE, 1e-30f, -1f, 0.5f, 1f, 2.75f, 1e30f, 100f, 0.24999999f, -3.5f};
        float[] row = new float[f];
        float[] a = new float[outputs];
        float[] r = new float[outputs];
        int rows = 20_000;
        float[] batch = new float[rows * f];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < f; j++) {
                row[j] = rnd.nextInt(3) == 0 ? edge[rnd.nextInt(edge.length)] : (float) (rnd.nextGaussian() * 2);
            }
            System.arraycopy(row, 0, batch, i * f, f);
            fast.scoreMargin(row, a);
            ref.scoreMargin(row, r);
            for (int k = 0; k < outputs; k++) {
                assertEquals(Float.floatToRawIntBits(r[k]), Float.floatToRawIntBits(a[k]),
                        "row " + i + " output " + k + ": reference " + r[k] + " fast " + a[k]);
            }
        }
        float[] batchFast = new float[rows * outputs];
        float[] batchRef = new float[rows * outputs];
        fast.scoreMargin(batch, rows, batchFast);
        ref.scoreMargin(batch, rows, batchRef);
        for (int i = 0; i < batchFast.length; i++) {
            assertEquals(Float.floatToRawIntBits(batchRef[i]), Float.floatToRawIntBits(batchFast[i]), "batch " + i);
        }
    }
}
