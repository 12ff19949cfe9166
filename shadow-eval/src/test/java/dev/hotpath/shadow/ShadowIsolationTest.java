package dev.hotpath.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.testing.LogContents;
import dev.hotpath.shadow.testing.LogContents.Cmp;
import dev.hotpath.shadow.testing.TestModels.BlockingModel;
import dev.hotpath.shadow.testing.TestModels.LinearModel;
import dev.hotpath.shadow.testing.TestModels.NanModel;
import dev.hotpath.shadow.testing.TestModels.SlowModel;
import dev.hotpath.shadow.testing.TestModels.ThrowingModel;

/** A throwing, a NaN-returning, a slow and a hanging shadow neither disturb the healthy shadow nor the producer. */
class ShadowIsolationTest {
    @TempDir
    Path dir;

    private static float expectedHealthy(long id) {
        return Math.max(0f, Math.min(1f, 0.5f * ((id % 10) / 10f)));
    }

    @Test
    void shouldKeepTheHealthyShadowAndTheProducerUnaffectedByFailingAndSlowShadows() {
        int n = 2_000;
        ThrowingModel throwing = new ThrowingModel(1);
        SlowModel slow = new SlowModel(1, 20);
        ShadowEvaluator ev = ShadowEvaluatorTest.base(dir)
                // A generous budget: a GC pause on a busy CI box must not count as a slow call here.
                .addShadow(ShadowModelConfig.builder(2, "healthy", new LinearModel(0f, 0.5f))
                        .latencyBudget(Duration.ofSeconds(10)).build())
                .addShadow(ShadowModelConfig.builder(3, "throwing", throwing).breakerFailures(5)
                        .breakerCoolDown(Duration.ofMinutes(10)).build())
                .addShadow(ShadowModelConfig.builder(4, "slow", slow).latencyBudget(Duration.ofMillis(1))
                        .breakerFailures(3).breakerCoolDown(Duration.ofMinutes(10)).build())
                .addShadow(ShadowModelConfig.builder(5, "nan", new NanModel(1)).breakerFailures(1_000_000).build())
                .shadowQueueCapacityBytes(1 << 20)
                .build();
        int[] results = new int[6];
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            ev.start();
            float[] x = new float[1];
            for (long id = 0; id < n; id++) {
                x[0] = (id % 10) / 10f;
                results[ev.publisher().offer(id, x, 1, 0.3f, 1, 500)]++;
            }
        }, "the producer is never held up by a shadow");
        assertEquals(n, results[ShadowPublisher.ACCEPTED], "every offer accepted");
        assertTimeoutPreemptively(Duration.ofSeconds(60), ev::close);

        LogContents log = LogContents.read(dir);
        List<Cmp> healthy = log.forShadow(2);
        assertEquals(n, healthy.size());
        for (Cmp c : healthy) {
            assertEquals(expectedHealthy(c.requestId()), c.shadowScore(), 0f);
            assertEquals(0, c.flags() & (ShadowLogFormat.FLAG_SHADOW_ERROR | ShadowLogFormat.FLAG_BREAKER_OPEN));
        }
        assertEquals(n, log.shadow(2, ShadowLogFormat.S_SCORED));

        List<Cmp> failing = log.forShadow(3);
        assertEquals(n, failing.size(), "a failing shadow still gets a record per request");
        long errors = failing.stream().filter(c -> (c.flags() & ShadowLogFormat.FLAG_SHADOW_ERROR) != 0).count();
        long skipped = failing.stream().filter(c -> (c.flags() & ShadowLogFormat.FLAG_BREAKER_OPEN) != 0).count();
        assertEquals(5, errors, "the breaker opens after 5 consecutive errors");
        assertEquals(n - 5, skipped, "then the shadow is skipped for the cool-down");
        assertEquals(5, throwing.calls.get());
        assertTrue(failing.stream().allMatch(c -> Float.isNaN(c.shadowScore())
                && c.shadowDecision() == ShadowLogFormat.DECISION_NONE));
        assertEquals(1, log.shadow(3, ShadowLogFormat.S_BREAKER_TRIPS));
        assertEquals(5, log.shadow(3, ShadowLogFormat.S_ERRORS));

        List<Cmp> slowRecords = log.forShadow(4);
        long overBudget = slowRecords.stream().filter(c -> (c.flags() & ShadowLogFormat.FLAG_OVER_BUDGET) != 0)
                .count();
        assertEquals(3, overBudget, "3 slow calls trip the breaker");
        assertEquals(3, slow.calls.get());
        assertEquals(n, slowRecords.size());
        assertTrue(slowRecords.stream().filter(c -> (c.flags() & ShadowLogFormat.FLAG_OVER_BUDGET) != 0)
                .allMatch(c -> c.shadowLatency() >= 20_000_000), "the measured latency is recorded");

        List<Cmp> nan = log.forShadow(5);
        assertEquals(n, nan.size());
        assertTrue(nan.stream().allMatch(c -> (c.flags() & ShadowLogFormat.FLAG_NAN_OUTPUT) != 0));
        assertEquals(n, log.shadow(5, ShadowLogFormat.S_NAN_OUTPUTS));
    }

    @Test
    void shouldCloseInBoundedTimeAndKeepOtherShadowsWhenAShadowNeverReturns() throws Exception {
        BlockingModel stuck = new BlockingModel(1);
        try {
            ShadowEvaluator ev = ShadowEvaluatorTest.base(dir)
                    .addShadow(ShadowModelConfig.builder(2, "healthy", new LinearModel(0f, 0.5f)).build())
                    .addShadow(ShadowModelConfig.builder(3, "stuck", stuck).build())
                    .closeTimeout(Duration.ofSeconds(2))
                    .build();
            ev.start();
            float[] x = new float[1];
            int accepted = 0;
            for (long id = 0; id < 500; id++) {
                x[0] = (id % 10) / 10f;
                if (ev.publisher().offer(id, x, 1, 0.3f, 1, 0) == ShadowPublisher.ACCEPTED) {
                    accepted++;
                }
            }
            assertEquals(500, accepted);
            assertTrue(stuck.entered.await(10, TimeUnit.SECONDS), "the stuck shadow was called");
            assertTimeoutPreemptively(Duration.ofSeconds(20), ev::close, "close must not wait for a hung shadow");
            assertEquals(1, ev.abandonedThreads());
            LogContents log = LogContents.read(dir);
            assertEquals(500, log.forShadow(2).size(), "the healthy shadow is complete");
            assertEquals(0, log.forShadow(3).size(), "the stuck shadow produced nothing");
            assertTrue(log.summary.clean(), log.summary.describe());
        } finally {
            stuck.release();
        }
    }
}
