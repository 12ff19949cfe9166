package dev.hotpath.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.scorer.RequestField;
import dev.hotpath.scoring.scorer.ScoreRequest;
import dev.hotpath.scoring.scorer.ScoreResult;
import dev.hotpath.scoring.scorer.Scorer;
import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.testing.LogContents;
import dev.hotpath.shadow.testing.LogContents.Cmp;
import dev.hotpath.shadow.testing.TestModels;
import dev.hotpath.shadow.testing.TestModels.LinearModel;

/** The real {@link Scorer} from scoring-core drives the evaluator as its {@code ShadowControl}. */
class ScorerIntegrationTest {
    @TempDir
    Path dir;

    private static float linear(float bias, float w0, float w1, float a, float b) {
        return Math.max(0f, Math.min(1f, bias + w0 * a + w1 * b));
    }

    /** What a test does halfway through {@link #serve}. */
    private interface Halfway {
        void at(Scorer scorer) throws Exception;
    }

    /**
     * Scores requests 0..n-1 (features {@code id % 10 / 10} and {@code id % 7 / 7}) with a {@link Scorer} serving
     * {@code primary} as "fraud-v7", the evaluator as its shadows; {@code halfway} runs before request n / 2.
     */
    private static void serve(ShadowEvaluator ev, LinearModel primary, int n, Halfway halfway) throws Exception {
        Scorer scorer = Scorer.builder().primary("fraud-v7", primary).requestField("f0").requestField("f1")
                .shadow(ev).build();
        RequestField f0 = scorer.requestField("f0");
        RequestField f1 = scorer.requestField("f1");
        ScoreRequest req = scorer.newRequest();
        ScoreResult res = scorer.newResult();
        for (long id = 0; id < n; id++) {
            if (id == n / 2) {
                halfway.at(scorer);
            }
            req.clear().requestId(id).set(f0, (id % 10) / 10f).set(f1, (id % 7) / 7f);
            scorer.score(req, res);
        }
    }

    private static void await(ShadowEvaluator ev, long emitted) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (ev.stats().shadows().get(0).recordsEmitted() < emitted && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(emitted, ev.stats().shadows().get(0).recordsEmitted());
    }

    @Test
    void shouldLogScorerTrafficAndFollowAPromotion() {
        LinearModel v7 = new LinearModel(0f, 0.5f, 0.5f);
        LinearModel v8 = new LinearModel(0.1f, 0.2f, 0.7f);
        ShadowEvaluator ev = ShadowEvaluatorTest.base(dir).primaryThreshold(0.5f)
                .addShadow(ShadowModelConfig.builder(2, "fraud-v8", v8).latencyBudget(Duration.ofSeconds(10)).build())
                .build();
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            ev.start();
            serve(ev, v7, 2000, scorer -> {
                await(ev, 1000);
                scorer.promoteShadow("fraud-v8");
                assertEquals(Set.of("fraud-v7"), ev.shadowModels().keySet(), "the old primary is the shadow now");
            });
            await(ev, 1000);
            ev.close();
        });
        LogContents log = LogContents.read(dir);
        int v7Id = log.models.values().stream().filter(m -> m.name().equals("fraud-v7")).findFirst().get().modelId();
        assertTrue(v7Id != 2 && v7Id >= 0, "the scorer's primary got its own log id when it was built: " + v7Id);
        List<Cmp> before = log.forShadow(2);
        List<Cmp> after = log.forShadow(v7Id);
        assertEquals(1000, before.size());
        assertEquals(1000, after.size());
        for (Cmp c : before) {
            float a = (c.requestId() % 10) / 10f;
            float b = (c.requestId() % 7) / 7f;
            assertTrue(c.requestId() < 1000);
            assertEquals(v7Id, c.primaryModelId());
            assertEquals(linear(0f, 0.5f, 0.5f, a, b), c.primaryScore(), 0f);
            assertEquals(linear(0.1f, 0.2f, 0.7f, a, b), c.shadowScore(), 0f);
        }
        for (Cmp c : after) {
            float a = (c.requestId() % 10) / 10f;
            float b = (c.requestId() % 7) / 7f;
            assertTrue(c.requestId() >= 1000);
            assertEquals(2, c.primaryModelId(), "fraud-v8 is the primary now, under the same log id");
            assertEquals(linear(0.1f, 0.2f, 0.7f, a, b), c.primaryScore(), 0f);
            assertEquals(linear(0f, 0.5f, 0.5f, a, b), c.shadowScore(), 0f);
        }
        assertEquals(1000, log.shadow(2, ShadowLogFormat.S_SCORED),
                "the replaced shadow's final counters are written");
    }

    /**
     * Promotion while the shadow is far behind: requests already queued for the old shadow when the roles change
     * must still be scored by it and counted under its id, and no request may be compared with the model that
     * served it. Before the handover was ordered, the new shadow scored the old one's backlog (so its log showed
     * more records than requests dispatched to it: the demo's "111 % coverage of the demoted primary") and
     * requests around the swap were compared with themselves.
     */
    @Test
    void shouldCountAndScoreEveryRequestWithOneShadowAcrossAPromotionUnderBacklog() {
        LinearModel v7 = new LinearModel(0f, 0.5f, 0.5f);
        GatedModel v8 = new GatedModel(new LinearModel(0.1f, 0.2f, 0.7f));
        ShadowEvaluator ev = ShadowEvaluatorTest.base(dir).primaryThreshold(0.5f)
                .addShadow(ShadowModelConfig.builder(2, "fraud-v8", v8).latencyBudget(Duration.ofSeconds(10)).build())
                .build();
        int n = 3000;
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            ev.start();
            serve(ev, v7, n, scorer -> {
                // v8 is held inside its first call: the whole first half waits in its queue.
                assertEquals(0, ev.stats().shadows().get(0).recordsEmitted());
                scorer.promoteShadow("fraud-v8");
                v8.gate.countDown();
            });
            ev.close();
        });
        LogContents log = LogContents.read(dir);
        int v7Id = log.models.values().stream().filter(m -> m.name().equals("fraud-v7")).findFirst().get().modelId();
        assertEquals(n, log.global(ShadowLogFormat.G_ACCEPTED));
        long accounted = 0;
        for (int id : new int[] {2, v7Id}) {
            List<Cmp> records = log.forShadow(id);
            assertEquals(log.shadow(id, ShadowLogFormat.S_RECEIVED), records.size(),
                    "every request counted for shadow " + id + " is scored by it, and no other");
            assertEquals(0, log.shadow(id, ShadowLogFormat.S_DROPPED_BACKLOG));
            accounted += records.size() + log.shadow(id, ShadowLogFormat.S_SKIPPED_SELF);
            for (Cmp c : records) {
                assertTrue(c.primaryModelId() != c.shadowModelId(), "compared with itself: " + c);
                float a = (c.requestId() % 10) / 10f;
                float b = (c.requestId() % 7) / 7f;
                float v7Score = linear(0f, 0.5f, 0.5f, a, b);
                float v8Score = linear(0.1f, 0.2f, 0.7f, a, b);
                assertEquals(id == 2 ? v8Score : v7Score, c.shadowScore(), 0f, "the shadow's own model scored it");
                assertEquals(id == 2 ? v7Score : v8Score, c.primaryScore(), 0f, "the other model served it");
            }
        }
        assertEquals(n, accounted, "every accepted request is compared once or skipped as its own comparison");
        assertEquals(n / 2, log.forShadow(2).size(), "the old shadow scored its whole backlog");
    }

    /** Delegates to a model once {@link #gate} opens (bounded at 60 s): a shadow whose queue backs up on demand. */
    private static final class GatedModel extends TestModels.SingleOutputModel {
        final CountDownLatch gate = new CountDownLatch(1);
        private final LinearModel delegate;

        GatedModel(LinearModel delegate) {
            super(delegate.numFeatures(), "gated");
            this.delegate = delegate;
        }

        @Override
        protected float compute(float[] f) {
            try {
                gate.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return delegate.score(f);
        }
    }

    @Test
    void shouldRejectReplacingAnUnknownShadow() {
        ShadowEvaluator ev = ShadowEvaluatorTest.base(dir)
                .addShadow(ShadowModelConfig.builder(2, "cand", new LinearModel(0f, 1f)).build()).build();
        assertThrows(ConfigurationException.class, () -> ev.replaceShadow("nope", "x", new LinearModel(0f, 1f)));
        ev.close();
    }
}
