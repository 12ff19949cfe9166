package dev.hotpath.stream;

import dev.hotpath.cache.ChildJvm;
import dev.hotpath.cache.FeatureCsvLoader;
import dev.hotpath.cache.FeatureReader;
import dev.hotpath.cache.FeatureView;
import dev.hotpath.scoring.scorer.FeatureStatus;
import dev.hotpath.cache.ReaderOptions;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.hotpath.stream.StreamFixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Followers and readers in separate JVMs: a bootstrap while another process reads the old generation, and a
 * follower process killed with SIGKILL in the middle of the stream.
 */
class MultiProcessTest extends BrokerTest {

    private Path writeDefinition(FeatureView view) throws Exception {
        Path def = dir.resolve("view-" + view.fingerprintHex() + ".json");
        Files.writeString(def, view.toJson());
        return def;
    }

    /** Entity k at version v: [k * 10 + v, k * 10 + v + 0.5, -(k * 10 + v)] (what ReaderChildMain checks). */
    private static float[] versioned(int k, int v) {
        float base = k * 10f + v;
        return new float[] {base, base + 0.5f, -base};
    }

    @Test
    void shouldBootstrapANewGenerationWhileReadersInAnotherJvmKeepReadingTheOldOne() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        int n = 20_000;
        // Generation 1: every entity at version 1, from a nightly CSV.
        StringBuilder csv = new StringBuilder("id,a,b,c,event_time_millis\n");
        for (int k = 0; k < n; k++) {
            float[] v = versioned(k, 1);
            csv.append('e').append(k).append(',').append(v[0]).append(',').append(v[1]).append(',').append(v[2])
                    .append(',').append(T0).append('\n');
        }
        Path csvFile = dir.resolve("nightly.csv");
        Files.writeString(csvFile, csv);
        FeatureCsvLoader.load(dir, card, csvFile, StreamFixtures.WRITER, null);
        // The topic: every entity at version 2.
        String topic = StreamFixtures.newTopic(broker, "rebuild", 3, Map.of());
        FeatureUpdates enc = FeatureUpdates.forView(card);
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            byte[] value = new byte[enc.fullUpdateSize()];
            enc.encodeFull(T0 + 1, versioned(k, 2), 0, value, 0);
            acks.add(producer.send(new ProducerRecord<>(topic, enc.key("e" + k), value)));
        }
        for (Future<RecordMetadata> a : acks) {
            a.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        try (ChildJvm reader = ChildJvm.start(dir, ChildJvm.chronicleJvmOptions(), ReaderChildMain.class,
                dir.toString(), writeDefinition(card).toString(), Integer.toString(n))) {
            reader.awaitLine("READY", 120, TimeUnit.SECONDS);
            // The generation was loaded by another tool: no positions, so the follower bootstraps generation 2.
            try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, card,
                    StreamFixtures.options(broker, topic).build())) {
                StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
                assertEquals(2, f.stats().generation());
                assertEquals(1, f.stats().bootstraps());
                // Let the reader do full passes over the new generation.
                Thread.sleep(1_000);
                Files.writeString(dir.resolve("stop-reader"), "stop");
                String stats = reader.awaitLine("STATS", 120, TimeUnit.SECONDS);
                assertTrue(stats.contains(" torn=0 "), stats);
                assertTrue(stats.contains(" mixed=0 "), "never back to the old generation: " + stats);
                assertTrue(stats.contains(" missing=0 "), "never a half-built generation: " + stats);
                assertTrue(!stats.contains(" v1=0 ") && !stats.contains(" v2=0 "), "read both generations: " + stats);
                assertEquals(0, reader.awaitExit(60, TimeUnit.SECONDS));
            }
        }
    }

    /** One update the test sent, where the broker put it. */
    private static final class Sent {
        final String id;
        final int partition;
        final long offset;
        final long eventTime;
        final float[] values;
        final long present;
        final boolean tombstone;

        Sent(String id, RecordMetadata md, long eventTime, float[] values, long present, boolean tombstone) {
            this.id = id;
            this.partition = md.partition();
            this.offset = md.offset();
            this.eventTime = eventTime;
            this.values = values;
            this.present = present;
            this.tombstone = tombstone;
        }
    }

    /** What the test's producer sends: random entities, event times out of order, partial updates, tombstones. */
    private static final class Stream {
        private final FeatureView view;
        private final FeatureUpdates enc;
        private final String topic;
        private final Random rnd = new Random(2024);
        private final List<Future<RecordMetadata>> acks = new ArrayList<>();
        private final List<Object[]> pending = new ArrayList<>();
        final List<Sent> sent = new ArrayList<>();

        Stream(FeatureView view, String topic) {
            this.view = view;
            this.enc = FeatureUpdates.forView(view);
            this.topic = topic;
        }

        void send(int count) throws Exception {
            for (int i = 0; i < count; i++) {
                String id = "e" + rnd.nextInt(2_000);
                long t = T0 + rnd.nextInt(100_000);
                int kind = rnd.nextInt(20);
                byte[] value;
                float[] values = {rnd.nextFloat(), rnd.nextInt(100), rnd.nextFloat() * 1e6f};
                long present = 0b111;
                boolean tombstone = false;
                if (kind == 0) {
                    value = null;
                    tombstone = true;
                } else if (kind < 6) {
                    present = 1 + rnd.nextInt(6);
                    value = new byte[enc.partialUpdateSize(Long.bitCount(present))];
                    enc.encodePartial(t, values, 0, new long[] {present}, value, 0);
                } else if (kind < 9) {
                    value = enc.toJson(t, values, 0, null).getBytes(StandardCharsets.UTF_8);
                } else {
                    value = new byte[enc.fullUpdateSize()];
                    enc.encodeFull(t, values, 0, value, 0);
                }
                acks.add(producer.send(new ProducerRecord<>(topic, enc.key(id), value)));
                pending.add(new Object[] {id, t, values, present, tombstone});
            }
            for (int i = 0; i < acks.size(); i++) {
                Object[] p = pending.get(i);
                sent.add(new Sent((String) p[0], acks.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS), (Long) p[1],
                        (float[]) p[2],
                        (Long) p[3], (Boolean) p[4]));
            }
            acks.clear();
            pending.clear();
        }

        /**
         * The state the topic describes, built independently of the follower: per entity, in offset order (one
         * entity's updates share a partition), a tombstone deletes; an update older than the stored record is
         * dropped; otherwise the features it carries replace the stored ones (missing for a new entity).
         */
        Map<String, float[]> reference(Map<String, Long> eventTimes) {
            List<Sent> ordered = new ArrayList<>(sent);
            ordered.sort((a, b) -> a.partition != b.partition ? Integer.compare(a.partition, b.partition)
                    : Long.compare(a.offset, b.offset));
            Map<String, float[]> state = new TreeMap<>();
            for (Sent s : ordered) {
                if (s.tombstone) {
                    state.remove(s.id);
                    eventTimes.remove(s.id);
                    continue;
                }
                float[] cur = state.get(s.id);
                if (cur != null && eventTimes.get(s.id) > s.eventTime) {
                    continue;
                }
                float[] next = cur == null ? new float[] {Float.NaN, Float.NaN, Float.NaN} : cur.clone();
                for (int f = 0; f < view.dimension(); f++) {
                    if ((s.present & (1L << f)) != 0) {
                        next[f] = s.values[f];
                    }
                }
                state.put(s.id, next);
                eventTimes.put(s.id, s.eventTime);
            }
            return state;
        }
    }

    private Map<Integer, Long> storedPositions() {
        FollowerCheckpoint cp = FollowerCheckpoint.read(dir, "card");
        return cp == null ? Map.of() : cp.positions;
    }

    private long appliedSoFar() {
        return storedPositions().values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void shouldResumeWithNothingLostOrDuplicatedAfterTheFollowerProcessIsKilled() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        String topic = StreamFixtures.newTopic(broker, "sigkill", 3, Map.of());
        Path def = writeDefinition(card);
        Stream stream = new Stream(card, topic);
        stream.send(5_000);
        String[] args = {dir.toString(), def.toString(), broker.bootstrapServers(), topic};
        try (ChildJvm first = ChildJvm.start(dir, ChildJvm.chronicleJvmOptions(), FollowerChildMain.class, args)) {
            StreamFixtures.await("the follower process to apply part of the stream", WAIT,
                    () -> appliedSoFar() > 0 || !first.isAlive(), first::stderrText);
            // Keep the stream flowing and kill the follower while it applies it.
            stream.send(5_000);
            long before = appliedSoFar();
            StreamFixtures.await("the follower to make progress on the new records", WAIT,
                    () -> appliedSoFar() > before || !first.isAlive(), first::stderrText);
            first.kill();
        }
        stream.send(5_000);
        Map<Integer, Long> end = StreamFixtures.endOffsets(broker, topic);
        String log;
        try (ChildJvm second = ChildJvm.start(dir, ChildJvm.chronicleJvmOptions(), FollowerChildMain.class, args)) {
            StreamFixtures.await("the restarted follower to apply the whole topic " + end, WAIT,
                    () -> storedPositions().equals(end) || !second.isAlive(), second::stderrText);
            assertEquals(end, storedPositions(), second.stderrText());
            // SIGTERM: stores positions and exits.
            second.terminate(60, TimeUnit.SECONDS);
            log = second.stdoutSoFar() + second.stderrText();
        }
        assertEquals(end, storedPositions());
        Map<String, Long> eventTimes = new HashMap<>();
        Map<String, float[]> expected = stream.reference(eventTimes);
        try (FeatureReader r = FeatureReader.open(dir, card,
                ReaderOptions.builder().refreshInterval(Duration.ZERO).build())) {
            float[] row = new float[3];
            int present = 0;
            for (int k = 0; k < 2_000; k++) {
                String id = "e" + k;
                FeatureStatus s = r.read(id, row, 0);
                float[] want = expected.get(id);
                if (want == null) {
                    assertEquals(FeatureStatus.NOT_FOUND, s, id);
                    continue;
                }
                present++;
                assertEquals(FeatureStatus.PRESENT, s, id);
                for (int f = 0; f < 3; f++) {
                    assertEquals(Float.floatToRawIntBits(want[f]), Float.floatToRawIntBits(row[f]),
                            id + " feature " + f + ": want " + Arrays.toString(want) + " got " + Arrays.toString(row));
                }
                assertEquals((long) eventTimes.get(id), r.lookup(id).eventTimeMillis(), id);
            }
            assertTrue(present > 1_000, "most entities exist: " + present);
            // The restart resumes generation 1 from the stored positions, unless the kill hit while a record's segment
            // lock was held (Chronicle's locks live in the file): then it rebuilds generation 2 from the topic.
            assertTrue(r.generation() == 1 || log.contains("stays locked"), "generation " + r.generation() + ": "
                    + log);
        }
    }
}
