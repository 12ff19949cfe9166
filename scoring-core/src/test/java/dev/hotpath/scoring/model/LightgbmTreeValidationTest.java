package dev.hotpath.scoring.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelLimits;
import org.junit.jupiter.api.Test;

/** Each rule {@link TreeEnsembleBuilder#addLightgbmTree} enforces, with the tree and LightGBM key it names. */
class LightgbmTreeValidationTest {

    private static ModelFormatException rejected(LightgbmTree tree, int numFeatures) {
        return assertThrows(ModelFormatException.class,
                () -> TreeEnsemble.builder(numFeatures, 1).source("m.txt").addLightgbmTree(tree, 0));
    }

    private static LightgbmTree threeLeaves(int[] left, int[] right, int[] feature, byte[] decision,
                                            double[] threshold) {
        return new LightgbmTree(3, feature, threshold, decision, left, right, new double[] {1, 2, 3}, new int[0],
                new int[0], null);
    }

    @Test
    void shouldRejectArraysOfTheWrongLength() {
        LightgbmTree t = new LightgbmTree(3, new int[] {0}, new double[] {0, 1}, new byte[] {8, 8},
                new int[] {-1, -2}, new int[] {1, -3}, new double[] {1, 2, 3}, new int[0], new int[0], null);
        ModelFormatException e = rejected(t, 2);
        assertEquals("tree[0].split_feature", e.location());
        assertTrue(e.getMessage().startsWith("m.txt at tree[0].split_feature: expected 2 entries, found 1"),
                e.getMessage());
        LightgbmTree noLeaves = new LightgbmTree(2, new int[] {0}, new double[] {0}, new byte[] {8},
                new int[] {-1}, new int[] {-2}, new double[] {1}, new int[0], new int[0], null);
        assertEquals("tree[0].leaf_value", rejected(noLeaves, 2).location());
        assertEquals("tree[0].num_leaves", rejected(new LightgbmTree(0, new int[0], new double[0], new byte[0],
                new int[0], new int[0], new double[0], new int[0], new int[0], null), 2).location());
    }

    @Test
    void shouldRejectChildrenOutOfRange() {
        ModelFormatException e = rejected(threeLeaves(new int[] {-1, -4}, new int[] {1, -3}, new int[] {0, 0},
                new byte[] {8, 8}, new double[] {0, 1}), 2);
        assertEquals("tree[0].left_child[1]", e.location());
        assertTrue(e.expectation().contains("expected a node in [0, 2) or a leaf in [-3, -1], found -4"),
                e.expectation());
        assertEquals("tree[0].right_child[0]", rejected(threeLeaves(new int[] {-1, -2}, new int[] {2, -3},
                new int[] {0, 0}, new byte[] {8, 8}, new double[] {0, 1}), 2).location());
    }

    @Test
    void shouldRejectNodesThatDoNotFormATree() {
        // Node 1 points back to the root: a cycle.
        ModelFormatException e = rejected(threeLeaves(new int[] {-1, 0}, new int[] {1, -3}, new int[] {0, 0},
                new byte[] {8, 8}, new double[] {0, 1}), 2);
        assertTrue(e.expectation().contains("do not form a tree"), e.expectation());
        assertTrue(e.expectation().contains("LightGBM numbering"), e.expectation());
        // Leaf 0 reached twice.
        assertTrue(rejected(threeLeaves(new int[] {-1, -1}, new int[] {1, -3}, new int[] {0, 0}, new byte[] {8, 8},
                new double[] {0, 1}), 2).expectation().contains("reached twice"));
    }

    @Test
    void shouldRejectFeaturesOutOfRange() {
        ModelFormatException e = rejected(LightgbmTrees.stump(5, 0, 8, 1, 2), 3);
        assertEquals("tree[0].node[0]", e.location());
        assertTrue(e.expectation().contains("split feature must be in [0, 3), found 5"), e.expectation());
    }

    @Test
    void shouldRejectUnknownDecisionTypes() {
        assertEquals("tree[0].decision_type[0]", rejected(LightgbmTrees.stump(0, 0, 12, 1, 2), 1).location());
        assertEquals("tree[0].decision_type[0]", rejected(LightgbmTrees.stump(0, 0, 16, 1, 2), 1).location());
    }

    @Test
    void shouldRejectNaNThresholds() {
        assertEquals("tree[0].threshold[0]", rejected(LightgbmTrees.stump(0, Double.NaN, 8, 1, 2), 1).location());
    }

    @Test
    void shouldRejectInconsistentCategoricalBitsets() {
        LightgbmTree badIndex = new LightgbmTree(2, new int[] {0}, new double[] {1}, new byte[] {1},
                new int[] {-1}, new int[] {-2}, new double[] {1, 2}, new int[] {0, 1}, new int[] {4}, null);
        ModelFormatException e = rejected(badIndex, 1);
        assertEquals("tree[0].threshold[0]", e.location());
        assertTrue(e.expectation().contains("bitset index"), e.expectation());
        LightgbmTree fraction = new LightgbmTree(2, new int[] {0}, new double[] {0.5}, new byte[] {1},
                new int[] {-1}, new int[] {-2}, new double[] {1, 2}, new int[] {0, 1}, new int[] {4}, null);
        assertEquals("tree[0].threshold[0]", rejected(fraction, 1).location());
        LightgbmTree shortWords = new LightgbmTree(2, new int[] {0}, new double[] {0}, new byte[] {1},
                new int[] {-1}, new int[] {-2}, new double[] {1, 2}, new int[] {0, 3}, new int[] {4}, null);
        assertEquals("tree[0].cat_boundaries[1]", rejected(shortWords, 1).location());
        LightgbmTree decreasing = new LightgbmTree(2, new int[] {0}, new double[] {0}, new byte[] {1},
                new int[] {-1}, new int[] {-2}, new double[] {1, 2}, new int[] {0, 2, 1}, new int[] {4, 5}, null);
        assertEquals("tree[0].cat_boundaries[2]", rejected(decreasing, 1).location());
        LightgbmTree extraWords = new LightgbmTree(2, new int[] {0}, new double[] {0}, new byte[] {1},
                new int[] {-1}, new int[] {-2}, new double[] {1, 2}, new int[] {0, 1}, new int[] {4, 5}, null);
        assertEquals("tree[0].cat_threshold", rejected(extraWords, 1).location());
    }

    @Test
    void shouldRejectInconsistentLinearLeaves() {
        LightgbmTree stump = LightgbmTrees.stump(0, 0, 8, 1, 2);
        LightgbmTree mismatched = new LightgbmTree(2, stump.splitFeature(), stump.threshold(), stump.decisionType(),
                stump.leftChild(), stump.rightChild(), stump.leafValue(), new int[0], new int[0],
                new LightgbmTree.LinearLeaves(new double[] {0, 0}, new int[][] {{0}, {}},
                        new double[][] {{}, {}}));
        assertEquals("tree[0].leaf_coeff", rejected(mismatched, 1).location());
        LightgbmTree badFeature = new LightgbmTree(2, stump.splitFeature(), stump.threshold(), stump.decisionType(),
                stump.leftChild(), stump.rightChild(), stump.leafValue(), new int[0], new int[0],
                new LightgbmTree.LinearLeaves(new double[] {0, 0}, new int[][] {{7}, {}},
                        new double[][] {{1}, {}}));
        assertEquals("tree[0].leaf_features", rejected(badFeature, 1).location());
        LightgbmTree fewConstants = new LightgbmTree(2, stump.splitFeature(), stump.threshold(),
                stump.decisionType(), stump.leftChild(), stump.rightChild(), stump.leafValue(), new int[0],
                new int[0], new LightgbmTree.LinearLeaves(new double[] {0}, new int[][] {{}, {}},
                        new double[][] {{}, {}}));
        assertEquals("tree[0].leaf_const", rejected(fewConstants, 1).location());
    }

    @Test
    void shouldEnforceLimits() {
        ModelLimits limits = ModelLimits.defaults().withMaxNodesPerTree(5).withMaxTrees(2);
        LightgbmTree big = LightgbmTrees.random(new java.util.Random(1), 2, 4, 0);
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> TreeEnsemble.builder(2, 1).limits(limits).addLightgbmTree(big, 0));
        assertEquals("tree[0].num_leaves", e.location());
        TreeEnsembleBuilder b = TreeEnsemble.builder(2, 1).limits(limits)
                .addLightgbmTree(LightgbmTrees.leaf(1), 0).addLightgbmTree(LightgbmTrees.leaf(2), 0);
        assertEquals("tree[2]", assertThrows(ModelFormatException.class,
                () -> b.addLightgbmTree(LightgbmTrees.leaf(3), 0)).location());
    }

    @Test
    void shouldRefuseToMixXgboostAndLightgbmTrees() {
        TreeEnsembleBuilder xgb = TreeEnsemble.builder(1, 1).addTree(Trees.stump(0, 0f, true, 1f, 2f), 0, 1f);
        assertThrows(ConfigurationException.class, () -> xgb.addLightgbmTree(LightgbmTrees.leaf(1), 0));
        assertThrows(ConfigurationException.class, () -> xgb.transform(DoubleOutputTransform.identity()));
        TreeEnsembleBuilder lgb = TreeEnsemble.builder(1, 1).addLightgbmTree(LightgbmTrees.leaf(1), 0);
        assertThrows(ConfigurationException.class, () -> lgb.addTree(Trees.stump(0, 0f, true, 1f, 2f), 0, 1f));
        TreeEnsembleBuilder floatTransform = TreeEnsemble.builder(1, 1).addLightgbmTree(LightgbmTrees.leaf(1), 0)
                .transform(OutputTransform.LOGISTIC);
        assertThrows(ConfigurationException.class, floatTransform::build);
    }
}
