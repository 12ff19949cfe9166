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
     * Trees a batch runs over all of its lane groups at a time: 128 depth-8 trees are at most 1 MiB of nodes, and
     * typically a few hundred KiB. Measured on the 2,000-tree depth-8 model (thread CPU time, loaded box): chunks of
     * 4 to 128 trees within noise of each other (the lanes already share each tree's nodes).
     */
    private static final int BATCH_TREES = 128;
    private static final int MAX_COLUMNS = 0xFFFF;

    private final int[] nodes;
    /** LightGBM: the double leaf values, indexed by the int a leaf entry holds; {@code null} for XGBoost. */
    private final double[] leaves64;
    private final int[] roots;          // int offset of each tree's root in nodes
    private final int[] blockDepth;     // steps for each block of BLOCK trees
    private final int[] treeDepth;      // steps for each tree (batches walk one tree at a time)
    private final int sentinel;

    private InterleavedTreeLayout(CompiledTree[] trees, int numFeatures, RowCopies copies, double[] leaves64,
                                  int[] nodes, int[] roots, int[] blockDepth) {
        super(trees, numFeatures, BATCH_TREES, copies, leaves64 != null);
        this.leaves64 = leaves64;
        this.nodes = nodes;
        this.roots = roots;
        this.blockDepth = blockDepth;
        int[] depths = new int[trees.length];
        for (int t = 0; t < trees.length; t++) {
            depths[t] = trees[t].depth;
        }
        this.treeDepth = depths;
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

    @Override
    void laneTrees(int t0, int t1, float[] lanes, double[] acc, int accOff) {
        final int[] nd = nodes;
        final int[] rt = roots;
        double a0 = acc[accOff];
        double a1 = acc[accOff + 1];
        double a2 = acc[accOff + 2];
        double a3 = acc[accOff + 3];
        double a4 = acc[accOff + 4];
        double a5 = acc[accOff + 5];
        double a6 = acc[accOff + 6];
        double a7 = acc[accOff + 7];
        for (int t = t0; t < t1; t++) {
            int root = rt[t];
            int depth = treeDepth[t];
            int n0 = root;
            int n1 = root;
            int n2 = root;
            int n3 = root;
            int n4 = root;
            int n5 = root;
            int n6 = root;
            int n7 = root;
            if (depth > 0) {
                // Every lane starts at the root: its column and threshold are read once for all of them.
                int packed = nd[root];
                int col = (packed & 0xFFFF) << 3;
                int delta = packed >> 16;
                float thr = Float.intBitsToFloat(nd[root + 1]);
                int next = root + 2;
                n0 = next + (delta & laneGoRight(lanes, col, thr));
                n1 = next + (delta & laneGoRight(lanes, col + 1, thr));
                n2 = next + (delta & laneGoRight(lanes, col + 2, thr));
                n3 = next + (delta & laneGoRight(lanes, col + 3, thr));
                n4 = next + (delta & laneGoRight(lanes, col + 4, thr));
                n5 = next + (delta & laneGoRight(lanes, col + 5, thr));
                n6 = next + (delta & laneGoRight(lanes, col + 6, thr));
                n7 = next + (delta & laneGoRight(lanes, col + 7, thr));
            }
            for (int d = depth - 1; d > 0; d--) {
                n0 = laneStep(nd, lanes, n0, 0);
                n1 = laneStep(nd, lanes, n1, 1);
                n2 = laneStep(nd, lanes, n2, 2);
                n3 = laneStep(nd, lanes, n3, 3);
                n4 = laneStep(nd, lanes, n4, 4);
                n5 = laneStep(nd, lanes, n5, 5);
                n6 = laneStep(nd, lanes, n6, 6);
                n7 = laneStep(nd, lanes, n7, 7);
            }
            a0 = add(a0, null, 0, t, leafValue(nd, n0));
            a1 = add(a1, null, 0, t, leafValue(nd, n1));
            a2 = add(a2, null, 0, t, leafValue(nd, n2));
            a3 = add(a3, null, 0, t, leafValue(nd, n3));
            a4 = add(a4, null, 0, t, leafValue(nd, n4));
            a5 = add(a5, null, 0, t, leafValue(nd, n5));
            a6 = add(a6, null, 0, t, leafValue(nd, n6));
            a7 = add(a7, null, 0, t, leafValue(nd, n7));
        }
        acc[accOff] = a0;
        acc[accOff + 1] = a1;
        acc[accOff + 2] = a2;
        acc[accOff + 3] = a3;
        acc[accOff + 4] = a4;
        acc[accOff + 5] = a5;
        acc[accOff + 6] = a6;
        acc[accOff + 7] = a7;
    }

    /** {@link #step} for lane {@code lane} of interleaved rows (see {@link #laneTrees}). */
    private static int laneStep(int[] nd, float[] lanes, int i, int lane) {
        int packed = nd[i];
        int goRightMask = laneGoRight(lanes, ((packed & 0xFFFF) << 3) + lane, Float.intBitsToFloat(nd[i + 1]));
        return i + 2 + ((packed >> 16) & goRightMask);
    }

    /** -1 (all bits) when {@code lanes[at]} is not below {@code thr} (the row goes right), else 0. */
    private static int laneGoRight(float[] lanes, int at, float thr) {
        return ~(Float.floatToRawIntBits(lanes[at] - thr) >> 31);
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
