package dev.hotpath.scoring.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What {@link Scorer#metrics()} counts and times, on one thread and on many, and how snapshots combine. */
class ScorerMetricsTest {
    private static final List<String> FEATURES = List.of("amount", "x", "y");

    private static TestViews.ArrayView card() {
        return new TestViews.ArrayView("card", List.of("x", "y"), new String[] {"c1", "c2"},
                new float[][] {{1f, 0f}, {0f, 1f}}, new float[] {0f, 0f});
    }

    private static Scorer.Builder builder() {
        return Scorer.builder().primary("m", TestViews.stumps(FEATURES, new float[] {1f, 2f, 4f}, 0f))
                .featureSource(card()).requestField("amount");
    }

    /** Request i: card c1, c2 or unknown (NOT_FOUND), or no id at all (NOT_FOUND without a read). */
    private static ScoreRequest fill(Scorer scorer, ScoreRequest req, long i) {
        EntityKey card = scorer.entityKey("card");
        int k = (int) (i & 3);
        return req.clear().requestId(i).entity(card, k == 0 ? "c1" : k == 1 ? "c2" : k == 2 ? "nobody" : null);
    }

    @Test
    void shouldCountEveryRequestAndStatusButTimeOnlyARandomSample() {
        Scorer scorer = builder().build(); // default: one request in 16 is timed
        ScoreRequest req = scorer.newRequest();
        ScoreResult res = scorer.newResult();
        int n = 16_000;
        int timed = 0;
        for (int i = 0; i < n; i++) {
            scorer.score(fill(scorer, req, i), res);
            if (res.timed()) {
                timed++;
                assertTrue(res.totalNanos() >= res.modelNanos() && res.modelNanos() >= 0, res.toString());
            } else {
                assertEquals(-1, res.featureNanos());
                assertEquals(-1, res.modelNanos());
                assertEquals(-1, res.shadowNanos());
                assertEquals(-1, res.totalNanos());
            }
        }
        MetricsSnapshot m = scorer.metrics();
        assertEquals(n, m.requests());
        assertEquals(n / 2, m.statusCount(0, FeatureStatus.PRESENT));
        assertEquals(n / 2, m.statusCount(0, FeatureStatus.NOT_FOUND));
        // 1,000 expected; the binomial standard deviation is about 31.
        assertTrue(timed > 800 && timed < 1200, "timed " + timed + " of " + n);
        assertEquals(timed, m.totalLatency().getTotalCount());
        assertEquals(timed, m.modelLatency().getTotalCount());
        assertEquals(timed, m.featureLatency().getTotalCount());
        assertEquals(0, m.shadowLatency().getTotalCount(), "no shadow sink, no shadow stage");
    }

    @Test
    void shouldRecordTheStageTimesOfTimedRequests() {
        AtomicLong now = new AtomicLong();
        TestViews.RecordingSink sink = new TestViews.RecordingSink();
        // Every clock read advances 1 µs: feature, model and shadow stages take exactly 1 µs each.
        Scorer scorer = builder().shadow(sink).stageTimingEvery(1).clock(() -> now.addAndGet(1_000)).build();
        ScoreRequest req = scorer.newRequest();
        ScoreResult res = scorer.newResult();
        for (int i = 0; i < 100; i++) {
            scorer.score(fill(scorer, req, i), res);
            assertEquals(1_000, res.featureNanos());
            assertEquals(1_000, res.modelNanos());
            assertEquals(1_000, res.shadowNanos());
            assertEquals(3_000, res.totalNanos());
        }
        MetricsSnapshot m = scorer.metrics();
        assertEquals(100, m.totalLatency().getTotalCount());
        assertTrue(m.modelLatency().valuesAreEquivalent(1_000, m.modelLatency().getValueAtPercentile(99)));
        assertTrue(m.totalLatency().valuesAreEquivalent(3_000, m.totalLatency().getMaxValue()));
        assertTrue(m.shadowLatency().valuesAreEquivalent(1_000, m.shadowLatency().getValueAtPercentile(50)));
        assertEquals(50, m.shadowAccepted(), "the recording sink accepts even request ids");
        assertEquals(50, m.shadowNotAccepted());
        assertEquals(1_000, sink.lastLatencyNanos, "the shadow sink got the model's time");
    }

    @Test
    void shouldTellTheShadowSinkZeroForAnUntimedRequest() {
        TestViews.RecordingSink sink = new TestViews.RecordingSink();
        Scorer scorer = builder().shadow(sink).stageTimingEvery(Integer.MAX_VALUE).build();
        ScoreResult res = scorer.newResult();
        scorer.score(scorer.newRequest().requestId(2), res);
        assertFalse(res.timed());
        assertEquals(0, sink.lastLatencyNanos);
    }

    @Test
    void shouldGiveTheIntervalBetweenTwoSnapshots() {
        Scorer scorer = builder().stageTimingEvery(1).build();
        ScoreRequest req = scorer.newRequest();
        ScoreResult res = scorer.newResult();
        for (int i = 0; i < 40; i++) {
            scorer.score(fill(scorer, req, i), res);
        }
        MetricsSnapshot first = scorer.metrics();
        MetricsSnapshot other = scorer.metrics(); // a second reader does not take the first one's data away
        assertEquals(40, other.totalLatency().getTotalCount());
        for (int i = 0; i < 8; i++) {
            scorer.score(fill(scorer, req, 0), res); // c1: PRESENT
        }
        MetricsSnapshot interval = scorer.metrics().since(first);
        assertEquals(8, interval.requests());
        assertEquals(8, interval.statusCount(0, FeatureStatus.PRESENT));
        assertEquals(0, interval.statusCount(0, FeatureStatus.NOT_FOUND));
        assertEquals(8, interval.totalLatency().getTotalCount());
        assertEquals(40, first.requests(), "a snapshot does not change afterwards");
        Scorer another = builder().build();
        MetricsSnapshot foreign = another.metrics();
        assertThrows(IllegalArgumentException.class, () -> foreign.since(first), "newer than the later one");
    }

    @Test
    void shouldLoseNoCountAndNoTimingWithManyThreadsAndAReaderRunning() throws Exception {
        Scorer scorer = builder().stageTimingEvery(1).build();
        int threads = 4;
        int perThread = 40_000;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                ScoreRequest req = scorer.newRequest();
                ScoreResult res = scorer.newResult();
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        scorer.score(fill(scorer, req, i), res);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            workers.add(w);
            w.start();
        }
        // A reporting thread snapshots all the time: it swaps the lanes' histograms while requests record into them.
        Thread reader = new Thread(() -> {
            MetricsSnapshot previous = scorer.metrics();
            while (!stop.get()) {
                MetricsSnapshot next = scorer.metrics();
                if (next.requests() < previous.requests()
                        || next.totalLatency().getTotalCount() < previous.totalLatency().getTotalCount()) {
                    failure.compareAndSet(null, new AssertionError("counts went backwards"));
                }
                previous = next;
            }
        });
        reader.start();
        start.countDown();
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(60));
        }
        stop.set(true);
        reader.join(TimeUnit.SECONDS.toMillis(60));
        assertNull(failure.get());
        MetricsSnapshot m = scorer.metrics();
        long n = (long) threads * perThread;
        assertEquals(n, m.requests());
        assertEquals(n, m.totalLatency().getTotalCount(), "every timed request is in the histogram");
        assertEquals(n, m.featureLatency().getTotalCount());
        assertEquals(n / 2, m.statusCount(0, FeatureStatus.PRESENT));
        assertEquals(n / 2, m.statusCount(0, FeatureStatus.NOT_FOUND));
    }

    @Test
    void shouldPrintAPercentileSummaryNotRawBuckets() {
        Scorer scorer = builder().stageTimingEvery(1).build();
        ScoreRequest req = scorer.newRequest();
        ScoreResult res = scorer.newResult();
        for (int i = 0; i < 100; i++) {
            scorer.score(fill(scorer, req, i), res);
        }
        String text = scorer.metrics().toString();
        assertTrue(text.startsWith("MetricsSnapshot: 100 requests, 0 fallbacks"), text);
        assertTrue(text.contains("view card: PRESENT=50 NOT_FOUND=50"), text);
        assertTrue(text.contains("p50") && text.contains("p99.9") && text.contains("max"), text);
        assertTrue(text.lines().count() <= 8, text);
        assertFalse(text.contains("[J@") || text.contains("Histogram"), text);
    }

    @Test
    void shouldRefuseANonPositiveTimingInterval() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> builder().stageTimingEvery(0));
        assertTrue(e.getMessage().contains("stageTimingEvery"), e.getMessage());
    }
}
