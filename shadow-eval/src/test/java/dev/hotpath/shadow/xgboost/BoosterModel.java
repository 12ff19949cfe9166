package dev.hotpath.shadow.xgboost;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;

import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelInfo;

/**
 * Adapts a real XGBoost4J {@link Booster} (binary:logistic) to our {@link Model} interface for tests, scoring each
 * row with XGBoost's own {@code inplace_predict}. Allocates per call, which is fine off the request thread.
 */
final class BoosterModel implements Model {
    private final Booster booster;
    private final int n;
    private final String name;

    BoosterModel(Booster booster, int n, String name) {
        this.booster = booster;
        this.n = n;
        this.name = name;
    }

    @Override
    public int numFeatures() {
        return n;
    }

    @Override
    public int numOutputs() {
        return 1;
    }

    @Override
    public int numMarginOutputs() {
        return 1;
    }

    @Override
    public List<String> featureNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("f" + i);
        }
        return Collections.unmodifiableList(names);
    }

    @Override
    public boolean hasFeatureNames() {
        return false;
    }

    @Override
    public List<FeatureType> featureTypes() {
        return Collections.nCopies(n, FeatureType.FLOAT);
    }

    @Override
    public List<String> outputNames() {
        return List.of("score");
    }

    @Override
    public List<String> marginOutputNames() {
        return List.of("margin");
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo("xgboost4j", "3.4.0", "binary:logistic", "gbtree", 0, 0, "", name, Map.of());
    }

    @Override
    public synchronized float score(float[] features) {
        try {
            return booster.inplace_predict(java.util.Arrays.copyOf(features, n), 1, n, Float.NaN)[0][0];
        } catch (XGBoostError e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void score(float[] features, float[] out) {
        out[0] = score(features);
    }

    @Override
    public float scoreMargin(float[] features) {
        throw new UnsupportedOperationException("not needed by the shadow tests");
    }

    @Override
    public void scoreMargin(float[] features, float[] out) {
        throw new UnsupportedOperationException("not needed by the shadow tests");
    }

    @Override
    public void score(float[] rows, int nRows, float[] out) {
        float[] row = new float[n];
        for (int r = 0; r < nRows; r++) {
            System.arraycopy(rows, r * n, row, 0, n);
            out[r] = score(row);
        }
    }

    @Override
    public void scoreMargin(float[] rows, int nRows, float[] out) {
        throw new UnsupportedOperationException("not needed by the shadow tests");
    }
}
