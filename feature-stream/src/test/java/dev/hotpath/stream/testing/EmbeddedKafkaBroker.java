package dev.hotpath.stream.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real single-node Kafka broker (KRaft: one process is broker and controller) in a child JVM on loopback ports,
 * for tests and the {@code demo --kafka}. Nothing is mocked: it is {@code kafka.Kafka} from {@code kafka_2.13}, with
 * its storage formatted by Kafka's own {@code StorageTool}.
 *
 * <p>Why a child JVM: tests stop, SIGKILL and restart the broker on the same ports and log directory, which a
 * broker embedded in the test JVM does not survive cleanly; and the broker's threads and heap stay out of the
 * measurements of the process under test.
 *
 * <p>Every wait is bounded; {@link #close()} always kills the process. Not thread-safe.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    /** Bound on a start (JVM start, storage format, controller election, broker registration). */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final List<String> extraConfig;
    private final boolean quickStart;
    private Process process;

    private EmbeddedKafkaBroker(Path dir, int port, int controllerPort, List<String> extraConfig, boolean quickStart) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.extraConfig = extraConfig;
        this.quickStart = quickStart;
    }

    /**
     * Formats a new log directory under {@code dir} and starts a broker on free loopback ports; returns when it
     * answers metadata requests.
     *
     * @param dir working directory (log directory, configuration, the broker's output in {@code broker.log})
     * @param extraConfig broker properties as {@code key=value}, e.g. {@code log.cleaner.backoff.ms=100}
     * @return the running broker
     * @throws IOException if the JVM cannot be started
     */
    public static EmbeddedKafkaBroker start(Path dir, String... extraConfig) throws IOException {
        return start(dir, true, extraConfig);
    }

    /**
     * Like {@link #start(Path, String...)}, choosing between a quick start (the broker JVM compiles with C1 only:
     * it starts in about half the time, and serves tests fine) and full JIT compilation (for benchmarks, where the
     * broker's speed shows in the measured latency).
     *
     * @param dir working directory
     * @param quickStart whether to start the broker JVM with C1 only
     * @param extraConfig broker properties as {@code key=value}
     * @return the running broker
     * @throws IOException if the JVM cannot be started
     */
    public static EmbeddedKafkaBroker start(Path dir, boolean quickStart, String... extraConfig) throws IOException {
        Files.createDirectories(dir);
        EmbeddedKafkaBroker b = new EmbeddedKafkaBroker(dir.toAbsolutePath(), freePort(), freePort(),
                List.of(extraConfig), quickStart);
        b.writeConfig();
        b.launch();
        return b;
    }

    /** @return {@code 127.0.0.1:port}, for {@code bootstrap.servers} */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** @return whether the broker process is running */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** @return the broker process id (for a SIGKILL from another tool), or -1 if it is not running */
    public long pid() {
        return isRunning() ? process.pid() : -1;
    }

    /**
     * Stops the broker gracefully (SIGTERM; Kafka's shutdown hook flushes and closes the log) and waits for it.
     */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        awaitGone(Duration.ofSeconds(60));
    }

    /** Kills the broker with SIGKILL and waits until it is gone. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        awaitGone(Duration.ofSeconds(30));
    }

    /**
     * Starts the stopped or killed broker again on the same ports and log directory; returns when it answers.
     *
     * @throws IOException if the JVM cannot be started
     */
    public void restart() throws IOException {
        if (isRunning()) {
            throw new IllegalStateException("the broker is running; stop() or kill() it first");
        }
        launch();
    }

    /**
     * @return a new admin client on this broker; the caller closes it
     */
    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(p);
    }

    /**
     * Creates a topic and waits until every partition has a leader.
     *
     * @param name topic name
     * @param partitions partition count
     * @param configs topic configuration, e.g. {@code cleanup.policy=compact}
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all()
                    .get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Object last = "no description yet";
            while (true) {
                try {
                    var d = admin.describeTopics(Set.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name);
                    last = d;
                    if (d.partitions().size() == partitions && d.partitions().stream()
                            .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                        return;
                    }
                } catch (ExecutionException e) {
                    // The metadata of a just-created topic reaches the broker's cache a moment later.
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + name + " has no leader for every partition: " + last);
                }
                Thread.sleep(20);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Deletes a topic and waits until the broker no longer lists it.
     *
     * @param name topic name
     */
    public void deleteTopic(String name) {
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(name)).all().get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(name)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + name + " still listed 60 s after deletion");
                }
                Thread.sleep(20);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot delete topic " + name + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** @return the broker's output so far (for failure messages) */
    public String log() {
        try {
            return Files.readString(dir.resolve("broker.log"));
        } catch (IOException e) {
            return "(no broker log: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------------------------------ parent side

    private void writeConfig() throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("logs"),
                "num.partitions=1",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // Kafka's default broker session (9 s) is kept on purpose: with a shorter one, a broker starved of CPU on a
                // loaded box missed its own controller's heartbeat deadline, got fenced and stopped leading its partitions.
                "num.network.threads=2",
                "num.io.threads=2",
                "background.threads=2",
                "log.cleaner.threads=1",
                "log.cleaner.dedupe.buffer.size=16777216",
                "log.flush.interval.messages=9223372036854775807",
                "delete.topic.enable=true"));
        lines.addAll(extraConfig);
        Files.write(dir.resolve("server.properties"), lines, StandardCharsets.UTF_8);
    }

    private void launch() throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-XX:+UseSerialGC");
        if (quickStart) {
            cmd.add("-XX:TieredStopAtLevel=1");
        }
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        cmd.add("-Dlog4j2.level=WARN");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(EmbeddedKafkaBroker.class.getName());
        cmd.add(dir.resolve("server.properties").toString());
        cmd.add(dir.resolve("cluster.id").toString());
        Path log = dir.resolve("broker.log");
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        awaitReady();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited with " + process.exitValue() + ":\n" + log());
            }
            if (accepts(port)) {
                try (Admin admin = admin()) {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    // The controller has registered the broker once metadata requests list it; topic creation works.
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("the Kafka broker did not start within " + START_TIMEOUT + ":\n"
                        + log());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private void awaitGone(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The port must be free before a restart binds it again.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (accepts(port) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    // ------------------------------------------------------------------------------------------ child side

    /**
     * The broker JVM: formats the storage on first start (Kafka's {@code StorageTool format}, the same as
     * {@code kafka-storage.sh format}), then runs {@code kafka.Kafka} until SIGTERM or SIGKILL.
     *
     * @param args {@code server.properties clusterIdFile}
     * @throws Exception if formatting fails
     */
    public static void main(String[] args) throws Exception {
        Path props = Path.of(args[0]);
        Path clusterIdFile = Path.of(args[1]);
        if (!Files.exists(clusterIdFile)) {
            // Kafka's own generator: base64url, and never starting with '-' (which the tool would take for an option).
            String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
            PrintStream out = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
            int rc = kafka.tools.StorageTool.execute(new String[] {"format", "-t", clusterId, "-c",
                props.toString(), "--ignore-formatted"}, out);
            if (rc != 0) {
                System.err.println("storage format failed with " + rc);
                System.exit(rc);
            }
            Files.writeString(clusterIdFile, clusterId);
        }
        kafka.Kafka.main(new String[] {props.toString()});
    }

}
