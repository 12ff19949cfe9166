package dev.hotpath.scoring.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.explain.ReasonCodeExplainer;
import dev.hotpath.scoring.explain.ReasonCodes;
import dev.hotpath.scoring.explain.TopReasons;
import dev.hotpath.scoring.explain.TreeExplainer;
import dev.hotpath.scoring.model.LinearModel;
import dev.hotpath.scoring.model.OutputTransform;
import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.model.TreeEnsembleBuilder;
import dev.hotpath.scoring.testing.RandomTrees;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Reasons through the Scorer: what it fills into the result is the explainer's own top-k of the row the model scored,
 * for the requests the gate selects, from the model serving (its own explainer after a swap), timed as its own stage
 * and counted; models that cannot be explained, or lack a feature the codes name, are refused at build and swap.
 */
class ScorerReasonsTest {
    private static final float[] THRESHOLDS = {-1f, 0f, 0.5f, 1f, 2f};
    private static final List<String> FEATURES = List.of("amount", "txn_1h", "txn_24h", "ip_risk", "age", "mcc");

    static TreeEnsemble model(List<String> names, long seed, int trees) {
        Random rnd = new Random(seed);
        TreeEnsembleBuilder b = TreeEnsemble.builder(names.size(), 1).featureNames(names)
                .transform(OutputTransform.LOGISTIC).baseMargins(new float[] {-0.5f});
        for (int t = 0; t < trees; t++) {
            b.addTree(RandomTrees.random(rnd, names.size(), 4, THRESHOLDS,
                    new RandomTrees.Options(1, false, true, false)), 0, 1f);
        }
        return b.build();
    }

    private static ReasonCodes codes() {
        return ReasonCodes.builder().code("VELOCITY", "txn_1h", "txn_24h").exclude("age").build();
    }

    private static Scorer.Builder builder(TreeEnsemble model) {
        Scorer.Builder b = Scorer.builder().primary("m1", model).fallbackScore(0f);
        for (String f : FEATURES) {
            b.requestField(f);
        }
        return b;
    }

    private static float[][] rows(int n, long seed) {
        Random rnd = new Random(seed);
        float[][] rows = new float[n][FEATURES.size()];
        for (float[] r : rows) {
            for (int f = 0; f < r.length; f++) {
                int kind = rnd.nextInt(10);
                r[f] = kind == 0 ? Float.NaN : kind < 4 ? THRESHOLDS[rnd.nextInt(THRESHOLDS.length)]
                        : (float) (rnd.nextGaussian() * 2);
            }
        }
        return rows;
    }

    private static float score(Scorer scorer, float[] row, ScoreRequest req, ScoreResult res) {
        req.clear();
        for (int f = 0; f < FEATURES.size(); f++) {
            req.set(scorer.requestField(FEATURES.get(f)), row[f]);
        }
        return scorer.score(req, res);
    }

    /** The reference: the explainer of the same model and codes, outside the scorer. */
    private static void assertSameReasons(String what, ReasonCodeExplainer reference, TopReasons top, float[] row,
                                          ScoreResult res) {
        int n = reference.explain(row, top);
        assertEquals(n, res.reasonCount(), what + ": count; expected " + top);
        for (int i = 0; i < n; i++) {
            assertEquals(top.code(i), res.reasonCode(i), what + ": code " + i + "; expected " + top);
            assertEquals(top.codeId(i), res.reasonCodeId(i), what + ": id " + i);
            assertEquals((float) top.contribution(i), res.reasonContribution(i), what + ": contribution " + i);
        }
    }

    @Test
    void shouldFillTheExplainersTopKOfTheScoredRowWhenReasonsAreAlwaysOn() {
        TreeEnsemble model = model(FEATURES, 1, 30);
        Scorer scorer = builder(model).reasons(3, ExplainWhen.always()).reasonCodes(codes()).build();
        ReasonCodeExplainer reference = TreeExplainer.of(model(FEATURES, 1, 30)).reasons(codes());
        TopReasons top = reference.newResult(3);
        ScoreRequest req = scorer.newRequest();
        ScoreResult res = scorer.newResult();
        int withThree = 0;
        float[][] rows = rows(300, 2);
        for (int r = 0; r < rows.length; r++) {
            score(scorer, rows[r], req, res);
            assertTrue(res.hasFlag(ScoreResult.EXPLAINED), "row " + r);
            assertSameReasons("row " + r, reference, top, rows[r], res);
            withThree += res.reasonCount() == 3 ? 1 : 0;
            for (int i = 0; i < res.reasonCount(); i++) {
                assertFalse(res.reasonCode(i).equals("age"), "excluded feature cited");
                assertTrue(res.reasonContribution(i) > 0, "positive direction only");
            }
        }
        assertTrue(withThree > 50, "the rows exercise a full top-3: " + withThree);
        assertEquals(reference.codeNames(), scorer.reasonCodeNames());
        assertSame(scorer.reasonCodeNames().get(res.reasonCodeId(0)), res.reasonCode(0), "interned name");
        assertEquals(300, scorer.metrics().explained());
    }

    @Test
    void shouldExplainOnlyTheRequestsAtOrAboveTheThresholdWhenGated() {
        TreeEnsemble model = model(FEATURES, 3, 30);
        float[][] rows = rows(400, 4);
        float[] scores = new float[rows.length];
        for (int r = 0; r < rows.length; r++) {
            scores[r] = model.score(rows[r]);
        }
        float[] sorted = scores.clone();
        Arrays.sort(sorted);
        float threshold = sorted[rows.length / 2];
        Scorer scorer = builder(model).reasons(2, ExplainWhen.scoreAtLeast(threshold)).stageTimingEvery(1).build();
        ReasonCodeExplainer reference = TreeExplainer.of(model).reasons(ReasonCodes.perFeature());
        TopReasons top = reference.newResult(2);
        ScoreRequest req = scorer.newRequest();
        ScoreResult res = scorer.newResult();
        int expectedExplained = 0;
        for (int r = 0; r < rows.length; r++) {
            float s = score(scorer, rows[r], req, res);
            assertEquals(scores[r], s);
            boolean qualifies = s >= threshold;
            expectedExplained += qualifies ? 1 : 0;
            assertEquals(qualifies, res.hasFlag(ScoreResult.EXPLAINED), "row " + r + " score " + s);
            if (qualifies) {
                assertSameReasons("row " + r, reference, top, rows[r], res);
            } else {
                assertEquals(0, res.reasonCount(), "row " + r + " below the threshold keeps no stale reasons");
                assertEquals(0, res.explainNanos());
            }
        }
        assertTrue(expectedExplained >= 150 && expectedExplained <= 250, "about half: " + expectedExplained);
        MetricsSnapshot m = scorer.metrics();
        assertEquals(expectedExplained, m.explained());
        assertEquals(expectedExplained, m.explainLatency().getTotalCount(), "explain stage timed when explained");
        assertEquals(rows.length, m.modelLatency().getTotalCount());
        assertTrue(m.toString().contains(expectedExplained + " explained"), m.toString());
    }

    @Test
    void shouldTimeTheExplanationAsItsOwnStage() {
        long[] now = {0};
        TreeEnsemble model = model(FEATURES, 5, 10);
        Scorer scorer = builder(model).reasons(1, ExplainWhen.scoreAtLeast(2f)).clock(() -> now[0] += 1000)
                .stageTimingEvery(1).shadow(new TestViews.RecordingSink()).build();
        ScoreRequest req = scorer.newRequest();
        ScoreResult res = scorer.newResult();
        float[] row = rows(1, 6)[0];
        score(scorer, row, req, res); // a sigmoid never reaches 2: not explained, no clock read for the stage
        assertEquals(0, res.explainNanos());
        assertEquals(1000, res.modelNanos());
        assertEquals(1000, res.shadowNanos());
        assertEquals(2000, res.totalNanos());

        Scorer always = builder(model(FEATURES, 5, 10)).reasons(1, ExplainWhen.always())
                .clock(() -> now[0] += 1000).stageTimingEvery(1).shadow(new TestViews.RecordingSink()).build();
        ScoreRequest req2 = always.newRequest();
        ScoreResult res2 = always.newResult();
        score(always, row, req2, res2);
        assertEquals(1000, res2.modelNanos());
        assertEquals(1000, res2.explainNanos());
        assertEquals(1000, res2.shadowNanos());
        assertEquals(3000, res2.totalNanos(), "stages add up to the total");
    }

    @Test
    void shouldExplainWithTheSwappedInModelsOwnExplainer() {
        Scorer scorer = builder(model(FEATURES, 7, 20)).reasons(2, ExplainWhen.always()).reasonCodes(codes())
                .build();
        ScoreRequest req = scorer.newRequest();
        ScoreResult res = scorer.newResult();
        float[][] rows = rows(200, 8);
        score(scorer, rows[0], req, res); // the thread's working memory now belongs to the first model's explainer
        scorer.swapPrimary("m2", model(FEATURES, 9, 25));
        ReasonCodeExplainer reference = TreeExplainer.of(model(FEATURES, 9, 25)).reasons(codes());
        ReasonCodeExplainer old = TreeExplainer.of(model(FEATURES, 7, 20)).reasons(codes());
        TopReasons top = reference.newResult(2);
        TopReasons oldTop = old.newResult(2);
        int differ = 0;
        for (int r = 0; r < rows.length; r++) {
            score(scorer, rows[r], req, res);
            assertEquals("m2", res.modelId());
            assertEquals(2, res.modelVersion());
            assertSameReasons("row " + r + " after the swap", reference, top, rows[r], res);
            old.explain(rows[r], oldTop);
            differ += oldTop.count() != res.reasonCount()
                    || (res.reasonCount() > 0 && oldTop.contribution(0) != top.contribution(0)) ? 1 : 0;
        }
        assertTrue(differ > 100, "the two models give different reasons (" + differ + " rows differ)");
    }

    @Test
    void shouldRefuseASwapToAModelLackingAFeatureTheCodesName() {
        Scorer scorer = builder(model(FEATURES, 10, 5)).reasons(2, ExplainWhen.always()).reasonCodes(codes())
                .build();
        List<String> without = new ArrayList<>(FEATURES);
        without.remove("txn_24h");
        SwapRefusedException e = assertThrows(SwapRefusedException.class,
                () -> scorer.swapPrimary("narrow", model(without, 11, 5)));
        assertTrue(e.getMessage().contains("'narrow'") && e.getMessage().contains("txn_24h"), e.getMessage());
        assertEquals("m1", scorer.primaryModelId(), "the current model keeps serving");
        assertEquals(1, scorer.metrics().swapsRefused());
    }

    @Test
    void shouldRefuseAtBuildAModelThatCannotBeExplainedOrCodesNamingAnUnknownFeature() {
        LinearModel linear = LinearModel.builder(FEATURES.size(), 1).featureNames(FEATURES)
                .weights(new float[FEATURES.size() + 1]).build();
        ConfigurationException notTrees = assertThrows(ConfigurationException.class,
                () -> builder(model(FEATURES, 1, 1)).primary("lin", linear).reasons(1, ExplainWhen.always())
                        .build());
        assertTrue(notTrees.getMessage().contains("'lin'") && notTrees.getMessage().contains("TreeSHAP"),
                notTrees.getMessage());
        TreeEnsemble noCovers = TestViews.stumps(FEATURES, new float[] {1, 1, 1, 1, 1, 1}, 0f);
        ConfigurationException covers = assertThrows(ConfigurationException.class,
                () -> builder(noCovers).reasons(1, ExplainWhen.always()).build());
        assertTrue(covers.getMessage().contains("node covers"), covers.getMessage());
        ConfigurationException unknown = assertThrows(ConfigurationException.class,
                () -> builder(model(FEATURES, 1, 3)).reasons(1, ExplainWhen.always())
                        .reasonCodes(ReasonCodes.builder().code("DEVICE", "device_age").build()).build());
        assertTrue(unknown.getMessage().contains("device_age") && unknown.getMessage().contains("'m1'"),
                unknown.getMessage());
        // the same model scores without reasons: the refusals above are about reasons only
        builder(noCovers).build().close();
    }

    @Test
    void shouldRejectMisconfiguredReasons() {
        assertThrows(ConfigurationException.class, () -> builder(model(FEATURES, 1, 1)).reasons(0,
                ExplainWhen.always()));
        assertThrows(ConfigurationException.class, () -> builder(model(FEATURES, 1, 1)).reasons(65,
                ExplainWhen.always()));
        assertThrows(ConfigurationException.class, () -> ExplainWhen.scoreAtLeast(Float.NaN));
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> builder(model(FEATURES, 1, 1)).reasonCodes(codes()).build());
        assertTrue(e.getMessage().contains("reasons(k, when)"), e.getMessage());
        Scorer plain = builder(model(FEATURES, 1, 2)).build();
        ScoreResult res = plain.newResult();
        score(plain, rows(1, 1)[0], plain.newRequest(), res);
        assertFalse(res.hasFlag(ScoreResult.EXPLAINED));
        assertEquals(0, res.reasonCount());
        assertEquals(List.of(), plain.reasonCodeNames());
        assertThrows(IndexOutOfBoundsException.class, () -> res.reasonCode(0));
    }
}
