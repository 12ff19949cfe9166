package dev.hotpath.scoring.model;

import dev.hotpath.scoring.testing.RandomTrees;
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
        return RandomTrees.random(rnd, numFeatures, maxDepth, thresholds,
                new RandomTrees.Options(leafSize, false, false, false));
    }
}
