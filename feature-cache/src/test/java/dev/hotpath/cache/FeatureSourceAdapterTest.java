package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureSource;
import dev.hotpath.scoring.scorer.FeatureStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The reader as the scorer's {@code FeatureSource} (its allocation-free read is measured in {@link AllocationTest}). */
class FeatureSourceAdapterTest {
    @TempDir
    Path dir;

    @Test
    void shouldServeAScorerThroughTheCoreFeatureSourceInterface() {
        FeatureView view = Fixtures.stringView("card", 2);
        Fixtures.createView(dir, view, 100);
        try (FeatureWriter w = FeatureWriter.open(dir, "card", Fixtures.NO_HEARTBEAT);
             FeatureReader r = FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH);
             FeatureReader following = FeatureReader.open(dir, "card", Fixtures.MANUAL_REFRESH)) {
            w.upsert("a", System.currentTimeMillis(), new float[] {3, 4}, 0);
            FeatureSource src = r.asFeatureSource();
            assertEquals("card", src.name());
            assertEquals(List.of("f0", "f1"), src.featureNames());
            float[] dst = new float[3];
            assertEquals(FeatureStatus.PRESENT, src.read("a", dst, 1));
            assertArrayEquals(new float[] {0, 3, 4}, dst);
            assertEquals(FeatureStatus.NOT_FOUND, src.read("b", dst, 0));
            assertArrayEquals(new float[] {-1, -2, 4}, dst);
            src.fillDefaults(dst, 1);
            assertArrayEquals(new float[] {-1, -1, -2}, dst);
            for (ReadStatus s : ReadStatus.values()) {
                assertEquals(s.name(), FeatureStatus.valueOf(s.name()).name(), "every status maps by name");
            }
            assertThrows(IllegalStateException.class, following::asFeatureSource);
        }
    }

    @Test
    void shouldPinToThePublishedDefinitionWhenOpenedByName() {
        FeatureView v1 = Fixtures.stringView("card", 2);
        Fixtures.createView(dir, v1, 100);
        try (FeatureWriter w = FeatureWriter.open(dir, "card", Fixtures.NO_HEARTBEAT)) {
            w.upsert("a", System.currentTimeMillis(), new float[] {3, 4}, 0);
        }
        try (FeatureReader pinned = FeatureReader.openPinnedToCurrent(dir, "card")) {
            FeatureSource src = pinned.asFeatureSource(); // a following reader would refuse this
            float[] dst = new float[2];
            assertEquals(FeatureStatus.PRESENT, src.read("a", dst, 0));
            assertArrayEquals(new float[] {3, 4}, dst);
            assertEquals(v1.fingerprint(), pinned.view().fingerprint());
        }
    }
}
