package dev.hotpath.stream;

import dev.hotpath.cache.FeatureReader;
import dev.hotpath.cache.FeatureView;
import dev.hotpath.cache.ReaderOptions;
import dev.hotpath.scoring.scorer.FeatureStatus;
import dev.hotpath.scoring.scorer.Scorer;
import dev.hotpath.scoring.scorer.ScorerHealth;
import dev.hotpath.stream.testing.EmbeddedKafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static dev.hotpath.stream.StreamFixtures.T0;
import static dev.hotpath.stream.StreamFixtures.json;
import static dev.hotpath.stream.StreamFixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker goes away while a follower follows it (its own broker: the shared one must stay up): the follower
 * keeps retrying, readers keep the last state, the lag grows and shows, and after the broker restarts the follower
 * catches up with nothing lost. A scorer the follower feeds is not ready while the lag is above the live threshold,
 * and ready again once the follower caught up.
 */
class BrokerOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(180);

    @TempDir
    Path dir;

    @TempDir
    Path brokerDir;

    @Test
    void shouldKeepServingRetryAndCatchUpWhenTheBrokerStopsAndRestarts() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerDir)) {
            String topic = StreamFixtures.newTopic(broker, "outage", 2, Map.of());
            try (KafkaProducer<byte[], byte[]> p = StreamFixtures.producer(broker)) {
                for (int k = 0; k < 500; k++) {
                    p.send(new ProducerRecord<>(topic, utf8("e" + k), json(T0, "a", k, "b", 1, "c", 1)));
                }
                p.flush();
            }
            try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card, StreamFixtures.options(broker, topic)
                    .liveThreshold(Duration.ofSeconds(1)).build())) {
                StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
                try (FeatureReader r = FeatureReader.open(dir, card,
                        ReaderOptions.builder().refreshInterval(Duration.ofMillis(20)).build());
                     Scorer scorer = FollowerHealthTest.scorer(r, f)) {
                    float[] row = new float[3];
                    assertEquals(FeatureStatus.PRESENT, r.read("e7", row, 0));
                    assertArrayEquals(new float[] {7, 1, 1}, row);
                    StreamFixtures.await("the scorer to be ready", WAIT, () -> scorer.health().ready(),
                            () -> scorer.health().toString());

                    broker.kill();
                    StreamFixtures.await("the follower to report it is no longer live", WAIT,
                            () -> f.stats().state() == FollowerState.CATCHING_UP, () -> f.stats().toJson());
                    long lag = f.stats().freshnessLagMillis();
                    assertTrue(lag > 1_000, "lag " + lag);
                    StreamFixtures.await("the freshness lag to grow", WAIT,
                            () -> f.stats().freshnessLagMillis() > lag + 1_000, () -> f.stats().toJson());
                    StreamFixtures.await("failed probes to be counted", WAIT, () -> f.stats().errors() > 0,
                            () -> f.stats().toJson());
                    assertEquals(FeatureStatus.PRESENT, r.read("e7", row, 0), "readers keep the last state");
                    assertArrayEquals(new float[] {7, 1, 1}, row);
                    ScorerHealth lagging = scorer.health();
                    assertFalse(lagging.ready(), lagging.toString());
                    assertTrue(lagging.problems().get(0).contains("is not live (CATCHING_UP): freshness lag"),
                            lagging.toString());

                    broker.restart();
                    try (KafkaProducer<byte[], byte[]> p = StreamFixtures.producer(broker)) {
                        for (int k = 0; k < 500; k++) {
                            p.send(new ProducerRecord<>(topic, utf8("e" + k), json(T0 + 1, "b", 2)));
                        }
                        p.flush();
                    }
                    StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
                    StreamFixtures.await("the scorer to be ready again", WAIT, () -> scorer.health().ready(),
                            () -> scorer.health().toString());
                    for (int k = 0; k < 500; k++) {
                        assertEquals(FeatureStatus.PRESENT, r.read("e" + k, row, 0));
                        assertArrayEquals(new float[] {k, 2, 1}, row, "e" + k);
                    }
                    assertEquals(1, f.stats().bootstraps(), "resumed after the outage, no rebuild");
                    assertEquals(1, f.stats().generation());
                    assertEquals(1_000, f.stats().applied());
                }
            }
        }
    }
}
