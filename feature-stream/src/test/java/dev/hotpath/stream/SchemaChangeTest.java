package dev.hotpath.stream;

import dev.hotpath.cache.FeatureReader;
import dev.hotpath.cache.FeatureView;
import dev.hotpath.scoring.scorer.FeatureStatus;
import dev.hotpath.cache.ReaderOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.hotpath.stream.StreamFixtures.T0;
import static dev.hotpath.stream.StreamFixtures.send;
import static dev.hotpath.stream.StreamFixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A schema change on the topic: producers switch to a new view definition (a new feature); a model pinned to it reads
 * SCHEMA_MISMATCH (with its defaults) until the follower, given the new definition, has built and published a new
 * generation; then it reads the new features and a model pinned to the old definition reads SCHEMA_MISMATCH.
 */
class SchemaChangeTest extends BrokerTest {

    private static byte[] binary(FeatureView view, long t, float... values) {
        FeatureUpdates enc = FeatureUpdates.forView(view);
        byte[] b = new byte[enc.fullUpdateSize()];
        enc.encodeFull(t, values, 0, b, 0);
        return b;
    }

    @Test
    void shouldServeSchemaMismatchToTheNewModelUntilTheNewGenerationIsBuilt() throws Exception {
        FeatureView v1 = Fixtures2.view("risk", "a", "b");
        FeatureView v2 = Fixtures2.view("risk", "a", "b", "c");
        String topic = StreamFixtures.newTopic(broker, "schema", 2, Map.of());
        for (int k = 0; k < 50; k++) {
            send(producer, topic, null, utf8("e" + k), binary(v1, T0, k, 1));
        }
        ReaderOptions manual = ReaderOptions.builder().refreshInterval(Duration.ZERO).build();
        float[] row = new float[3];
        try (FeatureStreamFollower f1 = FeatureStreamFollower.start(dir, v1,
                StreamFixtures.options(broker, topic).build())) {
            StreamFixtures.awaitCaughtUp(f1, broker, topic, WAIT);
            // The pipeline switches to v2: the v1 follower refuses its updates, the v2 model reads defaults.
            for (int k = 0; k < 50; k++) {
                send(producer, topic, null, utf8("e" + k), binary(v2, T0 + 1, k, 2, k * 3));
            }
            StreamFixtures.awaitCaughtUp(f1, broker, topic, WAIT);
            assertEquals(50, f1.stats().rejected(RejectReason.FINGERPRINT_MISMATCH));
            try (FeatureReader newModel = FeatureReader.open(dir, v2, manual)) {
                assertEquals(FeatureStatus.SCHEMA_MISMATCH, newModel.read("e7", row, 0));
                assertTrue(Float.isNaN(row[0]) && Float.isNaN(row[2]), "the v2 defaults (NaN)");
            }
        }
        try (FeatureReader newModel = FeatureReader.open(dir, v2, manual);
             FeatureReader oldModel = FeatureReader.open(dir, v1, manual);
             FeatureStreamFollower f2 = FeatureStreamFollower.start(dir, v2,
                     StreamFixtures.options(broker, topic).build())) {
            // Until the v2 generation is published, every read of the new model is SCHEMA_MISMATCH; once it is, the
            // generation is complete.
            long deadline = System.nanoTime() + WAIT.toNanos();
            long mismatches = 0;
            while (true) {
                newModel.refresh();
                if (newModel.generation() != 2) { // 0 while the published schema is not the pinned one
                    assertEquals(FeatureStatus.SCHEMA_MISMATCH, newModel.read("e7", row, 0));
                    mismatches++;
                } else {
                    for (int k = 0; k < 50; k++) {
                        assertEquals(FeatureStatus.PRESENT, newModel.read("e" + k, row, 0), "e" + k);
                        assertArrayEquals(new float[] {k, 2, k * 3}, row);
                    }
                    break;
                }
                assertTrue(System.nanoTime() < deadline, f2.stats().toJson());
                Thread.sleep(2);
            }
            assertTrue(mismatches > 0);
            assertEquals(2, newModel.generation());
            StreamFixtures.awaitCaughtUp(f2, broker, topic, WAIT);
            newModel.refresh();
            assertEquals(FeatureStatus.PRESENT, newModel.read("e7", row, 0));
            assertArrayEquals(new float[] {7, 2, 21}, row);
            assertEquals(50, f2.stats().rejected(RejectReason.FINGERPRINT_MISMATCH), "the v1 updates in the topic");
            oldModel.refresh();
            assertEquals(FeatureStatus.SCHEMA_MISMATCH, oldModel.read("e7", row, 0));
        }
    }

    /** Small view helper. */
    static final class Fixtures2 {
        static FeatureView view(String name, String... features) {
            FeatureView.Builder b = FeatureView.builder(name).ttl(Duration.ofDays(3650));
            for (String f : features) {
                b.feature(f);
            }
            return b.build();
        }
    }
}
