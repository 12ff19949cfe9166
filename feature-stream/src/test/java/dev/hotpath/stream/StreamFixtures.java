package dev.hotpath.stream;

import dev.hotpath.cache.FeatureView;
import dev.hotpath.cache.KeyKind;
import dev.hotpath.cache.WriterOptions;
import dev.hotpath.stream.testing.EmbeddedKafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Shared helpers of the feature-stream tests (public for the tests of modules that bind a follower, e.g.
 * hotpath-micrometer): views, topics, a producer of raw records, bounded waits.
 */
public final class StreamFixtures {
    /** Event times near the test's "now" so TTLs never make records stale. */
    public static final long T0 = System.currentTimeMillis() - 60_000;
    /** Manual heartbeat-free writer options keep background threads out of the tests' timing. */
    public static final WriterOptions WRITER = WriterOptions.builder().heartbeatInterval(Duration.ofMillis(200))
            .build();
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private StreamFixtures() {
    }

    /** A string-keyed view with features a, b, c (default 0 for b) and a long TTL. */
    public static FeatureView cardView() {
        return FeatureView.builder("card").ttl(Duration.ofDays(3650)).feature("a").feature("b", 0f).feature("c")
                .build();
    }

    /** A long-keyed view with features x, y. */
    public static FeatureView merchantView() {
        return FeatureView.builder("merchant").keyKind(KeyKind.LONG).ttl(Duration.ofDays(3650)).feature("x")
                .feature("y").build();
    }

    /** Creates a topic with a name unique in this JVM. */
    public static String newTopic(EmbeddedKafkaBroker broker, String prefix, int partitions,
                                  Map<String, String> config) {
        String name = prefix + "-" + ProcessHandle.current().pid() + "-" + TOPICS.incrementAndGet();
        broker.createTopic(name, partitions, config);
        return name;
    }

    /** Options for tests: fast probes and stores, short backoffs. */
    public static FollowerOptions.Builder options(EmbeddedKafkaBroker broker, String topic) {
        return FollowerOptions.builder(broker.bootstrapServers(), topic)
                .lagProbeInterval(Duration.ofMillis(100))
                .positionStoreInterval(Duration.ofMillis(20))
                .retryBackoff(Duration.ofMillis(50), Duration.ofSeconds(1))
                .rejectLogInterval(Duration.ZERO)
                .writerOptions(WRITER);
    }

    public static KafkaProducer<byte[], byte[]> producer(EmbeddedKafkaBroker broker) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // One batch in flight: when the first batch to a just-created partition fails with NOT_LEADER_OR_FOLLOWER,
        // Kafka's idempotent producer otherwise loops on OUT_OF_ORDER_SEQUENCE for the batches sent behind it.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    public static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** Sends one record and waits for the broker's acknowledgement. */
    public static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, String topic, Integer partition,
                                      byte[] key, byte[] value) {
        return send(producer, new ProducerRecord<>(topic, partition, key, value));
    }

    public static RecordMetadata send(KafkaProducer<byte[], byte[]> producer,
                                      ProducerRecord<byte[], byte[]> record) {
        try {
            return producer.send(record).get(180, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("send failed: " + e, e);
        }
    }

    public static ProducerRecord<byte[], byte[]> withHeader(ProducerRecord<byte[], byte[]> r, String name,
                                                            String value) {
        RecordHeaders h = new RecordHeaders();
        h.add(name, utf8(value));
        return new ProducerRecord<>(r.topic(), r.partition(), r.key(), r.value(), h);
    }

    /** A JSON update with the given features ({@code "name", value, ...}; a null value is JSON null). */
    public static byte[] json(long eventTime, Object... nameValue) {
        StringBuilder sb = new StringBuilder("{\"event_time_millis\": ").append(eventTime).append(", \"features\": {");
        for (int i = 0; i < nameValue.length; i += 2) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append('"').append(nameValue[i]).append("\": ").append(nameValue[i + 1]);
        }
        return utf8(sb.append("}}").toString());
    }

    /** Reads every record of a topic from the beginning to its current end (for reference maps). */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(EmbeddedKafkaBroker broker, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = new ArrayList<>();
            c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(pi -> tps.add(new TopicPartition(topic,
                    pi.partition())));
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read topic " + topic + " to its end within 120 s");
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** Waits for {@code condition}, failing with {@code message} (evaluated then) after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<String> message)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + ": "
                        + message.get());
            }
            Thread.sleep(10);
        }
    }

    /** The topic's end offsets now, by partition. */
    public static Map<Integer, Long> endOffsets(EmbeddedKafkaBroker broker, String topic) {
        try (org.apache.kafka.clients.admin.Admin admin = broker.admin()) {
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> ask = new java.util.HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(pi -> ask.put(new TopicPartition(topic, pi.partition()),
                            org.apache.kafka.clients.admin.OffsetSpec.latest()));
            Map<Integer, Long> out = new java.util.TreeMap<>();
            admin.listOffsets(ask).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp.partition(),
                    info.offset()));
            return out;
        } catch (Exception e) {
            throw new AssertionError("cannot list the end offsets of " + topic + ": " + e, e);
        }
    }

    /** @return whether the follower's position in every partition is at least {@code end}'s */
    public static boolean reached(FollowerStats s, Map<Integer, Long> end) {
        for (Map.Entry<Integer, Long> e : end.entrySet()) {
            boolean found = false;
            for (int i = 0; i < s.partitionCount(); i++) {
                if (s.partitionId(i) == e.getKey()) {
                    found = true;
                    if (s.position(i) < e.getValue()) {
                        return false;
                    }
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until the follower has applied everything the topic holds now (its positions reach the end offsets
     * listed after the test's last send) and reports LIVE.
     */
    public static void awaitCaughtUp(FeatureStreamFollower f, EmbeddedKafkaBroker broker, String topic,
                                     Duration timeout)
            throws InterruptedException {
        Map<Integer, Long> end = endOffsets(broker, topic);
        await("the follower to apply the topic up to " + end + " and be live", timeout,
                () -> reached(f.stats(), end) && f.stats().isLive(), () -> f.stats().toJson());
    }
}
