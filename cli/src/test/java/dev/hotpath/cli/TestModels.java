package dev.hotpath.cli;

import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelInfo;
import dev.hotpath.scoring.model.OutputTransform;
import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.model.TreeNodes;
import java.util.List;
import java.util.Map;

/**
 * Hand-built models whose outputs can be worked out by hand. Leaf values are dyadic fractions, so every sum below
 * is exact in float and the expected values in tests are plain literals.
 */
final class TestModels {
    private TestModels() {
    }

    /** A stump: {@code x[f] < thr} goes left, else right; a missing value goes left iff {@code defaultLeft}. */
    static TreeNodes stump(int f, float thr, boolean defaultLeft, float leftLeaf, float rightLeaf) {
        return new TreeNodes(
                new int[] {1, -1, -1},
                new int[] {2, -1, -1},
                new int[] {f, 0, 0},
                new float[] {thr, leftLeaf, rightLeaf},
                new boolean[] {defaultLeft, false, false},
                null,
                new float[] {thr, leftLeaf, rightLeaf},
                1);
    }

    /**
     * Features {@code amount, age, country}, identity output named {@code score}, base margin 0. The margin is
     * the sum of:
     * <ul>
     *   <li>amount &lt; 100 → 0.25, else 1.5; missing → 1.5 (right)</li>
     *   <li>age &lt; 30 → -0.5, else 0.125; missing → -0.5 (left)</li>
     *   <li>country &lt; 2 → 0.0625, else 4.0; missing → 4.0 (right)</li>
     * </ul>
     */
    static Model threeFeatures() {
        return threeFeatureBuilder(List.of("amount", "age", "country"), OutputTransform.IDENTITY);
    }

    /** {@link #threeFeatures()} without feature names: the columns are {@code f0, f1, f2}. */
    static Model threeFeaturesUnnamed() {
        return threeFeatureBuilder(null, OutputTransform.IDENTITY);
    }

    /** {@link #threeFeatures()} with the hinge transform: output {@code margin > 0 ? 1 : 0}. */
    static Model threeFeaturesHinge() {
        return threeFeatureBuilder(List.of("amount", "age", "country"), OutputTransform.HINGE);
    }

    private static Model threeFeatureBuilder(List<String> names, OutputTransform transform) {
        return TreeEnsemble.builder(3, 1)
                .featureNames(names)
                .transform(transform)
                .info(new ModelInfo("in-memory", "", "", "gbtree", 0, 0, "", "", Map.of()))
                .addTree(stump(0, 100f, false, 0.25f, 1.5f), 0, 1f)
                .addTree(stump(1, 30f, true, -0.5f, 0.125f), 0, 1f)
                .addTree(stump(2, 2f, false, 0.0625f, 4.0f), 0, 1f)
                .build();
    }

    /**
     * Two margins over features {@code x, y} with the arg-max transform (one output, {@code class}):
     * margin 0 = (x &lt; 0 ? 1 : -1) (missing → left), margin 1 = (y &lt; 0 ? -2 : 2) (missing → left).
     */
    static Model twoClassArgmax() {
        return TreeEnsemble.builder(2, 2)
                .featureNames(List.of("x", "y"))
                .transform(OutputTransform.ARGMAX)
                .addTree(stump(0, 0f, true, 1f, -1f), 0, 1f)
                .addTree(stump(1, 0f, true, -2f, 2f), 1, 1f)
                .build();
    }

    /**
     * One feature {@code x}; a balanced tree of the given depth whose leaf {@code i} (left to right) is reached by
     * {@code i <= x < i + 1} and holds {@code leaves[i]}. Identity output with base margin 0, so the score of
     * {@code x = i + 0.5} is {@code 0f + leaves[i]}.
     */
    static Model lookupTable(float[] leaves, int depth) {
        int nLeaves = 1 << depth;
        if (leaves.length != nLeaves) {
            throw new IllegalArgumentException("need " + nLeaves + " leaves");
        }
        int nodes = 2 * nLeaves - 1;
        int[] left = new int[nodes];
        int[] right = new int[nodes];
        int[] feature = new int[nodes];
        float[] threshold = new float[nodes];
        boolean[] defaultLeft = new boolean[nodes];
        float[] values = new float[nodes];
        fill(0, 0, nLeaves, nLeaves - 1, leaves, left, right, threshold, values);
        return TreeEnsemble.builder(1, 1)
                .featureNames(List.of("x"))
                .addTree(new TreeNodes(left, right, feature, threshold, defaultLeft, null, values, 1), 0, 1f)
                .build();
    }

    private static void fill(int node, int lo, int hi, int firstLeaf, float[] leaves, int[] left, int[] right,
                             float[] threshold, float[] values) {
        if (node >= firstLeaf) {
            left[node] = -1;
            right[node] = -1;
            threshold[node] = leaves[lo];
            values[node] = leaves[lo];
            return;
        }
        int mid = (lo + hi) / 2;
        left[node] = 2 * node + 1;
        right[node] = 2 * node + 2;
        threshold[node] = mid;
        fill(2 * node + 1, lo, mid, firstLeaf, leaves, left, right, threshold, values);
        fill(2 * node + 2, mid, hi, firstLeaf, leaves, left, right, threshold, values);
    }
}
