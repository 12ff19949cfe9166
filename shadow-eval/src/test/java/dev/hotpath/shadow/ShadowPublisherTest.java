package dev.hotpath.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.testing.LogContents;
import dev.hotpath.shadow.testing.TestModels.LinearModel;

class ShadowPublisherTest {
    @TempDir
    Path dir;

    private ShadowEvaluatorBuilder builder(Path d) {
        return ShadowEvaluatorTest.base(d)
                .addShadow(ShadowModelConfig.builder(2, "cand", new LinearModel(0f, 1f, 1f, 1f, 1f)).build());
    }

    @Test
    void shouldReturnPromptlyAndCountDropsWhenTheConsumerIsStopped() {
        // Never started: nothing drains the 64 KiB intake ring, so after ~900 accepted offers every offer drops.
        ShadowEvaluator ev = builder(dir).intakeCapacityBytes(1 << 16).build();
        ShadowPublisher p = ev.publisher();
        float[] x = {1, 2, 3, 4};
        int offers = 3_000_000;
        long[] outcomes = new long[6];
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < offers; i++) {
                outcomes[p.offer(i, x, 4, 0.5f, 1, 100)]++;
            }
        }, "offers must never wait for the consumer");
        long capacityMessages = (1 << 16) / 72;
        assertEquals(offers, outcomes[ShadowPublisher.ACCEPTED] + outcomes[ShadowPublisher.DROPPED_RING_FULL]);
        assertTrue(outcomes[ShadowPublisher.ACCEPTED] <= capacityMessages, "accepted " + outcomes[0]);
        assertTrue(outcomes[ShadowPublisher.ACCEPTED] >= capacityMessages - 2, "accepted " + outcomes[0]);
        assertEquals(outcomes[ShadowPublisher.ACCEPTED], p.acceptedCount());
        assertEquals(outcomes[ShadowPublisher.DROPPED_RING_FULL], p.droppedRingFullCount());
        assertEquals(offers, p.offeredCount());
        ev.close();

        LogContents log = LogContents.read(dir);
        assertEquals(offers, log.global(ShadowLogFormat.G_OFFERED), "the final counters record the drops");
        assertEquals(outcomes[ShadowPublisher.DROPPED_RING_FULL], log.global(ShadowLogFormat.G_DROPPED_RING_FULL));
    }

    @Test
    void shouldNeverBlockManyProducersAgainstAStoppedConsumer() throws Exception {
        ShadowEvaluator ev = builder(dir).intakeCapacityBytes(1 << 16).build();
        ShadowPublisher p = ev.publisher();
        int threads = 4;
        int perThread = 500_000;
        AtomicLong accepted = new AtomicLong();
        AtomicLong dropped = new AtomicLong();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                final int base = t * perThread;
                ts[t] = new Thread(() -> {
                    float[] x = {1, 2, 3, 4};
                    for (int i = 0; i < perThread; i++) {
                        int r = p.offer(base + i, x, 4, 0.5f, 1, 0);
                        if (r == ShadowPublisher.ACCEPTED) {
                            accepted.incrementAndGet();
                        } else if (r == ShadowPublisher.DROPPED_RING_FULL) {
                            dropped.incrementAndGet();
                        }
                    }
                });
                ts[t].setDaemon(true);
                ts[t].start();
            }
            for (Thread t : ts) {
                t.join();
            }
        });
        assertEquals((long) threads * perThread, accepted.get() + dropped.get());
        assertEquals(accepted.get(), p.acceptedCount());
        assertEquals(dropped.get(), p.droppedRingFullCount());
        ev.close();
    }

    @Test
    void shouldSampleTheSameRequestsOnEveryHost() {
        ShadowEvaluator a = builder(dir.resolve("a")).sampleRate(0.1).samplingSeed(42).build();
        ShadowEvaluator b = builder(dir.resolve("b")).sampleRate(0.1).samplingSeed(42).build();
        ShadowEvaluator c = builder(dir.resolve("c")).sampleRate(0.1).samplingSeed(43).build();
        int inA = 0;
        int differsFromC = 0;
        for (long id = 0; id < 100_000; id++) {
            boolean sa = a.publisher().wouldSample(id);
            assertEquals(sa, b.publisher().wouldSample(id), "same seed and rate, same decision: " + id);
            if (sa) {
                inA++;
            }
            if (sa != c.publisher().wouldSample(id)) {
                differsFromC++;
            }
        }
        assertTrue(inA > 9_500 && inA < 10_500, "about 10%: " + inA);
        assertTrue(differsFromC > 10_000, "another seed draws another sample: " + differsFromC);
        // The decision is the documented formula, so other systems can reproduce it.
        for (long id = 0; id < 1000; id++) {
            long z = id ^ 42;
            z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
            z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
            z = z ^ (z >>> 33);
            assertEquals(Long.remainderUnsigned(z, 10_000) < 1000, a.publisher().wouldSample(id));
        }
        a.close();
        b.close();
        c.close();
    }

    @Test
    void shouldCountSampledOutOffersAndChangeTheRateAtRunTime() {
        ShadowEvaluator ev = builder(dir).sampleRate(1.0).build();
        ShadowPublisher p = ev.publisher();
        float[] x = {1, 2, 3, 4};
        assertEquals(ShadowPublisher.ACCEPTED, p.offer(1, x, 4, 0.1f, 1, 0));
        p.sampleRate(0.0);
        assertEquals(ShadowPublisher.SAMPLED_OUT, p.offer(2, x, 4, 0.1f, 1, 0));
        assertEquals(1, p.sampledOutCount());
        assertEquals(0, p.sampleRateE4());
        assertThrows(ConfigurationException.class, () -> p.sampleRate(1.5));
        ev.close();
    }

    @Test
    void shouldRejectInvalidArgumentsWithoutThrowing() {
        ShadowEvaluator ev = builder(dir).maxFeatures(4).build();
        ShadowPublisher p = ev.publisher();
        float[] x = {1, 2, 3, 4, 5};
        assertEquals(ShadowPublisher.REJECTED_INVALID, p.offer(1, null, 0, 0.1f, 1, 0));
        assertEquals(ShadowPublisher.REJECTED_INVALID, p.offer(1, x, -1, 0.1f, 1, 0));
        assertEquals(ShadowPublisher.REJECTED_INVALID, p.offer(1, x, 6, 0.1f, 1, 0), "longer than the array");
        assertEquals(ShadowPublisher.REJECTED_INVALID, p.offer(1, x, 5, 0.1f, 1, 0), "above maxFeatures");
        assertEquals(ShadowPublisher.REJECTED_INVALID, p.offer(1, x, 4, 0.1f, 65535, 0), "id reserved");
        assertEquals(ShadowPublisher.REJECTED_INVALID, p.offer(1, x, 4, 0.1f, -1, 0));
        assertEquals(6, p.rejectedInvalidCount());
        assertEquals(ShadowPublisher.ACCEPTED, p.offer(1, x, 4, Float.NaN, 1, 0), "a NaN score is data, not misuse");
        ev.close();
    }

    @Test
    void shouldReturnClosedAfterClose() {
        ShadowEvaluator ev = builder(dir).build();
        ev.start();
        ev.close();
        assertEquals(ShadowPublisher.CLOSED, ev.publisher().offer(1, new float[4], 4, 0f, 1, 0));
        assertEquals(1, ev.publisher().rejectedClosedCount());
        assertTrue(ev.publisher().isClosed());
        assertThrows(IllegalStateException.class, ev::start);
        ev.close(); // idempotent
    }

    @Test
    void shouldMapStringRequestIdsDeterministically() {
        long a = ShadowSampling.requestIdOf("txn_0001");
        assertEquals(a, ShadowSampling.requestIdOf(new StringBuilder("txn_").append("0001")));
        assertNotEquals(a, ShadowSampling.requestIdOf("txn_0002"));
        // FNV-1a over the two bytes of each UTF-16 unit, then fmix64, written out independently here.
        long h = 0xcbf29ce484222325L;
        for (char ch : "txn_0001".toCharArray()) {
            h = (h ^ (ch & 0xFF)) * 0x100000001b3L;
            h = (h ^ (ch >>> 8)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
        h = h ^ (h >>> 33);
        assertEquals(h, a);
    }

    @Test
    void shouldRejectConfigurationsWhoseMessagesDoNotFitTheRings() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> builder(dir).maxFeatures(2000).intakeCapacityBytes(1 << 14).build());
        assertTrue(e.getMessage().contains("intakeCapacityBytes"), e.getMessage());
        assertThrows(ConfigurationException.class, () -> builder(dir).intakeCapacityBytes(5000));
        assertThrows(ConfigurationException.class, () -> ShadowEvaluator.builder(dir).build(), "no shadow");
        assertThrows(ConfigurationException.class, () -> builder(dir)
                .addShadow(ShadowModelConfig.builder(2, "other", new LinearModel(0f, 1f)).build()).build(),
                "duplicate id");
        assertThrows(ConfigurationException.class, () -> builder(dir)
                .addShadow(ShadowModelConfig.builder(3, "cand", new LinearModel(0f, 1f)).build()).build(),
                "duplicate name");
    }
}
