package dev.hotpath.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.cache.FeatureReader;
import dev.hotpath.cache.FeatureView;
import dev.hotpath.cache.FeatureWriter;
import dev.hotpath.cache.KeyKind;
import dev.hotpath.cache.ReaderOptions;
import dev.hotpath.cache.WriterOptions;
import dev.hotpath.scoring.scorer.EntityKey;
import dev.hotpath.scoring.scorer.RequestField;
import dev.hotpath.scoring.scorer.ScoreRequest;
import dev.hotpath.scoring.scorer.ScoreResult;
import dev.hotpath.scoring.scorer.Scorer;
import dev.hotpath.shadow.ShadowEvaluator;
import dev.hotpath.shadow.ShadowModelConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * All binders on one Prometheus registry over real components: a Chronicle Map view read by a real reader, a
 * started shadow evaluator writing its log, and a scorer using both. The scrape is parsed and checked series by
 * series.
 */
class PrometheusScrapeTest {
    private static final List<String> FEATURES = List.of("amount", "card.x");

    @TempDir
    Path dir;

    /** @return series (name and labels, as scraped) to value */
    static Map<String, Double> parse(String scrape) {
        Map<String, Double> series = new TreeMap<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return series;
    }

    @Test
    void shouldScrapeTheScorerTheViewAndTheShadowEvaluator() throws Exception {
        FeatureView view = FeatureView.builder("card").keyKind(KeyKind.STRING).ttl(Duration.ofHours(1))
                .feature("x", -1f).build();
        try (FeatureWriter w = FeatureWriter.createGeneration(dir.resolve("views"), view, 100,
                WriterOptions.builder().heartbeatInterval(Duration.ZERO).build())) {
            w.upsert("c1", System.currentTimeMillis(), new float[] {3f}, 0);
            w.setWatermark(System.currentTimeMillis());
            w.publish();
            w.heartbeat();
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (FeatureReader reader = FeatureReader.open(dir.resolve("views"), view,
                ReaderOptions.builder().refreshInterval(Duration.ZERO).build())) {
            ShadowEvaluator shadows = ShadowEvaluator.builder(dir.resolve("shadow-log"))
                    .primaryModel(1, "fraud-v1", "1")
                    .addShadow(ShadowModelConfig.builder(2, "challenger", TestScorers.constant(FEATURES, 0.5f))
                            .build())
                    .maxFeatures(FEATURES.size())
                    .build();
            shadows.start();
            Scorer scorer = Scorer.builder().primary("fraud-v1", TestScorers.constant(FEATURES, 0.25f))
                    .featureSource(reader).requestField("amount").shadow(shadows).build();
            try {
                new ScorerMeterBinder(scorer, "fraud", Duration.ZERO, Duration.ofMinutes(1)).bindTo(registry);
                new FeatureReaderMeterBinder(reader, Duration.ZERO).bindTo(registry);
                new ShadowEvaluatorMeterBinder(shadows, "shadows", Duration.ZERO).bindTo(registry);
                EntityKey card = scorer.entityKey("card");
                RequestField amount = scorer.requestField("amount");
                ScoreRequest req = scorer.newRequest();
                ScoreResult res = scorer.newResult();
                for (int i = 0; i < 200; i++) {
                    scorer.score(req.clear().requestId(i).entity(card, i % 2 == 0 ? "c1" : "nobody")
                            .set(amount, i), res);
                }
                // Wait for what is asserted: the agents score the shadow and write the log asynchronously.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (shadows.stats().shadows().get(0).scored() < 200 || shadows.stats().recordsWritten() == 0) {
                    assertTrue(System.nanoTime() < deadline, "the shadow did not catch up: " + shadows.stats());
                    Thread.sleep(10);
                }
                Map<String, Double> s = parse(registry.scrape());
                assertEquals(200.0, s.get("hotpath_scorer_requests_total{outcome=\"scored\",scorer=\"fraud\"}"),
                        s.toString());
                assertEquals(100.0, s.get("hotpath_scorer_feature_reads_total{outcome=\"present\",scorer=\"fraud\","
                        + "view=\"card\"}"));
                assertEquals(100.0, s.get("hotpath_scorer_feature_reads_total{outcome=\"not_found\","
                        + "scorer=\"fraud\",view=\"card\"}"));
                assertEquals(200.0, s.get("hotpath_scorer_shadow_offers_total{outcome=\"accepted\","
                        + "scorer=\"fraud\"}"));
                assertEquals(1.0, s.get("hotpath_scorer_ready{scorer=\"fraud\"}"));
                assertTrue(s.containsKey("hotpath_scorer_latency_seconds_count{scorer=\"fraud\",stage=\"model\"}"));
                assertTrue(s.containsKey("hotpath_scorer_latency_percentile_seconds{quantile=\"0.99\","
                        + "scorer=\"fraud\",stage=\"total\"}"), s.keySet().toString());
                assertEquals(1.0, s.get("hotpath_feature_generation{view=\"card\"}"));
                assertEquals(1.0, s.get("hotpath_feature_entries{view=\"card\"}"));
                assertEquals(1.0, s.get("hotpath_feature_serving{view=\"card\"}"));
                double heartbeat = s.get("hotpath_feature_heartbeat_age_seconds{view=\"card\"}");
                assertTrue(heartbeat >= 0 && heartbeat < 60, "heartbeat age " + heartbeat);
                assertEquals(200.0, s.get("hotpath_shadow_offers_total{evaluator=\"shadows\",outcome=\"accepted\"}"));
                assertEquals(200.0, s.get("hotpath_shadow_model_calls_total{evaluator=\"shadows\",outcome=\"scored\","
                        + "shadow=\"challenger\"}"));
                assertTrue(s.get("hotpath_shadow_log_segments{evaluator=\"shadows\"}") >= 1);
                assertTrue(s.get("hotpath_shadow_log_size_bytes{evaluator=\"shadows\"}") > 0);
            } finally {
                scorer.close();
                shadows.close();
            }
        }
    }
}
