package dev.hotpath.scoring.model;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The fastest evaluator for small and medium ensembles of shallow trees (up to 1 MiB of padded nodes): every
 * block of eight trees padded to perfect binary heaps, laid out level by level, traversed eight trees at a time with
 * no data-dependent branches and no array bounds checks.
 *
 * <h2>Layout</h2>
 * Trees are grouped in blocks of {@value #BLOCK} consecutive trees (the last block may be smaller). A block of
 * {@code B} trees whose deepest tree has depth {@code D} holds {@code B * (2^(D+1) - 1)} entries, level by level:
 * entry {@code p(d, k, j) = B * (2^d - 1) + k * 2^d + j} is node {@code j} of level {@code d} of the block's tree
 * {@code k}. The children of {@code p} are {@code 2p + B} (left) and {@code 2p + B + 1} (right), for every tree of the
 * block: one constant per block, no per-node child pointers. Each entry is two ints:
 * <pre>
 *   nodes[2g]     = byte offset of the node's feature in the scratch row (array base included)
 *   nodes[2g + 1] = floatToRawIntBits(threshold)            (level D: the leaf value, or for LightGBM trees
 *                                                             its index in the double leaf table)
 * </pre>
 * A leaf shallower than {@code D} becomes a padding node whose two subtrees both end in copies of the leaf value, so
 * whichever way the padding node sends a row, the same leaf is reached. Every tree of a block is therefore stepped
 * exactly {@code D} times.
 *
 * <h2>Compare</h2>
 * As in {@link InterleavedTreeLayout}: the row is copied into scratch once per {@link RowCopies} kind (for XGBoost:
 * missing values as {@code +Inf} and as {@code -Inf}, {@code -0} as {@code +0}); a node reads the copy that sends
 * missing values its default way, and
 * {@code x < threshold} is the sign bit of {@code x - threshold} (exact for finite thresholds and non-NaN
 * {@code x}). Comparing integer order keys instead (an int whose signed order is the float order) was measured
 * slower in JMH (fraud model 4.5 vs 3.8 µs per row), although it looks shorter on paper.
 *
 * <h2>Why the bounds checks can go</h2>
 * Entries and the scratch row are read through {@code sun.misc.Unsafe} (looked up reflectively, used through
 * constant method handles that the JIT inlines). The reads stay in range by construction, checked when the layout
 * is compiled: a traversal starts at level-0 entry {@code k < B} of its block, each step moves from level {@code d}
 * to level {@code d + 1} of the same block (the child index is {@code 2p + B + r} with {@code r} in {0, 1}), exactly
 * {@code D} steps are taken, and every stored byte offset lies inside the {@code copies × F}-float scratch row that
 * {@link BaseModel} allocates with {@link #scratchRowLength()}. {@code PerfectLayoutParityTest} replays the same
 * arithmetic with checked array reads and asserts every index. When {@code Unsafe} is unavailable, on JDK 23 and
 * later (where its memory access is deprecated for removal), or with {@code -Dhotpath.scoring.unsafe=false}, this
 * layout is not used and {@link TreeEnsemble} falls back to {@link InterleavedTreeLayout}.
 *
 * <h2>Exactness</h2>
 * Leaf values are added in tree order, in float, times the DART weight when there is one (LightGBM trees: in double,
 * from the double leaf table), exactly as the reference walker adds them. Used only when exact: numerical splits,
 * finite thresholds, scalar leaves, no linear leaves.
 *
 * <p>Immutable and thread-safe; allocation-free (the scratch row is supplied by the caller).
 */
final class PerfectTreeLayout extends BlockedTreeLayout {
    /** Deeper trees are left to {@link InterleavedTreeLayout}: a perfect heap doubles with every level. */
    static final int MAX_DEPTH = 10;
    /** Padding may at most quadruple the entries over the trees' real nodes (plus a small allowance). */
    private static final long MAX_PADDING_FACTOR = 4;
    private static final long PADDING_ALLOWANCE = 1 << 16;
    /**
     * At most 1 MiB of entries (128 Ki). Past the core-private caches the level-by-level order loses: a tree's deep
     * levels lie far apart, while the pre-order layout keeps a root-to-leaf path close together. Measured on a
     * 2,000-tree depth-8 model (8 MiB padded): 1.5x slower than {@link InterleavedTreeLayout}; on 500 depth-6 trees
     * (0.5 MiB): about 10 % faster; on 100 depth-4 trees: about 25 % faster.
     */
    static final long MAX_ENTRIES = (1 << 20) / 8;

    /**
     * Trees a batch runs over all of its lane groups at a time: all of them, as this layout is at most 1 MiB (inside
     * the core's L2). Measured on the 500-tree depth-6 model (thread CPU time, loaded box): chunks of 8 trees were
     * about 15 % slower than 128 or all 500.
     */
    private static final int BATCH_TREES = Integer.MAX_VALUE;

    private final int[] nodes;
    private final int[] blockStart;   // first entry of each block
    private final int[] blockDepth;   // D per block

    private PerfectTreeLayout(CompiledTree[] trees, int numFeatures, RowCopies copies, int[] nodes,
                              int[] blockStart, int[] blockDepth) {
        super(trees, numFeatures, BATCH_TREES, copies, lightgbm(trees));
        this.nodes = nodes;
        this.blockStart = blockStart;
        this.blockDepth = blockDepth;
    }

    /** @return whether this JVM lets the layout read arrays without bounds checks */
    static boolean available() {
        return Mem.AVAILABLE;
    }

    /**
     * @return the layout, or {@code null} when it would not be exact or compact for these trees, or when
     *     {@link #available()} is false
     */
    static PerfectTreeLayout tryCompile(CompiledTree[] trees, int numFeatures) {
        RowCopies copies = RowCopies.of(trees);
        if (!Mem.AVAILABLE || Mem.FLOAT_BASE + 4L * copies.count() * numFeatures + 8 > Integer.MAX_VALUE) {
            return null;
        }
        long realNodes = 0;
        for (CompiledTree t : trees) {
            if (!supports(t) || t.depth > MAX_DEPTH) {
                return null;
            }
            realNodes += t.size();
        }
        int numBlocks = (trees.length + BLOCK - 1) / BLOCK;
        int[] blockStart = new int[numBlocks];
        int[] blockDepth = new int[numBlocks];
        long entries = 0;
        for (int b = 0; b < numBlocks; b++) {
            int t0 = b * BLOCK;
            int t1 = Math.min(trees.length, t0 + BLOCK);
            int d = 0;
            for (int t = t0; t < t1; t++) {
                d = Math.max(d, trees[t].depth);
            }
            blockStart[b] = (int) entries;
            blockDepth[b] = d;
            entries += (long) (t1 - t0) * ((2L << d) - 1);
            if (entries > MAX_ENTRIES) {
                return null;
            }
        }
        if (entries > MAX_PADDING_FACTOR * realNodes + PADDING_ALLOWANCE) {
            return null;
        }
        int[] nodes = new int[(int) (2 * entries)];
        Filler filler = new Filler(nodes, copies, lightgbm(trees), numFeatures);
        for (int t = 0; t < trees.length; t++) {
            int b = t / BLOCK;
            int size = Math.min(BLOCK, trees.length - b * BLOCK);
            filler.fill(trees[t], 0, 0, 0, t % BLOCK, size, blockStart[b], blockDepth[b]);
        }
        return new PerfectTreeLayout(trees, numFeatures, copies, nodes, blockStart, blockDepth);
    }

    /** Writes trees into the entries. */
    private static final class Filler {
        private final int[] nodes;
        private final RowCopies copies;
        private final boolean doubleLeaves;
        private final int numFeatures;

        Filler(int[] nodes, RowCopies copies, boolean doubleLeaves, int numFeatures) {
            this.nodes = nodes;
            this.copies = copies;
            this.doubleLeaves = doubleLeaves;
            this.numFeatures = numFeatures;
        }

        /** Writes node {@code n} of tree {@code t} at level {@code d}, position {@code j}, and its subtrees. */
        void fill(CompiledTree t, int n, int d, int j, int k, int size, int start, int depth) {
            int g = start + size * ((1 << d) - 1) + k * (1 << d) + j;
            if (d == depth) {
                // Only leaves reach the last level; values keep their exact bits (a -0 leaf matters). Nothing reads
                // a leaf entry's feature offset, so a double value may take the whole 8-byte entry.
                if (doubleLeaves) {
                    long bits = Double.doubleToRawLongBits(t.lightgbm.leafValue[n]);
                    nodes[2 * g] = splitDouble(bits, true);
                    nodes[2 * g + 1] = splitDouble(bits, false);
                } else {
                    nodes[2 * g] = (int) Mem.FLOAT_BASE;
                    nodes[2 * g + 1] = Float.floatToRawIntBits(t.threshold[n]);
                }
                return;
            }
            if (t.isLeaf(n)) {
                // Padding: both ways lead to copies of this leaf, so its feature and threshold do not matter.
                nodes[2 * g] = (int) Mem.FLOAT_BASE;
                nodes[2 * g + 1] = 0;
                fill(t, n, d + 1, 2 * j, k, size, start, depth);
                fill(t, n, d + 1, 2 * j + 1, k, size, start, depth);
                return;
            }
            nodes[2 * g] = (int) Mem.FLOAT_BASE + 4 * copies.column(t, n, numFeatures);
            nodes[2 * g + 1] = Float.floatToRawIntBits(RowCopies.threshold(t, n));
            fill(t, n + 1, d + 1, 2 * j, k, size, start, depth);
            fill(t, t.right[n], d + 1, 2 * j + 1, k, size, start, depth);
        }
    }

    @Override
    int scratchRowLength() {
        return copies.count() * numFeatures;
    }

    /** The copies of row {@code x[off..]} the nodes read (see {@link RowCopies}). */
    @Override
    void prepare(float[] x, int off, float[] row) {
        copies.fill(x, off, numFeatures, row);
    }

    @Override
    double block(int b, float[] row, double m, double[] out, int outOff) {
        final int[] nd = nodes;
        int t = b * BLOCK;
        long p = blockStart[b];
        int depth = blockDepth[b];
        if (t + BLOCK <= numTrees) {
            long c = BLOCK - p + 1;
            long g0 = p;
            long g1 = p + 1;
            long g2 = p + 2;
            long g3 = p + 3;
            long g4 = p + 4;
            long g5 = p + 5;
            long g6 = p + 6;
            long g7 = p + 7;
            for (int d = 0; d < depth; d++) {
                g0 = 2 * g0 + c - lessThan(nd, row, g0);
                g1 = 2 * g1 + c - lessThan(nd, row, g1);
                g2 = 2 * g2 + c - lessThan(nd, row, g2);
                g3 = 2 * g3 + c - lessThan(nd, row, g3);
                g4 = 2 * g4 + c - lessThan(nd, row, g4);
                g5 = 2 * g5 + c - lessThan(nd, row, g5);
                g6 = 2 * g6 + c - lessThan(nd, row, g6);
                g7 = 2 * g7 + c - lessThan(nd, row, g7);
            }
            if (out == null && weight == null) {
                if (doubleLeaves) {
                    return m + leaf64(nd, g0) + leaf64(nd, g1) + leaf64(nd, g2) + leaf64(nd, g3) + leaf64(nd, g4)
                            + leaf64(nd, g5) + leaf64(nd, g6) + leaf64(nd, g7);
                }
                return (float) m + leaf(nd, g0) + leaf(nd, g1) + leaf(nd, g2) + leaf(nd, g3) + leaf(nd, g4)
                        + leaf(nd, g5) + leaf(nd, g6) + leaf(nd, g7);
            }
            m = add(m, out, outOff, t, leafValue(nd, g0));
            m = add(m, out, outOff, t + 1, leafValue(nd, g1));
            m = add(m, out, outOff, t + 2, leafValue(nd, g2));
            m = add(m, out, outOff, t + 3, leafValue(nd, g3));
            m = add(m, out, outOff, t + 4, leafValue(nd, g4));
            m = add(m, out, outOff, t + 5, leafValue(nd, g5));
            m = add(m, out, outOff, t + 6, leafValue(nd, g6));
            return add(m, out, outOff, t + 7, leafValue(nd, g7));
        }
        int size = numTrees - t;
        long c = size - p + 1;
        for (int k = 0; k < size; k++) {
            long g = p + k;
            for (int d = 0; d < depth; d++) {
                g = 2 * g + c - lessThan(nd, row, g);
            }
            m = add(m, out, outOff, t + k, leafValue(nd, g));
        }
        return m;
    }

    @Override
    void laneTrees(int t0, int t1, float[] lanes, double[] acc, int accOff) {
        final int[] nd = nodes;
        double a0 = acc[accOff];
        double a1 = acc[accOff + 1];
        double a2 = acc[accOff + 2];
        double a3 = acc[accOff + 3];
        double a4 = acc[accOff + 4];
        double a5 = acc[accOff + 5];
        double a6 = acc[accOff + 6];
        double a7 = acc[accOff + 7];
        for (int t = t0; t < t1; t++) {
            int b = t / BLOCK;
            long p = blockStart[b];
            long c = Math.min(BLOCK, numTrees - b * BLOCK) - p + 1;
            long root = p + t % BLOCK;
            int depth = blockDepth[b];
            long g0 = root;
            long g1 = root;
            long g2 = root;
            long g3 = root;
            long g4 = root;
            long g5 = root;
            long g6 = root;
            long g7 = root;
            if (depth > 0) {
                // Every lane starts at the root: its column and threshold are read once for all of them.
                long at = Mem.INT_BASE + (root << 3);
                long col = (long) Mem.getInt(nd, at) << 3;
                float thr = Mem.getFloat(nd, at + 4);
                long next = 2 * root + c;
                g0 = next - laneLessThan(lanes, col, 0, thr);
                g1 = next - laneLessThan(lanes, col, 1, thr);
                g2 = next - laneLessThan(lanes, col, 2, thr);
                g3 = next - laneLessThan(lanes, col, 3, thr);
                g4 = next - laneLessThan(lanes, col, 4, thr);
                g5 = next - laneLessThan(lanes, col, 5, thr);
                g6 = next - laneLessThan(lanes, col, 6, thr);
                g7 = next - laneLessThan(lanes, col, 7, thr);
            }
            for (int d = depth - 1; d > 0; d--) {
                g0 = 2 * g0 + c - laneLessThan(nd, lanes, g0, 0);
                g1 = 2 * g1 + c - laneLessThan(nd, lanes, g1, 1);
                g2 = 2 * g2 + c - laneLessThan(nd, lanes, g2, 2);
                g3 = 2 * g3 + c - laneLessThan(nd, lanes, g3, 3);
                g4 = 2 * g4 + c - laneLessThan(nd, lanes, g4, 4);
                g5 = 2 * g5 + c - laneLessThan(nd, lanes, g5, 5);
                g6 = 2 * g6 + c - laneLessThan(nd, lanes, g6, 6);
                g7 = 2 * g7 + c - laneLessThan(nd, lanes, g7, 7);
            }
            a0 = add(a0, null, 0, t, leafValue(nd, g0));
            a1 = add(a1, null, 0, t, leafValue(nd, g1));
            a2 = add(a2, null, 0, t, leafValue(nd, g2));
            a3 = add(a3, null, 0, t, leafValue(nd, g3));
            a4 = add(a4, null, 0, t, leafValue(nd, g4));
            a5 = add(a5, null, 0, t, leafValue(nd, g5));
            a6 = add(a6, null, 0, t, leafValue(nd, g6));
            a7 = add(a7, null, 0, t, leafValue(nd, g7));
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

    /**
     * {@link #lessThan} for lane {@code j} of interleaved rows (see {@link #laneTrees}): the value of the column whose
     * byte offset (array base included) the entry stores is at {@code (offset << 3) - 7 * FLOAT_BASE + 4j}, the
     * column times {@link #LANES} floats plus {@code j}; constant but for the offset, so one addressing mode.
     */
    private static long laneLessThan(int[] nd, float[] lanes, long g, int j) {
        long at = Mem.INT_BASE + (g << 3);
        return laneLessThan(lanes, (long) Mem.getInt(nd, at) << 3, j, Mem.getFloat(nd, at + 4));
    }

    /** 1 when lane {@code j}'s value at {@code col} (an entry's column offset shifted left by 3) is below thr. */
    private static long laneLessThan(float[] lanes, long col, int j, float thr) {
        float x = Mem.getFloat(lanes, col + (4 * j - (LANES - 1) * Mem.FLOAT_BASE));
        return Float.floatToRawIntBits(x - thr) >>> 31;
    }

    /** 1 when the row goes left at entry {@code g} ({@code x < threshold}), else 0. */
    private static long lessThan(int[] nd, float[] row, long g) {
        long at = Mem.INT_BASE + (g << 3);
        float x = Mem.getFloat(row, Mem.getInt(nd, at));
        float thr = Mem.getFloat(nd, at + 4);
        return Float.floatToRawIntBits(x - thr) >>> 31;
    }

    /** A float leaf value (XGBoost): the second int of the leaf entry. */
    private static float leaf(int[] nd, long g) {
        return Mem.getFloat(nd, Mem.INT_BASE + (g << 3) + 4);
    }

    /** A double leaf value (LightGBM): the whole 8-byte leaf entry. */
    private static double leaf64(int[] nd, long g) {
        return Mem.getDouble(nd, Mem.INT_BASE + (g << 3));
    }

    private double leafValue(int[] nd, long g) {
        return doubleLeaves ? leaf64(nd, g) : leaf(nd, g);
    }

    // ---- test support: the same traversal with checked array reads -------------------------------------------

    /**
     * {@link #margins} recomputed with ordinary (bounds-checked) array reads, asserting at every step that the
     * entry stays in its tree's level of its block and the feature offset inside the scratch row. Test-only: proves
     * the unchecked reads never leave their arrays.
     */
    void checkedMargins(float[] x, int off, double[] m, int mOff) {
        float[] row = new float[scratchRowLength()];
        prepare(x, off, row);
        for (int t = 0; t < numTrees; t++) {
            int b = t / BLOCK;
            int size = Math.min(BLOCK, numTrees - b * BLOCK);
            int k = t % BLOCK;
            long p = blockStart[b];
            long end = b + 1 < blockStart.length ? blockStart[b + 1] : nodes.length / 2;
            long g = p + k;
            for (int d = 0; d < blockDepth[b]; d++) {
                long levelStart = p + (long) size * ((1L << d) - 1) + (long) k * (1L << d);
                check(g >= levelStart && g < levelStart + (1L << d) && g < end, "entry", g, t, d);
                int colOff = nodes[(int) (2 * g)];
                long column = (colOff - Mem.FLOAT_BASE) / 4;
                check((colOff - Mem.FLOAT_BASE) % 4 == 0 && column >= 0 && column < row.length, "column", column, t,
                        d);
                float xv = row[(int) column];
                float thr = Float.intBitsToFloat(nodes[(int) (2 * g + 1)]);
                g = 2 * g + size - p + 1 - (Float.floatToRawIntBits(xv - thr) >>> 31);
            }
            int depth = blockDepth[b];
            long leafStart = p + (long) size * ((1L << depth) - 1) + (long) k * (1L << depth);
            check(g >= leafStart && g < leafStart + (1L << depth) && g < end, "leaf entry", g, t, depth);
            int lo = nodes[(int) (2 * g)];
            int hi = nodes[(int) (2 * g + 1)];
            add(0, m, mOff, t, doubleLeaves ? Double.longBitsToDouble(joinDouble(lo, hi))
                    : Float.intBitsToFloat(hi));
        }
    }

    private static void check(boolean ok, String what, long value, int tree, int level) {
        if (!ok) {
            throw new AssertionError(what + " " + value + " out of range in tree " + tree + " at level " + level);
        }
    }

    /** The int of a double's bits stored first ({@code first}) or second in an entry, in native byte order. */
    private static int splitDouble(long bits, boolean first) {
        boolean lowFirst = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;
        return (int) (first == lowFirst ? bits : bits >>> 32);
    }

    /** The inverse of {@link #splitDouble}. */
    private static long joinDouble(int first, int second) {
        boolean lowFirst = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;
        long lo = Integer.toUnsignedLong(lowFirst ? first : second);
        long hi = (long) (lowFirst ? second : first) << 32;
        return hi | lo;
    }

    /** Total entries, for tests. */
    int entries() {
        return nodes.length / 2;
    }

    /**
     * Unchecked reads from {@code int[]} / {@code float[]} through {@code sun.misc.Unsafe}, looked up by reflection so
     * nothing is linked against it at compile time; the method handles are constants, so the JIT inlines them to
     * plain loads.
     */
    private static final class Mem {
        static final boolean AVAILABLE;
        static final long INT_BASE;
        static final long FLOAT_BASE;
        private static final MethodHandle GET_INT;
        private static final MethodHandle GET_FLOAT;
        private static final MethodHandle GET_DOUBLE;

        static {
            boolean ok = false;
            long intBase = 16;
            long floatBase = 16;
            MethodHandle getInt = null;
            MethodHandle getFloat = null;
            MethodHandle getDouble = null;
            // JDK 23 deprecated Unsafe's memory access for removal (JEP 471) and later JDKs warn or refuse.
            boolean allowed = Runtime.version().feature() < 23
                    && !"false".equalsIgnoreCase(System.getProperty("hotpath.scoring.unsafe"));
            if (allowed) {
                try {
                    Class<?> c = Class.forName("sun.misc.Unsafe");
                    java.lang.reflect.Field f = c.getDeclaredField("theUnsafe");
                    f.setAccessible(true);
                    Object u = f.get(null);
                    MethodHandles.Lookup l = MethodHandles.lookup();
                    MethodType of = MethodType.methodType(int.class, Class.class);
                    MethodHandle base = l.findVirtual(c, "arrayBaseOffset", of).bindTo(u);
                    MethodHandle scale = l.findVirtual(c, "arrayIndexScale", of).bindTo(u);
                    intBase = (int) base.invokeExact((Class<?>) int[].class);
                    floatBase = (int) base.invokeExact((Class<?>) float[].class);
                    int intScale = (int) scale.invokeExact((Class<?>) int[].class);
                    int floatScale = (int) scale.invokeExact((Class<?>) float[].class);
                    getInt = l.findVirtual(c, "getInt", MethodType.methodType(int.class, Object.class, long.class))
                            .bindTo(u);
                    getFloat = l.findVirtual(c, "getFloat",
                            MethodType.methodType(float.class, Object.class, long.class)).bindTo(u);
                    getDouble = l.findVirtual(c, "getDouble",
                            MethodType.methodType(double.class, Object.class, long.class)).bindTo(u);
                    ok = intScale == 4 && floatScale == 4 && intBase == floatBase;
                } catch (Throwable e) {
                    // Not available on this JVM (or refused): TreeEnsemble uses InterleavedTreeLayout instead.
                    ok = false;
                }
            }
            AVAILABLE = ok;
            INT_BASE = intBase;
            FLOAT_BASE = floatBase;
            GET_INT = getInt;
            GET_FLOAT = getFloat;
            GET_DOUBLE = getDouble;
        }

        private Mem() {
        }

        static int getInt(Object array, long offset) {
            try {
                return (int) GET_INT.invokeExact(array, offset);
            } catch (Throwable e) {
                throw new AssertionError("Unsafe.getInt cannot fail", e);
            }
        }

        static double getDouble(Object array, long offset) {
            try {
                return (double) GET_DOUBLE.invokeExact(array, offset);
            } catch (Throwable e) {
                throw new AssertionError("Unsafe.getDouble cannot fail", e);
            }
        }

        static float getFloat(Object array, long offset) {
            try {
                return (float) GET_FLOAT.invokeExact(array, offset);
            } catch (Throwable e) {
                throw new AssertionError("Unsafe.getFloat cannot fail", e);
            }
        }
    }
}
