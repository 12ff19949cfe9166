package dev.hotpath.cache;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.scorer.FeatureSource;
import dev.hotpath.scoring.scorer.FeatureStatus;
import dev.hotpath.scoring.scorer.Scorer;
import dev.hotpath.scoring.testing.AllocationProbe;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pinned reader is the scorer's {@link FeatureSource} itself: no adapter, no status translation per read. */
class FeatureReaderAsSourceTest {
    @TempDir
    Path dir;

    /** @return a reader pinned to view "card" (f0, f1; defaults -1, -2) whose entity "a" holds {3, 4} */
    private FeatureReader pinnedReaderWithEntityA() {
        FeatureView view = Fixtures.stringView("card", 2);
        Fixtures.createView(dir, view, 100);
        try (FeatureWriter w = FeatureWriter.open(dir, "card", Fixtures.NO_HEARTBEAT)) {
            w.upsert("a", System.currentTimeMillis(), new float[] {3, 4}, 0);
        }
        return FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH);
    }

    @Test
    void shouldServeAsTheScorersFeatureSourceWhenPinned() {
        try (FeatureReader r = pinnedReaderWithEntityA()) {
            FeatureSource src = r;
            assertEquals("card", src.name());
            assertEquals(List.of("f0", "f1"), src.featureNames());
            float[] dst = new float[3];
            assertSame(FeatureStatus.PRESENT, src.read("a", dst, 1));
            assertArrayEquals(new float[] {0, 3, 4}, dst);
            assertSame(FeatureStatus.NOT_FOUND, src.read("b", dst, 0));
            assertArrayEquals(new float[] {-1, -2, 4}, dst);
            src.fillDefaults(dst, 1);
            assertArrayEquals(new float[] {-1, -1, -2}, dst);
        }
    }

    @Test
    @Tag("allocation")
    void shouldReadThroughTheSourceInterfaceWithoutAllocating() {
        try (FeatureReader r = pinnedReaderWithEntityA()) {
            FeatureSource src = r;
            float[] dst = new float[2];
            long[] present = {0};
            long[] calls = {0};
            // Retried after the JIT went idle when a loaded box put a compilation into every round (224 to 936 B
            // seen); a per-call allocation still fails. AllocationTest's control sees allocation through the same.
            long bytes = SteadyAllocation.bytes(AllocationProbe.DEFAULT_WARMUP, AllocationProbe.DEFAULT_CALLS, () -> {
                calls[0]++;
                if (src.read("a", dst, 0) == FeatureStatus.PRESENT) {
                    present[0]++;
                }
                src.fillDefaults(dst, 0);
            });
            assertEquals(0, bytes, "FeatureSource.read + fillDefaults allocated " + bytes + " bytes over "
                    + AllocationProbe.DEFAULT_CALLS + " calls");
            assertEquals(calls[0], present[0], "every read was PRESENT");
        }
    }

    @Test
    void shouldRefuseAFollowingReaderWhenAScorerIsBuilt() {
        FeatureView view = Fixtures.stringView("card", 2);
        Fixtures.createView(dir, view, 100);
        try (FeatureReader following = FeatureReader.open(dir, "card", Fixtures.MANUAL_REFRESH)) {
            TreeEnsemble model = TreeEnsemble.builder(1, 1).featureNames(List.of("card.f0"))
                    .baseMargins(new float[] {0f}).build();
            Scorer.Builder b = Scorer.builder().primary("m", model);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.featureSource(following));
            assertTrue(e.getMessage().contains("pinned"), e.getMessage());
            assertThrows(ConfigurationException.class, b::build, "the view was not added");
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
            FeatureSource src = pinned; // a following reader would be refused by Scorer.Builder.featureSource
            float[] dst = new float[2];
            assertEquals(FeatureStatus.PRESENT, src.read("a", dst, 0));
            assertArrayEquals(new float[] {3, 4}, dst);
            assertEquals(v1.fingerprint(), pinned.view().fingerprint());
            assertEquals(v1.featureNames(), src.featureNames());
        }
    }
}
