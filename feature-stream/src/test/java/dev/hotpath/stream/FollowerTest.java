package dev.hotpath.stream;

import dev.hotpath.cache.FeatureReader;
import dev.hotpath.cache.FeatureView;
import dev.hotpath.scoring.scorer.FeatureStatus;
import dev.hotpath.cache.ReaderOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static dev.hotpath.stream.StreamFixtures.T0;
import static dev.hotpath.stream.StreamFixtures.json;
import static dev.hotpath.stream.StreamFixtures.send;
import static dev.hotpath.stream.StreamFixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A follower in this JVM on a real broker: merging, event-time ordering, tombstones, poison records, positions and
 * resuming, partition subsets. Every expected value is written out by hand from the records the test sends.
 */
class FollowerTest extends BrokerTest {

    private static final ReaderOptions MANUAL = ReaderOptions.builder().refreshInterval(Duration.ZERO).build();

    private float[] read(FeatureView view, String id, FeatureStatus expected) {
        try (FeatureReader r = FeatureReader.open(dir, view, MANUAL)) {
            float[] row = new float[view.dimension()];
            assertEquals(expected, r.read(id, row, 0), id);
            return row;
        }
    }

    @Test
    void shouldMergePartialUpdatesIntoTheStoredRecord() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        String topic = StreamFixtures.newTopic(broker, "merge", 1, Map.of());
        FeatureUpdates enc = FeatureUpdates.forView(card);
        send(producer, topic, null, utf8("c1"), json(T0, "a", 1, "b", 2, "c", 3));
        send(producer, topic, null, utf8("c1"), json(T0 + 10, "b", 20));
        byte[] partial = new byte[enc.partialUpdateSize(1)];
        enc.encodePartial(T0 + 20, new float[] {0, 0, 30}, 0, new long[] {0b100}, partial, 0);
        send(producer, topic, null, utf8("c1"), partial);
        send(producer, topic, null, utf8("c2"), json(T0, "a", 7));
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card,
                StreamFixtures.options(broker, topic).build())) {
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
            assertArrayEquals(new float[] {1, 20, 30}, read(card, "c1", FeatureStatus.PRESENT));
            float[] c2 = read(card, "c2", FeatureStatus.PRESENT);
            assertEquals(7f, c2[0]);
            assertTrue(Float.isNaN(c2[1]) && Float.isNaN(c2[2]), "features a new entity's update lacks are missing");
            assertEquals(4, f.stats().applied());
            try (FeatureReader r = FeatureReader.open(dir, card, MANUAL)) {
                assertEquals(T0 + 20, r.lookup("c1").eventTimeMillis());
            }
        }
    }

    @Test
    void shouldNeverLetAnOlderEventTimeWinWhateverTheDeliveryOrder() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        String topic = StreamFixtures.newTopic(broker, "order", 2, Map.of());
        // Same partition: newest first, then an older one, a duplicate of the newest, another older one.
        send(producer, topic, 0, utf8("k"), json(T0 + 300, "a", 3, "b", 3, "c", 3));
        send(producer, topic, 0, utf8("k"), json(T0 + 100, "a", 1, "b", 1, "c", 1));
        send(producer, topic, 0, utf8("k"), json(T0 + 300, "a", 3, "b", 3, "c", 3));
        send(producer, topic, 0, utf8("k"), json(T0 + 200, "a", 2, "b", 2, "c", 2));
        // Across partitions (a producer that changed partitioner): the newest is in partition 1, the older in 0.
        send(producer, topic, 1, utf8("x"), json(T0 + 500, "a", 5, "b", 5, "c", 5));
        send(producer, topic, 0, utf8("x"), json(T0 + 400, "a", 4, "b", 4, "c", 4));
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card,
                StreamFixtures.options(broker, topic).build())) {
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
            assertArrayEquals(new float[] {3, 3, 3}, read(card, "k", FeatureStatus.PRESENT));
            assertArrayEquals(new float[] {5, 5, 5}, read(card, "x", FeatureStatus.PRESENT));
            assertEquals(6, f.stats().applied() + f.stats().skippedOlder());
            assertTrue(f.stats().skippedOlder() >= 2, "k's two older updates are dropped: " + f.stats().toJson());
        }
    }

    @Test
    void shouldDeleteAnEntityOnATombstone() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        String topic = StreamFixtures.newTopic(broker, "tombstone", 1, Map.of());
        send(producer, topic, null, utf8("gone"), json(T0, "a", 1, "b", 1, "c", 1));
        send(producer, topic, null, utf8("kept"), json(T0, "a", 2, "b", 2, "c", 2));
        send(producer, topic, null, utf8("gone"), null);
        send(producer, topic, null, utf8("never-existed"), null);
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card,
                StreamFixtures.options(broker, topic).build())) {
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
            read(card, "gone", FeatureStatus.NOT_FOUND);
            assertArrayEquals(new float[] {2, 2, 2}, read(card, "kept", FeatureStatus.PRESENT));
            assertEquals(1, f.stats().deleted(), "a tombstone of an absent entity deletes nothing");
            // Re-created after the tombstone, by an update of any event time.
            send(producer, topic, null, utf8("gone"), json(T0 - 1000, "a", 9, "b", 9, "c", 9));
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
            assertArrayEquals(new float[] {9, 9, 9}, read(card, "gone", FeatureStatus.PRESENT));
        }
    }

    @Test
    void shouldCountSkipAndDeadLetterEveryKindOfPoisonRecord() throws Exception {
        FeatureView merchant = StreamFixtures.merchantView();
        FeatureView other = FeatureView.builder("merchant").ttl(Duration.ofDays(1)).feature("x").feature("z").build();
        String topic = StreamFixtures.newTopic(broker, "poison", 1, Map.of());
        String dlq = StreamFixtures.newTopic(broker, "poison-dlq", 1, Map.of());
        FeatureUpdates enc = FeatureUpdates.forView(merchant);
        byte[] good = new byte[enc.fullUpdateSize()];
        enc.encodeFull(T0, new float[] {1, 2}, 0, good, 0);
        byte[] otherSchema = new byte[FeatureUpdates.forView(other).fullUpdateSize()];
        FeatureUpdates.forView(other).encodeFull(T0, new float[] {1, 2}, 0, otherSchema, 0);
        byte[] id1 = ByteBuffer.allocate(8).putLong(1L).array();
        Map<RejectReason, Integer> expected = new EnumMap<>(RejectReason.class);
        // Interleave good records (ids 1..4) with one poison record of each kind.
        send(producer, topic, null, id1, good);
        send(producer, topic, null, null, good);
        expected.merge(RejectReason.BAD_KEY, 1, Integer::sum);
        send(producer, topic, null, utf8("abc"), good);
        expected.merge(RejectReason.BAD_KEY, 1, Integer::sum);
        send(producer, topic, null, new byte[] {1, 2, 3}, good);
        expected.merge(RejectReason.BAD_KEY, 1, Integer::sum);
        send(producer, topic, null, utf8("2"), json(T0, "x", 5, "y", 6));
        send(producer, topic, null, utf8("3"), utf8("{\"event_time_millis\": 1, \"features\": {\"x\": 1"));
        expected.merge(RejectReason.MALFORMED_JSON, 1, Integer::sum);
        send(producer, topic, null, utf8("3"), java.util.Arrays.copyOf(good, good.length - 1));
        expected.merge(RejectReason.MALFORMED_BINARY, 1, Integer::sum);
        send(producer, topic, null, utf8("3"), json(T0, "x", 1, "nope", 2));
        expected.merge(RejectReason.UNKNOWN_FEATURE, 1, Integer::sum);
        send(producer, topic, null, utf8("3"), otherSchema);
        expected.merge(RejectReason.FINGERPRINT_MISMATCH, 1, Integer::sum);
        send(producer, topic, null, utf8("3"), json(T0, "x", "\"high\""));
        expected.merge(RejectReason.BAD_VALUE, 1, Integer::sum);
        send(producer, topic, null, utf8("3"), json(T0, "x", "null", "y", 1));
        expected.merge(RejectReason.FORBIDDEN_NAN, 1, Integer::sum);
        send(producer, topic, null, utf8("3"), json(T0, "x", 3, "y", 3));
        send(producer, StreamFixtures.withHeader(new ProducerRecord<>(topic, utf8("12345678"), good),
                FeatureUpdates.KEY_FORMAT_HEADER, "decimal"));
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, merchant, StreamFixtures.options(broker, topic)
                .deadLetterTopic(dlq).requireValues(List.of("x")).build())) {
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
            for (RejectReason r : RejectReason.values()) {
                assertEquals((long) expected.getOrDefault(r, 0), f.stats().rejected(r), r.name());
            }
            assertEquals(4, f.stats().applied());
            try (FeatureReader r = FeatureReader.open(dir, merchant, MANUAL)) {
                float[] row = new float[2];
                assertEquals(FeatureStatus.PRESENT, r.read(1L, row, 0));
                assertArrayEquals(new float[] {1, 2}, row);
                assertEquals(FeatureStatus.PRESENT, r.read(2L, row, 0));
                assertArrayEquals(new float[] {5, 6}, row);
                assertEquals(FeatureStatus.PRESENT, r.read(3L, row, 0));
                assertArrayEquals(new float[] {3, 3}, row);
                assertEquals(FeatureStatus.PRESENT, r.read(12345678L, row, 0), "decimal key by header");
            }
            StreamFixtures.await("every rejected record in the dead-letter topic", WAIT,
                    () -> f.stats().deadLettered() == 9, () -> f.stats().toJson());
        }
        List<ConsumerRecord<byte[], byte[]>> dead = StreamFixtures.readAll(broker, dlq);
        assertEquals(9, dead.size());
        ConsumerRecord<byte[], byte[]> first = dead.get(0);
        assertEquals("BAD_KEY", header(first, DeadLetters.REASON_HEADER));
        assertEquals(topic + "-0@1", header(first, DeadLetters.SOURCE_HEADER));
        assertArrayEquals(good, first.value(), "the value is forwarded unchanged");
        assertEquals("FORBIDDEN_NAN", header(dead.get(8), DeadLetters.REASON_HEADER));
        assertTrue(header(dead.get(8), DeadLetters.DETAIL_HEADER).contains("\"x\""));
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldStorePositionsAndResumeFromThemWithoutABootstrap() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        String topic = StreamFixtures.newTopic(broker, "resume", 3, Map.of());
        for (int i = 0; i < 30; i++) {
            send(producer, topic, null, utf8("e" + i), json(T0 + i, "a", i, "b", i, "c", i));
        }
        long generation;
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card,
                StreamFixtures.options(broker, topic).build())) {
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
            assertEquals(1, f.stats().bootstraps(), "a new host bootstraps");
            generation = f.stats().generation();
        }
        Map<Integer, Long> end = StreamFixtures.endOffsets(broker, topic);
        FollowerCheckpoint cp = FollowerCheckpoint.read(dir, "card");
        assertNotNull(cp);
        assertEquals(end, cp.positions, "closing stores the positions of everything applied");
        assertEquals(generation, cp.generation);
        assertEquals(FollowerState.STOPPED.name(), statusState());

        for (int i = 30; i < 40; i++) {
            send(producer, topic, null, utf8("e" + i), json(T0 + i, "a", i, "b", i, "c", i));
        }
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card,
                StreamFixtures.options(broker, topic).build())) {
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
            assertEquals(0, f.stats().bootstraps(), "a restart resumes: " + f.stats().toJson());
            assertEquals(generation, f.stats().generation());
            assertEquals(10, f.stats().applied(), "only the records after the stored positions are read");
            assertArrayEquals(new float[] {39, 39, 39}, read(card, "e39", FeatureStatus.PRESENT));
            assertArrayEquals(new float[] {0, 0, 0}, read(card, "e0", FeatureStatus.PRESENT));
            assertEquals(0, f.stats().recordsBehind());
            assertTrue(f.stats().freshnessLagMillis() >= 0 && f.stats().freshnessLagMillis() < 5_000);
            assertTrue(f.stats().eventTimeLagMillis() >= 59_000, "newest event time is T0 + 39 ms");
            for (int i = 0; i < f.stats().partitionCount(); i++) {
                assertEquals(0, f.stats().recordsBehind(i));
                assertEquals((long) StreamFixtures.endOffsets(broker, topic).get(f.stats().partitionId(i)),
                        f.stats().position(i));
            }
        }
    }

    private String statusState() throws Exception {
        String json = Files.readString(FollowerCheckpoint.path(dir, "card"));
        int i = json.indexOf("\"state\" : \"");
        return json.substring(i + 11, json.indexOf('"', i + 11));
    }

    @Test
    void shouldFollowOnlyItsPartitionsAndAgreeWithTheProducersPartitioner() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        String topic = StreamFixtures.newTopic(broker, "shard", 4, Map.of());
        int[] partitionOf = new int[40];
        for (int i = 0; i < 40; i++) {
            RecordMetadata md = send(producer, topic, null, utf8("id-" + i), json(T0, "a", i, "b", i, "c", i));
            partitionOf[i] = md.partition();
            assertEquals(md.partition(), FeaturePartitioner.partition("id-" + i, 4),
                    "the producer's default partitioner put id-" + i + " there");
        }
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card,
                StreamFixtures.options(broker, topic).partitions(1, 3).build())) {
            StreamFixtures.await("partitions 1 and 3 applied", WAIT, () -> f.stats().isLive()
                    && StreamFixtures.reached(f.stats(), Map.of(1, StreamFixtures.endOffsets(broker, topic).get(1),
                    3, StreamFixtures.endOffsets(broker, topic).get(3))), () -> f.stats().toJson());
            assertEquals(2, f.stats().partitionCount());
            for (int i = 0; i < 40; i++) {
                boolean mine = partitionOf[i] == 1 || partitionOf[i] == 3;
                read(card, "id-" + i, mine ? FeatureStatus.PRESENT : FeatureStatus.NOT_FOUND);
            }
        }
    }

    @Test
    void shouldReportCatchingUpUntilTheBrokerIsProbedAndLiveAfter() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        String topic = StreamFixtures.newTopic(broker, "state", 1, Map.of());
        send(producer, topic, null, utf8("s"), json(T0, "a", 1, "b", 1, "c", 1));
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card, StreamFixtures.options(broker, topic)
                .liveThreshold(Duration.ofSeconds(2)).build())) {
            assertTrue(f.awaitState(FollowerState.LIVE, WAIT), f.stats().toJson());
            assertTrue(f.stats().freshnessLagMillis() <= 2_000);
            assertEquals(1, f.stats().generation());
        }
    }

    @Test
    void shouldPickUpPartitionsAddedToTheTopic() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        String topic = StreamFixtures.newTopic(broker, "grow", 1, Map.of());
        send(producer, topic, 0, utf8("p0"), json(T0, "a", 1, "b", 1, "c", 1));
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card,
                StreamFixtures.options(broker, topic).build())) {
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
            assertEquals(1, f.stats().partitionCount());
            try (org.apache.kafka.clients.admin.Admin admin = broker.admin()) {
                admin.createPartitions(Map.of(topic, org.apache.kafka.clients.admin.NewPartitions.increaseTo(2)))
                        .all().get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            StreamFixtures.await("the topic's second partition listed", WAIT,
                    () -> StreamFixtures.endOffsets(broker, topic).size() == 2, () -> "");
            send(producer, topic, 1, utf8("p1"), json(T0, "a", 2, "b", 2, "c", 2));
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
            assertEquals(2, f.stats().partitionCount());
            assertArrayEquals(new float[] {2, 2, 2}, read(card, "p1", FeatureStatus.PRESENT));
            assertEquals(1, f.stats().bootstraps(), "no rebuild for a new partition");
        }
    }
}
