package dev.hotpath.stream;

import dev.hotpath.cache.FeatureReader;
import dev.hotpath.cache.FeatureView;
import dev.hotpath.scoring.scorer.FeatureStatus;
import dev.hotpath.cache.ReaderOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.hotpath.stream.StreamFixtures.T0;
import static dev.hotpath.stream.StreamFixtures.json;
import static dev.hotpath.stream.StreamFixtures.send;
import static dev.hotpath.stream.StreamFixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The positions stop applying: the topic is deleted and recreated, or retention deleted updates the view never
 * applied. The follower says so and re-bootstraps into a new generation; with re-bootstrap off it fails and readers
 * keep the last state.
 */
class TopicResetTest extends BrokerTest {

    private FeatureStatus read(FeatureReader r, String id, float[] row) {
        r.refresh();
        return r.read(id, row, 0);
    }

    @Test
    void shouldRebootstrapWhenTheTopicIsDeletedAndRecreatedWhileFollowing() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        String topic = StreamFixtures.newTopic(broker, "recreate", 1, Map.of());
        send(producer, topic, null, utf8("old"), json(T0, "a", 1, "b", 1, "c", 1));
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card,
                StreamFixtures.options(broker, topic).build())) {
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
            assertEquals(1, f.stats().generation());
            broker.deleteTopic(topic);
            broker.createTopic(topic, 2, Map.of());
            send(producer, topic, null, utf8("new"), json(T0, "a", 2, "b", 2, "c", 2));
            StreamFixtures.await("a new generation bootstrapped from the recreated topic", WAIT,
                    () -> f.stats().generation() == 2 && f.stats().state().isFollowing(), () -> f.stats().toJson());
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
            assertTrue(f.stats().lastError().contains("recreated") || f.stats().lastError().contains("out of range"),
                    f.stats().lastError());
            try (FeatureReader r = FeatureReader.open(dir, card,
                    ReaderOptions.builder().refreshInterval(Duration.ZERO).build())) {
                float[] row = new float[3];
                assertEquals(FeatureStatus.NOT_FOUND, read(r, "old", row), "the new generation holds the new topic only");
                assertEquals(FeatureStatus.PRESENT, read(r, "new", row));
                assertArrayEquals(new float[] {2, 2, 2}, row);
            }
            assertEquals(2, f.stats().partitionCount());
        }
    }

    @Test
    void shouldFailAndKeepTheLastStateWhenReBootstrapIsOff() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        String topic = StreamFixtures.newTopic(broker, "recreate-off", 1, Map.of());
        send(producer, topic, null, utf8("old"), json(T0, "a", 1, "b", 1, "c", 1));
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card,
                StreamFixtures.options(broker, topic).build())) {
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
        }
        // While no follower runs: the topic is recreated with other content.
        broker.deleteTopic(topic);
        broker.createTopic(topic, 1, Map.of());
        send(producer, topic, null, utf8("new"), json(T0, "a", 2, "b", 2, "c", 2));
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card,
                StreamFixtures.options(broker, topic).rebootstrapOnReset(false).build())) {
            assertTrue(f.awaitState(FollowerState.FAILED, WAIT), f.stats().toJson());
            assertTrue(f.stats().lastError().contains("was deleted and recreated"), f.stats().lastError());
            assertTrue(f.stats().lastError().contains("--from earliest"), f.stats().lastError());
        }
        try (FeatureReader r = FeatureReader.open(dir, card,
                ReaderOptions.builder().refreshInterval(Duration.ZERO).build())) {
            float[] row = new float[3];
            assertEquals(FeatureStatus.PRESENT, r.read("old", row, 0), "readers keep the last state");
            assertEquals(1, r.generation());
        }
    }

    @Test
    void shouldRebootstrapWhenRetentionDeletedUpdatesTheViewNeverApplied() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        String topic = StreamFixtures.newTopic(broker, "retention", 1, Map.of());
        send(producer, topic, null, utf8("a"), json(T0, "a", 1, "b", 1, "c", 1));
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card,
                StreamFixtures.options(broker, topic).build())) {
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
        }
        for (int i = 0; i < 5; i++) {
            send(producer, topic, null, utf8("b" + i), json(T0, "a", i, "b", i, "c", i));
        }
        // Retention (here: deleteRecords) removes offsets 1..3 before the follower comes back at offset 1.
        try (Admin admin = broker.admin()) {
            admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(4))).all()
                    .get(60, TimeUnit.SECONDS);
        }
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card,
                StreamFixtures.options(broker, topic).build())) {
            StreamFixtures.await("a re-bootstrap into generation 2", WAIT,
                    () -> f.stats().generation() == 2 && f.stats().state().isFollowing(), () -> f.stats().toJson());
            assertTrue(f.stats().lastError().contains("before the start of its log"), f.stats().lastError());
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
            try (FeatureReader r = FeatureReader.open(dir, card,
                    ReaderOptions.builder().refreshInterval(Duration.ZERO).build())) {
                float[] row = new float[3];
                assertEquals(FeatureStatus.NOT_FOUND, r.read("b0", row, 0), "deleted from the topic: not rebuilt");
                assertEquals(FeatureStatus.PRESENT, r.read("b4", row, 0));
                assertArrayEquals(new float[] {4, 4, 4}, row);
            }
        }
    }
}
