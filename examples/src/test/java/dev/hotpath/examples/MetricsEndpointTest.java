package dev.hotpath.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.formats.ModelLoader;
import dev.hotpath.micrometer.ScorerMeterBinder;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.scorer.RequestField;
import dev.hotpath.scoring.scorer.ScoreRequest;
import dev.hotpath.scoring.scorer.ScoreResult;
import dev.hotpath.scoring.scorer.Scorer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example endpoint serves Prometheus text from the Micrometer registry and the scorer's readiness over HTTP. */
class MetricsEndpointTest {

    static HttpResponse<String> get(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeTheScorersMetricsAndReadinessOverHttp() throws Exception {
        // The sample model (80 trees) scored on its held-out rows, all 16 features given as request fields.
        Path dir = Path.of("sample");
        Model model = ModelLoader.load(dir.resolve("fraud-sample.json"));
        List<String> lines = Files.readAllLines(dir.resolve("transactions.csv"));
        List<String> features = List.of(lines.get(0).split(","));
        Scorer.Builder b = Scorer.builder().primary("fraud-sample", model).fallbackScore(0f);
        features.forEach(b::requestField);
        Scorer scorer = b.build();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ScorerMeterBinder(scorer, "fraud", Duration.ZERO, Duration.ofMinutes(1)).bindTo(registry);
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(0, registry, scorer)) {
            assertTrue(endpoint.metricsUri().toString().matches("http://127\\.0\\.0\\.1:\\d+/metrics"),
                    endpoint.metricsUri().toString());
            ScoreRequest req = scorer.newRequest();
            ScoreResult res = scorer.newResult();
            for (int i = 1; i < lines.size(); i++) {
                String[] cells = lines.get(i).split(",", -1);
                req.clear().requestId(i);
                for (int f = 0; f < cells.length; f++) {
                    RequestField field = scorer.requestField(features.get(f));
                    req.set(field, cells[f].isEmpty() ? Float.NaN : Float.parseFloat(cells[f]));
                }
                scorer.score(req, res);
            }
            int rows = lines.size() - 1;

            HttpResponse<String> metrics = get(endpoint.metricsUri());
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            String body = metrics.body();
            assertTrue(body.contains("hotpath_scorer_requests_total{outcome=\"scored\",scorer=\"fraud\"} " + rows
                    + ".0"), body);
            assertTrue(body.contains("hotpath_scorer_ready{scorer=\"fraud\"} 1.0"), body);
            assertTrue(body.contains("hotpath_scorer_primary{model=\"fraud-sample\",scorer=\"fraud\"} 1.0"), body);
            assertTrue(body.contains("# TYPE hotpath_scorer_latency_seconds summary")
                    || body.contains("hotpath_scorer_latency_seconds_count{scorer=\"fraud\",stage=\"model\"}"), body);

            HttpResponse<String> ready = get(endpoint.readyUri());
            assertEquals(200, ready.statusCode());
            assertTrue(ready.body().startsWith("READY: primary 'fraud-sample' v1"), ready.body());
            scorer.close();
            HttpResponse<String> closed = get(endpoint.readyUri());
            assertEquals(503, closed.statusCode(), closed.body());
            assertTrue(closed.body().contains("problem: the scorer is closed"), closed.body());
        }
    }
}
