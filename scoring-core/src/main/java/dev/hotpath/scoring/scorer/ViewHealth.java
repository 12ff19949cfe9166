package dev.hotpath.scoring.scorer;

import java.util.Objects;

/**
 * What a feature view reports about itself for {@link Scorer#health()}: whether it serves data at all, and how fresh
 * the data is by its writer's own clocks. A {@link FeatureSource} returns it from {@link FeatureSource#health()};
 * the scorer judges it against the bounds configured on {@link Scorer.Builder} (the source states facts, the
 * service decides what is fresh enough).
 *
 * <p>Immutable and thread-safe.
 *
 * @param view the view's name
 * @param serving whether reads can return the view's data (false when, e.g., the published schema differs from the
 *     one the reader is pinned to, or the reader is closed: every read then returns defaults)
 * @param problem why the view does not serve, or {@code null}
 * @param heartbeatAgeMillis milliseconds since the view's writer last said it is alive, {@code -1} if unknown (no
 *     writer heartbeat, or a source that does not track one)
 * @param watermarkLagMillis now minus the writer's event-time watermark (every update with an older event time has
 *     been applied), {@code -1} if unknown
 * @param feed the state of the process that keeps the view fresh when the source knows it, or {@code null}; an
 *     in-process feed can also be attached with {@link Scorer.Builder#feed(FeatureFeed)}
 */
public record ViewHealth(String view, boolean serving, String problem, long heartbeatAgeMillis,
                         long watermarkLagMillis, FeedHealth feed) {

    /**
     * @throws NullPointerException if {@code view} is null
     * @throws IllegalArgumentException if a view that does not serve gives no problem
     */
    public ViewHealth {
        Objects.requireNonNull(view, "view");
        if (!serving && problem == null) {
            throw new IllegalArgumentException("view " + view + ": say why it does not serve");
        }
    }

    /**
     * @param view the view's name
     * @return a serving view whose freshness is unknown: what a source that tracks nothing reports
     */
    public static ViewHealth unknownFreshness(String view) {
        return new ViewHealth(view, true, null, -1, -1, null);
    }
}
