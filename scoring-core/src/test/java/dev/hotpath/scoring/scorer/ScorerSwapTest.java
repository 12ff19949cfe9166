package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.testing.DelegatingModel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.model.TreeEnsemble;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ScorerSwapTest {
    private static final List<String> FEATURES = List.of("a", "b");

    /** A real model that records whether it was closed and refuses to score afterwards. */
    static class TrackedModel extends DelegatingModel {
        final AtomicBoolean closed = new AtomicBoolean();

        TrackedModel(Model delegate) {
            super(delegate);
        }

        @Override
        public float score(float[] features) {
            if (closed.get()) {
                throw new dev.hotpath.scoring.ModelClosedException("used after close");
            }
            return delegate.score(features);
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    private static Scorer scorer(Model first) {
        return Scorer.builder().primary("v1", first).requestField("a").requestField("b").fallbackScore(-1f).build();
    }

    @Test
    void shouldServeEveryRequestFromExactlyOneVersionWhileSwapping100TimesUnderLoad() throws Exception {
        // Version v's model answers exactly v, so each result is attributable to one version.
        List<TrackedModel> models = new ArrayList<>();
        for (int v = 1; v <= 101; v++) {
            models.add(new TrackedModel(TestViews.constant(FEATURES, v)));
        }
        Scorer scorer = scorer(models.get(0));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong failures = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            workers.add(pool.submit(() -> {
                ScoreRequest req = scorer.newRequest();
                ScoreResult res = scorer.newResult();
                long lastVersion = 0;
                while (!stop.get()) {
                    float s = scorer.score(req, res);
                    requests.incrementAndGet();
                    if (res.hasFlag(ScoreResult.FALLBACK) || s != res.modelVersion()
                            || !res.modelId().equals("v" + res.modelVersion()) || res.modelVersion() < lastVersion) {
                        failures.incrementAndGet();
                    }
                    lastVersion = res.modelVersion();
                }
            }));
        }
        try {
            for (int v = 2; v <= 101; v++) {
                SwapReport report = scorer.swapPrimary("v" + v, models.get(v - 1));
                assertEquals(v, report.version());
                assertTrue(models.get(v - 2).closed.get(), "retired model v" + (v - 1) + " is closed after drain");
                Thread.sleep(1);
            }
        } finally {
            stop.set(true);
            for (Future<?> w : workers) {
                w.get(30, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
        }
        assertEquals(0, failures.get(), "failed or misattributed requests out of " + requests.get());
        assertTrue(requests.get() > 1000, "load was applied: " + requests.get());
        assertEquals(101, scorer.primaryVersion());
        assertFalse(models.get(100).closed.get());
        assertEquals(100, scorer.metrics().swaps());
    }

    @Test
    void shouldRefuseAModelThatDoesNotBindAndKeepServing() {
        Scorer scorer = scorer(TestViews.constant(FEATURES, 1f));
        Model other = TestViews.constant(List.of("a", "zzz"), 2f);
        SwapRefusedException e = assertThrows(SwapRefusedException.class, () -> scorer.swapPrimary("bad", other));
        assertTrue(e.getMessage().contains("'zzz' is not bound"), e.getMessage());
        assertEquals(1f, scorer.score(scorer.newRequest(), scorer.newResult()));
        assertEquals(1, scorer.metrics().swapsRefused());
    }

    @Test
    void shouldRefuseACandidateThatFailsTheParityGate() {
        GoldenRows golden = GoldenRows.agreeWithCurrent(FEATURES, new float[][] {{0f, 0f}, {1f, 1f}}, 0.01f);
        TreeEnsemble current = TestViews.stumps(FEATURES, new float[] {1f, 2f}, 0f);
        Scorer scorer = Scorer.builder().primary("v1", current).requestField("a").requestField("b")
                .parityGate(golden).build();
        SwapRefusedException e = assertThrows(SwapRefusedException.class,
                () -> scorer.swapPrimary("v2", TestViews.stumps(FEATURES, new float[] {1f, 2.5f}, 0f)));
        assertTrue(e.getMessage().contains("parity gate"), e.getMessage());
        assertTrue(e.getMessage().contains("row 1 output 0: expected 3.0, candidate 3.5"), e.getMessage());
        assertEquals("v1", scorer.primaryModelId());

        // Same trees, features in another order: agrees, so it is accepted.
        TreeEnsemble reordered = TestViews.stumps(List.of("b", "a"), new float[] {2f, 1f}, 0f);
        SwapReport ok = scorer.swapPrimary("v2", reordered);
        assertEquals(2, ok.goldenRowsChecked());
    }

    @Test
    void shouldCheckExpectedGoldenOutputs() {
        GoldenRows golden = GoldenRows.expectOutputs(FEATURES, new float[][] {{1f, 0f}}, new float[][] {{1f}}, 0f);
        Scorer scorer = Scorer.builder().primary("v1", TestViews.constant(FEATURES, 0f)).requestField("a")
                .requestField("b").parityGate(golden).build();
        assertThrows(SwapRefusedException.class,
                () -> scorer.swapPrimary("v2", TestViews.stumps(FEATURES, new float[] {2f, 0f}, 0f)));
        scorer.swapPrimary("v3", TestViews.stumps(FEATURES, new float[] {1f, 0f}, 0f));
        assertEquals("v3", scorer.primaryModelId());
    }

    @Test
    void shouldCloseTheOldModelOnlyAfterInFlightRequestsFinish() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger scoredAfterClose = new AtomicInteger();
        TrackedModel slow = new TrackedModel(TestViews.constant(FEATURES, 1f)) {
            @Override
            public float score(float[] features) {
                inside.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (closed.get()) {
                    scoredAfterClose.incrementAndGet();
                }
                return super.score(features);
            }
        };
        Scorer scorer = scorer(slow);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Float> request = pool.submit(() -> scorer.score(scorer.newRequest(), scorer.newResult()));
            assertTrue(inside.await(10, TimeUnit.SECONDS));
            Future<SwapReport> swap = pool.submit(() -> scorer.swapPrimary("v2", TestViews.constant(FEATURES, 2f)));
            Thread.sleep(200);
            assertFalse(slow.closed.get(), "must not close while a request is inside the model");
            assertFalse(swap.isDone(), "swap waits for the drain");
            assertEquals(2f, scorer.score(scorer.newRequest(), scorer.newResult()), "new requests use v2 already");
            release.countDown();
            assertEquals(1f, request.get(10, TimeUnit.SECONDS));
            swap.get(10, TimeUnit.SECONDS);
            assertTrue(slow.closed.get());
            assertEquals(0, scoredAfterClose.get());
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void shouldPromoteAShadowAndDemoteThePrimaryInOneCall() {
        TestViews.RecordingSink sink = new TestViews.RecordingSink();
        TrackedModel primary = new TrackedModel(TestViews.constant(FEATURES, 1f));
        sink.shadows.put("challenger", TestViews.constant(FEATURES, 5f));
        Scorer scorer = Scorer.builder().primary("champion", primary).requestField("a").requestField("b")
                .shadow(sink).build();
        ScoreRequest req = scorer.newRequest().requestId(2);
        ScoreResult res = scorer.newResult();
        scorer.score(req, res);
        assertEquals(101, sink.lastPrimaryId);
        SwapReport report = scorer.promoteShadow("challenger");
        assertEquals("champion", report.previousModelId());
        for (int i = 0; i < 3; i++) {
            assertEquals(5f, scorer.score(req, res));
            assertEquals(102, sink.lastPrimaryId, "offers carry the promoted model's shadow id");
        }
        assertEquals(List.of("champion@1", "challenger@2"), sink.resolved, "once per model, at build and swap");
        assertEquals(List.of("challenger->champion"), sink.replacements);
        assertFalse(primary.closed.get(), "the demoted primary keeps running as a shadow");
        assertTrue(sink.shadows.containsKey("champion"));
        assertThrows(SwapRefusedException.class, () -> scorer.promoteShadow("nope"));
    }

    @Test
    void shouldAnswerWithTheFallbackAfterCloseWithoutTouchingTheClosedModel() {
        AtomicInteger callsAfterClose = new AtomicInteger();
        TrackedModel model = new TrackedModel(TestViews.constant(FEATURES, 1f)) {
            @Override
            public float score(float[] features) {
                if (closed.get()) {
                    callsAfterClose.incrementAndGet();
                }
                return super.score(features);
            }
        };
        Scorer scorer = scorer(model);
        ScoreRequest req = scorer.newRequest();
        ScoreResult res = scorer.newResult();
        assertEquals(1f, scorer.score(req, res));
        scorer.close();
        assertTrue(model.closed.get());
        assertEquals(-1f, scorer.score(req, res), "the fallback score");
        assertTrue(res.hasFlag(ScoreResult.FALLBACK));
        assertEquals(0, callsAfterClose.get(), "the closed model is not called");
        assertThrows(SwapRefusedException.class, () -> scorer.swapPrimary("v2", TestViews.constant(FEATURES, 2f)));
    }
}
