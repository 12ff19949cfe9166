package dev.hotpath.scoring.model;

import static dev.hotpath.scoring.model.LightgbmTrees.KZ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * LightGBM's prediction rules, one behaviour per test, on hand-written trees whose expected outputs follow from the
 * rules in LightGBM's {@code tree.h} (and, for the micro-example, from the probabilities LightGBM 4.3 printed for it,
 * quoted in the project's LightGBM reference). Every case runs on each evaluator the model can use: the fast layouts
 * when they apply, and always the reference walker.
 */
class LightgbmSemanticsTest {
    private static final float NAN = Float.NaN;

    /** The model on every evaluator it can use. */
    private static List<TreeEnsemble> evaluators(TreeEnsemble m) {
        List<TreeEnsemble> all = new ArrayList<>();
        all.add(m);
        all.add(m.withReferenceEvaluator());
        all.add(m.withInterleavedEvaluator());
        return all;
    }

    private static TreeEnsemble model(int numFeatures, LightgbmTree... trees) {
        TreeEnsembleBuilder b = TreeEnsemble.builder(numFeatures, 1);
        for (LightgbmTree t : trees) {
            b.addLightgbmTree(t, 0);
        }
        return b.build();
    }

    /** Asserts the raw double sum (bit for bit) and the float margin on every evaluator. */
    private static void assertRaw(TreeEnsemble m, double expected, float... row) {
        for (TreeEnsemble e : evaluators(m)) {
            assertEquals(expected, e.rawSums(row)[0], "raw sum on the " + e.evaluator() + " evaluator for row "
                    + java.util.Arrays.toString(row));
            assertEquals((float) expected, e.scoreMargin(row), "margin on the " + e.evaluator() + " evaluator");
        }
    }

    @Test
    void shouldSendAValueEqualToTheThresholdLeft() {
        TreeEnsemble m = model(1, LightgbmTrees.stump(0, 1.5, 8, -1, 1));
        assertRaw(m, -1, 1.5f);
        assertRaw(m, 1, Math.nextUp(1.5f));
    }

    @Test
    void shouldCompareFloatInputsWithDoubleThresholdsExactly() {
        // 0.1f is 0.100000001490116..., above the double 0.1; the float just below it is under it.
        TreeEnsemble m = model(1, LightgbmTrees.stump(0, 0.1, 8, -1, 1));
        assertRaw(m, 1, 0.1f);
        assertRaw(m, -1, Math.nextDown(0.1f));
        TreeEnsemble n = model(1, LightgbmTrees.stump(0, 1.5000000000000002, 8, -1, 1));
        assertRaw(n, -1, 1.5f);
        assertRaw(n, 1, Math.nextUp(1.5f));
    }

    @Test
    void shouldReadNaNAsZeroWhenMissingTypeIsNone() {
        for (int dt : new int[] {0, 2}) {
            assertRaw(model(1, LightgbmTrees.stump(0, 0.5, dt, -1, 1)), -1, NAN);
            assertRaw(model(1, LightgbmTrees.stump(0, -0.5, dt, -1, 1)), 1, NAN);
        }
    }

    @Test
    void shouldSendZeroAndNaNTheDefaultWayWhenMissingTypeIsZero() {
        // Missing type Zero, default left, threshold -1: a compared zero would go right.
        TreeEnsemble left = model(1, LightgbmTrees.stump(0, -1, 6, -1, 1));
        for (float zero : new float[] {0f, -0f, 1e-36f, -1e-36f, 1e-35f, -1e-35f, NAN}) {
            assertRaw(left, -1, zero);
        }
        assertRaw(left, 1, 1e-34f);
        assertRaw(left, -1, -2f);
        // Default right, threshold 1: a compared zero would go left.
        TreeEnsemble right = model(1, LightgbmTrees.stump(0, 1, 4, -1, 1));
        for (float zero : new float[] {0f, -0f, 1e-36f, NAN}) {
            assertRaw(right, 1, zero);
        }
        assertRaw(right, -1, 0.5f);
    }

    @Test
    void shouldSendNaNTheDefaultWayAndCompareZerosWhenMissingTypeIsNaN() {
        TreeEnsemble left = model(1, LightgbmTrees.stump(0, -1, 10, -1, 1));
        assertRaw(left, -1, NAN);
        assertRaw(left, 1, 0f);
        assertRaw(left, 1, -0f);
        TreeEnsemble right = model(1, LightgbmTrees.stump(0, 1, 8, -1, 1));
        assertRaw(right, 1, NAN);
        assertRaw(right, -1, 0f);
    }

    @Test
    void shouldReadInputsNoLargerThanKZeroThresholdAsZero() {
        // -1e-35f is exactly -kZeroThreshold: LightGBM's C API passes it on as 0.0, which is not <= -kZ.
        TreeEnsemble m = model(1, LightgbmTrees.stump(0, -KZ, 0, -1, 1));
        assertRaw(m, 1, -1e-35f);
        assertRaw(m, -1, Math.nextDown(-1e-35f));
        TreeEnsemble n = model(1, LightgbmTrees.stump(0, 0.0, 0, -1, 1));
        assertRaw(n, -1, 1e-35f);
        assertRaw(n, 1, Math.nextUp(1e-35f));
    }

    @Test
    void shouldCompareInfinitiesAsValues() {
        TreeEnsemble m = model(1, LightgbmTrees.stump(0, 1e30, 8, -1, 1));
        assertRaw(m, 1, Float.POSITIVE_INFINITY);
        assertRaw(m, -1, Float.NEGATIVE_INFINITY);
        TreeEnsemble negInf = model(1, LightgbmTrees.stump(0, Double.NEGATIVE_INFINITY, 8, -1, 1));
        assertRaw(negInf, -1, Float.NEGATIVE_INFINITY);
        assertRaw(negInf, 1, -Float.MAX_VALUE);
        // A finite double threshold above the float range: only +Inf goes right; the reference walker decides it.
        TreeEnsemble huge = model(1, LightgbmTrees.stump(0, 1e39, 8, -1, 1));
        assertEquals("reference", huge.evaluator());
        assertRaw(huge, -1, Float.MAX_VALUE);
        assertRaw(huge, 1, Float.POSITIVE_INFINITY);
    }

    @Test
    void shouldSendEveryValueLeftOfAnInfiniteThresholdExceptWhatTheMissingTypeSendsTheDefaultWay() {
        // LightGBM writes threshold=inf for "missing or not" splits; the fast layouts read an indicator copy there.
        float[] values = {Float.POSITIVE_INFINITY, Float.MAX_VALUE, 1f, 0f, -0f, 1e-36f, -1f, Float.NEGATIVE_INFINITY};
        for (int dt : new int[] {0, 2, 4, 6, 8, 10}) {
            TreeEnsemble m = model(1, LightgbmTrees.stump(0, Double.POSITIVE_INFINITY, dt, -1, 1));
            assertEquals(PerfectTreeLayout.available() ? "perfect" : "interleaved", m.evaluator());
            int missingType = (dt >> 2) & 3;
            boolean defaultLeft = (dt & 2) != 0;
            for (float v : values) {
                boolean zero = Math.abs(v) <= 1e-35f;
                boolean toDefault = missingType == 1 && zero;
                assertRaw(m, toDefault && !defaultLeft ? 1 : -1, v);
            }
            boolean nanToDefault = missingType != 0;
            assertRaw(m, nanToDefault && !defaultLeft ? 1 : -1, NAN);
        }
    }

    @Test
    void shouldSendCategoriesInTheBitsetLeftAndEverythingElseRight() {
        // Bitset 20 = 0b10100: categories 2 and 4.
        TreeEnsemble m = model(1, LightgbmTrees.categoricalStump(0, new int[] {20}, -1, 1));
        assertEquals("reference", m.evaluator());
        assertRaw(m, -1, 4f);
        assertRaw(m, -1, 2f);
        assertRaw(m, -1, 2.9f);        // truncated to 2
        assertRaw(m, -1, 4.5f);        // truncated to 4
        assertRaw(m, 1, 3.7f);         // truncated to 3
        assertRaw(m, 1, 0f);
        assertRaw(m, 1, NAN);
        assertRaw(m, 1, 36f);          // beyond the one-word bitset
        assertRaw(m, 1, -2f);
        assertRaw(m, 1, 1e10f);
        assertRaw(m, 1, 3e9f);
        assertRaw(m, 1, Float.POSITIVE_INFINITY);
        assertRaw(m, 1, Float.NEGATIVE_INFINITY);
    }

    @Test
    void shouldTruncateValuesBetweenMinusOneAndZeroToCategoryZero() {
        TreeEnsemble m = model(1, LightgbmTrees.categoricalStump(0, new int[] {21}, -1, 1)); // {0, 2, 4}
        assertRaw(m, -1, -0.5f);
        assertRaw(m, -1, -0.999f);
        assertRaw(m, -1, -0f);
        assertRaw(m, -1, 1e-36f);
        assertRaw(m, 1, -1f);
    }

    @Test
    void shouldReadMultiWordBitsets() {
        TreeEnsemble m = model(1, LightgbmTrees.categoricalStump(0, new int[] {0, 1 << 1, 1 << 31}, -1, 1));
        assertRaw(m, -1, 33f);
        assertRaw(m, -1, 95f);
        assertRaw(m, 1, 32f);
        assertRaw(m, 1, 1f);
        assertRaw(m, 1, 94f);
        assertRaw(m, 1, 96f);
    }

    @Test
    void shouldReproduceTheReferenceMicroExample() {
        // The one-tree model of lightgbm-format.md §3.3; probabilities as LightGBM 4.3 printed them.
        LightgbmTree tree = new LightgbmTree(3, new int[] {0, 2}, new double[] {1.5000000000000002, 0},
                new byte[] {10, 9}, new int[] {-1, -2}, new int[] {1, -3}, new double[] {0.25, -0.125, 0.5},
                new int[] {0, 1}, new int[] {20}, null);
        TreeEnsemble m = TreeEnsemble.builder(3, 1).addLightgbmTree(tree, 0)
                .transform(DoubleOutputTransform.sigmoid(1.0)).build();
        float[][] rows = {{NAN, 0, 4}, {0, 0, 4}, {1.5f, 0, 4}, {2f, 0, 4}, {2f, 0, 3.7f}, {2f, 0, NAN}, {2f, 0, 36}};
        double[] raw = {0.25, 0.25, 0.25, -0.125, 0.5, 0.5, 0.5};
        double[] probability = {0.5621765008857981, 0.5621765008857981, 0.5621765008857981, 0.46879062662624377,
            0.6224593312018546, 0.6224593312018546, 0.6224593312018546};
        for (TreeEnsemble e : evaluators(m)) {
            for (int r = 0; r < rows.length; r++) {
                assertEquals(raw[r], e.rawSums(rows[r])[0], "raw, row " + r);
                assertEquals((float) probability[r], e.score(rows[r]), "probability, row " + r);
            }
        }
    }

    @Test
    void shouldEvaluateLinearLeavesAndFallBackToTheLeafValueOnNaN() {
        LightgbmTree stump = LightgbmTrees.stump(0, 0.5, 8, 7, 8);
        LightgbmTree linear = new LightgbmTree(2, stump.splitFeature(), stump.threshold(), stump.decisionType(),
                stump.leftChild(), stump.rightChild(), stump.leafValue(), new int[0], new int[0],
                new LightgbmTree.LinearLeaves(new double[] {1.0, -1.0}, new int[][] {{1, 2}, {}},
                        new double[][] {{0.5, -0.25}, {}}));
        TreeEnsemble m = model(3, linear);
        assertEquals("reference", m.evaluator());
        assertRaw(m, 1.0 + 0.5 * 2 + -0.25 * 4, 0f, 2f, 4f);
        assertRaw(m, 7, 0f, 2f, NAN);                   // a NaN feature: the leaf's constant fallback
        assertRaw(m, 1.0 + -0.25 * 4, 0f, 1e-36f, 4f);   // tiny input read as 0
        assertRaw(m, -1.0, 1f, NAN, NAN);               // a leaf without features
        assertRaw(m, Double.POSITIVE_INFINITY, 0f, Float.POSITIVE_INFINITY, 4f);
        assertRaw(m, Double.NaN, 0f, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY); // inf + (-inf)
    }

    @Test
    void shouldScoreSingleLeafTrees() {
        TreeEnsemble m = model(2, LightgbmTrees.leaf(0.75), LightgbmTrees.stump(1, 0, 8, -0.5, 0.5),
                LightgbmTrees.leaf(-0.125));
        assertRaw(m, 0.75 - 0.5 - 0.125, 1f, -1f);
        assertRaw(m, 0.75 + 0.5 - 0.125, NAN, NAN);
        assertRaw(model(1, LightgbmTrees.leaf(-3.5)), -3.5, NAN);
    }

    @Test
    void shouldSumLeavesInDoubleInTreeOrder() {
        LightgbmTree[] trees = new LightgbmTree[101];
        trees[0] = LightgbmTrees.leaf(1.0);
        double expected = 1.0;
        float floatSum = 1.0f;
        for (int t = 1; t < trees.length; t++) {
            trees[t] = LightgbmTrees.stump(0, 0, 8, 6e-8, 6e-8);
            expected += 6e-8;
            floatSum += (float) 6e-8;
        }
        assertNotEquals(floatSum, (float) expected, "the case must tell double from float sums apart");
        assertRaw(model(1, trees), expected, 1f);
    }

    @Test
    void shouldAverageOnlyTheTransformedOutputOfRandomForests() {
        TreeEnsemble m = TreeEnsemble.builder(1, 1)
                .addLightgbmTree(LightgbmTrees.stump(0, 0, 8, 0.25, 0.5), 0)
                .addLightgbmTree(LightgbmTrees.stump(0, 1, 8, 0.75, 1.0), 0)
                .addLightgbmTree(LightgbmTrees.leaf(0.125), 0)
                .addLightgbmTree(LightgbmTrees.stump(0, 2, 8, 0.5, 0.0), 0)
                .transform(DoubleOutputTransform.of(DoubleOutputTransform.Kind.IDENTITY).averagedOver(4))
                .build();
        for (TreeEnsemble e : evaluators(m)) {
            assertEquals(0.5f + 0.75f + 0.125f + 0.5f, e.scoreMargin(new float[] {0.5f}));
            assertEquals((0.5f + 0.75f + 0.125f + 0.5f) / 4, e.score(new float[] {0.5f}));
        }
    }

    @Test
    void shouldAddEachTreeToItsClassAndApplySoftmax() {
        // Two iterations of three classes: tree t adds to class t % 3.
        TreeEnsembleBuilder b = TreeEnsemble.builder(1, 3).transform(DoubleOutputTransform.of(
                DoubleOutputTransform.Kind.SOFTMAX));
        double[] left = {0.5, -0.25, 0.125, 0.25, 0.5, -1.0};
        for (int t = 0; t < 6; t++) {
            b.addLightgbmTree(LightgbmTrees.stump(0, 0, 8, left[t], 0), t % 3);
        }
        TreeEnsemble m = b.build();
        double[] raw = {0.75, 0.25, -0.875};
        double max = 0.75;
        double sum = Math.exp(raw[0] - max) + Math.exp(raw[1] - max) + Math.exp(raw[2] - max);
        for (TreeEnsemble e : evaluators(m)) {
            float[] margins = new float[3];
            float[] out = new float[3];
            e.scoreMargin(new float[] {-1f}, margins);
            e.score(new float[] {-1f}, out);
            for (int k = 0; k < 3; k++) {
                assertEquals((float) raw[k], margins[k], "margin " + k + " on " + e.evaluator());
                assertEquals((float) (Math.exp(raw[k] - max) / sum), out[k], "probability " + k);
            }
        }
    }
}
