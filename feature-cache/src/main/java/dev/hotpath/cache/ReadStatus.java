package dev.hotpath.cache;

/**
 * Outcome of one {@link FeatureReader#read(CharSequence, float[], int) feature read}. Whenever the status is not
 * {@link #PRESENT}, the reader has filled the destination with the view's per-feature defaults, so the caller can
 * always score; the status tells the model (or the metrics) how much to trust the values.
 *
 * <p>Thread-safe (an enum); returning a constant allocates nothing.
 */
public enum ReadStatus {
    /** The entity exists, matches the expected schema and is no older than the view's TTL. Values were copied. */
    PRESENT,
    /** The entity has no record in the current generation (or the id cannot exist, e.g. a non-numeric long id). */
    NOT_FOUND,
    /** The entity's event time is older than the view's TTL ({@code now - eventTime > ttl}). Defaults filled. */
    STALE,
    /**
     * The data's schema fingerprint differs from the definition the reader was opened with (the pipeline published
     * a new view definition, or a record was written under another schema). Defaults of the reader's definition
     * were filled.
     */
    SCHEMA_MISMATCH,
    /**
     * The entity's segment lock could not be taken within the reader's bounded budget: a writer held it too long,
     * or a process died while holding it. Defaults filled; the read never waits longer than the budget.
     */
    LOCK_TIMEOUT,
    /**
     * The reader is closed, the store failed unexpectedly, or the generation's file is damaged (e.g. truncated under
     * the mapping: the reader then serves this status until a valid generation is published). Counted in the
     * reader's stats; defaults filled.
     */
    UNAVAILABLE;

    /** Number of statuses; sizes per-status counter arrays. */
    static final int COUNT = values().length;
}
