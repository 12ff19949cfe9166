package dev.hotpath.examples.demo;

import dev.hotpath.stream.testing.EmbeddedKafkaBroker;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.Booster;

/**
 * {@code bin/hotpath demo --kafka}: the fleet on one machine. An embedded single-node Kafka broker (KRaft, its own
 * JVM); the feature pipeline publishes every card and merchant update to a topic per view; two scoring processes,
 * each with its own views directory, run a {@code FeatureStreamFollower} per view (bootstrap, then tail) and a
 * {@code Scorer} on their share of the payments; each host's latency table is printed with its followers' lag and
 * freshness.
 *
 * <pre>
 * pipeline JVM --(binary updates)--&gt; Kafka: card-features, merchant-features
 *                                       |                       |
 *                        host-a JVM: followers -&gt; host-a/features -&gt; Scorer
 *                        host-b JVM: followers -&gt; host-b/features -&gt; Scorer
 * </pre>
 */
final class KafkaFleetDemo {
    private static final String[] HOSTS = {"host-a", "host-b"};

    private final PrintStream out;
    private final int live;
    private final int history;
    private final double rate;
    private final Path dir;
    private final long seed;
    private long started;

    KafkaFleetDemo(PrintStream out, int live, int history, double rate, Path dir, long seed) {
        this.out = out;
        this.live = live;
        this.history = history;
        this.rate = rate;
        this.dir = dir;
        this.seed = seed;
    }

    private void step(String what) {
        out.printf(Locale.ROOT, "[%5.1fs] %s%n", (System.nanoTime() - started) / 1e9, what);
        out.flush();
    }

    int run() throws Exception {
        started = System.nanoTime();
        FraudDemo.deleteRecursively(dir);
        Path models = Files.createDirectories(dir.resolve("models"));
        Path pipelineDir = Files.createDirectories(dir.resolve("pipeline"));
        out.println("Hotpath fleet demo (Kafka): " + history + " historical + " + live + " live transactions, "
                + HOSTS.length + " scoring hosts, seed " + seed + ", working directory " + dir.toAbsolutePath());

        step("starting an embedded single-node Kafka broker (KRaft, its own JVM)");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"))) {
            String servers = broker.bootstrapServers();
            for (String topic : new String[] {FeaturePipelineMain.CARD_TOPIC, FeaturePipelineMain.MERCHANT_TOPIC}) {
                broker.createTopic(topic, 3, Map.of("cleanup.policy", "compact"));
            }
            out.println("         broker " + servers + ", compacted topics " + FeaturePipelineMain.CARD_TOPIC + " and "
                    + FeaturePipelineMain.MERCHANT_TOPIC + " (3 partitions each)");

            step("generating the synthetic payment stream");
            PaymentStream stream = PaymentStream.generate(history + live, seed);

            step("starting the feature pipeline process: it publishes every card and merchant update to Kafka");
            Path pipelineLog = dir.resolve("pipeline.log");
            Process pipeline = Jvm.start(FeaturePipelineMain.class, pipelineLog, pipelineDir.toString(),
                    Long.toString(seed), Integer.toString(history), Integer.toString(live), Double.toString(rate),
                    servers);
            List<Process> hosts = new ArrayList<>();
            try {
                step("training the model with XGBoost4J");
                DemoData train = DemoData.build(stream, 0, history);
                Path modelFile = models.resolve("primary.ubj");
                Booster primary = FraudDemo.trainXgboost(train, Map.of("max_depth", 6, "eta", 0.1), 150, seed);
                primary.saveModel(modelFile.toString());
                primary.dispose();

                step("waiting for the pipeline to publish the state at the end of the history");
                awaitFile(pipelineDir.resolve("ready"), pipeline, pipelineLog);

                step("starting " + HOSTS.length + " scoring hosts: each follows both topics into its own views"
                        + " directory, then scores its share of the payments at " + (int) rate + " tx/s in all");
                for (int h = 0; h < HOSTS.length; h++) {
                    Path hostDir = Files.createDirectories(dir.resolve(HOSTS[h]));
                    hosts.add(Jvm.start(ScoringHostMain.class, hostDir.resolve("host.log"), HOSTS[h],
                            hostDir.resolve("features").toString(), modelFile.toString(), Long.toString(seed),
                            Integer.toString(history), Integer.toString(live), Double.toString(rate), servers,
                            Integer.toString(h), Integer.toString(HOSTS.length), pipelineDir.resolve("go").toString()));
                }
                for (int h = 0; h < HOSTS.length; h++) {
                    awaitLine(dir.resolve(HOSTS[h]).resolve("host.log"), "READY", hosts.get(h));
                }
                step("both hosts' followers are live; the pipeline starts the live stream and the hosts score it");
                Files.writeString(pipelineDir.resolve("go"), "go");
                int code = 0;
                for (int h = 0; h < HOSTS.length; h++) {
                    Process p = hosts.get(h);
                    Path log = dir.resolve(HOSTS[h]).resolve("host.log");
                    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                        throw new IllegalStateException(HOSTS[h] + " failed; see " + log + ":\n" + Files.readString(log));
                    }
                }
                step("done; per host:");
                out.println();
                for (String host : HOSTS) {
                    String report = Files.readString(dir.resolve(host).resolve("report.txt"));
                    out.print(report);
                    out.println();
                    if (!report.contains(" 0 failed")) {
                        code = 1;
                    }
                }
                out.println("Freshness lag: how long ago the host's follower last knew it had applied everything the"
                        + " topic held (probed every 500 ms). Event-time lag: now minus the event time of the newest"
                        + " update applied, i.e. pipeline -> Kafka -> follower -> view, end to end.");
                return code;
            } finally {
                Files.writeString(pipelineDir.resolve("stop"), "stop");
                for (Process p : hosts) {
                    if (p.isAlive()) {
                        p.destroyForcibly();
                    }
                }
                if (!pipeline.waitFor(30, TimeUnit.SECONDS)) {
                    pipeline.destroyForcibly();
                }
            }
        }
    }

    private static void awaitLine(Path log, String prefix, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!Files.exists(log) || Files.readAllLines(log).stream().noneMatch(l -> l.startsWith(prefix))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("a scoring host failed; see " + log + ":\n"
                        + (Files.exists(log) ? Files.readString(log) : ""));
            }
            Thread.sleep(50);
        }
    }

    private static void awaitFile(Path file, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(file)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the feature pipeline failed; see " + log + ":\n"
                        + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }
}
