package dev.hotpath.scoring.explain;

import dev.hotpath.scoring.model.TreeNodes;
import java.util.Arrays;
import java.util.Random;

/** Random trees with node covers for the explainer's tests, in XGBoost's node-array form. */
final class ShapTrees {
    private ShapTrees() {
    }

    /**
     * A random tree: splits on features drawn from {@code [0, numFeatures)} (few features make repeated splits on
     * one feature along a path common), thresholds from {@code thresholds}, random default directions, optional
     * categorical nodes, and covers: leaves get random weights, internal nodes the sum of their children's (or,
     * with {@code sloppyCovers}, that sum perturbed, as float32 rounding leaves it in real files).
     */
    static TreeNodes random(Random rnd, int numFeatures, int maxDepth, float[] thresholds, boolean categorical,
                            boolean sloppyCovers, int leafSize) {
        int cap = (1 << (maxDepth + 1)) - 1;
        int[] left = new int[cap];
        int[] right = new int[cap];
        int[] feature = new int[cap];
        float[] threshold = new float[cap];
        boolean[] defaultLeft = new boolean[cap];
        int[][] cats = categorical ? new int[cap][] : null;
        float[] leaves = new float[cap * leafSize];
        float[] cover = new float[cap];
        int[] depth = new int[cap];
        int count = 1;
        for (int n = 0; n < count; n++) {
            boolean split = depth[n] < maxDepth && (depth[n] < 2 || rnd.nextInt(4) != 0);
            if (split) {
                left[n] = count;
                right[n] = count + 1;
                depth[count] = depth[n] + 1;
                depth[count + 1] = depth[n] + 1;
                count += 2;
                feature[n] = rnd.nextInt(numFeatures);
                defaultLeft[n] = rnd.nextBoolean();
                if (categorical && rnd.nextInt(3) == 0) {
                    cats[n] = new int[] {rnd.nextInt(4), 4 + rnd.nextInt(4)};
                    threshold[n] = Float.NaN;
                } else {
                    threshold[n] = thresholds[rnd.nextInt(thresholds.length)];
                }
            } else {
                left[n] = -1;
                right[n] = -1;
                for (int j = 0; j < leafSize; j++) {
                    leaves[n * leafSize + j] = (float) (rnd.nextGaussian() * 0.3);
                }
                if (leafSize == 1) {
                    threshold[n] = leaves[n];
                }
                cover[n] = rnd.nextInt(8) == 0 ? 1f : (float) (1 + rnd.nextDouble() * 50);
            }
        }
        for (int n = count - 1; n >= 0; n--) {
            if (left[n] != -1) {
                float sum = cover[left[n]] + cover[right[n]];
                cover[n] = sloppyCovers ? sum * (float) (1 + (rnd.nextDouble() - 0.5) * 1e-3) : sum;
            }
        }
        return new TreeNodes(Arrays.copyOf(left, count), Arrays.copyOf(right, count), Arrays.copyOf(feature, count),
                Arrays.copyOf(threshold, count), Arrays.copyOf(defaultLeft, count),
                cats == null ? null : Arrays.copyOf(cats, count), Arrays.copyOf(leaves, count * leafSize),
                leafSize, Arrays.copyOf(cover, count));
    }

    /** Random rows: values around the thresholds, about 15% missing, occasionally ±Infinity or a category code. */
    static float[] row(Random rnd, int numFeatures, float[] thresholds) {
        float[] x = new float[numFeatures];
        for (int f = 0; f < numFeatures; f++) {
            int kind = rnd.nextInt(20);
            if (kind < 3) {
                x[f] = Float.NaN;
            } else if (kind == 3) {
                x[f] = rnd.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
            } else if (kind < 8) {
                x[f] = rnd.nextInt(9);
            } else if (kind < 11) {
                x[f] = thresholds[rnd.nextInt(thresholds.length)];
            } else {
                x[f] = (float) (rnd.nextGaussian() * 2);
            }
        }
        return x;
    }
}
