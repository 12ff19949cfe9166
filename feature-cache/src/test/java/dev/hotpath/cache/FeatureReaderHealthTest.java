package dev.hotpath.cache;

import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.scorer.Scorer;
import dev.hotpath.scoring.scorer.ScorerHealth;
import dev.hotpath.scoring.scorer.ViewHealth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reader reports its view's freshness for {@code Scorer.health()}, which gates readiness on the bounds. */
class FeatureReaderHealthTest {
    @TempDir
    Path dir;

    private static Scorer.Builder scorer(FeatureReader reader) {
        TreeEnsemble model = TreeEnsemble.builder(2, 1).featureNames(List.of("card.f0", "card.f1"))
                .baseMargins(new float[] {0f}).build();
        return Scorer.builder().primary("m", model).featureSource(reader);
    }

    @Test
    void shouldReportHeartbeatAgeAndWatermarkLagAndGateReadinessOnThem() {
        AtomicLong now = new AtomicLong(1_700_000_000_000L);
        FeatureView view = Fixtures.stringView("card", 2);
        Fixtures.createView(dir, view, 100);
        WriterOptions wo = WriterOptions.builder().heartbeatInterval(Duration.ZERO).clock(now::get).build();
        ReaderOptions ro = ReaderOptions.builder().refreshInterval(Duration.ZERO).clock(now::get).build();
        try (FeatureWriter w = FeatureWriter.open(dir, "card", wo);
             FeatureReader r = FeatureReader.open(dir, view, ro)) {
            w.setWatermark(now.get() - 5_000);
            w.heartbeat();
            now.addAndGet(2_000);
            ViewHealth h = r.health();
            assertTrue(h.serving());
            assertNull(h.problem());
            assertEquals("card", h.view());
            assertEquals(2_000, h.heartbeatAgeMillis());
            assertEquals(7_000, h.watermarkLagMillis());

            Scorer s = scorer(r).maxHeartbeatAge("card", Duration.ofSeconds(10))
                    .maxWatermarkLag("card", Duration.ofSeconds(30)).build();
            assertTrue(s.health().ready(), s.health().toString());

            now.addAndGet(9_000); // the writer stopped: its heartbeat is 11 s old
            ScorerHealth stale = s.health();
            assertFalse(stale.ready());
            assertEquals(List.of("view card: heartbeat age 11000 ms exceeds 10000 ms"), stale.problems());
            assertFalse(stale.views().get(0).ready());

            w.heartbeat(); // it is back; the watermark is 16 s behind, within 30 s
            assertTrue(s.health().ready(), s.health().toString());
            now.addAndGet(20_000);
            w.heartbeat();
            assertEquals(List.of("view card: watermark lag 36000 ms exceeds 30000 ms"), s.health().problems());
        }
    }

    @Test
    void shouldNotServeWhileThePublishedSchemaDiffersFromThePinnedOne() {
        FeatureView published = Fixtures.stringView("card", 2);
        Fixtures.createView(dir, published, 100);
        FeatureView pinned = FeatureView.builder("card").ttl(Duration.ofHours(1)).feature("f0").feature("f1")
                .feature("f2").build();
        try (FeatureReader r = FeatureReader.open(dir, pinned, Fixtures.MANUAL_REFRESH)) {
            ViewHealth h = r.health();
            assertFalse(h.serving());
            assertTrue(h.problem().contains("differs from the pinned one (" + pinned.fingerprintHex() + ")")
                    && h.problem().contains(published.fingerprintHex()), h.problem());
            ScorerHealth s = scorer(r).build().health();
            assertFalse(s.ready());
            assertTrue(s.problems().get(0).startsWith("view card does not serve: the published definition"),
                    s.toString());
        }
    }

    @Test
    void shouldNotServeOnceClosed() {
        FeatureView view = Fixtures.stringView("card", 2);
        Fixtures.createView(dir, view, 100);
        FeatureReader r = FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH);
        Scorer s = scorer(r).build();
        assertTrue(s.health().ready(), s.health().toString());
        r.close();
        assertFalse(r.health().serving());
        assertEquals(List.of("view card does not serve: the reader is closed; every read returns UNAVAILABLE with"
                + " defaults"), s.health().problems());
    }
}
