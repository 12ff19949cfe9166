package dev.hotpath.scoring;

/**
 * How a model interprets one input column. All values are passed as {@code float}; the type only tells callers what
 * the model expects (for example, categorical codes are non-negative integers stored as floats).
 */
public enum FeatureType {
    /** A continuous numeric value (XGBoost {@code q} / {@code float}). */
    FLOAT,
    /** An integer-valued numeric feature (XGBoost {@code int}). */
    INTEGER,
    /** A 0/1 indicator (XGBoost {@code i}). */
    INDICATOR,
    /** A categorical code: a non-negative integer; negative or unseen codes follow the model's default rules. */
    CATEGORICAL;

    /**
     * Maps XGBoost's feature type codes.
     *
     * @param code one of {@code q}, {@code float}, {@code int}, {@code i}, {@code c}
     * @return the type, or {@code null} if the code is unknown
     */
    public static FeatureType fromXgboostCode(String code) {
        switch (code) {
            case "q":
            case "float":
                return FLOAT;
            case "int":
                return INTEGER;
            case "i":
                return INDICATOR;
            case "c":
                return CATEGORICAL;
            default:
                return null;
        }
    }
}
