package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README section "A pipeline writing and a service reading a view", verbatim between the BEGIN/END markers, so
 * the documented code compiles and works. {@link #readmeMatchesThisTest()} checks the README still shows it.
 */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    // BEGIN pipeline
    static void pipeline(Path dir, Path definitionJson, Path nightlyCsv) {
        FeatureView cardView = FeatureView.fromJson(definitionJson);

        // Nightly: build a new generation from the batch job's CSV; readers switch when it is complete.
        LoadResult loaded = FeatureCsvLoader.load(dir, cardView, nightlyCsv, WriterOptions.defaults(),
                FeatureCacheAdmin.stderrProgress());
        System.err.println("published generation " + loaded.generation() + ": " + loaded.entities() + " cards");

        // Streaming: update single cards in the published generation as events arrive.
        try (FeatureWriter writer = FeatureWriter.open(dir, "card")) {
            float[] features = new float[cardView.dimension()];      // reused: upserts allocate nothing
            long eventTime = System.currentTimeMillis();
            features[cardView.indexOf("txn_count_1h")] = 5;
            features[cardView.indexOf("amount_avg_30d")] = 99.0f;
            features[cardView.indexOf("country_risk")] = 0.5f;
            writer.upsert("fp-1", eventTime, features, 0);
            writer.setWatermark(eventTime);                          // published by the heartbeat
        }
    }
    // END pipeline

    // BEGIN service
    /** A scoring service: opens the view once at start-up, reads it on every request. */
    static final class CardFeatures implements AutoCloseable {
        private final FeatureReader cards;
        private final ThreadLocal<float[]> rows;

        CardFeatures(Path dir, FeatureView modelsDefinition) {
            // Pinned to the definition the model was trained with: a different published schema reads as
            // SCHEMA_MISMATCH with defaults, never as wrong features.
            this.cards = FeatureReader.open(dir, modelsDefinition);
            this.rows = ThreadLocal.withInitial(() -> new float[modelsDefinition.dimension()]);
        }

        /** Request path: no allocation, bounded lock wait, never throws for data. */
        float[] featuresOf(CharSequence cardFingerprint) {
            float[] row = rows.get();
            FeatureStatus status = cards.read(cardFingerprint, row, 0);   // defaults unless PRESENT
            if (status != FeatureStatus.PRESENT) {
                // e.g. count it, or feed it to the model as a missing-data indicator
            }
            return row;
        }

        @Override
        public void close() {
            cards.close();                                            // after scoring has stopped
        }
    }
    // END service

    @Test
    void shouldRunTheReadmeExample() throws IOException {
        Path definition = FeatureViewTest.fixture("card-view.json");
        Path csv = Fixtures.write(dir.resolve("cards.csv"),
                "card_fp,txn_count_1h,amount_avg_30d,country_risk\nfp-1,4,120.5,0.25\nfp-2,1,10,0.75\n");
        pipeline(dir, definition, csv);
        try (CardFeatures service = new CardFeatures(dir, FeatureView.fromJson(definition))) {
            assertArrayEquals(new float[] {5, 99.0f, 0.5f}, service.featuresOf("fp-1"));
            assertArrayEquals(new float[] {1, 10, 0.75f}, service.featuresOf(new StringBuilder("fp-2")));
            float[] unknown = service.featuresOf("fp-404");
            assertEquals(0f, unknown[0]);
            assertTrue(Float.isNaN(unknown[1]));
            assertEquals(0.5f, unknown[2]);
        }
    }

    @Test
    void readmeMatchesThisTest() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String source = Files.readString(Path.of("src/test/java/dev/hotpath/cache/ReadmeExampleTest.java"));
        for (String block : new String[] {"pipeline", "service"}) {
            String code = between(source, "// BEGIN " + block + "\n", "    // END " + block).lines()
                    .map(l -> l.startsWith("    ") ? l.substring(4) : l)
                    .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
            assertTrue(readme.contains(code), "README.md must contain the " + block + " example verbatim:\n" + code);
        }
    }

    private static String between(String s, String start, String end) {
        int a = s.indexOf(start) + start.length();
        return s.substring(a, s.indexOf(end, a));
    }
}
