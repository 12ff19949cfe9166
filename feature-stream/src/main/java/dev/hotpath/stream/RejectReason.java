package dev.hotpath.stream;

/**
 * Why a {@link FeatureStreamFollower} skipped a record. Every rejected record is counted by reason
 * ({@link FollowerStats#rejected(RejectReason)}), logged at a bounded rate with its topic, partition and offset, and
 * forwarded to the dead-letter topic if one is configured; the follower then goes on with the next record.
 *
 * <p>Thread-safe (an enum).
 */
public enum RejectReason {
    /** The record has no key, or the key is not an id of the view: empty, not UTF-8, longer than 4096 characters,
     *  starting with NUL (string views); not 8 bytes and not a decimal long, or {@link Long#MIN_VALUE} (long views). */
    BAD_KEY,
    /** A JSON update that is not valid JSON or not the update object (missing or non-integer
     *  {@code event_time_millis}, {@code features} not an object, a feature given twice). */
    MALFORMED_JSON,
    /** A binary update with a wrong length, unknown flags, or a version this follower does not read. */
    MALFORMED_BINARY,
    /** The update names a feature the view does not have. */
    UNKNOWN_FEATURE,
    /** The update was encoded for another view definition (binary fingerprint or JSON {@code "schema"} differs, or
     *  its feature count differs from the view's). */
    FINGERPRINT_MISMATCH,
    /** A feature value that is not a float: a string other than {@code "NaN"}, {@code "Infinity"},
     *  {@code "-Infinity"}, a boolean, an object, or a number outside the float range. */
    BAD_VALUE,
    /** A missing value (NaN) for a feature the follower is configured to require
     *  ({@link FollowerOptions.Builder#requireValues(java.util.Collection)}). */
    FORBIDDEN_NAN,
    /** The value is JSON but the follower accepts only binary updates, or the other way round. */
    WRONG_FORMAT
}
