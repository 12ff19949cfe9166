package dev.hotpath.micrometer;

import dev.hotpath.shadow.ShadowEvaluator;
import dev.hotpath.shadow.ShadowModelStats;
import dev.hotpath.shadow.ShadowStats;
import dev.hotpath.shadow.log.ShadowLogFormat;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Binds a {@link ShadowEvaluator} to a Micrometer registry through its public stats ({@link ShadowEvaluator#stats()})
 * and its log directory: offers by outcome (accepted, sampled out, dropped because the intake ring was full,
 * rejected, lost), per shadow model the calls by outcome, the requests it dropped by reason and its latency, and the
 * log's records, bytes and segments. Every meter carries the instance tag {@code evaluator}; per-shadow meters also
 * {@code shadow} (registered when a shadow first appears, e.g. after a promotion).
 *
 * <p>Reading the meters is cold: one {@code stats()} and one listing of the log directory per {@code refresh}
 * interval serve every meter of a scrape. Thread-safe.
 */
public final class ShadowEvaluatorMeterBinder implements MeterBinder {
    private final ShadowEvaluator evaluator;
    private final String name;
    private final long refreshNanos;

    /**
     * @param evaluator the evaluator to observe
     * @param name its instance name, the value of the {@code evaluator} tag
     */
    public ShadowEvaluatorMeterBinder(ShadowEvaluator evaluator, String name) {
        this(evaluator, name, Duration.ofSeconds(1));
    }

    /**
     * @param evaluator the evaluator to observe
     * @param name its instance name, the value of the {@code evaluator} tag
     * @param refresh how long one sample serves the meters (zero: every read samples)
     */
    public ShadowEvaluatorMeterBinder(ShadowEvaluator evaluator, String name, Duration refresh) {
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
        this.name = Objects.requireNonNull(name, "name");
        this.refreshNanos = Meters.refreshNanos(refresh);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        State s = new State(evaluator, refreshNanos, registry, Tags.of("evaluator", name));
        Tags tags = s.tags;
        // Strong: keeps the state (and the function meters below, which Micrometer references weakly) alive.
        Gauge.builder("hotpath.shadow.models", s, Meters.safe(x -> x.stats().shadows().size())).tags(tags)
                .strongReference(true).description("shadow models configured").register(registry);
        offers(registry, s, "accepted", ShadowStats::accepted);
        offers(registry, s, "sampled_out", ShadowStats::sampledOut);
        offers(registry, s, "dropped_ring_full", ShadowStats::droppedRingFull);
        offers(registry, s, "rejected_invalid", ShadowStats::rejectedInvalid);
        offers(registry, s, "rejected_closed", ShadowStats::rejectedClosed);
        offers(registry, s, "producer_error", ShadowStats::producerErrors);
        counter(registry, s, "hotpath.shadow.dispatched", tags, ShadowStats::dispatched,
                "requests taken off the intake ring for the shadows");
        counter(registry, s, "hotpath.shadow.features", tags.and("outcome", "captured"),
                ShadowStats::featuresCaptured, "feature rows for replay, captured or dropped (records ring full)");
        counter(registry, s, "hotpath.shadow.features", tags.and("outcome", "dropped"),
                ShadowStats::featuresDropped, "feature rows for replay, captured or dropped (records ring full)");
        counter(registry, s, "hotpath.shadow.log.records", tags.and("outcome", "written"),
                ShadowStats::recordsWritten, "shadow log records, written or dropped (I/O errors, low disk)");
        counter(registry, s, "hotpath.shadow.log.records", tags.and("outcome", "dropped_io"),
                ShadowStats::recordsDroppedIo, "shadow log records, written or dropped (I/O errors, low disk)");
        counter(registry, s, "hotpath.shadow.errors", tags.and("outcome", "io"), ShadowStats::ioErrors,
                "errors: io (seen by the log writer), agent (caught at an agent's loop boundary)");
        counter(registry, s, "hotpath.shadow.errors", tags.and("outcome", "agent"), ShadowStats::agentErrors,
                "errors: io (seen by the log writer), agent (caught at an agent's loop boundary)");
        Gauge.builder("hotpath.shadow.log.size", s, Meters.safe(x -> x.log().bytes)).tags(tags).baseUnit("bytes")
                .description("bytes of shadow log segments on disk").register(registry);
        Gauge.builder("hotpath.shadow.log.segments", s, Meters.safe(x -> x.log().segments)).tags(tags)
                .description("shadow log segments on disk (closed and being written)").register(registry);
        s.stats(); // registers the shadows configured now
    }

    private static void offers(MeterRegistry registry, State s, String outcome, ToLongFunction<ShadowStats> f) {
        counter(registry, s, "hotpath.shadow.offers", s.tags.and("outcome", outcome), f,
                "requests offered by the scorer, by outcome");
    }

    private static void counter(MeterRegistry registry, State s, String meter, Tags tags,
                                ToLongFunction<ShadowStats> f, String description) {
        FunctionCounter.builder(meter, s, Meters.safe(x -> f.applyAsLong(x.stats()))).tags(tags)
                .description(description).register(registry);
    }

    /** Bytes and count of the log's segment files. */
    private record LogFiles(long bytes, long segments) {
    }

    /** One binding's samples, and the shadows it has registered meters for. */
    private static final class State {
        final Tags tags;
        private final ShadowEvaluator evaluator;
        private final MeterRegistry registry;
        private final Sampled<ShadowStats> stats;
        private final Sampled<LogFiles> log;
        /** Guarded by this: each shadow's latest stats, kept after it is removed so its counters stay put. */
        private final Map<String, ShadowModelStats> shadows = new HashMap<>();

        State(ShadowEvaluator evaluator, long refreshNanos, MeterRegistry registry, Tags tags) {
            this.evaluator = evaluator;
            this.registry = registry;
            this.tags = tags;
            this.stats = new Sampled<>(evaluator::stats, refreshNanos);
            this.log = new Sampled<>(this::listLog, refreshNanos);
        }

        synchronized ShadowStats stats() {
            ShadowStats s = stats.get();
            for (ShadowModelStats m : s.shadows()) {
                if (shadows.put(m.name(), m) == null) {
                    register(m.name());
                }
            }
            return s;
        }

        LogFiles log() {
            return log.get();
        }

        private LogFiles listLog() {
            long bytes = 0;
            long segments = 0;
            try (Stream<Path> files = Files.list(evaluator.logDirectory())) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    String n = p.getFileName().toString();
                    if (n.endsWith(ShadowLogFormat.SEGMENT_SUFFIX) || n.endsWith(ShadowLogFormat.PART_SUFFIX)) {
                        segments++;
                        bytes += Files.size(p);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e); // the gauges read NaN
            }
            return new LogFiles(bytes, segments);
        }

        private static final String DROPPED = "requests the shadow did not score or record, by reason (backlog: its"
                + " queue was full, it is behind; breaker_open; writer_full: its record was dropped)";

        /** Registers the meters of a shadow seen for the first time (a promotion adds one). */
        private void register(String shadow) {
            Tags t = tags.and("shadow", shadow);
            model(t.and("outcome", "scored"), "hotpath.shadow.model.calls", shadow, ShadowModelStats::scored,
                    "calls of the shadow model, by outcome");
            model(t.and("outcome", "error"), "hotpath.shadow.model.calls", shadow, ShadowModelStats::errors,
                    "calls of the shadow model, by outcome");
            model(t.and("outcome", "nan_output"), "hotpath.shadow.model.calls", shadow,
                    ShadowModelStats::nanOutputs, "calls of the shadow model, by outcome");
            model(t.and("outcome", "backlog"), "hotpath.shadow.model.dropped", shadow,
                    ShadowModelStats::droppedBacklog, DROPPED);
            model(t.and("outcome", "breaker_open"), "hotpath.shadow.model.dropped", shadow,
                    ShadowModelStats::skippedBreakerOpen, DROPPED);
            model(t.and("outcome", "writer_full"), "hotpath.shadow.model.dropped", shadow,
                    ShadowModelStats::droppedWriterFull, DROPPED);
            model(t, "hotpath.shadow.model.over.budget", shadow, ShadowModelStats::overBudget,
                    "calls over the latency budget");
            model(t, "hotpath.shadow.model.breaker.trips", shadow, ShadowModelStats::breakerTrips,
                    "times the circuit breaker opened");
            Gauge.builder("hotpath.shadow.model.breaker.open", this, Meters.safe(x -> {
                ShadowModelStats st = x.find(shadow);
                return st == null ? Double.NaN : st.breakerOpen() ? 1 : 0;
            })).tags(t).description("1 while the shadow's circuit breaker is open").register(registry);
            FunctionTimer.builder("hotpath.shadow.model.latency", this,
                    x -> latency(x.find(shadow)).getTotalCount(),
                    x -> {
                        Histogram h = latency(x.find(shadow));
                        return h.getMean() * h.getTotalCount();
                    }, TimeUnit.NANOSECONDS).tags(t).description("time per shadow model call")
                    .register(registry);
        }

        private void model(Tags t, String meter, String shadow, ToLongFunction<ShadowModelStats> f,
                           String description) {
            FunctionCounter.builder(meter, this, Meters.safe(x -> {
                ShadowModelStats st = x.find(shadow);
                return st == null ? Double.NaN : f.applyAsLong(st);
            })).tags(t).description(description).register(registry);
        }

        private synchronized ShadowModelStats find(String shadow) {
            stats();
            return shadows.get(shadow);
        }

        private static Histogram latency(ShadowModelStats m) {
            return m == null ? EMPTY : m.latencyNanos();
        }

        private static final Histogram EMPTY = new Histogram(3);
    }
}
