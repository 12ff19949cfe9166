package dev.hotpath.stream;

/**
 * Where a {@link FeatureStreamFollower} starts ({@code hotpath cache follow --from}). Thread-safe (an enum).
 */
public enum StartPosition {
    /**
     * Resume from the positions stored in the view's directory by the last follower of this view, topic and
     * generation; bootstrap a new generation from the earliest offsets when there are none (a new host), when the
     * published generation is another schema or was published by someone else, or when the topic was recreated.
     * The default.
     */
    STORED,
    /** Always bootstrap a new generation from the earliest offsets (an explicit rebuild). */
    EARLIEST,
    /**
     * Skip what the topic holds now: follow only new updates, into the published generation (or a new, empty one
     * when there is none or it has another schema).
     */
    LATEST,
    /**
     * Start at given offsets ({@link FollowerOptions.Builder#offsets(java.util.Map)}): on top of a snapshot CSV taken at
     * those offsets ({@link FollowerOptions.Builder#snapshot(java.nio.file.Path)}), or on top of the published
     * generation when it was built at those offsets.
     */
    OFFSETS
}
