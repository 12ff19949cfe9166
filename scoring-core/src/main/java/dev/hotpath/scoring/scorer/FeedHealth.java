package dev.hotpath.scoring.scorer;

import java.util.Objects;

/**
 * The state of what keeps a feature view fresh, such as a Kafka follower applying a topic to the view: whether it
 * is live (caught up and applying) and how far behind it is. Reported by a {@link FeatureFeed} (or inside a
 * {@link ViewHealth}); {@link Scorer#health()} is not ready while a view's feed is not live.
 *
 * <p>Immutable and thread-safe.
 *
 * @param source what feeds the view, for people (e.g. {@code kafka:card-features})
 * @param state the feed's own state name (e.g. {@code BOOTSTRAPPING}, {@code CATCHING_UP}, {@code LIVE})
 * @param live whether the view can be trusted to follow its source now (the feed decides, e.g. lag under its
 *     threshold)
 * @param lagRecords updates published but not applied yet, {@code -1} if unknown
 * @param lagMillis now minus the event time of the newest applied update, {@code -1} if unknown
 * @param problem why the feed is not live, or {@code null}
 */
public record FeedHealth(String source, String state, boolean live, long lagRecords, long lagMillis,
                         String problem) {

    /**
     * @throws NullPointerException if {@code source} or {@code state} is null
     * @throws IllegalArgumentException if a feed that is not live gives no problem
     */
    public FeedHealth {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(state, "state");
        if (!live && problem == null) {
            throw new IllegalArgumentException("feed " + source + ": say why it is not live");
        }
    }
}
