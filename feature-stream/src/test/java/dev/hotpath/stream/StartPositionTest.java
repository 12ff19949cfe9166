package dev.hotpath.stream;

import dev.hotpath.cache.FeatureReader;
import dev.hotpath.cache.FeatureView;
import dev.hotpath.scoring.scorer.FeatureStatus;
import dev.hotpath.cache.ReaderOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static dev.hotpath.stream.StreamFixtures.T0;
import static dev.hotpath.stream.StreamFixtures.json;
import static dev.hotpath.stream.StreamFixtures.send;
import static dev.hotpath.stream.StreamFixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where a follower starts: a CSV snapshot plus the offsets it was taken at, the topic's end, an explicit rebuild. */
class StartPositionTest extends BrokerTest {
    private static final ReaderOptions MANUAL = ReaderOptions.builder().refreshInterval(Duration.ZERO).build();

    @Test
    void shouldBootstrapFromASnapshotAndCatchUpFromItsOffsetsBeforePublishing() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        String topic = StreamFixtures.newTopic(broker, "snapshot", 1, Map.of());
        // Offsets 0..9 are in the snapshot (as the snapshot's values, which the topic's would not give) ...
        for (int k = 0; k < 10; k++) {
            send(producer, topic, null, utf8("e" + k), json(T0, "a", -1, "b", -1, "c", -1));
        }
        Path csv = dir.resolve("snapshot.csv");
        StringBuilder sb = new StringBuilder("id,a,b,c,event_time_millis\n");
        for (int k = 0; k < 10; k++) {
            sb.append('e').append(k).append(',').append(k).append(",0,0,").append(T0).append('\n');
        }
        Files.writeString(csv, sb);
        // ... offsets 10.. come after it: e0 changes, e10 is new.
        send(producer, topic, null, utf8("e0"), json(T0 + 5, "b", 5));
        send(producer, topic, null, utf8("e10"), json(T0 + 5, "a", 10, "b", 10, "c", 10));
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card, StreamFixtures.options(broker, topic)
                .snapshot(csv).offsets(Map.of(0, 10L)).build())) {
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
            assertEquals(2, f.stats().applied(), "only the records after the snapshot's offsets");
            try (FeatureReader r = FeatureReader.open(dir, card, MANUAL)) {
                float[] row = new float[3];
                assertEquals(FeatureStatus.PRESENT, r.read("e0", row, 0));
                assertArrayEquals(new float[] {0, 5, 0}, row);
                assertEquals(FeatureStatus.PRESENT, r.read("e3", row, 0));
                assertArrayEquals(new float[] {3, 0, 0}, row);
                assertEquals(FeatureStatus.PRESENT, r.read("e10", row, 0));
                assertEquals(1, r.generation());
            }
            assertEquals(Map.of(0, 12L), FollowerCheckpoint.read(dir, "card").positions);
        }
        // Restarting resumes from the stored positions, not from the snapshot.
        send(producer, topic, null, utf8("e11"), json(T0, "a", 11, "b", 11, "c", 11));
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card,
                StreamFixtures.options(broker, topic).build())) {
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
            assertEquals(1, f.stats().applied());
            assertEquals(0, f.stats().bootstraps());
        }
    }

    @Test
    void shouldFollowOnlyNewUpdatesFromTheEndOfTheTopic() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        String topic = StreamFixtures.newTopic(broker, "latest", 2, Map.of());
        send(producer, topic, null, utf8("before"), json(T0, "a", 1, "b", 1, "c", 1));
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card, StreamFixtures.options(broker, topic)
                .startFrom(StartPosition.LATEST).build())) {
            assertTrue(f.awaitState(FollowerState.LIVE, WAIT), f.stats().toJson());
            send(producer, topic, null, utf8("after"), json(T0, "a", 2, "b", 2, "c", 2));
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
            try (FeatureReader r = FeatureReader.open(dir, card, MANUAL)) {
                float[] row = new float[3];
                assertEquals(FeatureStatus.NOT_FOUND, r.read("before", row, 0));
                assertEquals(FeatureStatus.PRESENT, r.read("after", row, 0));
            }
        }
    }

    @Test
    void shouldRebuildFromTheEarliestOffsetsWhenAsked() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        String topic = StreamFixtures.newTopic(broker, "rebuild-ask", 1, Map.of());
        send(producer, topic, null, utf8("x"), json(T0, "a", 1, "b", 1, "c", 1));
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card,
                StreamFixtures.options(broker, topic).build())) {
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
            f.rebuild("test");
            StreamFixtures.await("generation 2", WAIT, () -> f.stats().generation() == 2
                    && f.stats().state().isFollowing(), () -> f.stats().toJson());
            assertEquals(2, f.stats().bootstraps());
        }
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card, StreamFixtures.options(broker, topic)
                .startFrom(StartPosition.EARLIEST).build())) {
            StreamFixtures.await("generation 3", WAIT, () -> f.stats().generation() == 3
                    && f.stats().state().isFollowing(), () -> f.stats().toJson());
        }
    }
}
