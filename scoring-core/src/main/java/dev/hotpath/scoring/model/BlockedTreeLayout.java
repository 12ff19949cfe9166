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
 * <h2>Batches: rows in lanes</h2>
 * {@link #sum1Batch} evaluates {@value #LANES} rows together ("lanes"): they walk the same tree at the same time, so
 * the eight node steps of one level are independent of each other (eight dependency chains the core overlaps), the
 * root's column and threshold are read once for all eight, and the tree's nodes are in L1 for lanes after the first.
 * The rows are prepared interleaved ({@link #prepareLanes}: column {@code c} of lane {@code j} at {@code c * 8 + j}),
 * so one node's column offset times eight, plus the lane's constant, addresses any lane's value. Up to
 * {@link #laneGroups()} groups of lanes are prepared at a time and a chunk of {@link #chunkTrees} trees runs over all
 * of them, so a chunk's nodes are read from the core's caches by every group after the first. Each lane adds its
 * trees' leaves in tree order, in the same precision as {@link #sum1}: the sums are bit for bit those of
 * {@link #sum1}. Multi-output models batch row by row through {@link #sums}.
 *
 * <p>Immutable and thread-safe; allocation-free (scratch is supplied by the caller).
 */
abstract class BlockedTreeLayout {
    static final int BLOCK = 8;

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
    /** Trees a batch runs over all of its rows at a time ({@link #sum1Batch}). */
    final int chunkTrees;

    BlockedTreeLayout(CompiledTree[] trees, int numFeatures, int chunkTrees, RowCopies copies,
                      boolean doubleLeaves) {
        this.numFeatures = numFeatures;
        this.numTrees = trees.length;
        this.numBlocks = (numTrees + BLOCK - 1) / BLOCK;
        this.chunkTrees = chunkTrees;
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
     * <p>Up to {@code lanes.length} groups of {@link #LANES} rows are prepared ({@link #prepareLanes}), then each
     * chunk of {@link #chunkTrees} trees runs over all of them, a group at a time ({@link #laneTrees}): the rows of a
     * group walk the same tree together, so the loads and compares of one level are independent across rows, and a
     * chunk's nodes are read from the core's caches by every group after the first. Every row still adds its leaves
     * in tree order.
     *
     * @param lanes {@link #laneGroups()} arrays of {@link #lanesLength()} scratch floats
     * @param row a scratch row of {@link #scratchRowLength()} floats
     * @param acc {@code lanes.length * LANES} scratch sums
     * @param finish the transform applied before rounding, or {@code null} for the sums themselves
     */
    final void sum1Batch(float[] x, int off, int nRows, float[][] lanes, float[] row, double[] acc, double base,
                         DoubleOutputTransform finish, float[] out, int outOff) {
        final int maxRows = lanes.length * LANES;
        for (int r0 = 0; r0 < nRows; r0 += maxRows) {
            int n = Math.min(maxRows, nRows - r0);
            int groups = (n + LANES - 1) / LANES;
            for (int g = 0; g < groups; g++) {
                prepareLanes(x, off + (r0 + g * LANES) * numFeatures, Math.min(LANES, n - g * LANES), lanes[g],
                        row);
            }
            for (int r = 0; r < groups * LANES; r++) {
                acc[r] = base;
            }
            for (int t0 = 0; t0 < numTrees; t0 += chunkTrees) {
                int t1 = Math.min(numTrees, t0 + chunkTrees);
                for (int g = 0; g < groups; g++) {
                    laneTrees(t0, t1, lanes[g], acc, g * LANES);
                }
            }
            for (int r = 0; r < n; r++) {
                out[outOff + r0 + r] = (float) (finish == null ? acc[r] : finish.applyScalar(acc[r]));
            }
        }
    }

    /**
     * Rows evaluated together by {@link #laneTrees}: eight walks of the same tree. Eight keeps every lane's node index
     * and sum in a register (x86-64 has 16 general and 16 vector registers).
     */
    static final int LANES = 8;
    /** Lane scratch per thread stays near this size: 64 rows of 2 x 200 features are 100 KiB, well inside L2. */
    private static final int LANES_BYTES = 128 * 1024;

    /** @return how many groups of {@link #LANES} rows {@link #sum1Batch} prepares at a time: 1 to 8 */
    final int laneGroups() {
        long perGroup = 4L * LANES * scratchRowLength();
        return (int) Math.max(1, Math.min(64 / LANES, LANES_BYTES / perGroup));
    }

    /** @return the length of one group's {@code lanes} scratch */
    final int lanesLength() {
        return LANES * scratchRowLength();
    }

    /**
     * Prepares rows {@code x[off..]} ({@code n} of them, 1 to {@link #LANES}) for {@link #laneTrees}: scratch column
     * {@code c} of lane {@code j} goes to {@code lanes[base + c * LANES + j]}, so that one node's feature offset,
     * scaled by {@link #LANES}, finds the value of every lane next to each other. Lanes past {@code n} repeat the last
     * row (their sums are computed and never read).
     */
    final void prepareLanes(float[] x, int off, int n, float[] lanes, float[] row) {
        int len = scratchRowLength();
        for (int j = 0; j < LANES; j++) {
            prepare(x, off + Math.min(j, n - 1) * numFeatures, row);
            for (int c = 0, i = j; c < len; c++, i += LANES) {
                lanes[i] = row[c];
            }
        }
    }

    /**
     * Trees {@code [t0, t1)} for the {@link #LANES} rows prepared at {@code lanes[base..]}: adds each tree's leaf to
     * {@code acc[accOff + j]} for lane {@code j}, tree after tree, as {@link #add} does.
     */
    abstract void laneTrees(int t0, int t1, float[] lanes, double[] acc, int accOff);

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
