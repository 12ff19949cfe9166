package dev.hotpath.spark;

import java.util.Locale;

import dev.hotpath.scoring.ConfigurationException;

/**
 * What an entry that a sparse {@code Vector} does not store means to the model. This is the choice behind a classic
 * offline/online mismatch: xgboost4j-spark feeds sparse vectors to XGBoost as sparse matrices, so unstored entries
 * are <em>missing</em> (they take each split's default branch), while the payment service that computed the same
 * features has a {@code 0.0} there, which is compared with the split threshold. Spark ML's own meaning of a sparse
 * vector is zeros ({@code VectorAssembler} drops zeros to save space, {@code toArray()} restores them), so
 * {@link #ZERO} is the default. An entry <em>stored</em> as {@code NaN} is missing under both choices, and a
 * {@code null} vector makes every feature missing.
 */
public enum SparseAbsent {
    /** An unstored entry is 0.0, as in the dense vector it stands for (the default). */
    ZERO,
    /** An unstored entry is missing ({@code NaN}), as xgboost4j-spark and LIBSVM files treat it. */
    MISSING;

    /**
     * @param name {@code zero} or {@code missing}, any case
     * @return the choice
     * @throws ConfigurationException if the name is neither
     */
    public static SparseAbsent parse(String name) {
        switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "zero":
                return ZERO;
            case "missing":
                return MISSING;
            default:
                throw new ConfigurationException("sparseAbsent must be 'zero' or 'missing', got '" + name + "'");
        }
    }

    /** @return the lower-case name used in params and docs */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
