package dev.hotpath.scoring.scorer;

/**
 * What keeps one feature view fresh in this process, such as a Kafka follower writing a topic into the view: the
 * extension point through which it takes part in {@link Scorer#health()} without scoring-core knowing about it.
 * Attach it with {@link Scorer.Builder#feed(FeatureFeed)}; the scorer is not ready while the feed is not live.
 *
 * <p><b>Contract for implementations:</b> both methods are cold (called by health checks, from any thread); they must
 * be thread-safe, must not block for long and should not throw (a throw reads as "not live").
 */
public interface FeatureFeed {

    /** @return the name of the view this feed writes (a view of the scorer it is attached to) */
    String viewName();

    /** @return the feed's state now */
    FeedHealth feedHealth();
}
