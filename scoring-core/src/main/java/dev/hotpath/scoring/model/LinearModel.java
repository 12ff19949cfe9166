package dev.hotpath.scoring.model;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelInfo;
import dev.hotpath.scoring.ModelLimits;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A linear model ({@code gblinear}): for each output group g,
 * {@code m_g = (bias_g + baseMargin) + Σ x_f · w[f·G + g]} over the present (non-NaN) features in ascending order,
 * all in float32 — XGBoost's exact summation order, so margins are bit-identical.
 *
 * <p><b>Thread-safety:</b> immutable; all methods may be called concurrently. <b>Allocation:</b> none after a
 * thread's first call.
 */
public final class LinearModel extends BaseModel {
    private final float[] weights; // (numFeatures + 1) * G; the last G are the biases
    private final float baseMargin;

    private LinearModel(Builder b, List<String> names, List<FeatureType> types, ModelInfo info) {
        super(b.numFeatures, b.numMargins, b.transform, names, b.featureNames != null && !b.featureNames.isEmpty(),
                types, info, 0);
        this.weights = b.weights;
        this.baseMargin = b.baseMargin;
    }

    /**
     * Starts building a linear model.
     *
     * @param numFeatures the width of an input row
     * @param numMargins the number of output groups G
     * @return a new builder
     */
    public static Builder builder(int numFeatures, int numMargins) {
        return new Builder(numFeatures, numMargins);
    }

    @Override
    float margin1(float[] x, int off, Scratch s) {
        float m = weights[numFeatures] + baseMargin;
        for (int f = 0; f < numFeatures; f++) {
            float v = x[off + f];
            if (v == v) {
                m += v * weights[f];
            }
        }
        return m;
    }

    @Override
    void margins(float[] x, int off, Scratch s, float[] m, int mOff) {
        int g = numMargins;
        for (int k = 0; k < g; k++) {
            float acc = weights[numFeatures * g + k] + baseMargin;
            for (int f = 0; f < numFeatures; f++) {
                float v = x[off + f];
                if (v == v) {
                    acc += v * weights[f * g + k];
                }
            }
            m[mOff + k] = acc;
        }
    }

    /** Builds a {@link LinearModel}; validates eagerly. Not thread-safe. */
    public static final class Builder {
        private final int numFeatures;
        private final int numMargins;
        private String source = "<in-memory>";
        private ModelLimits limits = ModelLimits.defaults();
        private OutputTransform transform = OutputTransform.IDENTITY;
        private float[] weights;
        private float baseMargin;
        private List<String> featureNames;
        private List<FeatureType> featureTypes;
        private ModelInfo info;

        private Builder(int numFeatures, int numMargins) {
            if (numFeatures < 0 || numMargins < 1) {
                throw new ConfigurationException("need numFeatures >= 0 and numMargins >= 1, got " + numFeatures
                        + " and " + numMargins);
            }
            this.numFeatures = numFeatures;
            this.numMargins = numMargins;
        }

        /** @param sourceName used in error messages @return this builder */
        public Builder source(String sourceName) {
            this.source = sourceName == null ? "<in-memory>" : sourceName;
            return this;
        }

        /** @param limits size limits @return this builder */
        public Builder limits(ModelLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** @param transform output transform @return this builder */
        public Builder transform(OutputTransform transform) {
            this.transform = Objects.requireNonNull(transform, "transform");
            return this;
        }

        /** @param baseMargin0 the base margin added to every group (XGBoost uses only the first) @return this */
        public Builder baseMargin(float baseMargin0) {
            this.baseMargin = baseMargin0;
            return this;
        }

        /**
         * @param weights {@code (numFeatures + 1) * G} floats: feature f's weight for group g at {@code f*G + g},
         *     group g's bias at {@code numFeatures*G + g}
         * @return this builder
         */
        public Builder weights(float[] weights) {
            long expected = (long) (numFeatures + 1) * numMargins;
            if (weights == null || weights.length != expected) {
                throw new ModelFormatException(source, "weights", "expected (num_feature + 1) * groups = "
                        + expected + " weights, found " + (weights == null ? "none" : weights.length));
            }
            this.weights = weights.clone();
            return this;
        }

        /** @param names feature names or null @return this builder */
        public Builder featureNames(List<String> names) {
            this.featureNames = names;
            return this;
        }

        /** @param types feature types or null @return this builder */
        public Builder featureTypes(List<FeatureType> types) {
            this.featureTypes = types;
            return this;
        }

        /** @param info descriptive facts @return this builder */
        public Builder info(ModelInfo info) {
            this.info = info;
            return this;
        }

        /** @return the immutable model */
        public LinearModel build() {
            if (numFeatures > limits.maxFeatures() || numMargins > limits.maxOutputs()) {
                throw new ModelFormatException(source, "num_feature",
                        "model exceeds ModelLimits: " + numFeatures + " features, " + numMargins + " outputs");
            }
            if (weights == null) {
                throw new ModelFormatException(source, "weights", "a linear model needs weights");
            }
            ModelInfo base = info != null ? info
                    : new ModelInfo("in-memory", "", "", "gblinear", 0, 0, "", "", Map.of());
            ModelInfo finalInfo = new ModelInfo(base.format(), base.formatVersion(), base.objective(),
                    base.booster(), 0, 0, base.checksum(), base.source(), base.properties());
            return new LinearModel(this, ModelSupport.featureNames(featureNames, numFeatures, source),
                    ModelSupport.featureTypes(featureTypes, numFeatures, source), finalInfo);
        }
    }
}
