package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MapFullTest {
    @TempDir
    Path dir;

    @Test
    void shouldTellTheWriterToRebuildWhenFullWhileReadersAreUnaffected() {
        FeatureView view = Fixtures.stringView("small", 4);
        Fixtures.createView(dir, view, 100);
        try (FeatureWriter w = FeatureWriter.open(dir, "small", Fixtures.NO_HEARTBEAT);
             FeatureReader r = FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH)) {
            long now = System.currentTimeMillis();
            CacheFullException full = null;
            int inserted = 0;
            for (int k = 0; k < 1_000_000 && full == null; k++) {
                try {
                    w.upsert("entity-" + k, now, Fixtures.vector(4, k, 1), 0);
                    inserted++;
                } catch (CacheFullException e) {
                    full = e;
                }
            }
            assertNotNull(full, "a map sized for 100 entities must fill up");
            String msg = full.getMessage();
            assertTrue(msg.contains("view small generation 1") && msg.contains("is full")
                    && msg.contains("hotpath cache load --view small") && msg.contains("more capacity")
                    && msg.contains("readers are unaffected"), msg);
            assertFalse(msg.contains("extra segment tier"), "Chronicle's internal wording stays in the cause");
            assertTrue(full.getCause().getMessage().contains("extra segment tier"));
            assertTrue(inserted >= 100, "the map holds at least the expected entities, held " + inserted);

            float[] dst = new float[4];
            for (int k = 0; k < inserted; k += 7) {
                assertEquals(FeatureStatus.PRESENT, r.read("entity-" + k, dst, 0));
                assertArrayEquals(Fixtures.vector(4, k, 1), dst);
            }
            assertFalse(w.upsert("entity-3", now, Fixtures.vector(4, 3, 2), 0), "updates still work");
            assertEquals(FeatureStatus.PRESENT, r.read("entity-3", dst, 0));
            assertArrayEquals(Fixtures.vector(4, 3, 2), dst);
            assertEquals(inserted, r.stats().entries());
            assertTrue(w.stats().percentageFreeSpace() < 30, w.stats().toString());
        }
    }
}
