package dev.hotpath.stream;

import dev.hotpath.cache.FeatureCacheException;
import dev.hotpath.cache.FeatureCsvLoader;
import dev.hotpath.cache.FeatureFileException;
import dev.hotpath.cache.FeatureView;
import dev.hotpath.cache.LoadProgressListener;
import dev.hotpath.scoring.ConfigurationException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code hotpath cache follow}, {@code hotpath cache publish} commands and the follower section of
 * {@code hotpath cache stats}, as static methods (the CLI module only parses arguments). Stateless; thread-safe;
 * cold paths.
 */
public final class StreamAdmin {
    private static final long TIMEOUT_SECONDS = 60;
    private static final long MAX_MANIFEST_BYTES = 8L << 20;

    private StreamAdmin() {
    }

    /**
     * Resolves a {@code --view} argument: a view definition file (a path ending in {@code .json}, or any existing
     * file), or the name of a view already published in {@code dir}.
     *
     * @param dir the views directory
     * @param viewOrDefinition a definition file or a view name
     * @return the definition
     * @throws FeatureFileException if the file or the published view cannot be read
     */
    public static FeatureView resolveView(Path dir, String viewOrDefinition) {
        Objects.requireNonNull(viewOrDefinition, "viewOrDefinition");
        Path asFile = Path.of(viewOrDefinition);
        if (viewOrDefinition.endsWith(".json") || Files.isRegularFile(asFile)) {
            return FeatureView.fromJson(asFile);
        }
        return publishedView(dir, viewOrDefinition);
    }

    /**
     * The definition published for a view in {@code dir}: the {@code "view"} object of its manifest
     * ({@code <dir>/<view>.manifest.json}), read without opening the view's map.
     *
     * @param dir the views directory
     * @param viewName the view
     * @return the published definition
     * @throws FeatureFileException if the manifest is missing, too large or has no valid definition
     */
    public static FeatureView publishedView(Path dir, String viewName) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(viewName, "viewName");
        Path manifest = dir.resolve(viewName + ".manifest.json");
        byte[] bytes;
        try {
            if (Files.size(manifest) > MAX_MANIFEST_BYTES) {
                throw new FeatureFileException(manifest + ": larger than " + MAX_MANIFEST_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(manifest);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new FeatureFileException(manifest + ": view \"" + viewName + "\" is not published in " + dir
                    + "; give its definition file (--view DEF.json)", e);
        } catch (java.io.IOException e) {
            throw new FeatureFileException(manifest + ": cannot read: " + e, e);
        }
        java.io.StringWriter view = new java.io.StringWriter();
        try (com.fasterxml.jackson.core.JsonParser p = FollowerCheckpoint.JSON.createParser(bytes)) {
            if (p.nextToken() == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    if (field.equals("view")) {
                        try (com.fasterxml.jackson.core.JsonGenerator g = FollowerCheckpoint.JSON.createGenerator(
                                view)) {
                            g.copyCurrentStructure(p);
                        }
                        return FeatureView.parseJson(view.toString(), manifest + " (field view)");
                    }
                    p.skipChildren();
                }
            }
        } catch (java.io.IOException e) {
            throw new FeatureFileException(manifest + ": corrupt manifest: " + e.getMessage(), e);
        }
        throw new FeatureFileException(manifest + ": corrupt manifest: no \"view\" definition");
    }

    // ------------------------------------------------------------------------------------------ follow

    /**
     * Runs a follower in the foreground until the process is asked to stop (SIGTERM or Ctrl-C: the JVM's shutdown
     * hooks close the follower, which stores its positions) or the follower fails. Prints a status line to
     * {@code status} every {@code statusInterval}.
     *
     * @param dir the views directory
     * @param view the view definition
     * @param options the follower's options
     * @param status where status lines go (standard error in the CLI)
     * @param statusInterval time between status lines
     * @return 1 if the follower failed; it never returns otherwise (the process exits through its shutdown hooks)
     * @throws InterruptedException if the calling thread is interrupted (the follower is closed first)
     */
    public static int follow(Path dir, FeatureView view, FollowerOptions options, PrintWriter status,
                             Duration statusInterval) throws InterruptedException {
        FeatureStreamFollower follower = FeatureStreamFollower.start(dir, view, options);
        Thread hook = new Thread(() -> {
            follower.close();
            status.println("hotpath: follower of view " + view.name() + " stopped; " + positions(follower.stats()));
            status.flush();
        }, "hotpath-follow-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        status.println("hotpath: following topic " + options.topic() + " on " + options.bootstrapServers()
                + " into view " + view.name() + " (schema " + view.fingerprintHex() + ") in " + dir
                + "; stop with SIGTERM or Ctrl-C");
        status.flush();
        try {
            FollowerStats s = follower.stats();
            long last = s.applied();
            long lastAt = System.nanoTime();
            while (true) {
                long waitUntil = System.nanoTime() + statusInterval.toNanos();
                while (System.nanoTime() < waitUntil && s.state() != FollowerState.FAILED) {
                    Thread.sleep(Math.min(100, statusInterval.toMillis()));
                }
                long now = System.nanoTime();
                long applied = s.applied();
                status.println(statusLine(s, (applied - last) * 1e9 / Math.max(1, now - lastAt)));
                status.flush();
                last = applied;
                lastAt = now;
                if (s.state() == FollowerState.FAILED) {
                    status.println("hotpath: error: the follower failed: " + s.lastError());
                    status.flush();
                    return 1;
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                follower.close();
            } catch (IllegalStateException shuttingDown) {
                // The JVM is exiting: the hook closes the follower.
            }
        }
    }

    /**
     * @param s a follower's stats
     * @param appliedPerSecond recent rate of applied updates
     * @return one human-readable status line
     */
    public static String statusLine(FollowerStats s, double appliedPerSecond) {
        return String.format(Locale.ROOT, "hotpath: %s %s generation %d | behind %s records, freshness lag %s,"
                        + " event-time lag %s | applied %,d (%,.0f/s), older skipped %,d, deleted %,d, rejected %,d%s",
                s.viewName(), s.state(), s.generation(), unknownIfNegative(s.recordsBehind(), false),
                unknownIfNegative(s.freshnessLagMillis(), true), unknownIfNegative(s.eventTimeLagMillis(), true),
                s.applied(), appliedPerSecond, s.skippedOlder(), s.deleted(), s.rejectedTotal(),
                s.lastError() == null ? "" : " | last error: " + s.lastError());
    }

    private static String unknownIfNegative(long v, boolean millis) {
        if (v < 0) {
            return "unknown";
        }
        if (!millis) {
            return String.format(Locale.ROOT, "%,d", v);
        }
        return v < 10_000 ? v + " ms" : String.format(Locale.ROOT, "%.1f s", v / 1000.0);
    }

    private static String positions(FollowerStats s) {
        Map<Integer, Long> p = new TreeMap<>();
        for (int i = 0; i < s.partitionCount(); i++) {
            p.put(s.partitionId(i), s.position(i));
        }
        return "generation " + s.generation() + ", positions " + p;
    }

    /**
     * The {@code hotpath cache stats} section of one view: what its follower last stored (state, lag, counters,
     * positions) and how old that is; for {@code FeatureCacheAdmin.stats(dir, "followers", ...)}.
     *
     * @param dir the views directory
     * @param viewName a view
     * @return a JSON object, or null if the view has no follower
     */
    public static String followerStatsJson(Path dir, String viewName) {
        return FollowerCheckpoint.statsJson(dir, viewName);
    }

    // ------------------------------------------------------------------------------------------ publish

    /**
     * Backfills a topic from a CSV file ({@code hotpath cache load}'s format): one update per row, keyed by the id,
     * as binary or JSON updates, with the row's {@code event_time_millis} (or now). Waits until the broker has
     * acknowledged every record.
     *
     * @param view the view definition (columns are matched to its features; binary updates carry its fingerprint)
     * @param csv the CSV file
     * @param bootstrapServers Kafka's {@code bootstrap.servers}
     * @param topic the topic
     * @param format {@link UpdateFormat#BINARY} or {@link UpdateFormat#JSON}
     * @param createPartitions when the topic does not exist: create it compacted with this many partitions; 0 to
     *                         fail instead
     * @param producerProperties extra Kafka producer properties (security, compression)
     * @param progress receives progress (rows sent, rows in the file); may be null
     * @return JSON: {@code {"topic", "format", "records", "partitions", "endOffsets", "elapsedMillis"}}
     * @throws FeatureFileException if the CSV is invalid (naming file, line, column)
     * @throws FeatureCacheException if the topic is missing or records were not acknowledged
     */
    public static String publish(FeatureView view, Path csv, String bootstrapServers, String topic,
                                 UpdateFormat format, int createPartitions, Map<String, String> producerProperties,
                                 LoadProgressListener progress) {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(csv, "csv");
        Objects.requireNonNull(format, "format");
        if (format == UpdateFormat.AUTO) {
            throw new ConfigurationException("publish writes one format: binary or json");
        }
        FollowerOptions.builder(bootstrapServers, topic).build();
        if (!Files.isRegularFile(csv)) {
            throw new FeatureFileException(csv + ": CSV file not found");
        }
        long started = System.nanoTime();
        Properties common = new Properties();
        common.putAll(producerProperties);
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        int partitions;
        try (Admin admin = Admin.create(adminProperties(common))) {
            partitions = ensureTopic(admin, topic, createPartitions, bootstrapServers);
            long sent = send(view, csv, topic, format, producerProperties(common), progress);
            Map<Integer, Long> end = endOffsets(admin, topic, partitions);
            StringBuilder json = new StringBuilder("{\n");
            json.append("  \"topic\": \"").append(topic).append("\",\n");
            json.append("  \"format\": \"").append(format.name().toLowerCase(Locale.ROOT)).append("\",\n");
            json.append("  \"records\": ").append(sent).append(",\n");
            json.append("  \"partitions\": ").append(partitions).append(",\n");
            json.append("  \"endOffsets\": {");
            String sep = "";
            for (Map.Entry<Integer, Long> e : end.entrySet()) {
                json.append(sep).append('"').append(e.getKey()).append("\": ").append(e.getValue());
                sep = ", ";
            }
            json.append("},\n");
            json.append("  \"elapsedMillis\": ").append((System.nanoTime() - started) / 1_000_000).append("\n}");
            return json.toString();
        }
    }

    private static Properties adminProperties(Properties common) {
        Properties p = new Properties();
        p.putAll(common);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return p;
    }

    private static Properties producerProperties(Properties common) {
        Properties p = new Properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // One (large) batch in flight per broker: when a batch to a just-created partition fails with
        // NOT_LEADER_OR_FOLLOWER, Kafka's idempotent producer otherwise retries the batches behind it with
        // OUT_OF_ORDER_SEQUENCE until they expire (seen with 4.4.0 right after creating the topic).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.putAll(common);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    private static int ensureTopic(Admin admin, String topic, int createPartitions, String servers) {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
            return d.partitions().size();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw new FeatureCacheException("cannot describe topic " + topic + " on " + servers + ": "
                        + e.getCause(), e);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new FeatureCacheException("cannot reach the Kafka brokers " + servers + " within "
                    + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FeatureCacheException("interrupted", e);
        }
        if (createPartitions <= 0) {
            throw new FeatureCacheException("topic " + topic + " does not exist on " + servers + "; create it"
                    + " (cleanup.policy=compact is recommended: it keeps the newest update of every entity) or pass"
                    + " --partitions N to create it");
        }
        try {
            // The broker's default replication factor.
            admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.of(createPartitions),
                    java.util.Optional.empty()).configs(Map.of("cleanup.policy", "compact"))))
                    .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new FeatureCacheException("cannot create topic " + topic + ": " + e.getCause(), e);
            }
        } catch (java.util.concurrent.TimeoutException | InterruptedException e) {
            throw new FeatureCacheException("cannot create topic " + topic + ": " + e, e);
        }
        return createPartitions;
    }

    private static long send(FeatureView view, Path csv, String topic, UpdateFormat format, Properties producer,
                             LoadProgressListener progress) {
        FeatureUpdates enc = FeatureUpdates.forView(view);
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        long rows;
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producer)) {
            // The producer copies a value into its batch during send(), so one buffer serves every binary update.
            byte[] binary = new byte[enc.fullUpdateSize()];
            rows = FeatureCsvLoader.readRows(csv, view, System.currentTimeMillis(), (id, t, values, line) -> {
                byte[] value;
                if (format == UpdateFormat.BINARY) {
                    enc.encodeFull(t, values, 0, binary, 0);
                    value = binary;
                } else {
                    value = enc.toJson(t, values, 0, null).getBytes(StandardCharsets.UTF_8);
                }
                p.send(new ProducerRecord<>(topic, enc.key(id), value), (md, e) -> {
                    if (e != null) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, e);
                    }
                });
            }, progress);
            p.flush();
        }
        if (failed.get() > 0) {
            throw new FeatureCacheException(failed.get() + " of " + rows + " records were not acknowledged by the"
                    + " brokers; first error: " + firstError.get(), firstError.get());
        }
        return rows;
    }

    private static Map<Integer, Long> endOffsets(Admin admin, String topic, int partitions) {
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        for (int i = 0; i < partitions; i++) {
            ask.put(new TopicPartition(topic, i), OffsetSpec.latest());
        }
        Map<Integer, Long> out = new TreeMap<>();
        try {
            admin.listOffsets(ask).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new FeatureCacheException("cannot list the end offsets of topic " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FeatureCacheException("interrupted", e);
        }
        return out;
    }

    /**
     * Parses {@code --offsets}: {@code partition:offset} pairs separated by commas, e.g. {@code 0:1200,1:1180}.
     *
     * @param text the option's value
     * @return offset by partition
     * @throws ConfigurationException if the text is not such a list
     */
    public static Map<Integer, Long> parseOffsets(String text) {
        Map<Integer, Long> out = new TreeMap<>();
        for (String pair : text.split(",")) {
            String t = pair.trim();
            int colon = t.indexOf(':');
            try {
                if (colon < 1) {
                    throw new NumberFormatException();
                }
                int partition = Integer.parseInt(t.substring(0, colon));
                long offset = Long.parseLong(t.substring(colon + 1));
                if (partition < 0 || offset < 0 || out.put(partition, offset) != null) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new ConfigurationException("offsets must be partition:offset pairs separated by commas, e.g."
                        + " 0:1200,1:1180 (each partition once, numbers >= 0); got \"" + text + "\"");
            }
        }
        return out;
    }
}
