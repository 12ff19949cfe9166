package dev.hotpath.scoring.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.model.TreeEnsemble;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The readiness contract of {@link Scorer#health()}. */
class ScorerHealthTest {
    private static final List<String> FEATURES = List.of("card.x", "card.y");

    /** A view whose health the test sets. */
    static final class ReportingView implements FeatureSource {
        private final TestViews.ArrayView data = new TestViews.ArrayView("card", List.of("x", "y"),
                new String[] {"c1"}, new float[][] {{1f, 0f}}, new float[] {0f, 0f});
        volatile ViewHealth health = ViewHealth.unknownFreshness("card");
        volatile RuntimeException failure;

        @Override
        public String name() {
            return "card";
        }

        @Override
        public List<String> featureNames() {
            return data.featureNames();
        }

        @Override
        public List<FeatureType> featureTypes() {
            return null;
        }

        @Override
        public FeatureStatus read(CharSequence entityId, float[] dst, int offset) {
            return data.read(entityId, dst, offset);
        }

        @Override
        public void fillDefaults(float[] dst, int offset) {
            data.fillDefaults(dst, offset);
        }

        @Override
        public ViewHealth health() {
            if (failure != null) {
                throw failure;
            }
            return health;
        }
    }

    /** A feed whose state the test sets. */
    static final class TestFeed implements FeatureFeed {
        volatile FeedHealth state = new FeedHealth("kafka:card", "LIVE", true, 0, 10, null);

        @Override
        public String viewName() {
            return "card";
        }

        @Override
        public FeedHealth feedHealth() {
            return state;
        }
    }

    private static TreeEnsemble model(float value) {
        return TestViews.constant(FEATURES, value);
    }

    @Test
    void shouldBeReadyWithAServingViewAndNoBounds() {
        ReportingView view = new ReportingView();
        Scorer scorer = Scorer.builder().primary("m", model(1f)).featureSource(view).build();
        ScorerHealth h = scorer.health();
        assertTrue(h.ready(), h.toString());
        assertEquals(List.of(), h.problems());
        assertEquals("m", h.primaryModelId());
        assertEquals(1, h.primaryVersion());
        assertEquals(ScorerHealth.Parity.NOT_CONFIGURED, h.parity());
        assertEquals(-1, h.views().get(0).maxHeartbeatAgeMillis());
        assertNull(h.views().get(0).feed());
        assertTrue(h.toString().startsWith("READY: primary 'm' v1, parity NOT_CONFIGURED"), h.toString());
    }

    @Test
    void shouldNotBeReadyWhileAViewDoesNotServe() {
        ReportingView view = new ReportingView();
        Scorer scorer = Scorer.builder().primary("m", model(1f)).featureSource(view).build();
        view.health = new ViewHealth("card", false, "schema mismatch", -1, -1, null);
        ScorerHealth h = scorer.health();
        assertFalse(h.ready());
        assertEquals(List.of("view card does not serve: schema mismatch"), h.problems());
        view.failure = new IllegalStateException("boom");
        h = scorer.health();
        assertFalse(h.ready(), "a health check that throws reads as not ready, and health() does not throw");
        assertTrue(h.problems().get(0).contains("its health check failed: java.lang.IllegalStateException: boom"),
                h.toString());
    }

    @Test
    void shouldGateOnHeartbeatAndWatermarkBoundsTreatingUnknownAsNotFresh() {
        ReportingView view = new ReportingView();
        Scorer scorer = Scorer.builder().primary("m", model(1f)).featureSource(view)
                .maxHeartbeatAge("card", Duration.ofSeconds(5)).maxWatermarkLag("card", Duration.ofMinutes(1))
                .build();
        assertEquals(List.of("view card: heartbeat age unknown (bound 5000 ms)",
                "view card: watermark lag unknown (bound 60000 ms)"), scorer.health().problems());
        view.health = new ViewHealth("card", true, null, 4_999, 60_000, null);
        assertTrue(scorer.health().ready(), scorer.health().toString());
        view.health = new ViewHealth("card", true, null, 5_001, 1, null);
        assertEquals(List.of("view card: heartbeat age 5001 ms exceeds 5000 ms"), scorer.health().problems());
        view.health = new ViewHealth("card", true, null, 1, 60_001, null);
        assertEquals(List.of("view card: watermark lag 60001 ms exceeds 60000 ms"), scorer.health().problems());
    }

    @Test
    void shouldNotBeReadyWhileAnAttachedFeedIsNotLive() {
        ReportingView view = new ReportingView();
        TestFeed feed = new TestFeed();
        Scorer scorer = Scorer.builder().primary("m", model(1f)).featureSource(view).feed(feed).build();
        ScorerHealth h = scorer.health();
        assertTrue(h.ready(), h.toString());
        assertSame(feed.state, h.views().get(0).feed());
        feed.state = new FeedHealth("kafka:card", "CATCHING_UP", false, 120_000, 45_000, "lag above 10 s");
        h = scorer.health();
        assertFalse(h.ready());
        assertEquals(List.of("view card: feed kafka:card is not live (CATCHING_UP): lag above 10 s"), h.problems());
        assertTrue(h.toString().contains("feed kafka:card CATCHING_UP (not live, lag 120000 records / 45000 ms)"),
                h.toString());
    }

    @Test
    void shouldUseAFeedTheViewReportsItself() {
        ReportingView view = new ReportingView();
        Scorer scorer = Scorer.builder().primary("m", model(1f)).featureSource(view).build();
        view.health = new ViewHealth("card", true, null, 10, 10,
                new FeedHealth("kafka:card", "BOOTSTRAPPING", false, 5, -1, "bootstrapping generation 3"));
        assertEquals(List.of("view card: feed kafka:card is not live (BOOTSTRAPPING): bootstrapping generation 3"),
                scorer.health().problems());
    }

    @Test
    void shouldReportWhichParityCheckTheServingModelPassed() {
        GoldenRows expected = GoldenRows.expectOutputs(FEATURES, new float[][] {{0f, 0f}}, new float[][] {{1f}}, 0f);
        Scorer checked = Scorer.builder().primary("m", model(1f)).requestField("card.x").requestField("card.y")
                .startupCheck(expected).build();
        assertEquals(ScorerHealth.Parity.PASSED, checked.health().parity());

        ConfigurationException e = assertThrows(ConfigurationException.class, () -> Scorer.builder()
                .primary("wrong", model(2f)).requestField("card.x").requestField("card.y").startupCheck(expected)
                .build());
        assertTrue(e.getMessage().startsWith("primary model 'wrong' failed its startup check: 1 golden output(s)"),
                e.getMessage());
        GoldenRows agree = GoldenRows.agreeWithCurrent(FEATURES, new float[][] {{0f, 0f}}, 0f);
        assertThrows(ConfigurationException.class, () -> Scorer.builder().startupCheck(agree),
                "there is no serving model to agree with at start-up");

        Scorer gated = Scorer.builder().primary("v1", model(1f)).requestField("card.x").requestField("card.y")
                .parityGate(agree).build();
        assertEquals(ScorerHealth.Parity.NOT_CHECKED, gated.health().parity(), "the gate checks candidates only");
        assertTrue(gated.health().ready(), "serving unchecked is ready: the service chose not to check it");
        gated.swapPrimary("v2", model(1f));
        assertEquals(ScorerHealth.Parity.PASSED, gated.health().parity());
        assertEquals("v2", gated.health().primaryModelId());
        assertEquals(2, gated.health().primaryVersion());
    }

    @Test
    void shouldNotBeReadyOnceClosed() {
        Scorer scorer = Scorer.builder().primary("m", model(1f)).requestField("card.x").requestField("card.y")
                .build();
        scorer.close();
        assertEquals(List.of("the scorer is closed"), scorer.health().problems());
    }

    @Test
    void shouldRefuseBoundsAndFeedsForUnknownViewsAtBuildTime() {
        Scorer.Builder b = Scorer.builder().primary("m", model(1f)).featureSource(new ReportingView())
                .maxHeartbeatAge("merchant", Duration.ofSeconds(1));
        ConfigurationException e = assertThrows(ConfigurationException.class, b::build);
        assertEquals("maxHeartbeatAge names view 'merchant', which the scorer does not have; views: [card]",
                e.getMessage());
        Scorer.Builder twoFeeds = Scorer.builder().primary("m", model(1f)).featureSource(new ReportingView())
                .feed(new TestFeed()).feed(new TestFeed());
        assertThrows(ConfigurationException.class, twoFeeds::build);
        assertThrows(ConfigurationException.class, () -> Scorer.builder().maxWatermarkLag("card", Duration.ZERO));
    }
}
