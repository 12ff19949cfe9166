package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.testing.DelegatingModel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.model.TreeEnsemble;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScorerTest {
    private static final List<String> CARD = List.of("txn_1h", "avg_amount");
    private static final List<String> MERCHANT = List.of("fraud_rate");

    private static TestViews.ArrayView cardView() {
        return new TestViews.ArrayView("card", CARD, new String[] {"c1", "c2"},
                new float[][] {{1f, 0f}, {0f, 1f}}, new float[] {Float.NaN, Float.NaN});
    }

    private static TestViews.ArrayView merchantView() {
        return new TestViews.ArrayView("merchant", MERCHANT, new String[] {"m1"}, new float[][] {{1f}},
                new float[] {0f});
    }

    // Model features in an order different from the views'; weights chosen so every input is visible in the sum.
    private static final List<String> MODEL_FEATURES = List.of("amount", "merchant_fraud", "txn_1h", "avg_amount");
    private static final float[] WEIGHTS = {1f, 2f, 4f, 8f};

    private static Scorer.Builder base(Model model) {
        return Scorer.builder().primary("m", model).featureSource(cardView()).featureSource(merchantView())
                .requestField("amount").bind("merchant_fraud", "merchant.fraud_rate");
    }

    @Test
    void shouldAssembleTheRowByNameAndScoreIt() {
        TreeEnsemble model = TestViews.stumps(MODEL_FEATURES, WEIGHTS, 0.25f);
        Scorer scorer = base(model).stageTimingEvery(1).build();
        ScoreRequest req = scorer.newRequest();
        ScoreResult res = scorer.newResult();
        RequestField amount = scorer.requestField("amount");
        req.requestId(2).entity(scorer.entityKey("card"), "c1").entity(scorer.entityKey("merchant"), "m1")
                .set(amount, 0.9f);
        // amount 0.9 -> 1, merchant 1 -> 2, txn_1h 1 -> 4, avg_amount 0 -> 0: 0.25 + 7
        assertEquals(7.25f, scorer.score(req, res));
        assertEquals(model.score(new float[] {0.9f, 1f, 1f, 0f}), res.score());
        assertEquals(FeatureStatus.PRESENT, res.status(0));
        assertEquals(FeatureStatus.PRESENT, res.status(1));
        assertEquals(0, res.flags());
        assertEquals("m", res.modelId());
        assertEquals(1, res.modelVersion());
        assertTrue(res.timed());
        assertTrue(res.modelNanos() >= 0 && res.featureNanos() >= 0 && res.shadowNanos() == 0, res.toString());
        assertEquals(res.featureNanos() + res.modelNanos() + res.shadowNanos(), res.totalNanos());
    }

    @Test
    void shouldUseDefaultsAndFlagThemWhenAnEntityIsUnknownOrAbsent() {
        Scorer scorer = base(TestViews.stumps(MODEL_FEATURES, WEIGHTS, 0f)).build();
        ScoreRequest req = scorer.newRequest();
        ScoreResult res = scorer.newResult();
        req.entity(scorer.entityKey("card"), "nobody"); // merchant id not set at all
        // amount NaN (missing, default left = 0), merchant default 0 -> 0, card defaults NaN -> 0
        assertEquals(0f, scorer.score(req, res));
        assertEquals(FeatureStatus.NOT_FOUND, res.status(0));
        assertEquals(FeatureStatus.NOT_FOUND, res.status(1));
        assertTrue(res.hasFlag(ScoreResult.DEFAULTS_USED));
        assertFalse(res.hasFlag(ScoreResult.FALLBACK));
        assertEquals(2, scorer.metrics().statusCount(0, FeatureStatus.NOT_FOUND)
                + scorer.metrics().statusCount(1, FeatureStatus.NOT_FOUND));
    }

    @Test
    void shouldFlagStaleViews() {
        TestViews.ArrayView stale = new TestViews.ArrayView("card", CARD, null, new String[] {"c1"},
                new float[][] {{1f, 1f}}, new float[] {0f, 0f}, FeatureStatus.STALE);
        Scorer scorer = Scorer.builder().primary("m", TestViews.stumps(CARD, new float[] {1f, 2f}, 0f))
                .featureSource(stale).build();
        ScoreRequest req = scorer.newRequest().entity(scorer.entityKey("card"), "c1");
        ScoreResult res = scorer.newResult();
        assertEquals(0f, scorer.score(req, res));
        assertEquals(FeatureStatus.STALE, res.status(0));
        assertTrue(res.hasFlag(ScoreResult.STALE_FEATURES));
    }

    @Test
    void shouldAnswerWithTheFallbackScoreWhenTheModelCannotScore() {
        Model broken = new FailingModel(TestViews.constant(CARD, 1f));
        Scorer scorer = Scorer.builder().primary("broken", broken).featureSource(cardView()).fallbackScore(0.01f)
                .problemLogInterval(0, java.util.concurrent.TimeUnit.SECONDS).build();
        ScoreResult res = scorer.newResult();
        assertEquals(0.01f, scorer.score(scorer.newRequest(), res));
        assertTrue(res.hasFlag(ScoreResult.FALLBACK));
        assertEquals(1, scorer.metrics().fallbacks());
    }

    @Test
    void shouldListEveryUnboundFeatureWithAFix() {
        Model model = TestViews.constant(List.of("txn_1h", "mystery", "enigma"), 0f);
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> Scorer.builder().primary("m", model).featureSource(cardView()).build());
        assertTrue(e.getMessage().contains("2 problem(s)"), e.getMessage());
        assertTrue(e.getMessage().contains("'mystery' is not bound: add .bind(\"mystery\""), e.getMessage());
        assertTrue(e.getMessage().contains("'enigma' is not bound"), e.getMessage());
    }

    @Test
    void shouldRejectAmbiguousAndUnknownBindings() {
        TestViews.ArrayView other = new TestViews.ArrayView("device", List.of("txn_1h"), new String[0],
                new float[0][], new float[] {0f});
        Model model = TestViews.constant(List.of("txn_1h"), 0f);
        ConfigurationException ambiguous = assertThrows(ConfigurationException.class,
                () -> Scorer.builder().primary("m", model).featureSource(cardView()).featureSource(other).build());
        assertTrue(ambiguous.getMessage().contains("ambiguous"), ambiguous.getMessage());
        assertTrue(ambiguous.getMessage().contains(".bind(\"txn_1h\", \"card.txn_1h\")"), ambiguous.getMessage());

        ConfigurationException unknown = assertThrows(ConfigurationException.class,
                () -> Scorer.builder().primary("m", model).featureSource(cardView()).bind("txn_1h", "card.nope")
                        .build());
        assertTrue(unknown.getMessage().contains("'card.nope'"), unknown.getMessage());
    }

    @Test
    void shouldRejectDuplicateNames() {
        assertThrows(ConfigurationException.class,
                () -> Scorer.builder().featureSource(cardView()).featureSource(cardView()));
        assertThrows(ConfigurationException.class, () -> Scorer.builder().requestField("a").requestField("a"));
        assertThrows(ConfigurationException.class, () -> Scorer.builder().bind("a", "card.x").constant("a", 1f));
    }

    @Test
    void shouldRejectCategoricalFeaturesBoundToNonCategoricalSources() {
        TreeEnsemble categorical = TreeEnsemble.builder(1, 1).featureNames(List.of("txn_1h"))
                .featureTypes(List.of(FeatureType.CATEGORICAL)).build();
        TestViews.ArrayView typed = new TestViews.ArrayView("card", CARD,
                List.of(FeatureType.FLOAT, FeatureType.FLOAT), new String[0], new float[0][], new float[2],
                FeatureStatus.PRESENT);
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> Scorer.builder().primary("m", categorical).featureSource(typed).build());
        assertTrue(e.getMessage().contains("type mismatch"), e.getMessage());
        ConfigurationException c = assertThrows(ConfigurationException.class,
                () -> Scorer.builder().primary("m", categorical).constant("txn_1h", 2.5f).build());
        assertTrue(c.getMessage().contains("categorical but bound to constant 2.5"), c.getMessage());
    }

    @Test
    void shouldOfferEveryScoredRequestToTheShadowSink() {
        TestViews.RecordingSink sink = new TestViews.RecordingSink();
        Scorer scorer = base(TestViews.stumps(MODEL_FEATURES, WEIGHTS, 0f)).shadow(sink).build();
        ScoreRequest req = scorer.newRequest();
        ScoreResult res = scorer.newResult();
        scorer.score(req.requestId(1), res);
        assertTrue(res.hasFlag(ScoreResult.SHADOW_NOT_ACCEPTED)); // odd ids are refused by this sink
        scorer.score(req.requestId(2), res);
        assertFalse(res.hasFlag(ScoreResult.SHADOW_NOT_ACCEPTED));
        assertEquals(2, sink.offers);
        assertEquals(101, sink.lastPrimaryId, "the shadow id resolved for version 1 when the scorer was built");
        assertEquals(List.of("m@1"), sink.resolved, "resolved once at build, not per request");
    }

    @Test
    void shouldRefuseRequestsFromAnotherScorer() {
        Scorer a = base(TestViews.stumps(MODEL_FEATURES, WEIGHTS, 0f)).build();
        Scorer b = base(TestViews.stumps(MODEL_FEATURES, WEIGHTS, 0f)).build();
        assertThrows(IllegalArgumentException.class, () -> a.score(b.newRequest(), a.newResult()));
    }

    /** A model whose scoring always fails, as a closed native model would. */
    static final class FailingModel extends DelegatingModel {
        FailingModel(Model delegate) {
            super(delegate);
        }

        @Override
        public float score(float[] features) {
            throw new dev.hotpath.scoring.ModelClosedException("closed");
        }
    }

    @Test
    void delegatingModelForwardsEverything() {
        TreeEnsemble m = TestViews.constant(CARD, 3f);
        DelegatingModel d = new DelegatingModel(m);
        assertSame(m.info(), d.info());
        assertEquals(3f, d.score(new float[2]));
    }
}
