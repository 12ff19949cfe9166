package dev.hotpath.micrometer;

import dev.hotpath.cache.FeatureReader;
import dev.hotpath.cache.ReaderStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Binds a {@link FeatureReader}'s view state to a Micrometer registry: the generation served, entries, capacity and
 * file size, the writer's heartbeat age, newest-write age and watermark lag, whether it serves, and its failures,
 * refresh errors and generation switches. Every meter carries the instance tag {@code view}.
 *
 * <p>Reads by status are not here: the {@code Scorer} counts every view read once, as
 * {@code hotpath.scorer.feature.reads} ({@link ScorerMeterBinder}).
 *
 * <p>Reading the meters is cold: one {@link FeatureReader#stats()} (which reads the view's meta record) per
 * {@code refresh} interval serves every meter of a scrape. Thread-safe.
 */
public final class FeatureReaderMeterBinder implements MeterBinder {
    private final FeatureReader reader;
    private final long refreshNanos;

    /** @param reader the reader to observe; its view name is the {@code view} tag */
    public FeatureReaderMeterBinder(FeatureReader reader) {
        this(reader, Duration.ofSeconds(1));
    }

    /**
     * @param reader the reader to observe
     * @param refresh how long one {@link FeatureReader#stats()} serves the meters (zero: every read samples)
     */
    public FeatureReaderMeterBinder(FeatureReader reader, Duration refresh) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.refreshNanos = Meters.refreshNanos(refresh);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Tags tags = Tags.of("view", reader.name());
        Sampled<ReaderStats> s = new Sampled<>(reader::stats, refreshNanos);
        // Strong: keeps the sampler (and the function counters below, which Micrometer references weakly) alive.
        Gauge.builder("hotpath.feature.serving", s, Meters.safe(x -> x.get().servingStatus() == null
                && !x.get().closed() ? 1 : 0)).tags(tags).strongReference(true)
                .description("1 while reads return the view's data, 0 while every read returns defaults (schema"
                        + " mismatch, closed)").register(registry);
        gauge(registry, "hotpath.feature.generation", s, tags, x -> x.get().generation(), null,
                "generation served (0 if none)");
        gauge(registry, "hotpath.feature.entries", s, tags, x -> nonNegative(x.get().entries()), null,
                "entities stored in the generation served");
        gauge(registry, "hotpath.feature.capacity", s, tags, x -> nonNegative(x.get().entriesCapacity()), null,
                "entities the generation was sized for");
        gauge(registry, "hotpath.feature.file.size", s, tags, x -> nonNegative(x.get().fileSizeBytes()), "bytes",
                "size of the generation's map file");
        gauge(registry, "hotpath.feature.heartbeat.age", s, tags,
                x -> Meters.millisToSeconds(x.get().heartbeatAgeMillis()), "seconds",
                "age of the writer's last heartbeat; NaN when unknown");
        gauge(registry, "hotpath.feature.newest.write.age", s, tags,
                x -> Meters.millisToSeconds(x.get().newestWriteAgeMillis()), "seconds",
                "age of the newest record write the writer reported; NaN when unknown");
        gauge(registry, "hotpath.feature.watermark.lag", s, tags,
                x -> Meters.millisToSeconds(x.get().watermarkLagMillis()), "seconds",
                "now minus the writer's event-time watermark; NaN when unknown");
        FunctionCounter.builder("hotpath.feature.read.errors", s, Meters.safe(x -> x.get().readErrors()))
                .tags(tags).description("reads that failed inside the store and returned defaults (UNAVAILABLE)")
                .register(registry);
        FunctionCounter.builder("hotpath.feature.refresh.errors", s, Meters.safe(x -> x.get().refreshErrors()))
                .tags(tags).description("failed checks for a new generation (the current one stays served)")
                .register(registry);
        FunctionCounter.builder("hotpath.feature.switches", s, Meters.safe(x -> x.get().switches())).tags(tags)
                .description("generation switches since the reader opened").register(registry);
    }

    private static void gauge(MeterRegistry registry, String name, Sampled<ReaderStats> s, Tags tags,
                              ToDoubleFunction<Sampled<ReaderStats>> f, String unit, String description) {
        Gauge.builder(name, s, Meters.safe(f)).tags(tags).baseUnit(unit).description(description).register(registry);
    }

    private static double nonNegative(long value) {
        return value < 0 ? Double.NaN : value;
    }
}
