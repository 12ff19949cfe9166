package dev.hotpath.scoring.model;

/**
 * What the two fast layouts share: trees in blocks of {@value #BLOCK} traversed together, a per-row preparation of
 * the row into scratch ({@link RowCopies}), and the drivers that run the blocks over one row (single and multi-output
 * sums) or over a batch of rows. Subclasses lay the nodes out and traverse one block ({@link #block}).
 *
 * <h2>Two ways of summing</h2>
 * XGBoost ensembles add float leaf values in float; LightGBM ensembles ({@link #doubleLeaves}) add double leaf values
 * in double (the perfect layout stores them in the leaf entries, the interleaved one in a table the entries index).
 * Either way the leaves are added in tree order. The drivers carry the running sum as a {@code double}; for XGBoost it
 * always holds a float value (each block narrows it, adds in float and widens the result, both exact).
 *
 * <h2>Batches</h2>
 * {@link #sum1Batch} prepares {@link #BATCH_ROWS} rows, then runs a chunk of {@code batchBlocks} blocks over all
 * of them before moving to the next chunk, so a chunk's nodes are read from the core's caches by every row after the
 * first instead of from further away once per row. Every row still adds its trees' leaves in tree order: the
 * sums are bit for bit those of {@link #sum1}.
 *
 * <p>Immutable and thread-safe; allocation-free (scratch is supplied by the caller).
 */
abstract class BlockedTreeLayout {
    static final int BLOCK = 8;
    /** Rows a batch prepares and evaluates together: 16 scratch rows of 200 features are 25 KiB. */
    static final int BATCH_ROWS = 16;

    final int numFeatures;
    final int numTrees;
    final int numBlocks;
    /** Output group per tree. */
    final int[] group;
    /** Per-tree weight, or {@code null} when all are 1. */
    final float[] weight;
    /** The row copies the nodes read. */
    final RowCopies copies;
    /** LightGBM: leaves are doubles, summed in double; XGBoost: floats, summed in float. */
    final boolean doubleLeaves;
    private final int batchBlocks;

    BlockedTreeLayout(CompiledTree[] trees, int numFeatures, int batchBlocks, RowCopies copies,
                      boolean doubleLeaves) {
        this.numFeatures = numFeatures;
        this.numTrees = trees.length;
        this.numBlocks = (numTrees + BLOCK - 1) / BLOCK;
        this.batchBlocks = batchBlocks;
        this.copies = copies;
        this.doubleLeaves = doubleLeaves;
        int[] g = new int[numTrees];
        boolean weighted = false;
        for (int t = 0; t < numTrees; t++) {
            g[t] = trees[t].group;
            weighted |= Float.floatToRawIntBits(trees[t].weight) != Float.floatToRawIntBits(1.0f);
        }
        float[] w = null;
        if (weighted) {
            w = new float[numTrees];
            for (int t = 0; t < numTrees; t++) {
                w[t] = trees[t].weight;
            }
        }
        this.group = g;
        this.weight = w;
    }

    /**
     * Whether a fast layout can evaluate {@code t} exactly: scalar leaves, no categorical split, no linear leaves
     * (LightGBM), and a finite float threshold for every node (so that {@code x - threshold} has the sign of the
     * comparison; see {@link RowCopies#threshold}).
     */
    static boolean supports(CompiledTree t) {
        if (t.hasCategorical || t.leafSize != 1 || (t.lightgbm != null && t.lightgbm.isLinear())) {
            return false;
        }
        for (int n = 0; n < t.size(); n++) {
            if (!t.isLeaf(n) && !Float.isFinite(RowCopies.threshold(t, n))) {
                return false;
            }
        }
        return true;
    }

    /** @return whether these are LightGBM trees (double leaves) */
    static boolean lightgbm(CompiledTree[] trees) {
        return trees.length > 0 && trees[0].lightgbm != null;
    }

    /** @return the length of the scratch row {@link #prepare} fills */
    abstract int scratchRowLength();

    /** Prepares row {@code x[off..off + numFeatures)} into {@code row} for {@link #block}. */
    abstract void prepare(float[] x, int off, float[] row);

    /**
     * Traverses block {@code b} for one prepared row. With {@code out == null}, returns {@code m} plus the block's
     * leaves added in tree order (the single-output sum); otherwise adds each leaf to {@code out[outOff + group]}
     * (see {@link #add}) and returns {@code m} unchanged.
     */
    abstract double block(int b, float[] row, double m, double[] out, int outOff);

    /** The single sum (all trees in group 0) of row {@code x[off..]}, starting from {@code base}. */
    final double sum1(float[] x, int off, float[] row, double base) {
        prepare(x, off, row);
        double m = base;
        for (int b = 0; b < numBlocks; b++) {
            m = block(b, row, m, null, 0);
        }
        return m;
    }

    /** Adds every tree's leaf to {@code m[mOff + group]}; {@code m} must hold the base sums on entry. */
    final void sums(float[] x, int off, float[] row, double[] m, int mOff) {
        prepare(x, off, row);
        for (int b = 0; b < numBlocks; b++) {
            block(b, row, 0, m, mOff);
        }
    }

    /**
     * The single sums of {@code nRows} consecutive rows of {@code x} (from {@code off}), each written to
     * {@code out[outOff + r]} as {@code (float) finish(sum)}; the sums are bit for bit what {@link #sum1} computes for
     * each row.
     *
     * @param rows {@link #BATCH_ROWS} scratch rows of {@link #scratchRowLength()} each
     * @param acc {@link #BATCH_ROWS} scratch sums
     * @param finish the transform applied before rounding, or {@code null} for the sums themselves
     */
    final void sum1Batch(float[] x, int off, int nRows, float[][] rows, double[] acc, double base,
                         DoubleOutputTransform finish, float[] out, int outOff) {
        for (int r0 = 0; r0 < nRows; r0 += BATCH_ROWS) {
            int n = Math.min(BATCH_ROWS, nRows - r0);
            for (int r = 0; r < n; r++) {
                prepare(x, off + (r0 + r) * numFeatures, rows[r]);
                acc[r] = base;
            }
            for (int b0 = 0; b0 < numBlocks; b0 += batchBlocks) {
                int b1 = Math.min(numBlocks, b0 + batchBlocks);
                for (int r = 0; r < n; r++) {
                    float[] row = rows[r];
                    double m = acc[r];
                    for (int b = b0; b < b1; b++) {
                        m = block(b, row, m, null, 0);
                    }
                    acc[r] = m;
                }
            }
            for (int r = 0; r < n; r++) {
                out[outOff + r0 + r] = (float) (finish == null ? acc[r] : finish.applyScalar(acc[r]));
            }
        }
    }

    /**
     * Writes row {@code x[off..off+f)} twice into {@code row}: columns {@code [0, f)} with NaN as +Inf, columns
     * {@code [f, 2f)} with NaN as -Inf, and -0 as +0 in both. A node whose missing values go left reads the second
     * copy, the others the first: for finite thresholds {@code x < thr} then routes a missing value exactly as
     * {@code default_left} says, without a NaN test per node.
     */
    static void fillMissingValueCopies(float[] x, int off, int f, float[] row) {
        for (int j = 0; j < f; j++) {
            float v = x[off + j];
            boolean missing = v != v;
            float present = v + 0.0f; // -0 -> +0
            row[j] = missing ? Float.POSITIVE_INFINITY : present;
            row[f + j] = missing ? Float.NEGATIVE_INFINITY : present;
        }
    }

    /**
     * Tree {@code t}'s leaf value added to {@code m} (returned) or, with {@code out}, to its group's sum: in double
     * for LightGBM; for XGBoost (the value is a float) times the tree's weight and added in float.
     */
    final double add(double m, double[] out, int outOff, int t, double leaf) {
        if (doubleLeaves) {
            if (out == null) {
                return m + leaf;
            }
            out[outOff + group[t]] += leaf;
            return m;
        }
        float f = (float) leaf;
        float w = weight == null ? f : f * weight[t];
        if (out == null) {
            return (float) m + w;
        }
        out[outOff + group[t]] = (float) out[outOff + group[t]] + w;
        return m;
    }

    /**
     * Numbers the double leaf values of LightGBM trees for the leaf entries of a layout being compiled; a leaf that
     * the layout repeats (perfect-heap padding) keeps one number.
     */
    static final class DoubleLeaves {
        private double[] values = new double[256];
        private int size;
        private CompiledTree current;
        private int[] slots;

        /** @return the index of leaf {@code n} of {@code t} in {@link #values()} */
        int slot(CompiledTree t, int n) {
            if (t != current) {
                current = t;
                slots = new int[t.size()];
            }
            if (slots[n] == 0) {
                if (size == values.length) {
                    values = java.util.Arrays.copyOf(values, 2 * size);
                }
                values[size] = t.lightgbm.leafValue[n];
                slots[n] = ++size;
            }
            return slots[n] - 1;
        }

        double[] values() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
