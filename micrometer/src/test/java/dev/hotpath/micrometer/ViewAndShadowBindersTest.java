package dev.hotpath.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.cache.FeatureReader;
import dev.hotpath.cache.FeatureView;
import dev.hotpath.cache.FeatureWriter;
import dev.hotpath.cache.KeyKind;
import dev.hotpath.cache.ReaderOptions;
import dev.hotpath.cache.WriterOptions;
import dev.hotpath.scoring.scorer.ScoreResult;
import dev.hotpath.scoring.scorer.Scorer;
import dev.hotpath.shadow.ShadowEvaluator;
import dev.hotpath.shadow.ShadowModelConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feature-view and shadow-evaluator binders against real Chronicle views and a started evaluator. */
class ViewAndShadowBindersTest {
    private static final List<String> FEATURES = List.of("amount");

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);

    private static FeatureView view(int features) {
        FeatureView.Builder b = FeatureView.builder("card").keyKind(KeyKind.STRING).ttl(Duration.ofHours(1));
        for (int i = 0; i < features; i++) {
            b.feature("f" + i);
        }
        return b.build();
    }

    @Test
    void shouldReportTheViewsGenerationFreshnessAndServingState() {
        AtomicLong now = new AtomicLong(1_700_000_000_000L);
        WriterOptions wo = WriterOptions.builder().heartbeatInterval(Duration.ZERO).clock(now::get).build();
        ReaderOptions ro = ReaderOptions.builder().refreshInterval(Duration.ZERO).clock(now::get).build();
        FeatureView v1 = view(1);
        try (FeatureWriter w = FeatureWriter.createGeneration(dir, v1, 100, wo)) {
            w.upsert("c1", now.get(), new float[] {1f}, 0);
            w.publish();
            w.setWatermark(now.get() - 60_000);
            w.heartbeat();
        }
        FeatureReader reader = FeatureReader.open(dir, v1, ro);
        try {
            new FeatureReaderMeterBinder(reader, Duration.ZERO).bindTo(registry);
            now.addAndGet(3_000);
            assertEquals(1, meters.gauge("hotpath.feature.serving", "view", "card"));
            assertEquals(1, meters.gauge("hotpath.feature.generation", "view", "card"));
            assertEquals(1, meters.gauge("hotpath.feature.entries", "view", "card"));
            assertEquals(3.0, meters.gauge("hotpath.feature.heartbeat.age", "view", "card"));
            assertEquals(63.0, meters.gauge("hotpath.feature.watermark.lag", "view", "card"));
            assertEquals(0, meters.counter("hotpath.feature.switches", "view", "card"));

            // A new generation under another schema: the pinned reader switches to it and stops serving.
            try (FeatureWriter w = FeatureWriter.createGeneration(dir, view(2), 100, wo)) {
                w.publish();
            }
            assertTrue(reader.refresh());
            assertEquals(1, meters.counter("hotpath.feature.switches", "view", "card"));
            assertEquals(0, meters.gauge("hotpath.feature.serving", "view", "card"));
            reader.close();
            assertEquals(0, meters.gauge("hotpath.feature.serving", "view", "card"));
        } finally {
            reader.close();
        }
    }

    @Test
    void shouldRegisterTheMetersOfAShadowThatAppearsOnPromotionAndKeepTheOldOnesCounts() throws Exception {
        ShadowEvaluator shadows = ShadowEvaluator.builder(dir.resolve("log"))
                .primaryModel(1, "champion", "1")
                .addShadow(ShadowModelConfig.builder(2, "challenger", TestScorers.constant(FEATURES, 0.5f)).build())
                .maxFeatures(1)
                .build();
        shadows.start();
        Scorer scorer = Scorer.builder().primary("champion", TestScorers.constant(FEATURES, 0.25f))
                .requestField("amount").shadow(shadows).build();
        try {
            new ShadowEvaluatorMeterBinder(shadows, "shadows", Duration.ZERO).bindTo(registry);
            ScoreResult res = scorer.newResult();
            for (int i = 0; i < 50; i++) {
                scorer.score(scorer.newRequest().requestId(i), res);
            }
            awaitScored(shadows, "challenger", 50);
            assertEquals(50, meters.counter("hotpath.shadow.offers", "evaluator", "shadows", "outcome", "accepted"));
            assertEquals(50, meters.counter("hotpath.shadow.model.calls", "shadow", "challenger", "outcome", "scored"));
            assertEquals(0, meters.counter("hotpath.shadow.model.dropped", "shadow", "challenger",
                    "outcome", "backlog"));

            scorer.promoteShadow("challenger"); // the old primary becomes shadow "champion"
            for (int i = 50; i < 80; i++) {
                scorer.score(scorer.newRequest().requestId(i), res);
            }
            awaitScored(shadows, "champion", 30);
            // A scrape reads the meters; the one after a shadow first appears registers its meters.
            assertEquals(80, meters.counter("hotpath.shadow.offers", "evaluator", "shadows", "outcome", "accepted"));
            assertEquals(30, meters.counter("hotpath.shadow.model.calls", "shadow", "champion", "outcome", "scored"),
                    "the promoted-away primary's meters appear once it is a shadow");
            assertEquals(50, meters.counter("hotpath.shadow.model.calls", "shadow", "challenger", "outcome", "scored"),
                    "a removed shadow's counters keep their last value");
        } finally {
            scorer.close();
            shadows.close();
        }
    }

    private static void awaitScored(ShadowEvaluator shadows, String name, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            long scored = shadows.stats().shadows().stream().filter(m -> m.name().equals(name))
                    .mapToLong(m -> m.scored()).sum();
            if (scored >= n) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, name + " scored " + scored + " of " + n);
            Thread.sleep(10);
        }
    }
}
