package dev.hotpath.micrometer;

import dev.hotpath.stream.FeatureStreamFollower;
import dev.hotpath.stream.FollowerState;
import dev.hotpath.stream.FollowerStats;
import dev.hotpath.stream.RejectReason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Binds a Kafka {@link FeatureStreamFollower} (module {@code hotpath-feature-stream}) to a Micrometer registry: the
 * {@link FeatureFeedMeterBinder} meters every feed has ({@code hotpath.feed.live}, {@code hotpath.feed.lag.records},
 * {@code hotpath.feed.lag}), plus what only the follower knows: its state, the freshness lag that decides whether it
 * is live, the generation it writes, updates applied / skipped as older / deleted, records rejected by reason,
 * dead-lettered records, recovered errors and bootstraps. Every meter carries the instance tag {@code view}.
 *
 * <p>Reading the meters is cold and cheap: the follower's {@link FollowerStats} getters read its counters directly
 * (they allocate nothing), so there is no sampling interval except for the three {@link FeatureFeedMeterBinder}
 * meters. Thread-safe.
 */
public final class FeatureStreamFollowerMeterBinder implements MeterBinder {
    private final FeatureStreamFollower follower;
    private final Duration refresh;

    /** @param follower the follower to observe; its view name is the {@code view} tag */
    public FeatureStreamFollowerMeterBinder(FeatureStreamFollower follower) {
        this(follower, Duration.ofSeconds(1));
    }

    /**
     * @param follower the follower to observe
     * @param refresh how long one {@link FeatureStreamFollower#feedHealth()} serves the {@link FeatureFeedMeterBinder}
     *     meters (zero: every read samples)
     */
    public FeatureStreamFollowerMeterBinder(FeatureStreamFollower follower, Duration refresh) {
        this.follower = Objects.requireNonNull(follower, "follower");
        Meters.refreshNanos(refresh);
        this.refresh = refresh;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        new FeatureFeedMeterBinder(follower, refresh).bindTo(registry);
        FollowerStats stats = follower.stats();
        Tags tags = Tags.of("view", follower.viewName());
        // Strong: keeps the stats alive for the function counters below, which Micrometer references weakly.
        Gauge.builder("hotpath.feed.freshness.lag", stats, Meters.safe(s -> Meters.millisToSeconds(
                        s.freshnessLagMillis()))).tags(tags).baseUnit("seconds").strongReference(true)
                .description("now minus the last time the follower had applied everything the topic held (it"
                        + " decides LIVE); NaN when unknown").register(registry);
        Gauge.builder("hotpath.feed.live.threshold", stats, s -> s.liveThresholdMillis() / 1e3).tags(tags)
                .baseUnit("seconds").description("the freshness lag up to which the follower is live")
                .register(registry);
        Gauge.builder("hotpath.feed.generation", stats, Meters.safe(s -> s.generation() < 0 ? Double.NaN
                        : s.generation())).tags(tags)
                .description("generation the follower writes (being built while bootstrapping); NaN before it has"
                        + " one").register(registry);
        for (FollowerState state : FollowerState.values()) {
            Gauge.builder("hotpath.feed.state", stats, Meters.safe(s -> s.state() == state ? 1 : 0)).tags(tags)
                    .tag("state", Meters.tagValue(state))
                    .description("1 for the follower's state now, 0 for the others").register(registry);
        }
        counter(registry, "hotpath.feed.updates", stats, tags.and("outcome", "applied"), FollowerStats::applied,
                "updates written to the view");
        counter(registry, "hotpath.feed.updates", stats, tags.and("outcome", "skipped_older"),
                FollowerStats::skippedOlder, "updates dropped: the stored record has a newer event time");
        counter(registry, "hotpath.feed.updates", stats, tags.and("outcome", "deleted"), FollowerStats::deleted,
                "tombstones that deleted an entity");
        for (RejectReason reason : RejectReason.values()) {
            counter(registry, "hotpath.feed.rejected", stats, tags.and("outcome", Meters.tagValue(reason)),
                    s -> s.rejected(reason), "records skipped as bad, by reason");
        }
        counter(registry, "hotpath.feed.dead.letters", stats, tags.and("outcome", "delivered"),
                FollowerStats::deadLettered, "rejected records forwarded to the dead-letter topic");
        counter(registry, "hotpath.feed.dead.letters", stats, tags.and("outcome", "failed"),
                FollowerStats::deadLetterFailures, "rejected records the dead-letter producer failed to deliver");
        counter(registry, "hotpath.feed.errors", stats, tags, FollowerStats::errors,
                "errors the follower recovered from (broker unreachable, failed probes, retries)");
        counter(registry, "hotpath.feed.bootstraps", stats, tags, FollowerStats::bootstraps,
                "bootstraps completed (initial, rebuilds, re-bootstraps)");
    }

    private static void counter(MeterRegistry registry, String name, FollowerStats stats, Tags tags,
                                ToDoubleFunction<FollowerStats> f, String description) {
        FunctionCounter.builder(name, stats, Meters.safe(f)).tags(tags).description(description).register(registry);
    }
}
