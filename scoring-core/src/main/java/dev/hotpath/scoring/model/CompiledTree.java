package dev.hotpath.scoring.model;

import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelLimits;

/**
 * One validated tree, re-laid out in pre-order from its root with every left child adjacent to its parent
 * ({@code left(n) == n + 1}); unreachable (deleted) nodes are dropped. This is the reference representation: the
 * straightforward evaluator walks it node by node, and faster layouts are compiled from it and tested against it.
 *
 * <p>Immutable after construction; package-private (tools see it as a {@link TreeView}).
 */
final class CompiledTree implements TreeView {
    /** Category codes at or above this are invalid in XGBoost ({@code kMaxCat}) and always go left. */
    static final float MAX_CATEGORY = 16777216f;

    final int[] feature;        // -1 for leaves
    final float[] threshold;    // numerical split threshold; for scalar leaves the leaf value
    final int[] right;          // right child (index in this tree); -1 for leaves
    final boolean[] defaultLeft;
    final long[][] categories;  // per node bitset of codes that go right, or null (numerical)
    final float[] leafVector;   // leafSize > 1: node n's values at n*leafSize
    final int leafSize;
    final int group;
    final float weight;
    final int depth;
    final boolean hasCategorical;
    final float[] cover;        // per node, or null when the file has none
    /** LightGBM semantics (double thresholds, missing types, bitsets, double and linear leaves), else {@code null}. */
    final LightgbmSplits lightgbm;

    private CompiledTree(int n, int leafSize, int group, float weight, int depth, boolean hasCategorical,
                         boolean hasCover) {
        this.feature = new int[n];
        this.threshold = new float[n];
        this.right = new int[n];
        this.defaultLeft = new boolean[n];
        this.categories = hasCategorical ? new long[n][] : null;
        this.leafVector = leafSize > 1 ? new float[n * leafSize] : null;
        this.leafSize = leafSize;
        this.group = group;
        this.weight = weight;
        this.depth = depth;
        this.hasCategorical = hasCategorical;
        this.cover = hasCover ? new float[n] : null;
        this.lightgbm = null;
    }

    /**
     * A LightGBM tree: {@code base}'s structure with LightGBM's semantics. Its {@code threshold}s are the strict float
     * thresholds of {@link LightgbmSplits#strictFloatThreshold}; the XGBoost {@code categories} are not used. It has
     * no covers yet (LightGBM's {@code internal_count}/{@code leaf_count} are not wired), so explainers refuse it.
     */
    CompiledTree(CompiledTree base, LightgbmSplits lightgbm) {
        this.feature = base.feature;
        this.threshold = base.threshold;
        this.right = base.right;
        this.defaultLeft = base.defaultLeft;
        this.categories = null;
        this.leafVector = null;
        this.leafSize = 1;
        this.group = base.group;
        this.weight = 1.0f;
        this.depth = base.depth;
        this.hasCategorical = lightgbm.hasCategorical();
        this.cover = null;
        this.lightgbm = lightgbm;
    }

    /** Follows the tree for one row and returns the leaf's index. Reference semantics (XGBoost's CPU predictor). */
    int leafIndex(float[] x, int off) {
        int n = 0;
        while (feature[n] >= 0) {
            n = childFor(n, x, off);
        }
        return n;
    }

    /**
     * The routing rule of an internal node, in one place for the reference walker and every tool that follows rows
     * through the tree (the explainer): missing ({@code NaN}) follows the default direction, a categorical node sends
     * its listed codes right, a numerical node goes left when {@code x < threshold} in float.
     */
    @Override
    public int childFor(int n, float[] x, int off) {
        if (lightgbm != null) {
            return lightgbm.childFor(this, n, x, off);
        }
        float v = x[off + feature[n]];
        boolean missing = v != v;
        boolean goLeft;
        if (categories != null && categories[n] != null) {
            goLeft = missing ? defaultLeft[n] : !inCategories(categories[n], v);
        } else {
            // NaN compares false, so a missing value goes left exactly when its default direction says so.
            goLeft = v < threshold[n] | missing & defaultLeft[n];
        }
        // Arithmetic rather than a select: routing rows through every node (explanations) is a coin flip per node,
        // and a mispredicted branch costs more than the comparison.
        int r = right[n];
        int left = goLeft ? 1 : 0;
        return r + left * (n + 1 - r);
    }

    @Override
    public int size() {
        return feature.length;
    }

    @Override
    public boolean isLeaf(int n) {
        return feature[n] < 0;
    }

    @Override
    public int splitFeature(int n) {
        return feature[n];
    }

    @Override
    public int rightChild(int n) {
        return right[n];
    }

    @Override
    public int leafSize() {
        return leafSize;
    }

    @Override
    public float leafValue(int n, int index) {
        return leafSize == 1 ? threshold[n] : leafVector[n * leafSize + index];
    }

    @Override
    public int outputGroup() {
        return group;
    }

    @Override
    public float weight() {
        return weight;
    }

    @Override
    public int depth() {
        return depth;
    }

    @Override
    public boolean hasCovers() {
        return cover != null;
    }

    @Override
    public float cover(int n) {
        if (cover == null) {
            throw new IllegalStateException("this tree has no node covers");
        }
        return cover[n];
    }

    private static boolean inCategories(long[] bits, float v) {
        if (v < 0 || v >= MAX_CATEGORY) {
            return false;
        }
        int code = (int) v;
        int word = code >>> 6;
        return word < bits.length && (bits[word] & (1L << code)) != 0;
    }

    static CompiledTree compile(TreeNodes t, int group, float weight, int treeIndex, String source,
                                int numFeatures, int numMargins, ModelLimits limits) {
        String where = "tree[" + treeIndex + "]";
        if (t == null || t.left() == null || t.right() == null || t.feature() == null || t.defaultLeft() == null
                || t.leafValues() == null) {
            throw new ModelFormatException(source, where,
                    "left, right, feature, defaultLeft and leafValues arrays are required");
        }
        int n = t.left().length;
        if (n == 0) {
            throw new ModelFormatException(source, where, "a tree needs at least one node, found 0");
        }
        if (n > limits.maxNodesPerTree()) {
            throw new ModelFormatException(source, where, "at most " + limits.maxNodesPerTree()
                    + " nodes per tree allowed (ModelLimits.maxNodesPerTree), found " + n);
        }
        requireLength(source, where, "right", t.right().length, n);
        requireLength(source, where, "feature", t.feature().length, n);
        requireLength(source, where, "defaultLeft", t.defaultLeft().length, n);
        if (t.categories() != null) {
            requireLength(source, where, "categories", t.categories().length, n);
        }
        if (t.cover() != null) {
            requireLength(source, where, "cover", t.cover().length, n);
        }
        int leafSize = t.leafSize();
        if (leafSize != 1 && leafSize != numMargins) {
            throw new ModelFormatException(source, where,
                    "leaf size must be 1 or the number of outputs (" + numMargins + "), found " + leafSize);
        }
        if ((long) n * leafSize > t.leafValues().length) {
            throw new ModelFormatException(source, where, "expected at least " + ((long) n * leafSize)
                    + " leaf values (" + n + " nodes x " + leafSize + "), found " + t.leafValues().length);
        }
        if (leafSize == 1 && (group < 0 || group >= numMargins)) {
            throw new ModelFormatException(source, where,
                    "output group must be in [0, " + numMargins + "), found " + group);
        }

        // Iterative pre-order walk from the root: validates structure and fixes the new layout.
        int[] order = new int[n];        // new index -> old index
        int[] newIndex = new int[n];     // old index -> new index, -1 while unvisited
        int[] depthOf = new int[n];
        java.util.Arrays.fill(newIndex, -1);
        int[] stack = new int[n];
        int sp = 0;
        int count = 0;
        int maxDepth = 0;
        boolean hasCategorical = false;
        stack[sp++] = 0;
        newIndex[0] = -2; // on the stack
        while (sp > 0) {
            int old = stack[--sp];
            newIndex[old] = count;
            order[count++] = old;
            int d = depthOf[old];
            maxDepth = Math.max(maxDepth, d);
            int l = t.left()[old];
            if (l == -1) {
                continue; // leaf
            }
            int r = t.right()[old];
            checkChild(source, where, old, "left", l, n, newIndex);
            checkChild(source, where, old, "right", r, n, newIndex);
            if (l == r) {
                throw new ModelFormatException(source, nodeWhere(where, old),
                        "left and right child are the same node " + l);
            }
            int f = t.feature()[old];
            if (f < 0 || f >= numFeatures) {
                throw new ModelFormatException(source, nodeWhere(where, old),
                        "split feature must be in [0, " + numFeatures + "), found " + f);
            }
            if (d + 1 > limits.maxDepth()) {
                throw new ModelFormatException(source, nodeWhere(where, old),
                        "tree deeper than " + limits.maxDepth() + " (ModelLimits.maxDepth)");
            }
            if (t.categories() != null && t.categories()[old] != null) {
                hasCategorical = true;
            } else if (t.threshold() == null || t.threshold().length != n) {
                throw new ModelFormatException(source, where, "threshold array must have one entry per node ("
                        + n + ")");
            }
            depthOf[l] = d + 1;
            depthOf[r] = d + 1;
            newIndex[l] = -2;
            newIndex[r] = -2;
            stack[sp++] = r;   // pushed first, popped after the whole left subtree
            stack[sp++] = l;
        }

        CompiledTree c = new CompiledTree(count, leafSize, group, weight, maxDepth, hasCategorical,
                t.cover() != null);
        for (int i = 0; i < count; i++) {
            int old = order[i];
            if (c.cover != null) {
                c.cover[i] = checkedCover(t.cover()[old], count > 1, source, where, old);
            }
            if (t.left()[old] == -1) {
                c.feature[i] = -1;
                c.right[i] = -1;
                if (leafSize == 1) {
                    c.threshold[i] = t.leafValues()[old];
                } else {
                    System.arraycopy(t.leafValues(), old * leafSize, c.leafVector, i * leafSize, leafSize);
                }
            } else {
                c.feature[i] = t.feature()[old];
                c.right[i] = newIndex[t.right()[old]];
                c.defaultLeft[i] = t.defaultLeft()[old];
                if (t.categories() != null && t.categories()[old] != null) {
                    c.categories[i] = bitset(t.categories()[old], source, where + ".node[" + old + "]");
                } else {
                    c.threshold[i] = t.threshold()[old];
                }
            }
        }
        return c;
    }

    /**
     * Covers are training statistics, not used for scoring, but explanations divide by them: a tree with a split
     * needs finite, non-negative covers (XGBoost's minimum child weight guarantees it for every trained model).
     */
    private static float checkedCover(float cover, boolean treeHasSplit, String source, String where, int node) {
        if (treeHasSplit && !(cover >= 0 && cover < Float.POSITIVE_INFINITY)) {
            throw new ModelFormatException(source, nodeWhere(where, node),
                    "node cover (sum_hessian) must be finite and >= 0, found " + cover);
        }
        return cover;
    }

    private static long[] bitset(int[] codes, String source, String where) {
        int max = -1;
        for (int code : codes) {
            if (code < 0 || code >= (int) MAX_CATEGORY) {
                throw new ModelFormatException(source, where,
                        "category codes must be in [0, 2^24), found " + code);
            }
            max = Math.max(max, code);
        }
        long[] bits = new long[(max >>> 6) + 1];
        for (int code : codes) {
            bits[code >>> 6] |= 1L << code;
        }
        return bits;
    }

    /** Built only when a check fails: the walk runs for every node of every tree at load (issue #19 item 2). */
    private static String nodeWhere(String where, int node) {
        return where + ".node[" + node + "]";
    }

    private static void checkChild(String source, String where, int node, String which, int child, int n,
                                   int[] newIndex) {
        if (child < 0 || child >= n) {
            throw new ModelFormatException(source, nodeWhere(where, node),
                    which + " child must be in [0, " + n + "), found " + child);
        }
        if (newIndex[child] != -1) {
            throw new ModelFormatException(source, nodeWhere(where, node),
                    which + " child " + child + " is reached twice: the nodes do not form a tree (cycle or shared"
                            + " subtree)");
        }
    }

    private static void requireLength(String source, String where, String name, int actual, int expected) {
        if (actual != expected) {
            throw new ModelFormatException(source, where,
                    name + " has " + actual + " entries, expected one per node (" + expected + ")");
        }
    }
}
