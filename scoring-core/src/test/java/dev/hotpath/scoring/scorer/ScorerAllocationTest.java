package dev.hotpath.scoring.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.testing.AllocationProbe;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** score(request) allocates nothing end to end: views, binding, model, shadow offer, metrics. */
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
