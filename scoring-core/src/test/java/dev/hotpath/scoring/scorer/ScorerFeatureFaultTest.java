package dev.hotpath.scoring.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A feature source that fails the way a memory-mapped store does when its file is truncated under it. */
class ScorerFeatureFaultTest {
    private static final List<String> CARD = List.of("txn_1h", "avg_amount");

    /** Throws what the JVM raises for a SIGBUS on a mapping; defaults are (2, 3). */
    private static final class FaultingView implements FeatureSource {
        int reads;

        @Override
        public String name() {
            return "card";
        }

        @Override
        public List<String> featureNames() {
            return CARD;
        }

        @Override
        public FeatureStatus read(CharSequence entityId, float[] dst, int offset) {
            reads++;
            dst[offset] = 99f; // a partial copy before the fault
            throw new InternalError("a fault occurred in a recent unsafe memory access operation in compiled Java code");
        }

        @Override
        public void fillDefaults(float[] dst, int offset) {
            dst[offset] = 2f;
            dst[offset + 1] = 3f;
        }
    }

    @Test
    void shouldScoreWithDefaultsAndFlagADegradedStoreWhenTheFeatureSourceFaults() {
        FaultingView view = new FaultingView();
        Scorer scorer = Scorer.builder().primary("m", TestViews.stumps(CARD, new float[] {1f, 2f}, 0f))
                .featureSource(view).problemLogInterval(1, TimeUnit.HOURS).build();
        ScoreRequest req = scorer.newRequest().entity(scorer.entityKey("card"), "c1");
        ScoreResult res = scorer.newResult();
        float expected = TestViews.stumps(CARD, new float[] {1f, 2f}, 0f).score(new float[] {2f, 3f});
        for (int i = 0; i < 1000; i++) {
            assertEquals(expected, scorer.score(req, res), "scored on the defaults, not on the partial copy");
            assertEquals(FeatureStatus.UNAVAILABLE, res.status(0));
            assertTrue(res.hasFlag(ScoreResult.DEFAULTS_USED));
            assertTrue(res.hasFlag(ScoreResult.FEATURE_STORE_DEGRADED));
        }
        assertEquals(1000, view.reads);
        assertEquals(1000, scorer.metrics().statusCount(0, FeatureStatus.UNAVAILABLE));
    }
}
