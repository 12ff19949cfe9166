package dev.hotpath.shadow.xgboost;

import dev.hotpath.scoring.ModelInfo;
import dev.hotpath.shadow.testing.TestModels;
import java.util.Arrays;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Adapts a real XGBoost4J {@link Booster} (binary:logistic) to our {@code Model} interface for tests, scoring each
 * row with XGBoost's own {@code inplace_predict}. Allocates per call, which is fine off the request thread. Like
 * every {@link TestModels.SingleOutputModel}, its "margin" methods return the probability: no shadow test reads a
 * margin.
 */
final class BoosterModel extends TestModels.SingleOutputModel {
    private final Booster booster;
    private final int n;
    private final String name;

    BoosterModel(Booster booster, int n, String name) {
        super(n, name);
        this.booster = booster;
        this.n = n;
        this.name = name;
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo("xgboost4j", "3.4.0", "binary:logistic", "gbtree", 0, 0, "", name, Map.of());
    }

    /** Serialised: a Booster is not documented as safe for concurrent predictions. */
    @Override
    protected synchronized float compute(float[] features) {
        try {
            return booster.inplace_predict(Arrays.copyOf(features, n), 1, n, Float.NaN)[0][0];
        } catch (XGBoostError e) {
            throw new IllegalStateException(e);
        }
    }
}
