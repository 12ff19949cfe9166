package dev.hotpath.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hotpath.scoring.scorer.Scorer;
import dev.hotpath.scoring.scorer.ScorerHealth;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What a service adds to be watched: {@code GET /metrics} in Prometheus text format from a Micrometer
 * {@link PrometheusMeterRegistry} (bind Hotpath's meters with the {@code hotpath-micrometer} binders), and
 * {@code GET /ready} answering 200 when {@link Scorer#health()} is ready and 503 otherwise, with the health report
 * as the body, for a readiness probe. Served by the JDK's {@link HttpServer} on one daemon thread, off the request
 * path.
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * new ScorerMeterBinder(scorer, "fraud").bindTo(registry);
 * new FeatureReaderMeterBinder(cards).bindTo(registry);
 * try (MetricsEndpoint endpoint = MetricsEndpoint.start(0, registry, scorer)) {   // 0: any free port
 *     System.out.println("metrics: " + endpoint.metricsUri());
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe; the handlers allocate (cold path).
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving on the loopback interface.
     *
     * @param port the TCP port, or 0 for any free one
     * @param registry the registry whose meters {@code /metrics} shows
     * @param scorer the scorer whose readiness {@code /ready} shows
     * @return the running endpoint; close it at shutdown
     * @throws IOException if the port cannot be bound
     */
    public static MetricsEndpoint start(int port, PrometheusMeterRegistry registry, Scorer scorer)
            throws IOException {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(scorer, "scorer");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
            }
        });
        server.createContext("/ready", exchange -> {
            try (exchange) {
                ScorerHealth health = scorer.health();
                respond(exchange, health.ready() ? 200 : 503, "text/plain; charset=utf-8", health + "\n");
            }
        });
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hotpath-metrics-endpoint");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        return new MetricsEndpoint(server, executor);
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** @return the address of {@code /metrics} */
    public URI metricsUri() {
        return uri("/metrics");
    }

    /** @return the address of {@code /ready} */
    public URI readyUri() {
        return uri("/ready");
    }

    private URI uri(String path) {
        InetSocketAddress a = server.getAddress();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + path);
    }

    /** Stops serving (waits up to a second for an exchange in progress). */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
