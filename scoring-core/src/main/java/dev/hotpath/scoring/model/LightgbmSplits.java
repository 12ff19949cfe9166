package dev.hotpath.scoring.model;

import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelLimits;

/**
 * What a {@link CompiledTree} compiled from a {@link LightgbmTree} needs beyond XGBoost's node arrays: LightGBM's
 * double thresholds and missing types, its categorical bitsets, double leaf values and linear leaves, all indexed by
 * the compiled (pre-order) node index. Also the reference semantics over them ({@link #leafIndex},
 * {@link #output}), which the fast layouts are tested against.
 *
 * <h2>Compilation</h2>
 * LightGBM numbers nodes {@code 0 … L-2} and leaves {@code 0 … L-1} separately. {@link #compile} renumbers them into
 * one XGBoost-style node array (node {@code i} stays {@code i}, leaf {@code l} becomes node {@code L-1+l}), lets
 * {@link CompiledTree#compile} validate the structure and lay it out in pre-order, then pairs each compiled node with
 * its LightGBM node to fill the arrays here. For the fast layouts, each numerical node's {@code CompiledTree}
 * threshold is the <em>strict float threshold</em> of {@link #strictFloatThreshold}: for every float {@code x},
 * {@code (double) x <= threshold} exactly when {@code x < strict}, so float compares stay exact.
 *
 * <p>Immutable after construction; package-private.
 */
final class LightgbmSplits {
    /** LightGBM's {@code kZeroThreshold}: the float literal {@code 1e-35f}; inputs with {@code |x| <= it} are 0. */
    static final float ZERO_THRESHOLD = 1e-35f;
    static final byte MISSING_NONE = 0;
    static final byte MISSING_ZERO = 1;
    static final byte MISSING_NAN = 2;

    private static final int CATEGORICAL_MASK = 1;
    private static final int DEFAULT_LEFT_MASK = 2;

    /** Per node: LightGBM's threshold (numerical nodes). */
    final double[] threshold;
    /** Per node: missing type (numerical nodes). */
    final byte[] missingType;
    /** Per node: bitset words of the categories that go left, or {@code null} (numerical nodes); null if none. */
    final int[][] categories;
    /** Per node: the leaf value (leaves). */
    final double[] leafValue;
    /** Per node: a linear leaf's constant, features and coefficients; all {@code null} for ordinary trees. */
    final double[] linearConstant;
    final int[][] linearFeatures;
    final double[][] linearCoefficients;

    private LightgbmSplits(int n, boolean hasCategorical, boolean linear) {
        this.threshold = new double[n];
        this.missingType = new byte[n];
        this.categories = hasCategorical ? new int[n][] : null;
        this.leafValue = new double[n];
        this.linearConstant = linear ? new double[n] : null;
        this.linearFeatures = linear ? new int[n][] : null;
        this.linearCoefficients = linear ? new double[n][] : null;
    }

    boolean hasCategorical() {
        return categories != null;
    }

    boolean isLinear() {
        return linearConstant != null;
    }

    /**
     * The largest float {@code t} such that {@code (double) x <= threshold} exactly when {@code x < next} for every
     * non-NaN float {@code x}, where {@code next} is returned: the successor of the largest float not above the
     * threshold. {@code +Inf} when every finite float is at or below the threshold.
     */
    static float strictFloatThreshold(double threshold) {
        float t = (float) threshold;
        if ((double) t > threshold) {
            t = Math.nextDown(t);
        }
        return Math.nextUp(t);
    }

    /** A float input as LightGBM's C API feeds it to the trees: widened, and {@code 0.0} when tiny. */
    static double input(float x) {
        return Math.abs(x) <= ZERO_THRESHOLD ? 0.0 : x;
    }

    // ---- reference semantics -------------------------------------------------------------------------------------

    /** Follows the tree for one row and returns the leaf's compiled node index (LightGBM's {@code GetLeaf}). */
    int leafIndex(CompiledTree t, float[] x, int off) {
        int n = 0;
        while (t.feature[n] >= 0) {
            n = childFor(t, n, x, off);
        }
        return n;
    }

    /** The child of internal node {@code n} that row {@code x[off..]} goes to (LightGBM's {@code Decision}). */
    int childFor(CompiledTree t, int n, float[] x, int off) {
        double v = input(x[off + t.feature[n]]);
        boolean left = categories != null && categories[n] != null ? categoricalLeft(categories[n], v)
                : numericalLeft(n, v, t.defaultLeft[n]);
        return left ? n + 1 : t.right[n];
    }

    /** The tree's output for one row: its leaf's value, or the leaf's linear model. */
    double output(CompiledTree t, float[] x, int off) {
        int leaf = leafIndex(t, x, off);
        return linearConstant == null ? leafValue[leaf] : linearOutput(leaf, x, off);
    }

    private boolean numericalLeft(int n, double v, boolean defaultLeft) {
        byte mt = missingType[n];
        if (v != v && mt != MISSING_NAN) {
            v = 0.0;
        }
        if ((mt == MISSING_ZERO && v >= -ZERO_THRESHOLD && v <= ZERO_THRESHOLD) || (mt == MISSING_NAN && v != v)) {
            return defaultLeft;
        }
        return v <= threshold[n];
    }

    private static boolean categoricalLeft(int[] words, double v) {
        if (v != v) {
            return false;
        }
        // C++'s static_cast<int> of an out-of-range value gives INT_MIN on x86 (goes right); Java saturates, and
        // Integer.MAX_VALUE lies beyond every bitset, so it goes right too.
        int c = (int) v;
        if (c < 0) {
            return false;
        }
        int word = c >>> 5;
        return word < words.length && (words[word] >>> (c & 31) & 1) != 0;
    }

    private double linearOutput(int leaf, float[] x, int off) {
        int[] features = linearFeatures[leaf];
        double[] coefficients = linearCoefficients[leaf];
        double out = linearConstant[leaf];
        for (int j = 0; j < features.length; j++) {
            double v = input(x[off + features[j]]);
            if (v != v) {
                return leafValue[leaf];
            }
            out += coefficients[j] * v; // a multiply, then an add: LightGBM is built without FMA contraction here
        }
        return out;
    }

    // ---- compilation ---------------------------------------------------------------------------------------------

    /**
     * Validates a LightGBM tree and compiles it.
     *
     * @throws ModelFormatException naming {@code tree[treeIndex]} and the LightGBM key at fault
     */
    static CompiledTree compile(LightgbmTree lt, int group, int treeIndex, String source, int numFeatures,
                                int numMargins, ModelLimits limits) {
        String where = "tree[" + treeIndex + "]";
        if (lt == null) {
            throw new ModelFormatException(source, where, "the tree is missing (null)");
        }
        int leaves = lt.numLeaves();
        if (leaves < 1) {
            throw new ModelFormatException(source, where + ".num_leaves", "expected at least 1, found " + leaves);
        }
        if (2L * leaves - 1 > limits.maxNodesPerTree()) {
            throw new ModelFormatException(source, where + ".num_leaves", "at most " + limits.maxNodesPerTree()
                    + " nodes per tree allowed (ModelLimits.maxNodesPerTree), found " + leaves + " leaves");
        }
        int internal = leaves - 1;
        requireLength(source, where, "split_feature", lt.splitFeature(), internal);
        requireLength(source, where, "threshold", lt.threshold(), internal);
        requireLength(source, where, "decision_type", lt.decisionType(), internal);
        requireLength(source, where, "left_child", lt.leftChild(), internal);
        requireLength(source, where, "right_child", lt.rightChild(), internal);
        requireLength(source, where, "leaf_value", lt.leafValue(), leaves);
        int[] catBoundaries = lt.catBoundaries() == null ? new int[0] : lt.catBoundaries();
        int[] catWords = lt.catThreshold() == null ? new int[0] : lt.catThreshold();
        checkCatBoundaries(source, where, catBoundaries, catWords.length);
        int n = 2 * leaves - 1;
        int[] left = new int[n];
        int[] right = new int[n];
        int[] feature = new int[n];
        float[] strict = new float[n];
        boolean[] defaultLeft = new boolean[n];
        int[][] categoricalMarker = null;
        float[] leafFloat = new float[n];
        for (int i = 0; i < internal; i++) {
            int dt = lt.decisionType()[i];
            if ((dt & ~0xF) != 0 || ((dt >> 2) & 3) == 3) {
                throw new ModelFormatException(source, where + ".decision_type[" + i + "]", "expected bit 0"
                        + " categorical, bit 1 default-left and bits 2-3 a missing type 0, 1 or 2, found " + dt);
            }
            left[i] = child(source, where, "left_child", i, lt.leftChild()[i], internal, leaves);
            right[i] = child(source, where, "right_child", i, lt.rightChild()[i], internal, leaves);
            feature[i] = lt.splitFeature()[i];
            defaultLeft[i] = (dt & DEFAULT_LEFT_MASK) != 0;
            double thr = lt.threshold()[i];
            if ((dt & CATEGORICAL_MASK) != 0) {
                int k = (int) thr;
                if (!(thr >= 0) || k != thr || k >= catBoundaries.length - 1) {
                    throw new ModelFormatException(source, where + ".threshold[" + i + "]", "a categorical node's"
                            + " threshold is its bitset index, expected an integer in [0, "
                            + Math.max(0, catBoundaries.length - 1) + ") (num_cat), found " + thr);
                }
                if (categoricalMarker == null) {
                    categoricalMarker = new int[n][];
                }
                // Only marks the node categorical for CompiledTree (one code keeps its XGBoost bitset one word
                // long); the LightGBM bitset, with its own semantics, is kept here.
                categoricalMarker[i] = new int[] {0};
            } else {
                if (Double.isNaN(thr)) {
                    throw new ModelFormatException(source, where + ".threshold[" + i + "]",
                            "expected a number, found nan");
                }
                strict[i] = strictFloatThreshold(thr);
            }
        }
        for (int l = 0; l < leaves; l++) {
            left[internal + l] = -1;
            right[internal + l] = -1;
            leafFloat[internal + l] = (float) lt.leafValue()[l];
            strict[internal + l] = leafFloat[internal + l];
        }
        LightgbmTree.LinearLeaves linear = lt.linear();
        if (linear != null) {
            checkLinear(source, where, linear, leaves, numFeatures);
        }
        CompiledTree base;
        try {
            base = CompiledTree.compile(new TreeNodes(left, right, feature, strict, defaultLeft, categoricalMarker,
                    leafFloat, 1), group, 1.0f, treeIndex, source, numFeatures, numMargins, limits);
        } catch (ModelFormatException e) {
            throw new ModelFormatException(source, e.location(), e.expectation() + " (LightGBM numbering: node "
                    + "i < " + internal + " is node i, node " + internal + " + l is leaf l)", e);
        }

        LightgbmSplits s = new LightgbmSplits(base.size(), categoricalMarker != null, linear != null);
        int[] origin = origins(base, left, right);
        for (int c = 0; c < base.size(); c++) {
            int u = origin[c];
            if (u < internal) {
                int dt = lt.decisionType()[u];
                s.missingType[c] = (byte) ((dt >> 2) & 3);
                if ((dt & CATEGORICAL_MASK) != 0) {
                    int k = (int) lt.threshold()[u];
                    s.categories[c] = java.util.Arrays.copyOfRange(catWords, catBoundaries[k], catBoundaries[k + 1]);
                } else {
                    s.threshold[c] = lt.threshold()[u];
                }
            } else {
                int l = u - internal;
                s.leafValue[c] = lt.leafValue()[l];
                if (linear != null) {
                    s.linearConstant[c] = linear.constant()[l];
                    s.linearFeatures[c] = linear.features()[l].clone();
                    s.linearCoefficients[c] = linear.coefficients()[l].clone();
                }
            }
        }
        return new CompiledTree(base, s);
    }

    /** For each compiled node, its index in the renumbered source arrays: both trees walked side by side. */
    private static int[] origins(CompiledTree c, int[] left, int[] right) {
        int[] origin = new int[c.size()];
        int[] stack = new int[2 * c.size()];
        int sp = 0;
        stack[sp++] = 0;
        stack[sp++] = 0;
        while (sp > 0) {
            int u = stack[--sp];
            int i = stack[--sp];
            origin[i] = u;
            if (!c.isLeaf(i)) {
                stack[sp++] = c.right[i];
                stack[sp++] = right[u];
                stack[sp++] = i + 1;
                stack[sp++] = left[u];
            }
        }
        return origin;
    }

    /** A LightGBM child reference mapped to the renumbered node array (leaf {@code l} is node {@code L-1+l}). */
    private static int child(String source, String where, String key, int node, int c, int internal, int leaves) {
        if (c >= internal || c < -leaves) {
            throw new ModelFormatException(source, where + "." + key + "[" + node + "]", "expected a node in [0, "
                    + internal + ") or a leaf in [-" + leaves + ", -1], found " + c);
        }
        return c >= 0 ? c : internal + ~c;
    }

    private static void checkCatBoundaries(String source, String where, int[] boundaries, int words) {
        for (int k = 0; k < boundaries.length; k++) {
            int b = boundaries[k];
            int previous = k == 0 ? 0 : boundaries[k - 1];
            if (b < previous || b > words || (k == 0 && b != 0)) {
                throw new ModelFormatException(source, where + ".cat_boundaries[" + k + "]", "expected "
                        + (k == 0 ? "0" : "a value in [" + previous + ", " + words + "] (cat_threshold has " + words
                        + " words)") + ", found " + b);
            }
        }
        if (boundaries.length > 0 && boundaries[boundaries.length - 1] != words) {
            throw new ModelFormatException(source, where + ".cat_threshold", "expected "
                    + boundaries[boundaries.length - 1] + " words (the last cat_boundaries entry), found " + words);
        }
    }

    private static void checkLinear(String source, String where, LightgbmTree.LinearLeaves linear, int leaves,
                                    int numFeatures) {
        requireLength(source, where, "leaf_const", linear.constant(), leaves);
        if (linear.features() == null || linear.features().length != leaves) {
            throw new ModelFormatException(source, where + ".num_features", "expected " + leaves
                    + " entries (one per leaf), found " + (linear.features() == null ? 0 : linear.features().length));
        }
        if (linear.coefficients() == null || linear.coefficients().length != leaves) {
            throw new ModelFormatException(source, where + ".leaf_coeff", "expected coefficients for " + leaves
                    + " leaves, found " + (linear.coefficients() == null ? 0 : linear.coefficients().length));
        }
        for (int l = 0; l < leaves; l++) {
            int[] f = linear.features()[l];
            double[] c = linear.coefficients()[l];
            if (f == null || c == null || f.length != c.length) {
                throw new ModelFormatException(source, where + ".leaf_coeff", "leaf " + l + " has "
                        + (f == null ? 0 : f.length) + " features but " + (c == null ? 0 : c.length)
                        + " coefficients");
            }
            for (int j = 0; j < f.length; j++) {
                if (f[j] < 0 || f[j] >= numFeatures) {
                    throw new ModelFormatException(source, where + ".leaf_features", "leaf " + l + ": feature must"
                            + " be in [0, " + numFeatures + "), found " + f[j]);
                }
            }
        }
    }

    private static void requireLength(String source, String where, String key, Object array, int expected) {
        int actual = array == null ? -1 : java.lang.reflect.Array.getLength(array);
        if (actual != expected) {
            throw new ModelFormatException(source, where + "." + key, "expected " + expected + " entries"
                    + (actual < 0 ? ", the array is missing" : ", found " + actual));
        }
    }
}
