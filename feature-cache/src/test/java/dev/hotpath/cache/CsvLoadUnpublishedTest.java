package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FeatureCsvLoader#loadUnpublished}: the CSV fills a new generation that readers do not see until the caller
 * publishes it; closing abandons it; it has room for the extra entities asked for.
 */
class CsvLoadUnpublishedTest {
    private static final FeatureView CARD = FeatureView.builder("card").ttl(Duration.ofDays(3650))
            .feature("amount", 0f).feature("count", 0f).build();

    @TempDir
    Path dir;

    @Test
    void shouldHideTheLoadedGenerationUntilTheCallerPublishesIt() {
        Fixtures.createView(dir, CARD, 10);
        Path csv = Fixtures.write(dir.resolve("snap.csv"), "id,amount,count,event_time_millis\n"
                + "c1,1.5,2,1700000000000\nc2,3,4,1700000000005\n");
        float[] dst = new float[2];
        try (FeatureReader r = FeatureReader.open(dir, CARD, Fixtures.MANUAL_REFRESH);
             FeatureWriter w = FeatureCsvLoader.loadUnpublished(dir, CARD, csv, Fixtures.NO_HEARTBEAT, 100, null)) {
            assertFalse(w.isPublished());
            assertEquals(2, w.generation());
            assertEquals(2, w.stats().entries());
            assertTrue(w.stats().entriesCapacity() >= 102, "room for the rows and the extra entities");
            w.merge("c3", 1700000000010L, new float[] {7, 8}, 0, null);
            r.refresh();
            assertEquals(1, r.generation());
            assertEquals(FeatureStatus.NOT_FOUND, r.read("c1", dst, 0));

            w.publish();
            r.refresh();
            assertEquals(2, r.generation());
            assertEquals(FeatureStatus.PRESENT, r.read("c2", dst, 0));
            assertArrayEquals(new float[] {3, 4}, dst);
            assertEquals(FeatureStatus.PRESENT, r.read("c3", dst, 0));
            assertEquals(1700000000000L, r.lookup("c1").eventTimeMillis());
        }
    }

    @Test
    void shouldDeleteTheGenerationWhenTheCallerClosesWithoutPublishing() {
        Fixtures.createView(dir, CARD, 10);
        Path csv = Fixtures.write(dir.resolve("snap.csv"), "id,amount,count\nc1,1,2\n");
        Path file;
        try (FeatureWriter w = FeatureCsvLoader.loadUnpublished(dir, CARD, csv, Fixtures.NO_HEARTBEAT, 0, null)) {
            file = w.file();
            assertTrue(Files.exists(file));
        }
        assertFalse(Files.exists(file));
        // The build lock was released: another build can start.
        FeatureCsvLoader.load(dir, CARD, csv, Fixtures.NO_HEARTBEAT, null);
    }

    @Test
    void shouldLeaveNothingBehindWhenARowIsInvalid() {
        Fixtures.createView(dir, CARD, 10);
        Path csv = Fixtures.write(dir.resolve("bad.csv"), "id,amount,count\nc1,1,x\n");
        FeatureFileException e = assertThrows(FeatureFileException.class,
                () -> FeatureCsvLoader.loadUnpublished(dir, CARD, csv, Fixtures.NO_HEARTBEAT, 0, null));
        assertTrue(e.getMessage().contains(":2:"), e.getMessage());
        assertEquals(1, Manifest.listGenerations(dir, "card").size());
    }
}
