package dev.hotpath.bench.data;

import java.util.Locale;

/**
 * The benchmark models. Each is an XGBoost {@code binary:logistic} model trained with XGBoost4J on
 * {@link SyntheticFraudData} with the listed number of trees, maximum depth and features.
 *
 * <p>Immutable.
 */
public enum ModelSpec {
    /** 100 trees of depth 4 over 30 features. */
    SMALL(100, 4, 30, 10_000),
    /** 500 trees of depth 6 over 200 features, about 5 % NaN inputs: the headline model. */
    FRAUD(500, 6, 200, 30_000),
    /** 2,000 trees of depth 8 over 200 features. */
    LARGE(2000, 8, 200, 20_000);

    private final int trees;
    private final int depth;
    private final int features;
    private final int trainingRows;

    ModelSpec(int trees, int depth, int features, int trainingRows) {
        this.trees = trees;
        this.depth = depth;
        this.features = features;
        this.trainingRows = trainingRows;
    }

    /** @return boosting rounds (one tree each) */
    public int trees() {
        return trees;
    }

    /** @return XGBoost {@code max_depth} */
    public int depth() {
        return depth;
    }

    /** @return input width */
    public int features() {
        return features;
    }

    /** @return rows of synthetic training data */
    public int trainingRows() {
        return trainingRows;
    }

    /** @return the {@code @Param} value, e.g. {@code fraud} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param id a {@code @Param} value
     * @return the spec
     */
    public static ModelSpec of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
