package dev.hotpath.stream;

import dev.hotpath.stream.testing.EmbeddedKafkaBroker;
import dev.hotpath.stream.testing.SharedBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Base of the tests that run on the shared real broker: the broker, a producer for the class, a views directory per
 * test, and the bound on every wait.
 */
abstract class BrokerTest {
    /** Bound on every wait for the follower: generous, for a loaded 2-core box. */
    static final Duration WAIT = Duration.ofSeconds(180);
    static EmbeddedKafkaBroker broker;
    static KafkaProducer<byte[], byte[]> producer;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        broker = SharedBroker.get();
        producer = StreamFixtures.producer(broker);
    }

    @AfterAll
    static void closeProducer() {
        producer.close();
    }
}
