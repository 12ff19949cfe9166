package dev.hotpath.micrometer;

import dev.hotpath.scoring.scorer.FeatureStatus;
import dev.hotpath.scoring.scorer.MetricsSnapshot;
import dev.hotpath.scoring.scorer.Scorer;
import dev.hotpath.scoring.scorer.ScorerHealth;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;

/**
 * Binds a {@link Scorer}'s metrics and readiness to a Micrometer registry. Every meter carries the instance tag
 * {@code scorer}; the table of meters is in the module README.
 *
 * <ul>
 *   <li>Counters ({@code hotpath.scorer.requests}, {@code .feature.reads}, {@code .shadow.offers}, {@code .swaps})
 *       are the scorer's own cumulative counters, split by an {@code outcome} tag; {@code hotpath.scorer.explained}
 *       counts the requests whose reason codes were computed.</li>
 *   <li>{@code hotpath.scorer.latency} ({@code stage} tag) is a function timer over the timed requests (a random one
 *       in {@link Scorer.Builder#stageTimingEvery(int) n}); {@code hotpath.scorer.latency.percentile} ({@code stage},
 *       {@code quantile}) and {@code hotpath.scorer.latency.max} come from the HdrHistogram of the last
 *       {@code window} (one minute by default), so they follow the current traffic.</li>
 *   <li>{@code hotpath.scorer.ready} and the per-view readiness, heartbeat age and watermark lag gauges come from
 *       {@link Scorer#health()}; {@code hotpath.scorer.primary} ({@code model} tag) is 1 for the model serving, 0 for
 *       models that served before.</li>
 * </ul>
 *
 * <p>Reading the meters is cold: one {@link Scorer#metrics()} and one {@link Scorer#health()} per {@code refresh}
 * interval (one second by default) serve every meter of a scrape. Nothing is added to the request path.
 *
 * <p>Thread-safe. A binder may be bound to several registries; each binding samples independently.
 */
public final class ScorerMeterBinder implements MeterBinder {
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};
    private static final String[] STAGES = {"feature", "model", "explain", "shadow", "total"};
    private static final String REQUESTS = "requests scored by the primary model (scored) or answered with the"
            + " fallback score (fallback)";
    private static final String OFFERS = "requests offered to the shadow sink: accepted, or sampled out or dropped";
    private static final String SWAPS = "primary model swaps: done, or refused (binding or parity gate)";

    private final Scorer scorer;
    private final String name;
    private final long refreshNanos;
    private final long windowNanos;

    /**
     * @param scorer the scorer to observe
     * @param name its instance name, the value of the {@code scorer} tag (e.g. {@code fraud})
     */
    public ScorerMeterBinder(Scorer scorer, String name) {
        this(scorer, name, Duration.ofSeconds(1), Duration.ofMinutes(1));
    }

    /**
     * @param scorer the scorer to observe
     * @param name its instance name, the value of the {@code scorer} tag
     * @param refresh how long one sample of the scorer serves the meters (zero: every read samples)
     * @param window the span the latency percentiles and maximum cover
     */
    public ScorerMeterBinder(Scorer scorer, String name, Duration refresh, Duration window) {
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        this.name = Objects.requireNonNull(name, "name");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be > 0, was " + window);
        }
        this.refreshNanos = Meters.refreshNanos(refresh);
        this.windowNanos = window.toNanos();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Tags tags = Tags.of("scorer", name);
        State s = new State(scorer, refreshNanos, windowNanos, registry, tags);
        // Micrometer keeps weak references to the objects behind function meters; this gauge keeps the state alive
        // for as long as the registry holds it, whether or not the caller keeps this binder.
        Gauge.builder("hotpath.scorer.ready", s, Meters.safe(x -> x.health().ready() ? 1 : 0)).tags(tags)
                .description("1 when Scorer.health() is ready (primary serving, views serving and fresh, feeds"
                        + " live), else 0").strongReference(true).register(registry);

        counter(registry, "hotpath.scorer.requests", s, tags.and("outcome", "scored"),
                x -> x.latest().requests() - x.latest().fallbacks(), REQUESTS);
        counter(registry, "hotpath.scorer.requests", s, tags.and("outcome", "fallback"),
                x -> x.latest().fallbacks(), REQUESTS);
        counter(registry, "hotpath.scorer.shadow.offers", s, tags.and("outcome", "accepted"),
                x -> x.latest().shadowAccepted(), OFFERS);
        counter(registry, "hotpath.scorer.shadow.offers", s, tags.and("outcome", "not_accepted"),
                x -> x.latest().shadowNotAccepted(), OFFERS);
        counter(registry, "hotpath.scorer.explained", s, tags, x -> x.latest().explained(),
                "requests whose reason codes were computed (Scorer.Builder.reasons)");
        counter(registry, "hotpath.scorer.swaps", s, tags.and("outcome", "done"), x -> x.latest().swaps(), SWAPS);
        counter(registry, "hotpath.scorer.swaps", s, tags.and("outcome", "refused"),
                x -> x.latest().swapsRefused(), SWAPS);
        List<String> views = s.latest().viewNames();
        for (int v = 0; v < views.size(); v++) {
            int view = v;
            for (FeatureStatus st : FeatureStatus.values()) {
                counter(registry, "hotpath.scorer.feature.reads", s,
                        tags.and("view", views.get(v), "outcome", Meters.tagValue(st)),
                        x -> x.latest().statusCount(view, st), "feature view reads by status");
            }
            Tags viewTags = tags.and("view", views.get(v));
            Gauge.builder("hotpath.scorer.view.ready", s, Meters.safe(x -> x.health().views().get(view).ready()
                    ? 1 : 0)).tags(viewTags).description("1 when the view serves, is fresh and its feed is live")
                    .register(registry);
            Gauge.builder("hotpath.scorer.view.heartbeat.age", s, Meters.safe(x -> Meters.millisToSeconds(
                    x.health().views().get(view).health().heartbeatAgeMillis()))).tags(viewTags).baseUnit("seconds")
                    .description("age of the view writer's heartbeat; NaN when unknown").register(registry);
            Gauge.builder("hotpath.scorer.view.watermark.lag", s, Meters.safe(x -> Meters.millisToSeconds(
                    x.health().views().get(view).health().watermarkLagMillis()))).tags(viewTags).baseUnit("seconds")
                    .description("now minus the view writer's event-time watermark; NaN when unknown")
                    .register(registry);
        }
        for (int i = 0; i < STAGES.length; i++) {
            int stage = i;
            Tags stageTags = tags.and("stage", STAGES[i]);
            FunctionTimer.builder("hotpath.scorer.latency", s,
                    x -> stage(x.latest(), stage).getTotalCount(),
                    x -> {
                        Histogram h = stage(x.latest(), stage);
                        return h.getMean() * h.getTotalCount();
                    }, TimeUnit.NANOSECONDS).tags(stageTags)
                    .description("time per stage of the timed requests (a random sample; total time from the"
                            + " histogram, 1 % resolution)").register(registry);
            TimeGauge.builder("hotpath.scorer.latency.max", s, TimeUnit.NANOSECONDS,
                    Meters.safe(x -> valueOrNaN(stage(x.window(), stage), 100))).tags(stageTags)
                    .description("largest timed latency of the window").register(registry);
            for (double q : QUANTILES) {
                TimeGauge.builder("hotpath.scorer.latency.percentile", s, TimeUnit.NANOSECONDS,
                        Meters.safe(x -> valueOrNaN(stage(x.window(), stage), q * 100)))
                        .tags(stageTags.and("quantile", Double.toString(q)))
                        .description("latency percentile of the timed requests of the window").register(registry);
            }
        }
        Gauge.builder("hotpath.scorer.primary.version", s, Meters.safe(x -> x.health().primaryVersion()))
                .tags(tags).description("version of the primary model (1, then +1 per swap)").register(registry);
    }

    private static void counter(MeterRegistry registry, String meter, State s, Tags tags, ToLongFunction<State> f,
                                String description) {
        ToDoubleFunction<State> safe = Meters.safe(f::applyAsLong);
        FunctionCounter.builder(meter, s, safe).tags(tags).description(description).register(registry);
    }

    private static Histogram stage(MetricsSnapshot m, int stage) {
        switch (stage) {
            case 0:
                return m.featureLatency();
            case 1:
                return m.modelLatency();
            case 2:
                return m.explainLatency();
            case 3:
                return m.shadowLatency();
            default:
                return m.totalLatency();
        }
    }

    private static double valueOrNaN(Histogram h, double percentile) {
        if (h.getTotalCount() == 0) {
            return Double.NaN;
        }
        return percentile >= 100 ? h.getMaxValue() : h.getValueAtPercentile(percentile);
    }

    /** One binding's samples: the latest snapshot and health, and the snapshots that span the window. */
    private static final class State {
        private final Scorer scorer;
        private final long refreshNanos;
        private final long windowNanos;
        private final MeterRegistry registry;
        private final Tags tags;
        private final ArrayDeque<Sample> history = new ArrayDeque<>();
        private final Set<String> primaries = new HashSet<>();
        private MetricsSnapshot latest;
        private MetricsSnapshot window;
        private ScorerHealth health;
        private long takenAt;

        State(Scorer scorer, long refreshNanos, long windowNanos, MeterRegistry registry, Tags tags) {
            this.scorer = scorer;
            this.refreshNanos = refreshNanos;
            this.windowNanos = windowNanos;
            this.registry = registry;
            this.tags = tags;
            refresh(System.nanoTime());
        }

        synchronized MetricsSnapshot latest() {
            refreshIfDue();
            return latest;
        }

        synchronized MetricsSnapshot window() {
            refreshIfDue();
            return window;
        }

        synchronized ScorerHealth health() {
            refreshIfDue();
            return health;
        }

        private void refreshIfDue() {
            long now = System.nanoTime();
            if (now - takenAt >= refreshNanos) {
                refresh(now);
            }
        }

        private void refresh(long now) {
            latest = scorer.metrics();
            health = scorer.health();
            takenAt = now;
            history.addLast(new Sample(now, latest));
            // Keep one sample at or beyond the window's start as the base of the window's interval.
            while (history.size() > 2) {
                Sample first = history.removeFirst();
                if (now - history.peekFirst().nanos < windowNanos) {
                    history.addFirst(first);
                    break;
                }
            }
            window = latest.since(history.peekFirst().snapshot);
            registerPrimary(health.primaryModelId());
        }

        /** A gauge per model id that served, so a dashboard can tell which model served when. */
        private void registerPrimary(String modelId) {
            if (primaries.add(modelId)) {
                Gauge.builder("hotpath.scorer.primary", this, Meters.safe(x -> modelId.equals(
                        x.health().primaryModelId()) ? 1 : 0)).tags(tags.and("model", modelId))
                        .description("1 for the primary model serving now, 0 for models that served before")
                        .register(registry);
            }
        }
    }

    private record Sample(long nanos, MetricsSnapshot snapshot) {
    }
}
