package dev.hotpath.scoring.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelLimits;
import java.util.List;
import org.junit.jupiter.api.Test;

class TreeEnsembleBuilderValidationTest {

    private static ModelFormatException reject(TreeNodes t) {
        return assertThrows(ModelFormatException.class,
                () -> TreeEnsemble.builder(2, 1).source("m.json").addTree(t, 0, 1f));
    }

    private static TreeNodes tree(int[] left, int[] right, int[] feature) {
        int n = left.length;
        return new TreeNodes(left, right, feature, new float[n], new boolean[n], null, new float[n], 1);
    }

    @Test
    void shouldRejectChildIndexOutOfRangeNamingTheNode() {
        ModelFormatException e = reject(tree(new int[] {1, -1, -1}, new int[] {7, -1, -1}, new int[] {0, 0, 0}));
        assertTrue(e.getMessage().contains("m.json at tree[0].node[0]"), e.getMessage());
        assertTrue(e.getMessage().contains("right child must be in [0, 3), found 7"), e.getMessage());
    }

    @Test
    void shouldRejectCycles() {
        ModelFormatException e = reject(tree(new int[] {1, 0, -1}, new int[] {2, 2, -1}, new int[] {0, 0, 0}));
        assertTrue(e.getMessage().contains("reached twice"), e.getMessage());
    }

    @Test
    void shouldRejectSelfLoops() {
        ModelFormatException e = reject(tree(new int[] {0}, new int[] {0}, new int[] {0}));
        assertTrue(e.getMessage().contains("tree[0].node[0]"), e.getMessage());
    }

    @Test
    void shouldRejectInconsistentArrayLengths() {
        ModelFormatException e = reject(new TreeNodes(new int[] {1, -1, -1}, new int[] {2, -1}, new int[] {0, 0, 0},
                new float[3], new boolean[3], null, new float[3], 1));
        assertTrue(e.getMessage().contains("right has 2 entries, expected one per node (3)"), e.getMessage());
    }

    @Test
    void shouldRejectFeatureIndexBeyondTheModelWidth() {
        ModelFormatException e = reject(tree(new int[] {1, -1, -1}, new int[] {2, -1, -1}, new int[] {5, 0, 0}));
        assertTrue(e.getMessage().contains("split feature must be in [0, 2), found 5"), e.getMessage());
    }

    @Test
    void shouldRejectOutputGroupOutOfRange() {
        assertThrows(ModelFormatException.class, () -> TreeEnsemble.builder(1, 2)
                .addTree(Trees.stump(0, 0f, false, 0f, 0f), 2, 1f));
    }

    @Test
    void shouldRejectNegativeCategoryCodes() {
        assertThrows(ModelFormatException.class, () -> TreeEnsemble.builder(1, 1)
                .addTree(Trees.categoricalStump(0, new int[] {-3}, false, 0f, 1f), 0, 1f));
    }

    @Test
    void shouldEnforceDepthLimitWithoutRecursion() {
        // A 100,000-deep chain: must fail on the depth limit, not overflow the stack.
        int n = 200_001;
        int[] left = new int[n];
        int[] right = new int[n];
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0 && i + 2 < n) {
                left[i] = i + 1;
                right[i] = i + 2;
            } else {
                left[i] = -1;
                right[i] = -1;
            }
        }
        ModelFormatException e = reject(tree(left, right, new int[n]));
        assertTrue(e.getMessage().contains("deeper than 64"), e.getMessage());
    }

    @Test
    void shouldEnforceTreeAndNodeLimits() {
        ModelLimits tight = ModelLimits.defaults().withMaxTrees(1).withMaxNodesPerTree(3);
        TreeEnsembleBuilder b = TreeEnsemble.builder(1, 1).limits(tight)
                .addTree(Trees.stump(0, 0f, false, 0f, 0f), 0, 1f);
        assertThrows(ModelFormatException.class, () -> b.addTree(Trees.stump(0, 0f, false, 0f, 0f), 0, 1f));
        assertThrows(ModelFormatException.class, () -> TreeEnsemble.builder(1, 1).limits(tight)
                .addTree(tree(new int[] {1, -1, 3, -1, -1}, new int[] {2, -1, 4, -1, -1}, new int[5]), 0, 1f));
        assertThrows(ModelFormatException.class,
                () -> TreeEnsemble.builder(10, 1).limits(ModelLimits.defaults().withMaxFeatures(5)));
    }

    @Test
    void shouldRejectDuplicateOrMiscountedFeatureNames() {
        assertThrows(ModelFormatException.class,
                () -> TreeEnsemble.builder(2, 1).featureNames(List.of("a", "a")).build());
        assertThrows(ModelFormatException.class,
                () -> TreeEnsemble.builder(2, 1).featureNames(List.of("a")).build());
    }
}
