package dev.hotpath.scoring.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.testing.AllocationProbe;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * score(request) allocates nothing end to end: views, binding, model, reasons, shadow offer, metrics. The suite runs
 * this class a second time with {@code -XX:-DoEscapeAnalysis}.
 */
@Tag("allocation")
class ScorerAllocationTest {
    static float sink;
    static Object objectSink;

    private static Scorer scorer() {
        return scorer(16);
    }

    private static Scorer scorer(int stageTimingEvery) {
        TestViews.ArrayView card = new TestViews.ArrayView("card", List.of("x", "y"), new String[] {"c1", "c2"},
                new float[][] {{1f, 0f}, {0f, 1f}}, new float[] {0f, 0f});
        TreeEnsemble model = TestViews.stumps(List.of("amount", "x", "y"), new float[] {1f, 2f, 4f}, 0f);
        return Scorer.builder().primary("m", model).featureSource(card).requestField("amount")
                .shadow(new TestViews.RecordingSink()).stageTimingEvery(stageTimingEvery).build();
    }

    /**
     * Reasons on for the requests scoring at least the median score of the rows a request can assemble (amount 0.7 or
     * missing, card c1, c2 or unknown), on a model with node covers: some requests are explained, the others not.
     */
    private static Scorer scorerWithReasons() {
        TestViews.ArrayView card = new TestViews.ArrayView("card", List.of("x", "y"), new String[] {"c1", "c2"},
                new float[][] {{1f, 0f}, {0f, 1f}}, new float[] {0f, 0f});
        TreeEnsemble model = ScorerReasonsTest.model(List.of("amount", "x", "y"), 3, 20);
        float[] scores = new float[6];
        int n = 0;
        for (float amount : new float[] {0.7f, Float.NaN}) {
            for (float[] xy : new float[][] {{1f, 0f}, {0f, 1f}, {0f, 0f}}) {
                scores[n++] = model.score(new float[] {amount, xy[0], xy[1]});
            }
        }
        java.util.Arrays.sort(scores);
        return Scorer.builder().primary("m", model).featureSource(card).requestField("amount")
                .shadow(new TestViews.RecordingSink()).stageTimingEvery(1)
                .reasons(2, ExplainWhen.scoreAtLeast(scores[3])).build();
    }

    @Test
    void scoringWithReasonsAllocatesNothing() {
        Scorer scorer = scorerWithReasons();
        assertScoringAllocatesNothing(scorer);
        long explained = scorer.metrics().explained();
        long requests = scorer.metrics().requests();
        assertTrue(explained > requests / 10 && explained < requests, "both explained and unexplained requests"
                + " were measured: " + explained + " of " + requests);
    }

    @Test
    void scoringARequestAllocatesNothing() {
        assertScoringAllocatesNothing(scorer());
    }

    @Test
    void scoringAllocatesNothingWhenEveryRequestIsTimedAndRecorded() {
        assertScoringAllocatesNothing(scorer(1));
    }

    private static void assertScoringAllocatesNothing(Scorer scorer) {
        EntityKey card = scorer.entityKey("card");
        RequestField amount = scorer.requestField("amount");
        ScoreRequest req = scorer.newRequest();
        ScoreResult res = scorer.newResult();
        StringBuilder id = new StringBuilder();
        long[] n = {0};
        // The scorer path has more to compile than a bare model: warm up longer so C2 has settled.
        long bytes = AllocationProbe.bytesAllocated(200_000, AllocationProbe.DEFAULT_CALLS,
                () -> {
                    long i = n[0]++;
                    id.setLength(0);
                    id.append((i & 3) == 3 ? "unknown" : (i & 1) == 0 ? "c1" : "c2");
                    req.clear().requestId(i).entity(card, id).set(amount, (i & 2) == 0 ? 0.7f : Float.NaN);
                    sink += scorer.score(req, res);
                });
        assertEquals(0, bytes, "Scorer.score allocated " + bytes + " bytes over " + AllocationProbe.DEFAULT_CALLS
                + " calls");
    }

    @Test
    void controlStringIdsAreSeenByTheProbe() {
        Scorer scorer = scorer();
        EntityKey card = scorer.entityKey("card");
        ScoreRequest req = scorer.newRequest();
        ScoreResult res = scorer.newResult();
        long[] n = {0};
        double perCall = AllocationProbe.bytesPerCall(AllocationProbe.DEFAULT_CALLS, () -> {
            String id = "c" + (n[0]++ & 1); // a new String per request: what the flyweight avoids
            objectSink = id;
            sink += scorer.score(req.entity(card, id), res);
        });
        assertTrue(perCall >= 16, "building a String id per call must be seen, saw " + perCall + " B/call");
    }
}
