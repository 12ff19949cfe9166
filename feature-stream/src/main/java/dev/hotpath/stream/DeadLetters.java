package dev.hotpath.stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * Forwards rejected records to a dead-letter topic: key, value, timestamp and headers unchanged, plus
 * {@code hotpath.reject.reason}, {@code hotpath.reject.detail} and {@code hotpath.reject.source}
 * ({@code topic-partition@offset}). Asynchronous; deliveries and failures are counted in {@link FollowerStats}.
 * Thread-safe (Kafka's producer is).
 */
final class DeadLetters implements AutoCloseable {
    static final String REASON_HEADER = "hotpath.reject.reason";
    static final String DETAIL_HEADER = "hotpath.reject.detail";
    static final String SOURCE_HEADER = "hotpath.reject.source";

    private final String topic;
    private final FollowerStats stats;
    private final KafkaProducer<byte[], byte[]> producer;

    DeadLetters(String bootstrapServers, String topic, Map<String, String> clientProperties, String clientId,
                FollowerStats stats) {
        this.topic = topic;
        this.stats = stats;
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        // Never block the follower for long if the broker is gone: records that cannot be queued are counted lost.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
    }

    void send(ConsumerRecord<byte[], byte[]> r, RejectReason reason, String detail) {
        RecordHeaders h = new RecordHeaders(r.headers().toArray());
        h.add(REASON_HEADER, reason.name().getBytes(StandardCharsets.UTF_8));
        h.add(DETAIL_HEADER, detail.getBytes(StandardCharsets.UTF_8));
        h.add(SOURCE_HEADER, (r.topic() + "-" + r.partition() + "@" + r.offset()).getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value(), h),
                    (metadata, e) -> stats.countDeadLetter(e == null));
        } catch (RuntimeException e) {
            stats.countDeadLetter(false);
            stats.error("dead-letter topic " + topic + ": " + e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
