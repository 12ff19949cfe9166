package dev.hotpath.scoring.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * XGBoost's traversal rules on hand-built trees, with expected values worked out by hand, checked on every
 * evaluator.
 */
class TreeEnsembleSemanticsTest {
    private static final float NAN = Float.NaN;

    private static TreeEnsemble[] both(TreeEnsemble m) {
        return new TreeEnsemble[] {m, m.withInterleavedEvaluator(), m.withReferenceEvaluator()};
    }

    private static float margin(TreeEnsemble m, float... row) {
        return m.scoreMargin(row);
    }

    @Test
    void shouldGoLeftOnlyWhenStrictlyBelowThreshold() {
        TreeEnsemble m = TreeEnsemble.builder(1, 1).addTree(Trees.stump(0, 0.5f, false, -1f, 1f), 0, 1f).build();
        assertEquals(PerfectTreeLayout.available() ? "perfect" : "interleaved", m.evaluator());
        assertEquals("interleaved", m.withInterleavedEvaluator().evaluator());
        for (TreeEnsemble e : both(m)) {
            assertEquals(-1f, margin(e, 0.49999997f)); // the float just below 0.5
            assertEquals(1f, margin(e, 0.5f));          // equal goes right
            assertEquals(1f, margin(e, Float.POSITIVE_INFINITY));
            assertEquals(-1f, margin(e, Float.NEGATIVE_INFINITY));
            assertEquals(1f, margin(e, NAN));          // default right
        }
    }

    @Test
    void shouldRouteMissingValuesByDefaultLeft() {
        TreeEnsemble m = TreeEnsemble.builder(1, 1).addTree(Trees.stump(0, 0.5f, true, -1f, 1f), 0, 1f).build();
        for (TreeEnsemble e : both(m)) {
            assertEquals(-1f, margin(e, NAN));
            assertEquals(1f, margin(e, 3f));
        }
    }

    @Test
    void shouldTreatNegativeZeroLikeZero() {
        TreeEnsemble m = TreeEnsemble.builder(1, 1).addTree(Trees.stump(0, 0f, true, -1f, 1f), 0, 1f)
                .addTree(Trees.stump(0, -0f, false, -2f, 2f), 0, 1f).build();
        for (TreeEnsemble e : both(m)) {
            assertEquals(3f, margin(e, -0f)); // -0 < 0 is false, -0 < -0 is false: both right
            assertEquals(3f, margin(e, 0f));
            assertEquals(-3f, margin(e, -Float.MIN_VALUE));
        }
    }

    @Test
    void shouldKeepTheSignOfZeroMarginsLikeFloatAddition() {
        // base -0 plus leaf -0 is -0; plus leaf +0 would be +0.
        TreeEnsemble m = TreeEnsemble.builder(1, 1).baseMargins(new float[] {-0f})
                .addTree(Trees.stump(0, 0.5f, false, -0f, 0f), 0, 1f).build();
        for (TreeEnsemble e : both(m)) {
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(margin(e, 0f)));
            assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(margin(e, 1f)));
        }
    }

    @Test
    void shouldSendListedCategoriesRightAndEverythingElseLeft() {
        TreeEnsemble m = TreeEnsemble.builder(1, 1)
                .addTree(Trees.categoricalStump(0, new int[] {1, 3, 64}, false, -1f, 1f), 0, 1f).build();
        assertEquals("reference", m.evaluator());
        assertEquals(1f, margin(m, 1f));
        assertEquals(1f, margin(m, 3.99f));   // truncated to 3
        assertEquals(1f, margin(m, 64f));     // second bitset word
        assertEquals(-1f, margin(m, 2f));
        assertEquals(-1f, margin(m, 65f));    // beyond the bitset
        assertEquals(-1f, margin(m, -1f));    // negative: invalid, left
        assertEquals(-1f, margin(m, -0.5f));
        assertEquals(-1f, margin(m, 16777216f)); // 2^24: invalid, left
        assertEquals(-1f, margin(m, 3e9f));
        assertEquals(-1f, margin(m, Float.POSITIVE_INFINITY));
        assertEquals(1f, margin(m, NAN));      // missing: default direction (right here)
    }

    @Test
    void shouldAddLeavesInTreeOrderInFloat() {
        // 1e8 + 1 + 1 - 1e8: float order gives 0 (1e8+1 rounds to 1e8); any reordering would give 2 or 1.
        TreeEnsemble m = TreeEnsemble.builder(1, 1)
                .addTree(Trees.stump(0, 0.5f, false, 1e8f, 1e8f), 0, 1f)
                .addTree(Trees.stump(0, 0.5f, false, 1f, 1f), 0, 1f)
                .addTree(Trees.stump(0, 0.5f, false, 1f, 1f), 0, 1f)
                .addTree(Trees.stump(0, 0.5f, false, -1e8f, -1e8f), 0, 1f)
                .build();
        for (TreeEnsemble e : both(m)) {
            assertEquals(0f, margin(e, 0f));
        }
    }

    @Test
    void shouldMultiplyLeavesByDartWeights() {
        TreeEnsemble m = TreeEnsemble.builder(1, 1).baseMargins(new float[] {0.5f})
                .addTree(Trees.stump(0, 0.5f, false, 2f, 4f), 0, 0.25f)
                .addTree(Trees.stump(0, 0.5f, false, 8f, 16f), 0, 0.5f)
                .build();
        for (TreeEnsemble e : both(m)) {
            assertEquals(0.5f + 0.5f + 4f, margin(e, 0f));
            assertEquals(0.5f + 1f + 8f, margin(e, 1f));
        }
    }

    @Test
    void shouldAddEachTreeToItsOutputGroupAndApplySoftmax() {
        TreeEnsemble m = TreeEnsemble.builder(1, 3).transform(OutputTransform.SOFTMAX)
                .baseMargins(new float[] {0.5f, 0.5f, 0.5f})
                .addTree(Trees.stump(0, 0.5f, false, 1f, 0f), 0, 1f)
                .addTree(Trees.stump(0, 0.5f, false, 0f, 1f), 1, 1f)
                .addTree(Trees.stump(0, 0.5f, false, 0f, 0f), 2, 1f)
                .build();
        float[] margins = new float[3];
        float[] probs = new float[3];
        for (TreeEnsemble e : both(m)) {
            e.scoreMargin(new float[] {0f}, margins);
            assertEquals(1.5f, margins[0]);
            assertEquals(0.5f, margins[1]);
            assertEquals(0.5f, margins[2]);
            e.score(new float[] {0f}, probs);
            // e^1 / (e^1 + 2): 0.5761169
            assertEquals(0.5761169f, probs[0], 1e-6f);
            assertEquals(0.21194156f, probs[1], 1e-6f);
        }
    }

    @Test
    void shouldAddVectorLeavesToEveryOutput() {
        TreeNodes vector = new TreeNodes(new int[] {1, -1, -1}, new int[] {2, -1, -1}, new int[] {0, 0, 0},
                new float[] {0.5f, 0f, 0f}, new boolean[] {false, false, false}, null,
                new float[] {0f, 0f, 1f, 2f, 10f, 20f}, 2);
        TreeEnsemble m = TreeEnsemble.builder(1, 2).baseMargins(new float[] {0.25f, 0.5f}).addTree(vector, 0, 1f)
                .build();
        assertEquals("reference", m.evaluator());
        float[] out = new float[2];
        m.scoreMargin(new float[] {0f}, out);
        assertEquals(1.25f, out[0]);
        assertEquals(2.5f, out[1]);
        m.scoreMargin(new float[] {1f}, out);
        assertEquals(10.25f, out[0]);
        assertEquals(20.5f, out[1]);
    }

    @Test
    void shouldPickTheFirstLargestMarginForArgmax() {
        TreeEnsemble m = TreeEnsemble.builder(1, 3).transform(OutputTransform.ARGMAX)
                .baseMargins(new float[] {1f, 3f, 3f}).build();
        assertEquals(1, m.numOutputs());
        assertEquals(3, m.numMarginOutputs());
        assertEquals(1f, m.score(new float[] {0f}));
    }

    @Test
    void shouldIgnoreNodesUnreachableFromTheRoot() {
        // Node 3 is a "deleted" node with out-of-range fields, as XGBoost's pruner leaves them.
        TreeNodes withDeleted = new TreeNodes(new int[] {1, -1, -1, -1}, new int[] {2, -1, -1, -1},
                new int[] {0, 0, 0, Integer.MAX_VALUE}, new float[] {0.5f, -1f, 1f, 0f},
                new boolean[] {false, false, false, true}, null, new float[] {0.5f, -1f, 1f, 0f}, 1);
        TreeEnsemble m = TreeEnsemble.builder(1, 1).addTree(withDeleted, 0, 1f).build();
        assertEquals(-1f, m.scoreMargin(new float[] {0f}));
        assertEquals(1, m.info().numTrees());
        assertEquals(1, m.info().maxDepth());
    }
}
