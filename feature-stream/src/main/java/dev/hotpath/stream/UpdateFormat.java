package dev.hotpath.stream;

/**
 * Which update values a {@link FeatureStreamFollower} accepts ({@code hotpath cache follow --format}). A record in a
 * format that is not accepted is rejected with {@link RejectReason#WRONG_FORMAT}. Thread-safe (an enum).
 */
public enum UpdateFormat {
    /** Binary and JSON updates, told apart by the first byte (a binary update starts with 0xF5). The default. */
    AUTO,
    /** Binary updates only ({@link FeatureUpdates}). */
    BINARY,
    /** JSON updates only. */
    JSON
}
