package dev.hotpath.scoring.scorer;

/**
 * The outcome of reading one entity's features from a {@link FeatureSource}. Whenever the status is not
 * {@link #PRESENT}, the source has written the view's default values instead of the entity's.
 */
public enum FeatureStatus {
    /** The entity's current features were copied. */
    PRESENT,
    /** The entity is not in the view (or the request carried no id for it); defaults were written. */
    NOT_FOUND,
    /** The entity's features are older than the view's TTL; defaults were written. */
    STALE,
    /** The stored record was written under another schema; defaults were written. */
    SCHEMA_MISMATCH,
    /** The store's lock could not be taken within its bound (e.g. a crashed writer); defaults were written. */
    LOCK_TIMEOUT,
    /** The view could not be read at all (closed, not yet built); defaults were written. */
    UNAVAILABLE;

    private static final FeatureStatus[] VALUES = values();

    /**
     * @param ordinal an ordinal of this enum
     * @return the constant, without allocating (unlike {@code values()[i]})
     */
    public static FeatureStatus ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }
}
