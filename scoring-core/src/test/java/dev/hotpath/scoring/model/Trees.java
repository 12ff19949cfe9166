package dev.hotpath.scoring.model;

import java.util.Random;

/** Small tree factories for tests: hand-written trees and seeded random ensembles. */
final class Trees {
    private Trees() {
    }

    /** A stump: {@code x[f] < thr} → left leaf, else right leaf; missing goes left iff {@code defaultLeft}. */
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

    /** A categorical stump: codes in {@code rightCodes} go right. */
    static TreeNodes categoricalStump(int f, int[] rightCodes, boolean defaultLeft, float leftLeaf, float rightLeaf) {
        return new TreeNodes(
                new int[] {1, -1, -1},
                new int[] {2, -1, -1},
                new int[] {f, 0, 0},
                new float[] {Float.NaN, leftLeaf, rightLeaf},
                new boolean[] {defaultLeft, false, false},
                new int[][] {rightCodes, null, null},
                new float[] {Float.NaN, leftLeaf, rightLeaf},
                1);
    }

    /**
     * A random tree in XGBoost's node-array form with adjacent children allocated breadth-first, depths up to
     * {@code maxDepth}, thresholds drawn from {@code thresholds} so rows can hit them exactly.
     */
    static TreeNodes random(Random rnd, int numFeatures, int maxDepth, float[] thresholds, int leafSize) {
        int cap = (1 << (maxDepth + 1)) - 1;
        int[] left = new int[cap];
        int[] right = new int[cap];
        int[] feature = new int[cap];
        float[] threshold = new float[cap];
        boolean[] defaultLeft = new boolean[cap];
        float[] leaves = new float[cap * leafSize];
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
                threshold[n] = thresholds[rnd.nextInt(thresholds.length)];
                defaultLeft[n] = rnd.nextBoolean();
            } else {
                left[n] = -1;
                right[n] = -1;
                for (int j = 0; j < leafSize; j++) {
                    leaves[n * leafSize + j] = (float) (rnd.nextGaussian() * 0.1);
                }
                if (leafSize == 1) {
                    threshold[n] = leaves[n];
                }
            }
        }
        return new TreeNodes(java.util.Arrays.copyOf(left, count), java.util.Arrays.copyOf(right, count),
                java.util.Arrays.copyOf(feature, count), java.util.Arrays.copyOf(threshold, count),
                java.util.Arrays.copyOf(defaultLeft, count), null,
                java.util.Arrays.copyOf(leaves, count * leafSize), leafSize);
    }
}
