package dev.hotpath.scoring.model;

import java.util.Arrays;
import java.util.Random;

/** LightGBM tree factories for tests: hand-written stumps and seeded random trees grown leaf-wise as LightGBM does. */
final class LightgbmTrees {
    /** LightGBM's kZeroThreshold as a double: exactly {@code (double) 1e-35f}. */
    static final double KZ = 0x1.a95a5cp-117;

    /** Thresholds near the places where double and float semantics part: values no float equals, ±kZ, ±0. */
    static final double[] THRESHOLDS = {-3.5, -1.0, -KZ, -0.0, 0.0, KZ, 1e-30, 0.25, 0.5, 1.5000000000000002,
        Math.nextUp(1.0), Math.nextDown(1.0), 0.1, 2.75, 100.00000000000001, 1e30, -Float.MAX_VALUE,
        Math.nextUp((double) Float.MIN_VALUE), -Math.nextDown((double) 0.3f), Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY};

    /** Decision types of numerical nodes: every missing type, both default directions. */
    static final byte[] NUMERICAL_DECISIONS = {0, 2, 4, 6, 8, 10};

    private LightgbmTrees() {
    }

    /** A numerical stump: left leaf when the rule sends the row left. */
    static LightgbmTree stump(int f, double thr, int decisionType, double leftLeaf, double rightLeaf) {
        return new LightgbmTree(2, new int[] {f}, new double[] {thr}, new byte[] {(byte) decisionType},
                new int[] {-1}, new int[] {-2}, new double[] {leftLeaf, rightLeaf}, new int[0], new int[0], null);
    }

    /** A categorical stump whose bitset is {@code words}: listed categories go to the left leaf. */
    static LightgbmTree categoricalStump(int f, int[] words, double leftLeaf, double rightLeaf) {
        return new LightgbmTree(2, new int[] {f}, new double[] {0}, new byte[] {1}, new int[] {-1}, new int[] {-2},
                new double[] {leftLeaf, rightLeaf}, new int[] {0, words.length}, words, null);
    }

    /** A tree with one leaf. */
    static LightgbmTree leaf(double value) {
        return new LightgbmTree(1, new int[0], new double[0], new byte[0], new int[0], new int[0],
                new double[] {value}, new int[0], new int[0], null);
    }

    /**
     * A random tree with {@code leaves} leaves, grown as LightGBM grows trees: splitting leaf {@code l} creates node
     * {@code n} (in creation order) whose left child is {@code l} and whose right child is a new leaf.
     *
     * @param categoricalShare probability that a node is categorical (bitsets of 1–3 words)
     */
    static LightgbmTree random(Random rnd, int numFeatures, int leaves, double categoricalShare) {
        int internal = leaves - 1;
        int[] feature = new int[internal];
        double[] threshold = new double[internal];
        byte[] decision = new byte[internal];
        int[] left = new int[internal];
        int[] right = new int[internal];
        int[] leafParent = new int[leaves];   // node whose child is the leaf, -1 for the root leaf
        boolean[] leafIsLeft = new boolean[leaves];
        leafParent[0] = -1;
        int[] boundaries = new int[internal + 1];
        int[] words = new int[3 * internal];
        int numCat = 0;
        int numWords = 0;
        for (int n = 0; n < internal; n++) {
            int l = rnd.nextInt(n + 1); // a current leaf
            int newLeaf = n + 1;
            int p = leafParent[l];
            if (p >= 0) {
                if (leafIsLeft[l]) {
                    left[p] = n;
                } else {
                    right[p] = n;
                }
            }
            left[n] = ~l;
            right[n] = ~newLeaf;
            leafParent[l] = n;
            leafIsLeft[l] = true;
            leafParent[newLeaf] = n;
            leafIsLeft[newLeaf] = false;
            feature[n] = rnd.nextInt(numFeatures);
            if (rnd.nextDouble() < categoricalShare) {
                decision[n] = (byte) (rnd.nextBoolean() ? 1 : 9);
                threshold[n] = numCat;
                int w = 1 + rnd.nextInt(3);
                for (int i = 0; i < w; i++) {
                    words[numWords++] = rnd.nextInt();
                }
                boundaries[++numCat] = numWords;
            } else {
                decision[n] = NUMERICAL_DECISIONS[rnd.nextInt(NUMERICAL_DECISIONS.length)];
                threshold[n] = rnd.nextInt(3) == 0 ? THRESHOLDS[rnd.nextInt(THRESHOLDS.length)] : rnd.nextGaussian();
            }
        }
        double[] values = new double[leaves];
        for (int l = 0; l < leaves; l++) {
            values[l] = rnd.nextGaussian() * 0.1;
        }
        int[] catBoundaries = numCat == 0 ? new int[0] : Arrays.copyOf(boundaries, numCat + 1);
        return new LightgbmTree(leaves, feature, threshold, decision, left, right, values, catBoundaries,
                Arrays.copyOf(words, numWords), null);
    }

    /** {@code tree} with linear leaves: each leaf uses up to three random features. */
    static LightgbmTree withLinearLeaves(Random rnd, LightgbmTree tree, int numFeatures) {
        int leaves = tree.numLeaves();
        double[] constant = new double[leaves];
        int[][] features = new int[leaves][];
        double[][] coefficients = new double[leaves][];
        for (int l = 0; l < leaves; l++) {
            constant[l] = rnd.nextGaussian();
            int k = rnd.nextInt(4);
            features[l] = new int[k];
            coefficients[l] = new double[k];
            for (int j = 0; j < k; j++) {
                features[l][j] = rnd.nextInt(numFeatures);
                coefficients[l][j] = rnd.nextGaussian() * 0.01;
            }
        }
        return new LightgbmTree(leaves, tree.splitFeature(), tree.threshold(), tree.decisionType(), tree.leftChild(),
                tree.rightChild(), tree.leafValue(), tree.catBoundaries(), tree.catThreshold(),
                new LightgbmTree.LinearLeaves(constant, features, coefficients));
    }

    /** Floats where LightGBM's rules are decided: NaN, ±0, ±tiny, ±kZ, ±Inf, integers and near-integers. */
    static final float[] EDGE = {Float.NaN, 0f, -0f, 1e-36f, -1e-36f, 1e-35f, -1e-35f, Math.nextUp(1e-35f), 1e-34f,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, -1f, -0.5f, -0.999f,
        0.5f, 0.999f, 1f, 2.9f, 31f, 32f, 33f, 63f, 64f, 95f, 1e9f, 3e9f, -3e9f, 1e10f, 0.25f, 1.5f,
        Math.nextUp(1.5f), 0.1f, 0.3f, 2.75f, 100f, -3.5f, Float.MAX_VALUE, -Float.MAX_VALUE, 1e30f};

    /** A row: a third of the values from {@link #EDGE}, the others Gaussian. */
    static float[] row(Random rnd, int numFeatures) {
        float[] row = new float[numFeatures];
        for (int j = 0; j < numFeatures; j++) {
            row[j] = rnd.nextInt(3) == 0 ? EDGE[rnd.nextInt(EDGE.length)] : (float) (rnd.nextGaussian() * 2);
        }
        return row;
    }
}
