package dev.hotpath.scoring.model;

import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.ModelInfo;
import java.util.List;

/**
 * A compiled tree ensemble (gradient-boosted trees, DART, random forests, multi-class and vector-leaf models): the
 * representation every tree format is compiled into, and a {@link dev.hotpath.scoring.Model}.
 *
 * <p>Trees added as {@link TreeNodes} are scored as XGBoost's CPU predictor does: float32 comparisons
 * ({@code x < threshold} goes left), {@code NaN} follows each node's default direction, categorical nodes send listed
 * categories right and everything else left, and leaf values are added to the margins in float32 strictly in tree
 * order (times the DART weight), starting from the base margins. Raw margins are therefore bit-identical to
 * XGBoost's; transformed outputs are too on glibc ≥ 2.27 hosts (see {@link dev.hotpath.scoring.math.GlibcMath}).
 *
 * <p>Trees added as {@link LightgbmTree}s are scored as LightGBM does (see that class for the node rules): leaf
 * values are added in {@code double} in tree order, the {@link DoubleOutputTransform} is applied in {@code double},
 * and only the result is rounded to {@code float}. Margins ({@code scoreMargin}) are LightGBM's raw scores rounded to
 * float; outputs are LightGBM's predictions rounded to float.
 *
 * <p>At build time the ensemble picks its evaluator: perfect-heap blocks of eight trees
 * ({@code PerfectTreeLayout}) for trees up to depth 10 when the JVM allows unchecked array reads, else the
 * branch-free interleaved layout ({@code InterleavedTreeLayout}), both only when exact for the model (numerical
 * splits with finite thresholds, scalar leaves, no linear leaves), otherwise the reference node walker.
 * {@link #evaluator()} says which.
 *
 * <p>On a fast layout the batch methods of a single-output model ({@code score(rows, n, out)},
 * {@code scoreMargin(rows, n, out)}) walk each tree for eight rows at a time ({@code BlockedTreeLayout#sum1Batch}):
 * faster per row than single rows, and bit for bit the same outputs, as every row still adds its leaves in tree order
 * in the same precision. Multi-output models batch row by row.
 *
 * <p><b>Thread-safety:</b> immutable; all methods may be called concurrently. <b>Allocation:</b> scoring allocates
 * nothing after a thread's first call (which creates that thread's scratch row; the first batch call also creates
 * its batch scratch: 8 to 64 interleaved scratch rows, about 128 KiB unless eight rows alone are larger).
 */
public final class TreeEnsemble extends BaseModel {
    private final float[] baseMargins;
    private final CompiledTree[] trees;
    /** The fast layout in use, or {@code null} for the reference walker. */
    private final BlockedTreeLayout layout;
    /** LightGBM trees: their output transform, applied in double; {@code null} for XGBoost trees (float sums). */
    private final DoubleOutputTransform doubleTransform;

    TreeEnsemble(int numFeatures, int numMargins, OutputTransform transform, float[] baseMargins,
                 List<String> featureNames, boolean hasFeatureNames, List<FeatureType> featureTypes, ModelInfo info,
                 CompiledTree[] trees) {
        this(numFeatures, numMargins, transform, baseMargins, featureNames, hasFeatureNames, featureTypes, info,
                trees, fastestLayout(trees, numFeatures), null);
    }

    TreeEnsemble(int numFeatures, int numMargins, DoubleOutputTransform doubleTransform, float[] baseMargins,
                 List<String> featureNames, boolean hasFeatureNames, List<FeatureType> featureTypes, ModelInfo info,
                 CompiledTree[] trees) {
        this(numFeatures, numMargins, OutputTransform.IDENTITY, baseMargins, featureNames, hasFeatureNames,
                featureTypes, info, trees, fastestLayout(trees, numFeatures), doubleTransform);
    }

    private TreeEnsemble(int numFeatures, int numMargins, OutputTransform transform, float[] baseMargins,
                         List<String> featureNames, boolean hasFeatureNames, List<FeatureType> featureTypes,
                         ModelInfo info, CompiledTree[] trees, BlockedTreeLayout layout,
                         DoubleOutputTransform doubleTransform) {
        super(numFeatures, numMargins, transform, featureNames, hasFeatureNames, featureTypes, info,
                layout != null ? layout.scratchRowLength() : 0);
        this.baseMargins = baseMargins;
        this.trees = trees;
        this.layout = layout;
        this.doubleTransform = doubleTransform;
    }

    /** The perfect-heap layout when it is exact and compact for the trees, else the interleaved one, else null. */
    private static BlockedTreeLayout fastestLayout(CompiledTree[] trees, int numFeatures) {
        PerfectTreeLayout perfect = PerfectTreeLayout.tryCompile(trees, numFeatures);
        return perfect != null ? perfect : InterleavedTreeLayout.tryCompile(trees, numFeatures);
    }

    /**
     * Starts building an ensemble.
     *
     * @param numFeatures the width of an input row
     * @param numMargins the number of margins (1, or K for multi-class / multi-target / multi-quantile models)
     * @return a new builder
     */
    public static TreeEnsembleBuilder builder(int numFeatures, int numMargins) {
        return new TreeEnsembleBuilder(numFeatures, numMargins);
    }

    /** @return a copy of the base margins (the margins of a row before any tree is added) */
    public float[] baseMargins() {
        return baseMargins.clone();
    }

    /**
     * @return the transform applied in double to the double sums of an ensemble of {@link LightgbmTree}s, or
     *     {@code null} for an ensemble of XGBoost trees (whose float transform is {@link #transform()})
     */
    public DoubleOutputTransform doubleTransform() {
        return doubleTransform;
    }

    /**
     * The compiled trees in the order they are summed, for tools that work on the structure (explainers,
     * inspection). Read-only views; {@link TreeView#childFor(int, float[], int)} is the routing scoring uses.
     *
     * @return the trees; unmodifiable
     */
    public List<TreeView> trees() {
        return List.of(trees);
    }

    /** @return {@code "perfect"}, {@code "interleaved"} or {@code "reference"}: which evaluator this model uses */
    public String evaluator() {
        return layout instanceof PerfectTreeLayout ? "perfect" : layout != null ? "interleaved" : "reference";
    }

    /**
     * The same model evaluated by the straightforward reference walker. Used by tests and benchmarks to check the
     * fast evaluator bit for bit; slower, otherwise identical.
     *
     * @return a model sharing this one's trees, always using the reference evaluator
     */
    public TreeEnsemble withReferenceEvaluator() {
        return new TreeEnsemble(numFeatures, numMargins, transform, baseMargins, featureNames(), hasFeatureNames(),
                featureTypes(), info(), trees, null, doubleTransform);
    }

    /** The same model on {@code InterleavedTreeLayout} when it is exact for it, else on the reference walker (tests). */
    TreeEnsemble withInterleavedEvaluator() {
        return new TreeEnsemble(numFeatures, numMargins, transform, baseMargins, featureNames(), hasFeatureNames(),
                featureTypes(), info(), trees, InterleavedTreeLayout.tryCompile(trees, numFeatures), doubleTransform);
    }

    /**
     * The per-output sums of one row before rounding to float, from this model's evaluator (tests; LightGBM trees,
     * or XGBoost trees on a fast layout).
     */
    double[] rawSums(float[] x) {
        return sums(x, 0, new Scratch(numMargins, layout != null ? layout.scratchRowLength() : 0)).clone();
    }

    /** The perfect-heap layout this model evaluates with, or {@code null} (tests). */
    PerfectTreeLayout perfectLayout() {
        return layout instanceof PerfectTreeLayout p ? p : null;
    }

    @Override
    float margin1(float[] x, int off, Scratch s) {
        if (doubleTransform != null) {
            return (float) sum1(x, off, s);
        }
        if (layout != null) {
            return (float) layout.sum1(x, off, s.row, baseMargins[0]);
        }
        float m = baseMargins[0];
        for (CompiledTree t : trees) {
            float leaf = t.threshold[t.leafIndex(x, off)];
            m += t.weight == 1.0f ? leaf : leaf * t.weight;
        }
        return m;
    }

    @Override
    float output1(float[] x, int off, Scratch s) {
        if (doubleTransform == null) {
            return transform.applyScalar(margin1(x, off, s));
        }
        return (float) doubleTransform.applyScalar(sum1(x, off, s));
    }

    /** The double sum of a LightGBM ensemble's trees for row {@code x[off..]} (single output). */
    private double sum1(float[] x, int off, Scratch s) {
        if (layout != null) {
            return layout.sum1(x, off, s.row, baseMargins[0]);
        }
        double m = baseMargins[0];
        for (CompiledTree t : trees) {
            m += t.lightgbm.output(t, x, off);
        }
        return m;
    }

    @Override
    void margin1Batch(float[] x, int nRows, Scratch s, float[] out) {
        if (layout == null) {
            super.margin1Batch(x, nRows, s, out);
            return;
        }
        layout.sum1Batch(x, 0, nRows, lanes(s), s.row, s.batchSums, baseMargins[0], null, out, 0);
    }

    @Override
    void output1Batch(float[] x, int nRows, Scratch s, float[] out) {
        if (doubleTransform == null) {
            super.output1Batch(x, nRows, s, out);
        } else if (layout == null) {
            for (int r = 0; r < nRows; r++) {
                out[r] = output1(x, r * numFeatures, s);
            }
        } else {
            layout.sum1Batch(x, 0, nRows, lanes(s), s.row, s.batchSums, baseMargins[0], doubleTransform, out, 0);
        }
    }

    /** This thread's lane scratch for {@link BlockedTreeLayout#sum1Batch} (created by its first batch call). */
    private float[][] lanes(Scratch s) {
        return s.batchLanes(layout.laneGroups(), layout.lanesLength(), BlockedTreeLayout.LANES);
    }

    @Override
    void margins(float[] x, int off, Scratch s, float[] m, int mOff) {
        if (layout != null || doubleTransform != null) {
            double[] sums = sums(x, off, s);
            for (int k = 0; k < numMargins; k++) {
                m[mOff + k] = (float) sums[k];
            }
            return;
        }
        System.arraycopy(baseMargins, 0, m, mOff, numMargins);
        for (CompiledTree t : trees) {
            int n = t.leafIndex(x, off);
            if (t.leafSize == 1) {
                float leaf = t.threshold[n];
                m[mOff + t.group] += t.weight == 1.0f ? leaf : leaf * t.weight;
            } else {
                int base = n * t.leafSize;
                for (int j = 0; j < t.leafSize; j++) {
                    float leaf = t.leafVector[base + j];
                    m[mOff + j] += t.weight == 1.0f ? leaf : leaf * t.weight;
                }
            }
        }
    }

    @Override
    void outputs(float[] x, int off, Scratch s, float[] out, int outOff) {
        if (doubleTransform == null) {
            super.outputs(x, off, s, out, outOff);
            return;
        }
        doubleTransform.apply(sums(x, off, s), 0, numMargins, out, outOff);
    }

    /**
     * The per-output sums of row {@code x[off..]} in {@code s.sums}: from a fast layout (XGBoost float sums held in
     * double, or LightGBM double sums) or, for LightGBM trees, from the reference walker.
     */
    private double[] sums(float[] x, int off, Scratch s) {
        double[] sums = s.sums;
        for (int k = 0; k < numMargins; k++) {
            sums[k] = baseMargins[k];
        }
        if (layout != null) {
            layout.sums(x, off, s.row, sums, 0);
        } else {
            for (CompiledTree t : trees) {
                sums[t.group] += t.lightgbm.output(t, x, off);
            }
        }
        return sums;
    }
}
