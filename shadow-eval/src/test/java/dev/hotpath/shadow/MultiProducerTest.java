package dev.hotpath.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.shadow.log.FsyncPolicy;
import dev.hotpath.shadow.log.LogOptions;
import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.testing.LogContents;
import dev.hotpath.shadow.testing.LogContents.Cmp;
import dev.hotpath.shadow.testing.TestModels.LinearModel;

/** N producer threads offer concurrently; every accepted request appears exactly once per shadow in the log. */
class MultiProducerTest {
    @TempDir
    Path dir;

    @Test
    void shouldLogEveryAcceptedRecordExactlyOnceWithManyProducers() {
        int threads = 4;
        int perThread = 25_000;
        ShadowEvaluator ev = ShadowEvaluatorTest.base(dir)
                .addShadow(ShadowModelConfig.builder(2, "a", new LinearModel(0f, 0.5f, 0.25f)).build())
                .addShadow(ShadowModelConfig.builder(3, "b", new LinearModel(0.1f, 0.1f, 0.1f)).build())
                .intakeCapacityBytes(8 << 20)
                .shadowQueueCapacityBytes(16 << 20)
                .recordsCapacityBytes(16 << 20)
                // several segments, so ids must survive rotation too
                .log(LogOptions.builder().hostTag("test").minFreeBytes(0).fsyncPolicy(FsyncPolicy.none())
                        .rotateBytes(1 << 20).blockBytes(64 << 10).build())
                .build();
        Map<Long, Float> accepted = new ConcurrentHashMap<>();
        int[] dropped = new int[threads];
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            ev.start();
            CountDownLatch go = new CountDownLatch(1);
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                final int th = t;
                ts[t] = new Thread(() -> {
                    float[] x = new float[2];
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        long id = ((long) th << 32) | i;
                        x[0] = (i % 100) / 100f;
                        x[1] = th / 4f;
                        float ps = (i % 1000) / 1000f;
                        int r = ev.publisher().offer(id, x, 2, ps, 1, 0);
                        if (r == ShadowPublisher.ACCEPTED) {
                            accepted.put(id, ps);
                        } else {
                            dropped[th]++;
                        }
                    }
                }, "producer-" + t);
                ts[t].setDaemon(true);
                ts[t].start();
            }
            go.countDown();
            for (Thread t : ts) {
                t.join();
            }
            ev.close();
        });
        LogContents log = LogContents.read(dir);
        assertTrue(log.summary.clean(), log.summary.describe());
        assertTrue(log.summary.files() > 1, "rotation produced several segments: " + log.summary.files());
        long droppedTotal = 0;
        for (int d : dropped) {
            droppedTotal += d;
        }
        assertEquals((long) threads * perThread, accepted.size() + droppedTotal);
        assertTrue(accepted.size() > threads * perThread / 2, "most offers accepted: " + accepted.size());
        for (int shadow : new int[] {2, 3}) {
            List<Cmp> records = log.forShadow(shadow);
            Map<Long, Integer> seen = new HashMap<>();
            for (Cmp c : records) {
                seen.merge(c.requestId(), 1, Integer::sum);
                assertEquals(accepted.get(c.requestId()), c.primaryScore(), 0f, "primary score travels intact");
            }
            assertEquals(accepted.keySet(), seen.keySet(), "shadow " + shadow + ": exactly the accepted requests");
            assertTrue(seen.values().stream().allMatch(n -> n == 1), "shadow " + shadow + ": no duplicates");
            assertEquals(0, log.shadow(shadow, ShadowLogFormat.S_DROPPED_BACKLOG));
            assertEquals(0, log.shadow(shadow, ShadowLogFormat.S_DROPPED_WRITER_FULL));
        }
        assertEquals(accepted.size(), log.global(ShadowLogFormat.G_ACCEPTED));
        assertEquals(droppedTotal, log.global(ShadowLogFormat.G_DROPPED_RING_FULL));
    }
}
