package dev.hotpath.scoring.model;

import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelInfo;
import java.util.List;

/**
 * The parts every margin-based model shares: argument checks (thrown from cold methods so the scoring methods stay
 * small enough to inline), per-thread scratch, output transforms and batch loops. Subclasses compute margins.
 */
abstract class BaseModel implements Model {
    final int numFeatures;
    final int numMargins;
    final int numOutputs;
    final OutputTransform transform;
    private final List<String> featureNames;
    private final boolean hasFeatureNames;
    private final List<FeatureType> featureTypes;
    private final List<String> outputNames;
    private final List<String> marginNames;
    private final ModelInfo info;
    private final ThreadLocal<Scratch> scratch;

    /** Per-thread working memory, created on a thread's first call and reused for the thread's lifetime. */
    static final class Scratch {
        final float[] margins;
        /** Per-output sums of the tree layouts (double: LightGBM sums in double, XGBoost's float sums fit). */
        final double[] sums;
        final float[] row;
        /** Interleaved rows and per-row sums of a batch evaluator; created by its first batch call, then reused. */
        float[][] batchLanes;
        double[] batchSums;

        Scratch(int numMargins, int rowLength) {
            this.margins = new float[numMargins];
            this.sums = new double[numMargins];
            this.row = new float[rowLength];
        }

        float[][] batchLanes(int groups, int length, int lanes) {
            float[][] l = batchLanes;
            if (l == null) {
                l = new float[groups][length];
                batchLanes = l;
                batchSums = new double[groups * lanes];
            }
            return l;
        }
    }

    BaseModel(int numFeatures, int numMargins, OutputTransform transform, List<String> featureNames,
              boolean hasFeatureNames, List<FeatureType> featureTypes, ModelInfo info, int scratchRowLength) {
        this.numFeatures = numFeatures;
        this.numMargins = numMargins;
        this.numOutputs = transform.numOutputs(numMargins);
        this.transform = transform;
        this.featureNames = featureNames;
        this.hasFeatureNames = hasFeatureNames;
        this.featureTypes = featureTypes;
        this.outputNames = transform == OutputTransform.ARGMAX ? List.of("class")
                : ModelSupport.outputNames("score", numOutputs);
        this.marginNames = ModelSupport.outputNames("margin", numMargins);
        this.info = info;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(numMargins, scratchRowLength));
    }

    /** The single margin of row {@code x[off..]}; only called when {@code numMargins == 1}. */
    abstract float margin1(float[] x, int off, Scratch s);

    /** Writes the {@code numMargins} margins of row {@code x[off..]} into {@code m[mOff..]}. */
    abstract void margins(float[] x, int off, Scratch s, float[] m, int mOff);

    /**
     * Writes the single margins of {@code nRows} consecutive rows of {@code x} to {@code out[0..nRows)}; only called
     * when {@code numMargins == 1}. Row by row unless a subclass has a faster batch evaluator.
     */
    void margin1Batch(float[] x, int nRows, Scratch s, float[] out) {
        for (int r = 0; r < nRows; r++) {
            out[r] = margin1(x, r * numFeatures, s);
        }
    }

    /** The single output of row {@code x[off..]}; only called when {@code numMargins == 1}. */
    float output1(float[] x, int off, Scratch s) {
        return transform.applyScalar(margin1(x, off, s));
    }

    /** Writes the {@code numOutputs} outputs of row {@code x[off..]} into {@code out[outOff..]}. */
    void outputs(float[] x, int off, Scratch s, float[] out, int outOff) {
        margins(x, off, s, s.margins, 0);
        transform.apply(s.margins, 0, numMargins, out, outOff);
    }

    /** The single outputs of {@code nRows} consecutive rows into {@code out[0..nRows)}; {@code numMargins == 1}. */
    void output1Batch(float[] x, int nRows, Scratch s, float[] out) {
        margin1Batch(x, nRows, s, out);
        for (int r = 0; r < nRows; r++) {
            out[r] = transform.applyScalar(out[r]);
        }
    }

    @Override
    public final int numFeatures() {
        return numFeatures;
    }

    @Override
    public final int numOutputs() {
        return numOutputs;
    }

    @Override
    public final int numMarginOutputs() {
        return numMargins;
    }

    @Override
    public final List<String> featureNames() {
        return featureNames;
    }

    @Override
    public final boolean hasFeatureNames() {
        return hasFeatureNames;
    }

    @Override
    public final List<FeatureType> featureTypes() {
        return featureTypes;
    }

    @Override
    public final List<String> outputNames() {
        return outputNames;
    }

    @Override
    public final List<String> marginOutputNames() {
        return marginNames;
    }

    @Override
    public final ModelInfo info() {
        return info;
    }

    /** @return the output transform applied by the {@code score} methods */
    public final OutputTransform transform() {
        return transform;
    }

    @Override
    public final float score(float[] features) {
        if (numOutputs != 1 || features.length < numFeatures) {
            throw singleRowMisuse(features, numOutputs, "score");
        }
        if (numMargins == 1) {
            return output1(features, 0, scratch.get());
        }
        Scratch s = scratch.get();
        outputs(features, 0, s, s.margins, 0);
        return s.margins[0];
    }

    @Override
    public final float scoreMargin(float[] features) {
        if (numMargins != 1 || features.length < numFeatures) {
            throw singleRowMisuse(features, numMargins, "scoreMargin");
        }
        return margin1(features, 0, scratch.get());
    }

    @Override
    public final void score(float[] features, float[] out) {
        if (features.length < numFeatures || out.length < numOutputs) {
            throw rowMisuse(features, out, numOutputs);
        }
        Scratch s = scratch.get();
        scoreRow(features, 0, s, out, 0);
    }

    @Override
    public final void scoreMargin(float[] features, float[] out) {
        if (features.length < numFeatures || out.length < numMargins) {
            throw rowMisuse(features, out, numMargins);
        }
        Scratch s = scratch.get();
        marginRow(features, 0, s, out, 0);
    }

    @Override
    public final void score(float[] rows, int nRows, float[] out) {
        if (nRows < 0 || (long) nRows * numFeatures > rows.length || (long) nRows * numOutputs > out.length) {
            throw batchMisuse(rows, nRows, out, numOutputs);
        }
        Scratch s = scratch.get();
        if (numMargins == 1) {
            output1Batch(rows, nRows, s, out);
            return;
        }
        for (int r = 0; r < nRows; r++) {
            scoreRow(rows, r * numFeatures, s, out, r * numOutputs);
        }
    }

    @Override
    public final void scoreMargin(float[] rows, int nRows, float[] out) {
        if (nRows < 0 || (long) nRows * numFeatures > rows.length || (long) nRows * numMargins > out.length) {
            throw batchMisuse(rows, nRows, out, numMargins);
        }
        Scratch s = scratch.get();
        if (numMargins == 1) {
            margin1Batch(rows, nRows, s, out);
            return;
        }
        for (int r = 0; r < nRows; r++) {
            marginRow(rows, r * numFeatures, s, out, r * numMargins);
        }
    }

    private void scoreRow(float[] x, int off, Scratch s, float[] out, int outOff) {
        if (numMargins == 1) {
            out[outOff] = output1(x, off, s);
        } else {
            outputs(x, off, s, out, outOff);
        }
    }

    private void marginRow(float[] x, int off, Scratch s, float[] out, int outOff) {
        if (numMargins == 1) {
            out[outOff] = margin1(x, off, s);
        } else {
            margins(x, off, s, out, outOff);
        }
    }

    private IllegalArgumentException singleRowMisuse(float[] features, int count, String method) {
        if (count != 1) {
            return new IllegalArgumentException(method + "(float[]) needs a model with exactly one value per row,"
                    + " this one has " + count + "; use " + method + "(float[], float[])");
        }
        return new IllegalArgumentException("features has " + features.length + " values, the model needs "
                + numFeatures);
    }

    private IllegalArgumentException rowMisuse(float[] features, float[] out, int outCount) {
        return new IllegalArgumentException("features has " + features.length + " values (model needs "
                + numFeatures + "), out has " + out.length + " (needs " + outCount + ")");
    }

    private IllegalArgumentException batchMisuse(float[] rows, int nRows, float[] out, int outCount) {
        return new IllegalArgumentException("batch of " + nRows + " rows needs rows.length >= "
                + ((long) nRows * numFeatures) + " (is " + rows.length + ") and out.length >= "
                + ((long) nRows * outCount) + " (is " + out.length + ")");
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + info.format() + " " + info.objective() + ", features="
                + numFeatures + ", outputs=" + numOutputs + ", trees=" + info.numTrees() + ", id=" + info.shortId()
                + "]";
    }
}
