package dev.hotpath.cache;

/**
 * What {@link FeatureWriter#merge(CharSequence, long, float[], int, long[])} did with an update (last writer wins by
 * event time). Thread-safe (an enum).
 */
public enum MergeOutcome {
    /** The entity was new; its record was inserted. */
    INSERTED,
    /** The entity's record was replaced (or merged with the update, for a partial update). */
    UPDATED,
    /** Nothing was written: the stored record has a newer event time than the update. */
    SKIPPED_OLDER
}
