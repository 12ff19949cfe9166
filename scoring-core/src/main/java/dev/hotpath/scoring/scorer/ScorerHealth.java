package dev.hotpath.scoring.scorer;

import java.util.List;
import java.util.Objects;

/**
 * A {@link Scorer}'s readiness: whether a service should receive traffic, with the reasons when not. See
 * {@link Scorer#health()} for the rules.
 *
 * <p>Immutable and thread-safe.
 *
 * @param ready whether every rule holds
 * @param primaryModelId the id of the model serving
 * @param primaryVersion its version (1, then +1 per swap)
 * @param parity which parity check the serving model passed
 * @param views each view's state and the bounds it was judged against, in builder order
 * @param problems why the scorer is not ready, one line each; empty when ready
 */
public record ScorerHealth(boolean ready, String primaryModelId, long primaryVersion, Parity parity,
                           List<View> views, List<String> problems) {

    /** Which golden-row check the serving model passed before it served. */
    public enum Parity {
        /** No check is configured ({@link Scorer.Builder#startupCheck} nor {@link Scorer.Builder#parityGate}). */
        NOT_CONFIGURED,
        /**
         * The first primary, served without a check: only swap candidates are checked
         * ({@link Scorer.Builder#parityGate} without {@link Scorer.Builder#startupCheck}).
         */
        NOT_CHECKED,
        /** The serving model reproduced the golden rows, at build time or when it was swapped in. */
        PASSED
    }

    /**
     * One view's state as judged by the scorer.
     *
     * @param health what the view reported ({@link FeatureSource#health()})
     * @param feed the attached feed's state ({@link Scorer.Builder#feed}), else the one the view reported, or null
     * @param maxHeartbeatAgeMillis the configured bound, {@code -1} when not checked
     * @param maxWatermarkLagMillis the configured bound, {@code -1} when not checked
     * @param ready whether this view passes every rule
     */
    public record View(ViewHealth health, FeedHealth feed, long maxHeartbeatAgeMillis, long maxWatermarkLagMillis,
                       boolean ready) {
    }

    /** Copies the lists. */
    public ScorerHealth {
        Objects.requireNonNull(parity, "parity");
        views = List.copyOf(views);
        problems = List.copyOf(problems);
    }

    /** @return {@code READY} or {@code NOT READY}, the primary, then one line per view and per problem */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(ready ? "READY" : "NOT READY").append(": primary '")
                .append(primaryModelId).append("' v").append(primaryVersion).append(", parity ").append(parity);
        for (View v : views) {
            ViewHealth h = v.health();
            sb.append("\n  view ").append(h.view()).append(v.ready() ? " ok" : " NOT READY")
                    .append(h.serving() ? ", serving" : ", not serving (" + h.problem() + ")")
                    .append(", heartbeat age ").append(age(h.heartbeatAgeMillis(), v.maxHeartbeatAgeMillis()))
                    .append(", watermark lag ").append(age(h.watermarkLagMillis(), v.maxWatermarkLagMillis()));
            FeedHealth f = v.feed();
            if (f != null) {
                sb.append(", feed ").append(f.source()).append(' ').append(f.state())
                        .append(f.live() ? " (live" : " (not live").append(", lag ").append(f.lagRecords())
                        .append(" records / ").append(f.lagMillis()).append(" ms)");
            }
        }
        for (String p : problems) {
            sb.append("\n  problem: ").append(p);
        }
        return sb.toString();
    }

    private static String age(long millis, long bound) {
        String value = millis < 0 ? "unknown" : millis + " ms";
        return bound < 0 ? value : value + " (max " + bound + " ms)";
    }
}
