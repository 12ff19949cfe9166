package dev.hotpath.scoring.model;

/**
 * What the two fast layouts share: trees in blocks of {@value #BLOCK} traversed together, a per-row preparation of
 * the row into scratch, and the drivers that run the blocks over one row (single and multi-output margins) or over
 * a batch of rows. Subclasses lay the nodes out and traverse one block ({@link #block}).
 *
 * <h2>Batches</h2>
 * {@link #margin1Batch} prepares {@link #BATCH_ROWS} rows, then runs a chunk of {@code batchBlocks} blocks over all
 * of them before moving to the next chunk, so a chunk's nodes are read from the core's caches by every row after the
 * first instead of from further away once per row. Every row still adds its trees' leaves in tree order: the
 * margins are bit for bit those of {@link #margin1}.
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
    private final int batchBlocks;

    BlockedTreeLayout(CompiledTree[] trees, int numFeatures, int batchBlocks) {
        this.numFeatures = numFeatures;
        this.numTrees = trees.length;
        this.numBlocks = (numTrees + BLOCK - 1) / BLOCK;
        this.batchBlocks = batchBlocks;
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

    /** @return the length of the scratch row {@link #prepare} fills */
    abstract int scratchRowLength();

    /** Prepares row {@code x[off..off + numFeatures)} into {@code row} for {@link #block}. */
    abstract void prepare(float[] x, int off, float[] row);

    /**
     * Traverses block {@code b} for one prepared row. With {@code out == null}, returns {@code m} plus the block's
     * leaves added in tree order (the single-margin sum); otherwise adds each leaf to {@code out[outOff + group]}
     * (see {@link #add}) and returns {@code m} unchanged.
     */
    abstract float block(int b, float[] row, float m, float[] out, int outOff);

    /** The single margin (all trees in group 0) of row {@code x[off..]}, starting from {@code base}. */
    final float margin1(float[] x, int off, float[] row, float base) {
        prepare(x, off, row);
        float m = base;
        for (int b = 0; b < numBlocks; b++) {
            m = block(b, row, m, null, 0);
        }
        return m;
    }

    /** Adds every tree's leaf to {@code m[mOff + group]}; {@code m} must hold the base margins on entry. */
    final void margins(float[] x, int off, float[] row, float[] m, int mOff) {
        prepare(x, off, row);
        for (int b = 0; b < numBlocks; b++) {
            block(b, row, 0f, m, mOff);
        }
    }

    /**
     * The single margins of {@code nRows} consecutive rows of {@code x} (from {@code off}), written to
     * {@code out[outOff..]}; bit for bit what {@link #margin1} computes for each row.
     *
     * @param rows {@link #BATCH_ROWS} scratch rows of {@link #scratchRowLength()} each
     */
    final void margin1Batch(float[] x, int off, int nRows, float[][] rows, float base, float[] out, int outOff) {
        for (int r0 = 0; r0 < nRows; r0 += BATCH_ROWS) {
            int n = Math.min(BATCH_ROWS, nRows - r0);
            for (int r = 0; r < n; r++) {
                prepare(x, off + (r0 + r) * numFeatures, rows[r]);
                out[outOff + r0 + r] = base;
            }
            for (int b0 = 0; b0 < numBlocks; b0 += batchBlocks) {
                int b1 = Math.min(numBlocks, b0 + batchBlocks);
                for (int r = 0; r < n; r++) {
                    float[] row = rows[r];
                    float m = out[outOff + r0 + r];
                    for (int b = b0; b < b1; b++) {
                        m = block(b, row, m, null, 0);
                    }
                    out[outOff + r0 + r] = m;
                }
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

    /** Tree {@code t}'s weighted leaf added to {@code m} (returned) or, with {@code out}, to its group's margin. */
    final float add(float m, float[] out, int outOff, int t, float leaf) {
        float v = weight == null ? leaf : leaf * weight[t];
        if (out == null) {
            return m + v;
        }
        out[outOff + group[t]] += v;
        return m;
    }
}
