package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `hotpath cache repair`: a corrupt or half-written manifest is recovered without deleting files by hand. */
class ManifestRepairTest {
    @TempDir
    Path dir;

    private Path definition;
    private FeatureView view;

    private void setUpCardView() {
        definition = FeatureViewTest.fixture("card-view.json");
        view = FeatureView.fromJson(definition);
        FeatureCacheAdmin.create(definition, dir, 100);
    }

    private void load(String csvText) {
        FeatureCacheAdmin.load("card", dir, Fixtures.write(dir.resolve("in.csv"), csvText), null);
    }

    private String file(long generation) {
        return Manifest.generationFileName("card", view.fingerprint(), generation);
    }

    /** Leaves generation {@code generation} as a killed build would: filled, never published, no lock held. */
    private void leaveUnpublishedBuild(long generation) throws IOException {
        Path saved = dir.resolve("saved.bin");
        try (FeatureWriter w = FeatureWriter.createGeneration(dir, view, 100, Fixtures.NO_HEARTBEAT)) {
            assertEquals(generation, w.generation());
            w.upsert("fp-1", System.currentTimeMillis(), new float[] {7, 7, 7}, 0);
            w.heartbeat();
            Files.copy(w.file(), saved);
        }
        Files.move(saved, dir.resolve(file(generation)));
    }

    private void halfWriteManifest() throws IOException {
        Path manifest = Manifest.path(dir, "card");
        byte[] bytes = Files.readAllBytes(manifest);
        Files.write(manifest, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    }

    private float txnCount(String id) {
        try (FeatureReader r = FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH)) {
            float[] dst = new float[3];
            assertEquals(FeatureStatus.PRESENT, r.read(id, dst, 0));
            return dst[0];
        }
    }

    @Test
    void shouldRebuildAHalfWrittenManifestFromTheNewestPublishedGenerationNotFromAKilledBuild() throws Exception {
        setUpCardView();
        load("card_fp,txn_count_1h,amount_avg_30d,country_risk\nfp-1,2,2,2\n");
        leaveUnpublishedBuild(3);
        halfWriteManifest();

        FeatureFileException loadFails = assertThrows(FeatureFileException.class,
                () -> load("card_fp,txn_count_1h,amount_avg_30d,country_risk\nfp-1,4,4,4\n"));
        assertTrue(loadFails.getMessage().contains("corrupt manifest"), loadFails.getMessage());
        FeatureCacheException createRefuses = assertThrows(FeatureCacheException.class,
                () -> FeatureCacheAdmin.create(definition, dir, 100));
        assertTrue(createRefuses.getMessage().contains("hotpath cache repair --view " + definition),
                createRefuses.getMessage());

        Map<String, String> out = FeatureCacheAdminTest.flatten(FeatureCacheAdmin.repair(definition, dir));
        assertEquals("true", out.get("repaired"));
        assertEquals("2", out.get("generation"));
        assertEquals(file(2), out.get("file"));
        assertTrue(out.get("problem").contains("corrupt manifest"), out.get("problem"));
        assertEquals(file(3), out.get("skipped[0].file"));
        assertTrue(out.get("skipped[0].reason").contains("never published"), out.get("skipped[0].reason"));
        assertTrue(Files.exists(Path.of(out.get("brokenManifestSavedAs"))), "the broken manifest is kept");

        Manifest repaired = Manifest.read(dir, "card");
        assertEquals(2, repaired.generation);
        assertEquals(FeatureWriter.capacityFor(1), repaired.entriesCapacity, "capacity from the meta record");
        assertEquals(2f, txnCount("fp-1"));

        // Everything works again; the next load removes the killed build's file.
        load("card_fp,txn_count_1h,amount_avg_30d,country_risk\nfp-1,4,4,4\n");
        assertEquals(4, Manifest.read(dir, "card").generation);
        assertTrue(Files.notExists(dir.resolve(file(3))));
        assertEquals(4f, txnCount("fp-1"));
    }

    @Test
    void shouldFallBackToThePreviousPublishedGenerationWhenTheCurrentFileIsTruncated() throws Exception {
        setUpCardView();
        load("card_fp,txn_count_1h,amount_avg_30d,country_risk\nfp-1,2,2,2\n");
        load("card_fp,txn_count_1h,amount_avg_30d,country_risk\nfp-1,3,3,3\n");
        try (FileChannel ch = FileChannel.open(dir.resolve(file(3)), StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        Map<String, String> out = FeatureCacheAdminTest.flatten(FeatureCacheAdmin.repair(definition, dir));
        assertEquals("true", out.get("repaired"));
        assertEquals("2", out.get("generation"));
        assertTrue(out.get("problem").contains("generation 3 is unusable"), out.get("problem"));
        assertEquals(file(3), out.get("skipped[0].file"));
        assertEquals(2f, txnCount("fp-1"));
    }

    @Test
    void shouldNeverDeleteGenerationFilesWhileTheManifestIsMissingAndRecoverItFromThem() throws Exception {
        setUpCardView();
        load("card_fp,txn_count_1h,amount_avg_30d,country_risk\nfp-1,2,2,2\n");
        Files.delete(Manifest.path(dir, "card"));
        // A build now cannot know what was published: the files may be all that is left of the view.
        FeatureWriter.createGeneration(dir, view, 10, Fixtures.NO_HEARTBEAT).close();
        assertTrue(Files.exists(dir.resolve(file(1))) && Files.exists(dir.resolve(file(2))));

        Map<String, String> out = FeatureCacheAdminTest.flatten(FeatureCacheAdmin.repair(definition, dir));
        assertEquals("true", out.get("repaired"));
        assertEquals("missing", out.get("problem"));
        assertEquals("2", out.get("generation"));
        assertEquals(2f, txnCount("fp-1"));
    }

    @Test
    void shouldChangeNothingWhenTheManifestIsValid() throws Exception {
        setUpCardView();
        byte[] before = Files.readAllBytes(Manifest.path(dir, "card"));
        Map<String, String> out = FeatureCacheAdminTest.flatten(FeatureCacheAdmin.repair(definition, dir));
        assertEquals("false", out.get("repaired"));
        assertEquals("1", out.get("generation"));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(Manifest.path(dir, "card"))));
    }

    @Test
    void shouldExplainEveryFileWhenNothingValidIsLeftAndRebuildFromDataWithTheDefinition() throws Exception {
        setUpCardView();
        leaveUnpublishedBuild(2);
        Files.delete(dir.resolve(file(1)));
        halfWriteManifest();
        FeatureCacheException e = assertThrows(FeatureCacheException.class,
                () -> FeatureCacheAdmin.repair(definition, dir));
        assertTrue(e.getMessage().contains(file(2) + ": never published"), e.getMessage());
        assertTrue(e.getMessage().contains("hotpath cache load --view card"), e.getMessage());
        assertTrue(e.getMessage().contains("--definition"), e.getMessage());

        // The way out when no data is left: a load that takes the definition from the file, not the manifest.
        FeatureCacheAdmin.load("card", dir, Fixtures.write(dir.resolve("in.csv"),
                "card_fp,txn_count_1h,amount_avg_30d,country_risk\nfp-1,5,5,5\n"), definition, null);
        assertEquals(5f, txnCount("fp-1"));
        FeatureFileException wrongView = assertThrows(FeatureFileException.class,
                () -> FeatureCacheAdmin.load("merchant", dir, dir.resolve("in.csv"), definition, null));
        assertTrue(wrongView.getMessage().contains("defines view \"card\""), wrongView.getMessage());
    }

    @Test
    void shouldRestoreAForcedGenerationWithoutThePublishedMark() throws Exception {
        setUpCardView();
        load("card_fp,txn_count_1h,amount_avg_30d,country_risk\nfp-1,2,2,2\n");
        leaveUnpublishedBuild(3);
        Map<String, String> out = FeatureCacheAdminTest.flatten(FeatureCacheAdmin.repair(definition, dir, 3));
        assertEquals("true", out.get("repaired"));
        assertEquals("3", out.get("generation"));
        assertEquals(7f, txnCount("fp-1"));
    }
}
