package dev.hotpath.micrometer;

import dev.hotpath.scoring.scorer.FeatureFeed;
import dev.hotpath.scoring.scorer.FeedHealth;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;

/**
 * Binds anything that keeps a view fresh through the {@link FeatureFeed} SPI (the Kafka follower of the
 * feature-stream module, or a service's own pipeline) to a Micrometer registry: {@code hotpath.feed.live},
 * {@code hotpath.feed.lag.records} and {@code hotpath.feed.lag} (seconds), tagged {@code view}.
 *
 * <p><b>Extension point.</b> A feed with more to say (updates applied, rejected by reason, per-partition lag) adds
 * its own binder next to this one, under {@code hotpath.feed.*} with the same {@code view} tag and an
 * {@code outcome} tag for counters split by result (e.g. {@code hotpath.feed.updates{outcome=applied|stale|
 * malformed}}), so dashboards find every feed metric under one prefix.
 *
 * <p>Reading the meters is cold: one {@link FeatureFeed#feedHealth()} per {@code refresh} interval. Thread-safe.
 */
public final class FeatureFeedMeterBinder implements MeterBinder {
    private final FeatureFeed feed;
    private final long refreshNanos;

    /** @param feed the feed to observe; its view name is the {@code view} tag */
    public FeatureFeedMeterBinder(FeatureFeed feed) {
        this(feed, Duration.ofSeconds(1));
    }

    /**
     * @param feed the feed to observe
     * @param refresh how long one {@link FeatureFeed#feedHealth()} serves the meters (zero: every read samples)
     */
    public FeatureFeedMeterBinder(FeatureFeed feed, Duration refresh) {
        this.feed = Objects.requireNonNull(feed, "feed");
        this.refreshNanos = Meters.refreshNanos(refresh);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Tags tags = Tags.of("view", feed.viewName());
        Sampled<FeedHealth> s = new Sampled<>(feed::feedHealth, refreshNanos);
        Gauge.builder("hotpath.feed.live", s, Meters.safe(x -> x.get().live() ? 1 : 0)).tags(tags)
                .strongReference(true).description("1 while the feed says the view follows its source")
                .register(registry);
        Gauge.builder("hotpath.feed.lag.records", s, Meters.safe(x -> x.get().lagRecords() < 0 ? Double.NaN
                : x.get().lagRecords())).tags(tags).strongReference(true)
                .description("updates published but not applied yet; NaN when unknown").register(registry);
        Gauge.builder("hotpath.feed.lag", s, Meters.safe(x -> Meters.millisToSeconds(x.get().lagMillis())))
                .tags(tags).baseUnit("seconds").strongReference(true)
                .description("now minus the event time of the newest applied update; NaN when unknown")
                .register(registry);
    }
}
