package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The 1M entities x 50 features CSV load completes and every entity is served. Deliberately not timed (the time is
 * recorded in the root BENCHMARKS.md by {@link CsvLoadBenchmark}); the timeout only keeps CI from hanging.
 */
class CsvLoadMillionTest {
    private static final int ENTITIES = 1_000_000;
    private static final int FEATURES = 50;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shouldLoadAMillionEntitiesWithFiftyFeaturesFromCsv() throws Exception {
        Path csv = dir.resolve("million.csv");
        SyntheticCsv.write(csv, ENTITIES, FEATURES);
        FeatureView view = SyntheticCsv.view("million", FEATURES);
        Fixtures.createView(dir, view, 1000);

        long t0 = System.nanoTime();
        LoadResult res = FeatureCsvLoader.load(dir, "million", csv, Fixtures.NO_HEARTBEAT, null);
        System.out.printf("1M x 50 CSV load: %d ms (informational, see the root BENCHMARKS.md)%n",
                (System.nanoTime() - t0) / 1_000_000);
        Files.delete(csv);
        assertEquals(ENTITIES, res.rows());
        assertEquals(ENTITIES, res.entities());
        assertEquals(0, res.duplicates());

        try (FeatureReader r = FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH)) {
            float[] dst = new float[FEATURES];
            StringBuilder id = new StringBuilder();
            for (int i = 0; i < ENTITIES; i++) {
                id.setLength(0);
                SyntheticCsv.appendId(id, i);
                FeatureStatus s = r.read(id, dst, 0);
                if (s != FeatureStatus.PRESENT) {
                    fail(id + ": " + s);
                }
                // Every feature of every 50th entity, three features of the others. Expected values come from the
                // JDK's parser of the text written, not from the loader.
                for (int j = 0; j < FEATURES; j += i % 50 == 0 ? 1 : FEATURES / 2 - 1) {
                    float expected = Float.parseFloat(SyntheticCsv.text(i, j));
                    if (dst[j] != expected) {
                        fail(id + " f" + j + ": expected " + expected + " but was " + dst[j]);
                    }
                }
            }
            assertEquals(ENTITIES, r.stats().entries());
        }
    }
}
