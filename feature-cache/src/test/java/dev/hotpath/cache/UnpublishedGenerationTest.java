package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generations that were never published: the file a killed load leaves behind, one being built right now, one the
 * disk has no room for. None may be served, kept as "the previous generation", or left behind unnoticed.
 */
class UnpublishedGenerationTest {
    private static final int DIM = 3;
    private static final int ROWS = (int) FeatureCsvLoader.PROGRESS_EVERY + 20_000;

    @TempDir
    Path dir;

    private final FeatureView view = Fixtures.stringView("card", DIM);

    private String file(long generation) {
        return Manifest.generationFileName("card", view.fingerprint(), generation);
    }

    private List<String> generationFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cm3")).sorted()
                    .collect(Collectors.toList());
        }
    }

    /** A CSV of ROWS entities, every feature = version. */
    private Path csv(String name, int version) throws IOException {
        StringBuilder sb = new StringBuilder(ROWS * 24).append("id,f0,f1,f2\n");
        for (int i = 0; i < ROWS; i++) {
            sb.append('e').append(i).append(',').append(version).append(',').append(version).append(',')
                    .append(version).append('\n');
        }
        return Fixtures.write(dir.resolve(name), sb.toString());
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldShowAKilledLoadsFileInStatsDeleteItAtTheNextBuildAndKeepOnlyThePublishedPrevious()
            throws Exception {
        Fixtures.createView(dir, view, ROWS);
        Path v2 = csv("v2.csv", 2);
        FeatureCsvLoader.load(dir, "card", v2, WriterOptions.defaults(), null);
        assertEquals(2, Manifest.read(dir, "card").generation);

        try (FeatureReader reader = FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH)) {
            // A real load in another JVM, SIGKILLed when its new generation 3 is allocated and partly filled.
            try (ChildJvm child = ChildJvm.start(dir, ChildJvm.chronicleJvmOptions(), LoadChildMain.class,
                    dir.toString(), "card", csv("v3.csv", 3).toString())) {
                child.awaitLine("LOADING ", 120, TimeUnit.SECONDS);
                child.kill();
            }
            assertEquals(List.of(file(1), file(2), file(3)), generationFiles());
            long orphanBytes = Files.size(dir.resolve(file(3)));

            Map<String, String> stats = FeatureCacheAdminTest.flatten(FeatureCacheAdmin.stats(dir));
            assertEquals("2", stats.get("views[0].generation"));
            assertEquals(file(3), stats.get("views[0].generationFiles[0].file"));
            assertEquals("orphaned", stats.get("views[0].generationFiles[0].state"));
            assertEquals(Long.toString(orphanBytes), stats.get("views[0].generationFiles[0].sizeBytes"));
            assertEquals("current", stats.get("views[0].generationFiles[1].state"));
            assertEquals("previous", stats.get("views[0].generationFiles[2].state"));
            assertEquals(Long.toString(orphanBytes), stats.get("views[0].unpublishedBytes"));

            float[] dst = new float[DIM];
            assertFalse(reader.refresh(), "nothing was published");
            assertEquals(FeatureStatus.PRESENT, reader.read("e7", dst, 0));
            assertEquals(2f, dst[0]);

            // The next load deletes the leftover under the build lock, never reuses its number, and keeps the
            // generation that was really published (2) as the previous one: not the partial file of the kill.
            LoadResult r4 = FeatureCsvLoader.load(dir, "card", csv("v4.csv", 4), WriterOptions.defaults(), null);
            assertEquals(4, r4.generation());
            assertEquals(List.of(file(2), file(4)), generationFiles());
            assertEquals(List.of(file(2)), Manifest.read(dir, "card").previousFiles);
            assertTrue(reader.refresh());
            assertEquals(FeatureStatus.PRESENT, reader.read("e7", dst, 0));
            assertEquals(4f, dst[0]);

            Map<String, String> after = FeatureCacheAdminTest.flatten(FeatureCacheAdmin.stats(dir));
            assertEquals("current", after.get("views[0].generationFiles[0].state"));
            assertEquals("previous", after.get("views[0].generationFiles[1].state"));
            assertEquals(null, after.get("views[0].generationFiles[2].state"));
            assertEquals("0", after.get("views[0].unpublishedBytes"));
        }
    }

    @Test
    void shouldShowAGenerationBeingBuiltAsBuildingAndAViewThatWasNeverPublished() throws Exception {
        Fixtures.createView(dir, view, 100);
        try (FeatureWriter building = FeatureWriter.createGeneration(dir, view, 100, Fixtures.NO_HEARTBEAT)) {
            Map<String, String> stats = FeatureCacheAdminTest.flatten(FeatureCacheAdmin.stats(dir));
            assertEquals(file(2), stats.get("views[0].generationFiles[0].file"));
            assertEquals("building", stats.get("views[0].generationFiles[0].state"));
            assertEquals(2, building.generation());
        }
        assertEquals(List.of(file(1)), generationFiles(), "an abandoned build deletes its file");

        // A `cache create` still building (or dead before publishing): a file, no manifest, listed as such.
        FeatureView merchant = Fixtures.stringView("merchant", 2);
        try (FeatureWriter unpublished = FeatureWriter.createGeneration(dir, merchant, 10, Fixtures.NO_HEARTBEAT)) {
            Map<String, String> stats = FeatureCacheAdminTest.flatten(FeatureCacheAdmin.stats(dir));
            assertEquals("merchant", stats.get("views[1].view"));
            assertEquals("false", stats.get("views[1].published"));
            assertEquals("building", stats.get("views[1].generationFiles[0].state"));
            assertEquals(unpublished.file().getFileName().toString(), stats.get("views[1].generationFiles[0].file"));
        }
    }

    @Test
    void shouldLeaveNoPartialFileAndKeepServingWhenTheDiskHasNoRoomForANewGeneration() throws Exception {
        Fixtures.createView(dir, view, 100);
        try (FeatureWriter w = FeatureWriter.open(dir, "card", Fixtures.NO_HEARTBEAT)) {
            w.upsert("a", System.currentTimeMillis(), new float[] {1, 2, 3}, 0);
        }
        // A generation far larger than the free space of the test's file system: Chronicle sizes the file, then
        // its space reservation (posix_fallocate after a free-space check) fails, a real out-of-space error.
        FeatureView huge = Fixtures.stringView("card", FeatureView.MAX_FEATURES);
        long free = Files.getFileStore(dir).getUnallocatedSpace();
        long entities = Math.max(1_000, 3 * free / RecordLayout.recordSize(huge.dimension()));
        assertTrue(entities <= FeatureWriter.MAX_ENTITIES
                        && entities * (long) RecordLayout.recordSize(huge.dimension()) > 2 * free,
                "the file system is too large to be filled by one generation: " + free + " bytes free");
        FeatureCacheException e = assertThrows(FeatureCacheException.class,
                () -> FeatureWriter.createGeneration(dir, huge, entities, Fixtures.NO_HEARTBEAT));
        assertTrue(e.getMessage().contains("not enough space") && e.getMessage().contains("Nothing was left behind"),
                e.getMessage());
        assertEquals(List.of(file(1)), generationFiles(), "the sized but unallocated file must be deleted");
        try (FeatureReader r = FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH)) {
            float[] dst = new float[DIM];
            assertEquals(FeatureStatus.PRESENT, r.read("a", dst, 0));
        }
        // The build lock was released: the next build works.
        try (FeatureWriter next = FeatureWriter.createGeneration(dir, view, 10, Fixtures.NO_HEARTBEAT)) {
            next.publish();
        }
        assertEquals(List.of(file(1), file(2)), generationFiles());
    }
}
