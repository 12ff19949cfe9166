package dev.hotpath.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.shadow.log.FsyncPolicy;
import dev.hotpath.shadow.log.LogOptions;
import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.log.ShadowLogReader;
import dev.hotpath.shadow.testing.LogContents;
import dev.hotpath.shadow.testing.LogContents.Cmp;
import dev.hotpath.shadow.testing.TestModels.LinearModel;

class ShadowEvaluatorTest {
    @TempDir
    Path dir;

    private static float linear(float bias, float[] w, float[] x) {
        float s = bias;
        for (int i = 0; i < w.length; i++) {
            s += w[i] * x[i];
        }
        return Math.max(0f, Math.min(1f, s));
    }

    static ShadowEvaluatorBuilder base(Path dir) {
        return ShadowEvaluator.builder(dir)
                .log(LogOptions.builder().hostTag("test").minFreeBytes(0).fsyncPolicy(FsyncPolicy.none()).build())
                .summaryInterval(Duration.ZERO).closeTimeout(Duration.ofSeconds(10));
    }

    @Test
    void shouldLogOneComparisonPerShadowWithTheShadowsOwnScoreForEveryAcceptedRequest() {
        float[] w2 = {0.1f, 0.2f, 0.3f};
        float[] w3 = {0.3f, -0.1f, 0.05f};
        ShadowEvaluator ev = base(dir)
                .primaryModel(1, "primary-v1", "7")
                .primaryThreshold(0.6f)
                .addShadow(ShadowModelConfig.builder(2, "cand-a", new LinearModel(0.0f, w2)).threshold(0.5f)
                        .latencyBudget(Duration.ofSeconds(10)).build()) // no GC pause may flag a record
                .addShadow(ShadowModelConfig.builder(3, "cand-b", new LinearModel(0.1f, w3)).build())
                .build();
        Map<Long, float[]> sent = new HashMap<>();
        Map<Long, Float> primary = new HashMap<>();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            ev.start();
            ShadowPublisher p = ev.publisher();
            float[] x = new float[3];
            for (long id = 1; id <= 2000; id++) {
                x[0] = (id % 7) / 7f;
                x[1] = (id % 11) / 11f;
                x[2] = (id % 13) / 13f;
                float ps = (id % 10) / 10f;
                assertEquals(ShadowPublisher.ACCEPTED, p.offer(id, x, 3, ps, 1, 1000 + (int) id, 42, id * 100));
                sent.put(id, x.clone());
                primary.put(id, ps);
            }
            ev.close();
        });
        LogContents log = LogContents.read(dir);
        assertTrue(log.summary.clean(), log.summary.describe());
        List<Cmp> a = log.forShadow(2);
        List<Cmp> b = log.forShadow(3);
        assertEquals(2000, a.size());
        assertEquals(2000, b.size());
        for (Cmp c : a) {
            float[] x = sent.get(c.requestId());
            float expected = linear(0.0f, w2, x);
            assertEquals(expected, c.shadowScore(), 0f);
            assertEquals(primary.get(c.requestId()), c.primaryScore(), 0f);
            assertEquals(expected >= 0.5f ? 1 : 0, c.shadowDecision());
            assertEquals(c.primaryScore() >= 0.6f ? 1 : 0, c.primaryDecision());
            assertEquals(1, c.primaryModelId());
            assertEquals(1000 + (int) c.requestId(), c.primaryLatency());
            assertEquals(42, c.segment());
            assertEquals(c.requestId() * 100, c.amount());
            assertEquals(10_000, c.sampleRateE4());
            assertEquals(0, c.flags());
        }
        for (Cmp c : b) {
            float expected = linear(0.1f, w3, sent.get(c.requestId()));
            assertEquals(expected, c.shadowScore(), 0f);
            assertEquals(expected >= 0.6f ? 1 : 0, c.shadowDecision(), "defaults to the primary threshold");
        }
        assertEquals("primary-v1", log.models.get(1).name());
        assertEquals("cand-a", log.models.get(2).name());
        assertEquals(0.5f, log.models.get(2).threshold());
        assertEquals(0.6f, log.models.get(3).threshold());
        assertEquals(2000, log.global(ShadowLogFormat.G_ACCEPTED));
        assertEquals(2000, log.shadow(2, ShadowLogFormat.S_SCORED));
        assertEquals(0, log.shadow(3, ShadowLogFormat.S_ERRORS));
        assertFalse(ShadowLogReader.listLogFiles(dir).stream()
                .anyMatch(f -> f.getFileName().toString().endsWith(".part")), "closed segments are renamed");
    }

    @Test
    void shouldStampRecordsWithTheTimeTheAgentTookTheRequestInNotWithTheRequestThreadsClock() throws Exception {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000L);
        ShadowEvaluator ev = base(dir).clock(now::get).featureCaptureRate(1.0)
                .addShadow(ShadowModelConfig.builder(2, "a", new LinearModel(0f, 1f)).build())
                .build();
        // Offered while the clock reads 1,000 ns; the agents start (and take the requests in) at 7 s.
        for (long id = 0; id < 3; id++) {
            assertEquals(ShadowPublisher.ACCEPTED, ev.publisher().offer(id, new float[] {0.5f}, 1, 0.1f, 0, 0));
        }
        now.set(7_000_000_000L);
        ev.start();
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (ev.stats().dispatched() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        ev.close();
        LogContents log = LogContents.read(dir);
        assertEquals(3, log.forShadow(2).size());
        for (LogContents.Cmp c : log.forShadow(2)) {
            assertEquals(7_000_000_000L, c.epochNanos(), "request " + c.requestId());
        }
        assertEquals(3, log.features.size());
        for (var f : log.features) {
            assertEquals(7_000_000_000L, f.epochNanos(), "captured features carry the same time");
        }
    }

    @Test
    void shouldUnblockTheIntakeWhenAProducerDiesBetweenClaimAndCommit() throws Exception {
        ShadowEvaluator ev = base(dir)
                .addShadow(ShadowModelConfig.builder(2, "a", new LinearModel(0f, 1f)).build())
                .build();
        // A "dead" producer: claimed a slot and never committed or aborted it.
        int claimed = ev.publisher().ring().tryClaim(IntakeLayout.MSG_SCORE_REQUEST, IntakeLayout.messageLength(1));
        assertTrue(claimed > 0);
        float[] x = {0.5f};
        for (long id = 0; id < 100; id++) {
            assertEquals(ShadowPublisher.ACCEPTED, ev.publisher().offer(id, x, 1, 0.1f, 0, 0));
        }
        ev.start();
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (ev.stats().dispatched() < 100 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(100, ev.stats().dispatched(), "records behind the stuck claim get through after ~1 s");
        assertEquals(1, ev.stats().producerErrors(), "the revoked claim is counted");
        ev.close();
        assertEquals(100, LogContents.read(dir).forShadow(2).size());
    }

    @Test
    void shouldResolveAPrimaryByNameOnceAndNameItInTheLog() {
        ShadowEvaluator ev = base(dir).primaryModel(1, "fraud-v7", "1")
                .addShadow(ShadowModelConfig.builder(2, "a", new LinearModel(0f, 1f)).build())
                .build();
        LinearModel v9 = new LinearModel(0.1f, 1f);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            ev.start();
            assertEquals(1, ev.resolvePrimary("fraud-v7", v9, 1), "a name registered at build keeps its id");
            assertEquals(2, ev.resolvePrimary("a", v9, 2), "a promoted shadow keeps its id as the primary");
            int id = ev.resolvePrimary("fraud-v9", v9, 3);
            assertEquals(3, id, "a new name gets the smallest free id");
            assertEquals(id, ev.resolvePrimary("fraud-v9", v9, 4), "and keeps it");
            assertEquals(-1, ev.resolvePrimary("", v9, 5));
            assertEquals(ShadowPublisher.ACCEPTED, ev.sink().offer(1, new float[] {0.2f}, 1, 0.1f, id, 0));
            ev.close();
        });
        LogContents log = LogContents.read(dir);
        assertEquals("fraud-v9", log.models.get(3).name());
        assertEquals("v3", log.models.get(3).version(), "the scorer's model version when it was registered");
        assertEquals(ShadowLogFormat.ROLE_PRIMARY, log.models.get(3).role());
        assertEquals("1", log.models.get(1).version(), "a known name is not registered again");
        assertEquals(3, log.forShadow(2).get(0).primaryModelId());
    }

    @Test
    void shouldNotBurnACoreWhileIdle() throws Exception {
        ShadowEvaluator ev = base(dir)
                .addShadow(ShadowModelConfig.builder(2, "a", new LinearModel(0f, 1f)).build())
                .addShadow(ShadowModelConfig.builder(3, "b", new LinearModel(0f, 1f)).build())
                .build();
        java.util.Set<Thread> existing = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
        ev.start();
        try {
            Thread.sleep(200); // let the idle strategies reach their parking phase
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            java.util.List<Long> ids = new java.util.ArrayList<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("hotpath-shadow-") && !existing.contains(t)) {
                    assertTrue(t.isDaemon(), t.getName() + " must be a daemon thread");
                    ids.add(t.getId());
                }
            }
            assertEquals(4, ids.size(), "dispatcher, two workers, writer");
            long before = 0;
            for (long id : ids) {
                before += mx.getThreadCpuTime(id);
            }
            Thread.sleep(1000);
            long after = 0;
            for (long id : ids) {
                after += mx.getThreadCpuTime(id);
            }
            // Four busy-spinning threads would use ~2 s of CPU on two cores; parking threads use a few ms.
            assertTrue(after - before < 300_000_000L, "idle agents used " + (after - before) / 1_000_000 + " ms");
        } finally {
            ev.close();
        }
    }

    @Test
    void shouldCaptureFeaturesOfTheConfiguredShareOfSampledRequests() throws Exception {
        ShadowEvaluator ev = base(dir)
                .addShadow(ShadowModelConfig.builder(2, "cand", new LinearModel(0f, 1f, 1f)).build())
                .featureCaptureRate(0.25)
                .build();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            ev.start();
            float[] x = {0.25f, 0.125f};
            for (long id = 0; id < 4000; id++) {
                ev.publisher().offer(id, x, 2, 0.3f, 0, 0);
            }
            ev.close();
        });
        LogContents log = LogContents.read(dir);
        int expected = 0;
        for (long id = 0; id < 4000; id++) {
            if (ShadowSampling.isSampled(id, ShadowSampling.CAPTURE_SALT, 2500)) {
                expected++;
            }
        }
        assertEquals(expected, log.features.size());
        assertTrue(expected > 800 && expected < 1200, "about a quarter: " + expected);
        long flagged = log.forShadow(2).stream()
                .filter(c -> (c.flags() & ShadowLogFormat.FLAG_FEATURES_CAPTURED) != 0).count();
        assertEquals(expected, flagged);
        for (LogContents.Feat f : log.features) {
            assertEquals(2, f.features().length);
            assertEquals(0.25f, f.features()[0]);
            assertEquals(0.125f, f.features()[1]);
            assertEquals(0.3f, f.primaryScore());
        }
        assertTrue(Files.list(dir).count() >= 1);
    }
}
