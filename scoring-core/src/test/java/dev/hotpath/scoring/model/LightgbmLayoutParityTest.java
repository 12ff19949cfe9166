package dev.hotpath.scoring.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fast layouts on LightGBM trees against the reference walker, bit for bit on the double sums: seeded random
 * ensembles grown leaf-wise with every missing type and default direction, thresholds that no float equals, ±kZero,
 * ±0, ±Inf, and rows full of NaN, ±0, tiny values, ±Inf and exact thresholds. Also the exactness argument the
 * layouts rest on: a strict float threshold decides every float exactly as LightGBM's double comparison does.
 */
class LightgbmLayoutParityTest {

    @ParameterizedTest(name = "{0} trees of {1} leaves, {2} outputs")
    @CsvSource({"1,2,1", "7,5,1", "8,31,1", "9,1,1", "53,16,1", "30,20,3", "100,64,1", "40,200,1", "17,3,4"})
    void shouldMatchTheReferenceWalkerBitForBit(int nTrees, int leaves, int outputs) {
        Random rnd = new Random(nTrees * 31L + leaves * 7L + outputs);
        int f = 13;
        TreeEnsembleBuilder b = TreeEnsemble.builder(f, outputs);
        for (int t = 0; t < nTrees; t++) {
            int l = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(leaves) : leaves;
            b.addLightgbmTree(LightgbmTrees.random(rnd, f, l, 0), t % outputs);
        }
        TreeEnsemble fast = b.build();
        TreeEnsemble ref = fast.withReferenceEvaluator();
        TreeEnsemble interleaved = fast.withInterleavedEvaluator();
        assertTrue(fast.evaluator().equals("perfect") || fast.evaluator().equals("interleaved")
                || !PerfectTreeLayout.available(), "a fast layout expected, got " + fast.evaluator());
        assertEquals("interleaved", interleaved.evaluator());
        assertEquals("reference", ref.evaluator());

        int rows = 5_000;
        float[] batch = new float[rows * f];
        for (int i = 0; i < rows; i++) {
            float[] row = LightgbmTrees.row(rnd, f);
            System.arraycopy(row, 0, batch, i * f, f);
            double[] expected = ref.rawSums(row);
            assertSums(expected, fast.rawSums(row), i, fast.evaluator());
            assertSums(expected, interleaved.rawSums(row), i, "interleaved");
            PerfectTreeLayout perfect = fast.perfectLayout();
            if (perfect != null) {
                double[] checked = new double[outputs];
                perfect.checkedMargins(row, 0, checked, 0);
                assertSums(expected, checked, i, "checked perfect");
            }
        }
        if (outputs == 1) {
            float[] fastOut = new float[rows];
            float[] refOut = new float[rows];
            fast.scoreMargin(batch, rows, fastOut);
            ref.scoreMargin(batch, rows, refOut);
            for (int i = 0; i < rows; i++) {
                assertEquals(Float.floatToRawIntBits(refOut[i]), Float.floatToRawIntBits(fastOut[i]), "batch row " + i);
            }
        }
    }

    private static void assertSums(double[] expected, double[] actual, int row, String evaluator) {
        for (int k = 0; k < expected.length; k++) {
            assertEquals(Double.doubleToRawLongBits(expected[k]), Double.doubleToRawLongBits(actual[k]),
                    "row " + row + " output " + k + ": reference " + expected[k] + ", " + evaluator + " "
                            + actual[k]);
        }
    }

    @Test
    void shouldScoreBatchOutputsAsSingleRowsWithTransformsAndAveraging() {
        Random rnd = new Random(5);
        int f = 9;
        TreeEnsembleBuilder b = TreeEnsemble.builder(f, 1).transform(DoubleOutputTransform.sigmoid(1.5)
                .averagedOver(37));
        for (int t = 0; t < 37; t++) {
            b.addLightgbmTree(LightgbmTrees.random(rnd, f, 12, 0), 0);
        }
        TreeEnsemble m = b.build();
        int rows = 1000;
        float[] batch = new float[rows * f];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(LightgbmTrees.row(rnd, f), 0, batch, i * f, f);
        }
        for (TreeEnsemble e : new TreeEnsemble[] {m, m.withInterleavedEvaluator(), m.withReferenceEvaluator()}) {
            float[] out = new float[rows];
            e.score(batch, rows, out);
            for (int i = 0; i < rows; i++) {
                float single = e.score(java.util.Arrays.copyOfRange(batch, i * f, (i + 1) * f));
                assertEquals(Float.floatToRawIntBits(single), Float.floatToRawIntBits(out[i]), "row " + i);
            }
        }
    }

    @Test
    void shouldUseTheReferenceWalkerForCategoricalAndLinearTrees() {
        Random rnd = new Random(11);
        TreeEnsemble categorical = TreeEnsemble.builder(5, 1)
                .addLightgbmTree(LightgbmTrees.random(rnd, 5, 20, 0.3), 0).build();
        assertEquals("reference", categorical.evaluator());
        TreeEnsemble linear = TreeEnsemble.builder(5, 1)
                .addLightgbmTree(LightgbmTrees.withLinearLeaves(rnd, LightgbmTrees.random(rnd, 5, 20, 0), 5), 0)
                .build();
        assertEquals("reference", linear.evaluator());
    }

    @Test
    void shouldDecideEveryFloatWithTheStrictThresholdAsLightgbmDoesInDouble() {
        Random rnd = new Random(3);
        double[] thresholds = new double[20_000];
        for (int i = 0; i < thresholds.length; i++) {
            double t;
            switch (i % 5) {
                case 0: // a float, or a double right next to one
                    float base = Float.intBitsToFloat(rnd.nextInt());
                    t = rnd.nextBoolean() ? base : rnd.nextBoolean() ? Math.nextUp((double) base)
                            : Math.nextDown((double) base);
                    break;
                case 1:
                    t = Double.longBitsToDouble(rnd.nextLong());
                    break;
                case 2:
                    t = LightgbmTrees.THRESHOLDS[rnd.nextInt(LightgbmTrees.THRESHOLDS.length)];
                    break;
                case 3: // beyond the float range, or subnormal
                    t = (rnd.nextBoolean() ? 1 : -1) * (rnd.nextBoolean() ? 3.5e38 * (1 + rnd.nextDouble())
                            : Float.MIN_VALUE * rnd.nextDouble() * 4);
                    break;
                default:
                    t = rnd.nextGaussian() * 10;
            }
            thresholds[i] = Double.isNaN(t) ? 0.0 : t;
        }
        long checked = 0;
        for (double t : thresholds) {
            float strict = LightgbmSplits.strictFloatThreshold(t);
            if (strict == Float.POSITIVE_INFINITY) {
                // Every finite float is at or below the threshold; the layouts refuse such a node (or, for an
                // infinite threshold, read an indicator copy instead), so the property is not needed there.
                assertTrue(t >= Float.MAX_VALUE, "threshold " + t);
                continue;
            }
            float near = (float) t;
            float[] xs = {near, Math.nextUp(near), Math.nextDown(near), Math.nextUp(Math.nextUp(near)), 0f, -0f,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE,
                Float.intBitsToFloat(rnd.nextInt())};
            for (float x : xs) {
                if (x != x) {
                    continue;
                }
                assertEquals((double) x <= t, x < strict, "x = " + x + ", threshold = " + t + ", strict = "
                        + strict);
                checked++;
            }
        }
        assertTrue(checked > 190_000, "pairs checked: " + checked);
    }
}
