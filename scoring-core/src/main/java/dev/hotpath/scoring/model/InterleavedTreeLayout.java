package dev.hotpath.scoring.model;

/**
 * The fast evaluator: every tree packed into one {@code int[]}, traversed eight trees at a time with no
 * data-dependent branches.
 *
 * <h2>Layout</h2>
 * Two ints per node, pre-order, left child adjacent:
 * <pre>
 *   nodes[i]     = (rightDelta << 16) | (column &amp; 0xFFFF)
 *   nodes[i + 1] = floatToRawIntBits(threshold)      (for a leaf: its value)
 * </pre>
 * {@code rightDelta} is the distance in ints from the left child ({@code i + 2}) to the right child. A leaf has
 * {@code rightDelta = -2} and {@code column = SENTINEL}, whose value is {@code +Inf}: it always "goes right", and
 * {@code i + 2 - 2 = i} keeps it in place, so a block of trees can be stepped a fixed number of times (its deepest
 * tree's depth) without testing for leaves.
 *
 * <h2>Missing values without a branch</h2>
 * Before traversal the row is copied into per-thread scratch once per {@link RowCopies} kind the nodes need: for
 * XGBoost trees columns {@code [0, F)} hold the row with {@code NaN → +Inf} and columns {@code [F, 2F)} with
 * {@code NaN → -Inf}, and a node whose missing values go left reads the second copy; LightGBM trees read copies that
 * also apply its missing types (NaN as zero, zero as missing) and read {@code |x| <= 1e-35} as zero. For finite
 * thresholds {@code x < thr} then routes a missing value exactly as the node's rule says; present values are
 * unchanged. {@code -0} is normalised to {@code +0} in both the rows and the thresholds (IEEE compares them equal).
 * LightGBM's double thresholds are stored as strict float thresholds ({@code LightgbmSplits.strictFloatThreshold}):
 * {@code x < strict} exactly when {@code (double) x <= threshold}.
 *
 * <h2>Branch-free compare</h2>
 * {@code x < thr} is the sign bit of {@code x - thr}: with {@code x} never NaN, finite {@code thr} and no
 * {@code -0}, the float difference is negative exactly when {@code x < thr} (it is zero only when they are equal,
 * thanks to gradual underflow, and overflow keeps the sign). The step is
 * {@code i += 2 + (rightDelta & ~(bits(x - thr) >> 31))}.
 *
 * <h2>Exactness</h2>
 * Trees are traversed eight at a time (independent dependency chains keep the core busy) but their leaf values are
 * added to the margins strictly in tree order: in float as XGBoost does, or, for LightGBM trees, in double from the
 * layout's double leaf table (a LightGBM leaf entry holds its index there). The layout is used only when it is exact
 * for the model: numerical splits, finite thresholds, finite scalar leaves, no linear leaves, features and subtree
 * sizes that fit in 16 bits. Otherwise {@link TreeEnsemble} falls back to the reference walker. Tests compare the
 * two bit for bit.
 *
 * <p>Immutable and thread-safe; allocation-free (the scratch row is supplied by the caller).
 */
final class InterleavedTreeLayout extends BlockedTreeLayout {
    /**
     * Blocks a batch runs over all of its rows at a time: one, because this layout serves the large models (a
     * depth-8 block is up to 32 KiB of nodes). Measured on the 2,000-tree depth-8 model (8 MiB of nodes, beyond the
     * core's L2): batch about 1.2x the single-row speed per row with 1 block, slightly less with 2 or 4.
     */
    private static final int BATCH_BLOCKS = 1;
    private static final int MAX_COLUMNS = 0xFFFF;

    private final int[] nodes;
    /** LightGBM: the double leaf values, indexed by the int a leaf entry holds; {@code null} for XGBoost. */
    private final double[] leaves64;
    private final int[] roots;          // int offset of each tree's root in nodes
    private final int[] blockDepth;     // steps for each block of BLOCK trees
    private final int sentinel;

    private InterleavedTreeLayout(CompiledTree[] trees, int numFeatures, RowCopies copies, double[] leaves64,
                                  int[] nodes, int[] roots, int[] blockDepth) {
        super(trees, numFeatures, BATCH_BLOCKS, copies, leaves64 != null);
        this.leaves64 = leaves64;
        this.nodes = nodes;
        this.roots = roots;
        this.blockDepth = blockDepth;
        this.sentinel = copies.count() * numFeatures;
    }

    /** @return the layout, or {@code null} when it would not be exact for these trees */
    static InterleavedTreeLayout tryCompile(CompiledTree[] trees, int numFeatures) {
        RowCopies copies = RowCopies.of(trees);
        boolean lightgbm = lightgbm(trees);
        if ((long) copies.count() * numFeatures + 1 > MAX_COLUMNS) {
            return null;
        }
        long total = 0;
        for (CompiledTree t : trees) {
            if (!supports(t)) {
                return null;
            }
            for (int n = 0; n < t.size(); n++) {
                // A leaf stays in place only if +Inf (the sentinel) minus its entry is positive: a float leaf must
                // be finite; a LightGBM leaf entry holds an index (a finite float's bits), not the value.
                if (t.isLeaf(n) && !lightgbm && !Float.isFinite(t.threshold[n])) {
                    return null;
                }
                if (!t.isLeaf(n) && 2L * (t.right[n] - n - 1) > Short.MAX_VALUE) {
                    return null;
                }
            }
            total += t.size();
        }
        if (2 * total > Integer.MAX_VALUE - 8) {
            return null;
        }
        int[] nodes = new int[(int) (2 * total)];
        int[] roots = new int[trees.length];
        int[] blockDepth = new int[(trees.length + BLOCK - 1) / BLOCK];
        int sentinel = copies.count() * numFeatures;
        DoubleLeaves leaves = lightgbm ? new DoubleLeaves() : null;
        int pos = 0;
        for (int ti = 0; ti < trees.length; ti++) {
            CompiledTree t = trees[ti];
            roots[ti] = pos;
            blockDepth[ti / BLOCK] = Math.max(blockDepth[ti / BLOCK], t.depth);
            for (int n = 0; n < t.size(); n++) {
                int i = pos + 2 * n;
                if (t.isLeaf(n)) {
                    nodes[i] = (-2 << 16) | sentinel;
                    // Float leaf values keep their exact bits (a -0 leaf matters when the margin is -0).
                    nodes[i + 1] = leaves == null ? Float.floatToRawIntBits(t.threshold[n]) : leaves.slot(t, n);
                } else {
                    int column = copies.column(t, n, numFeatures);
                    int rightDelta = 2 * (t.right[n] - n - 1);
                    nodes[i] = (rightDelta << 16) | column;
                    nodes[i + 1] = Float.floatToRawIntBits(RowCopies.threshold(t, n));
                }
            }
            pos += 2 * t.size();
        }
        return new InterleavedTreeLayout(trees, numFeatures, copies, leaves == null ? null : leaves.values(), nodes,
                roots, blockDepth);
    }

    @Override
    int scratchRowLength() {
        return sentinel + 1;
    }

    /** The copies of row {@code x[off..]} the nodes read (see {@link RowCopies}), then the +Inf sentinel. */
    @Override
    void prepare(float[] x, int off, float[] row) {
        copies.fill(x, off, numFeatures, row);
        row[sentinel] = Float.POSITIVE_INFINITY;
    }

    @Override
    double block(int b, float[] row, double m, double[] out, int outOff) {
        final int[] nd = nodes;
        final int[] rt = roots;
        int t = b * BLOCK;
        if (t + BLOCK <= numTrees) {
            int n0 = rt[t];
            int n1 = rt[t + 1];
            int n2 = rt[t + 2];
            int n3 = rt[t + 3];
            int n4 = rt[t + 4];
            int n5 = rt[t + 5];
            int n6 = rt[t + 6];
            int n7 = rt[t + 7];
            for (int d = blockDepth[b]; d > 0; d--) {
                n0 = step(nd, row, n0);
                n1 = step(nd, row, n1);
                n2 = step(nd, row, n2);
                n3 = step(nd, row, n3);
                n4 = step(nd, row, n4);
                n5 = step(nd, row, n5);
                n6 = step(nd, row, n6);
                n7 = step(nd, row, n7);
            }
            if (out == null && weight == null) {
                if (doubleLeaves) {
                    final double[] lv = leaves64;
                    return m + lv[nd[n0 + 1]] + lv[nd[n1 + 1]] + lv[nd[n2 + 1]] + lv[nd[n3 + 1]] + lv[nd[n4 + 1]]
                            + lv[nd[n5 + 1]] + lv[nd[n6 + 1]] + lv[nd[n7 + 1]];
                }
                return (float) m + leaf(nd, n0) + leaf(nd, n1) + leaf(nd, n2) + leaf(nd, n3) + leaf(nd, n4)
                        + leaf(nd, n5) + leaf(nd, n6) + leaf(nd, n7);
            }
            m = add(m, out, outOff, t, leafValue(nd, n0));
            m = add(m, out, outOff, t + 1, leafValue(nd, n1));
            m = add(m, out, outOff, t + 2, leafValue(nd, n2));
            m = add(m, out, outOff, t + 3, leafValue(nd, n3));
            m = add(m, out, outOff, t + 4, leafValue(nd, n4));
            m = add(m, out, outOff, t + 5, leafValue(nd, n5));
            m = add(m, out, outOff, t + 6, leafValue(nd, n6));
            return add(m, out, outOff, t + 7, leafValue(nd, n7));
        }
        for (; t < numTrees; t++) {
            int n = rt[t];
            for (int d = blockDepth[b]; d > 0; d--) {
                n = step(nd, row, n);
            }
            m = add(m, out, outOff, t, leafValue(nd, n));
        }
        return m;
    }

    private static int step(int[] nd, float[] row, int i) {
        int packed = nd[i];
        float x = row[packed & 0xFFFF];
        float thr = Float.intBitsToFloat(nd[i + 1]);
        int goRightMask = ~(Float.floatToRawIntBits(x - thr) >> 31);
        return i + 2 + ((packed >> 16) & goRightMask);
    }

    /** A float leaf value (XGBoost): the leaf entry's second int. */
    private static float leaf(int[] nd, int i) {
        return Float.intBitsToFloat(nd[i + 1]);
    }

    /** The leaf's value: its float, or (LightGBM) the double its entry indexes. */
    private double leafValue(int[] nd, int i) {
        return doubleLeaves ? leaves64[nd[i + 1]] : leaf(nd, i);
    }
}
