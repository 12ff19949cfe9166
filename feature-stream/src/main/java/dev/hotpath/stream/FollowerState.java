package dev.hotpath.stream;

/**
 * The life cycle of a {@link FeatureStreamFollower}, as {@link FollowerStats#state()} reports it. Thread-safe (an
 * enum).
 *
 * <pre>
 * STARTING -&gt; BOOTSTRAPPING -&gt; CATCHING_UP &lt;-&gt; LIVE -&gt; STOPPED
 *                  ^                  |
 *                  +------------------+  (rebuild: topic recreated, offsets out of range, view full, ...)
 * </pre>
 */
public enum FollowerState {
    /** Connecting and deciding where to start. Readers see whatever generation was published before. */
    STARTING,
    /** Building a new generation from the topic (or a snapshot); readers keep reading the previous one. */
    BOOTSTRAPPING,
    /** Following the topic, but not known to be within the live threshold of its end (lagging, or the broker is
     *  unreachable). Readers see the follower's generation, possibly stale. */
    CATCHING_UP,
    /** Following the topic, confirmed within the live threshold of its end. */
    LIVE,
    /** Closed; positions stored. */
    STOPPED,
    /** Gave up (see {@link FollowerStats#lastError()}): e.g. the topic was recreated and automatic re-bootstrap is
     *  off. Readers keep the last state. */
    FAILED;

    /** @return whether the follower is following the topic ({@link #CATCHING_UP} or {@link #LIVE}) */
    public boolean isFollowing() {
        return this == CATCHING_UP || this == LIVE;
    }
}
