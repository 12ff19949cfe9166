package dev.hotpath.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.scorer.EntityKey;
import dev.hotpath.scoring.scorer.ExplainWhen;
import dev.hotpath.scoring.scorer.FeatureFeed;
import dev.hotpath.scoring.scorer.FeedHealth;
import dev.hotpath.scoring.scorer.RequestField;
import dev.hotpath.scoring.scorer.ScoreRequest;
import dev.hotpath.scoring.scorer.ScoreResult;
import dev.hotpath.scoring.scorer.Scorer;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ScorerMeterBinderTest {
    private static final List<String> FEATURES = List.of("amount", "card.x");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);

    private static Scorer scorer(FeatureFeed feed) {
        Scorer.Builder b = Scorer.builder()
                .primary("fraud-v1", TestScorers.failingWhenNegative(TestScorers.constant(FEATURES, 0.25f)))
                .featureSource(new TestScorers.CardView()).requestField("amount").fallbackScore(0f)
                .stageTimingEvery(1);
        if (feed != null) {
            b.feed(feed);
        }
        return b.build();
    }

    @Test
    void shouldCountExplainedRequestsAndTimeTheExplainStage() {
        Scorer scorer = Scorer.builder().primary("fraud-v1", TestScorers.constant(FEATURES, 0.25f))
                .featureSource(new TestScorers.CardView()).requestField("amount").stageTimingEvery(1)
                .reasons(3, ExplainWhen.always()).build();
        new ScorerMeterBinder(scorer, "fraud", Duration.ZERO, Duration.ofMinutes(1)).bindTo(registry);
        ScoreRequest req = scorer.newRequest();
        ScoreResult res = scorer.newResult();
        for (int i = 0; i < 20; i++) {
            scorer.score(req.clear().set(scorer.requestField("amount"), i), res);
        }
        assertEquals(20, meters.counter("hotpath.scorer.explained", "scorer", "fraud"));
        FunctionTimer explain = registry.find("hotpath.scorer.latency").tags("scorer", "fraud", "stage", "explain")
                .functionTimer();
        assertNotNull(explain);
        assertEquals(20, explain.count(), "every explained request was timed");
        assertTrue(meters.gauge("hotpath.scorer.latency.max", "stage", "explain") > 0);
    }

    @Test
    void shouldExposeCountersByOutcomeLatencyPerStageAndReadiness() {
        Scorer scorer = scorer(null);
        new ScorerMeterBinder(scorer, "fraud", Duration.ZERO, Duration.ofMinutes(1)).bindTo(registry);
        EntityKey card = scorer.entityKey("card");
        RequestField amount = scorer.requestField("amount");
        ScoreRequest req = scorer.newRequest();
        ScoreResult res = scorer.newResult();
        for (int i = 0; i < 100; i++) {
            // 25 unknown cards, 10 negative amounts the model cannot score
            req.clear().entity(card, i % 4 == 0 ? "nobody" : "c1").set(amount, i % 10 == 0 ? -1f : 5f);
            scorer.score(req, res);
        }
        assertEquals(90, meters.counter("hotpath.scorer.requests", "scorer", "fraud", "outcome", "scored"));
        assertEquals(10, meters.counter("hotpath.scorer.requests", "scorer", "fraud", "outcome", "fallback"));
        assertEquals(75, meters.counter("hotpath.scorer.feature.reads", "scorer", "fraud", "view", "card",
                "outcome", "present"));
        assertEquals(25, meters.counter("hotpath.scorer.feature.reads", "view", "card", "outcome", "not_found"));
        assertEquals(0, meters.counter("hotpath.scorer.feature.reads", "view", "card", "outcome", "lock_timeout"));
        assertEquals(0, meters.counter("hotpath.scorer.swaps", "outcome", "done"));

        FunctionTimer model = registry.find("hotpath.scorer.latency").tags("scorer", "fraud", "stage", "model")
                .functionTimer();
        assertNotNull(model);
        assertEquals(100, model.count(), "every request was timed (stageTimingEvery(1))");
        assertTrue(model.totalTime(TimeUnit.NANOSECONDS) > 0);
        double p99 = meters.gauge("hotpath.scorer.latency.percentile", "stage", "total", "quantile", "0.99");
        double max = meters.gauge("hotpath.scorer.latency.max", "stage", "total");
        assertTrue(p99 > 0 && p99 <= max && max < 10, "seconds: p99 " + p99 + ", max " + max);
        assertTrue(Double.isNaN(meters.gauge("hotpath.scorer.latency.percentile", "stage", "shadow",
                "quantile", "0.5")),
                "no shadow sink: no shadow latencies");

        assertEquals(1, meters.gauge("hotpath.scorer.ready", "scorer", "fraud"));
        assertEquals(1, meters.gauge("hotpath.scorer.view.ready", "view", "card"));
        assertTrue(Double.isNaN(meters.gauge("hotpath.scorer.view.heartbeat.age", "view", "card")),
                "the in-memory view knows no heartbeat");
        assertEquals(1, meters.gauge("hotpath.scorer.primary", "scorer", "fraud", "model", "fraud-v1"));
        assertEquals(1, meters.gauge("hotpath.scorer.primary.version", "scorer", "fraud"));
    }

    @Test
    void shouldFollowSwapsWithAGaugePerModelThatServed() {
        Scorer scorer = scorer(null);
        new ScorerMeterBinder(scorer, "fraud", Duration.ZERO, Duration.ofMinutes(1)).bindTo(registry);
        scorer.swapPrimary("fraud-v2", TestScorers.constant(FEATURES, 0.5f));
        assertEquals(2, meters.gauge("hotpath.scorer.primary.version", "scorer", "fraud"));
        assertEquals(1, meters.counter("hotpath.scorer.swaps", "scorer", "fraud", "outcome", "done"));
        assertEquals(1, meters.gauge("hotpath.scorer.primary", "model", "fraud-v2"), "registered when it appeared");
        assertEquals(0, meters.gauge("hotpath.scorer.primary", "model", "fraud-v1"), "served before");
    }

    @Test
    void shouldReportNotReadyWhileAFeedIsNotLive() {
        FeedHealth[] state = {new FeedHealth("kafka:card", "CATCHING_UP", false, 5000, 30_000, "lag above 10 s")};
        FeatureFeed feed = new FeatureFeed() {
            @Override
            public String viewName() {
                return "card";
            }

            @Override
            public FeedHealth feedHealth() {
                return state[0];
            }
        };
        Scorer scorer = scorer(feed);
        new ScorerMeterBinder(scorer, "fraud", Duration.ZERO, Duration.ofMinutes(1)).bindTo(registry);
        new FeatureFeedMeterBinder(feed, Duration.ZERO).bindTo(registry);
        assertEquals(0, meters.gauge("hotpath.scorer.ready", "scorer", "fraud"));
        assertEquals(0, meters.gauge("hotpath.scorer.view.ready", "view", "card"));
        assertEquals(0, meters.gauge("hotpath.feed.live", "view", "card"));
        assertEquals(5000, meters.gauge("hotpath.feed.lag.records", "view", "card"));
        assertEquals(30.0, meters.gauge("hotpath.feed.lag", "view", "card"));
        state[0] = new FeedHealth("kafka:card", "LIVE", true, 0, 20, null);
        assertEquals(1, meters.gauge("hotpath.scorer.ready", "scorer", "fraud"));
        assertEquals(1, meters.gauge("hotpath.feed.live", "view", "card"));
    }

    @Test
    void shouldServeAScrapeFromOneSampleWithinTheRefreshInterval() {
        Scorer scorer = scorer(null);
        new ScorerMeterBinder(scorer, "fraud", Duration.ofHours(1), Duration.ofMinutes(1)).bindTo(registry);
        ScoreResult res = scorer.newResult();
        scorer.score(scorer.newRequest(), res);
        assertEquals(0, meters.counter("hotpath.scorer.requests", "outcome", "scored"),
                "the sample taken at bind time serves until the refresh interval has passed");
    }
}
