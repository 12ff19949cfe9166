package dev.hotpath.formats.onnx;

import dev.hotpath.scoring.ModelClosedException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One shared session, many threads; and the lifecycle hazard the wrapper exists for: closing an OrtSession while
 * another thread is inside {@code run} crashes the JVM (SIGSEGV in ONNX Runtime), so a crash here kills the test
 * fork and fails the build.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OnnxModelConcurrencyTest {

    private static final int ROWS = 512;
    private static float[][] rows;
    private static float[] expected;

    @BeforeAll
    static void computeRawReference() throws Exception {
        rows = OnnxFixtures.randomRows(4242, ROWS, 200);
        expected = new float[ROWS];
        try (RawOrt raw = new RawOrt(OnnxFixtures.model("mlp.onnx"))) {
            for (int r = 0; r < ROWS; r++) {
                expected[r] = raw.run("input", new float[][] {rows[r]}, "probability")[0][0];
            }
        }
    }

    @Test
    void shouldGiveFourThreadsSharingOneSessionExactlyTheRawResults() throws Exception {
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("mlp.onnx"))) {
            AtomicLong mismatches = new AtomicLong();
            AtomicLong calls = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                threads.add(new Thread(() -> {
                    try {
                        start.await();
                        float[] out = new float[1];
                        float[] flat = OnnxFixtures.flatten(rows);
                        float[] batchOut = new float[ROWS];
                        for (int round = 0; round < 6; round++) {
                            for (int i = 0; i < ROWS; i++) {
                                int r = (i * 7 + id * 131 + round) % ROWS;
                                m.score(rows[r], out);
                                calls.incrementAndGet();
                                if (!OnnxFixtures.sameFloat(expected[r], out[0])) {
                                    mismatches.incrementAndGet();
                                }
                            }
                            // Batches interleave with single rows on the same thread's context; their values
                            // are checked in shouldGiveIdenticalBatchResultsOnEveryThread.
                            m.score(flat, ROWS, batchOut);
                            calls.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }, "scorer-" + t));
            }
            threads.forEach(Thread::start);
            start.countDown();
            for (Thread t : threads) {
                t.join(30_000);
                assertFalse(t.isAlive(), t.getName() + " did not finish");
            }
            assertTrue(errors.isEmpty(), () -> "errors: " + errors);
            assertEquals(0, mismatches.get(), "results differing from raw ONNX Runtime");
            assertEquals(4L * 6 * (ROWS + 1), calls.get());
            assertEquals(4, m.liveContexts());
        }
    }

    @Test
    void shouldGiveIdenticalBatchResultsOnEveryThread() throws Exception {
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("mlp.onnx"))) {
            float[] flat = OnnxFixtures.flatten(rows);
            float[] reference = new float[ROWS];
            m.score(flat, ROWS, reference);
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(new Thread(() -> {
                    float[] out = new float[ROWS];
                    for (int round = 0; round < 20; round++) {
                        m.score(flat, ROWS, out);
                        for (int r = 0; r < ROWS; r++) {
                            if (!OnnxFixtures.sameFloat(reference[r], out[r])) {
                                problems.add("round " + round + " row " + r);
                                return;
                            }
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join(30_000);
                assertFalse(t.isAlive());
            }
            assertTrue(problems.isEmpty(), () -> "batch results differ across threads: " + problems);
        }
    }

    @Test
    void shouldNotCrashWhenClosedWhileFourThreadsAreScoring() throws Exception {
        float[] flat = OnnxFixtures.flatten(rows);
        int roundsClosedMidCall = 0;
        for (int round = 0; round < 10; round++) {
            OnnxModel m = OnnxReader.read(OnnxFixtures.model("mlp.onnx"));
            ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            AtomicLong mismatches = new AtomicLong();
            List<AtomicReference<Throwable>> endings = new ArrayList<>();
            List<AtomicLong> counts = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                AtomicReference<Throwable> ending = new AtomicReference<>();
                AtomicLong count = new AtomicLong();
                endings.add(ending);
                counts.add(count);
                threads.add(new Thread(() -> {
                    float[] out = new float[1];
                    float[] batchOut = new float[64];
                    try {
                        for (int i = 0; ; i++) {
                            int r = (i + id * 97) % ROWS;
                            if (id == 3 && i % 4 == 0) {
                                // Some calls are 64-row batches, which stay inside ONNX Runtime much longer.
                                int start = r % (ROWS - 64);
                                m.score(java.util.Arrays.copyOfRange(flat, start * 200, (start + 64) * 200), 64,
                                        batchOut);
                            } else {
                                m.score(rows[r], out);
                                if (!OnnxFixtures.sameFloat(expected[r], out[0])) {
                                    mismatches.incrementAndGet();
                                }
                            }
                            count.incrementAndGet();
                        }
                    } catch (ModelClosedException e) {
                        ending.set(e);
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                }, "round-" + round + "-scorer-" + t));
            }
            threads.forEach(Thread::start);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (counts.stream().anyMatch(c -> c.get() < 200) && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(counts.stream().allMatch(c -> c.get() >= 200), "all four threads were scoring");
            long t0 = System.nanoTime();
            m.close();
            long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            if (m.callsInFlightAtClose() > 0) {
                roundsClosedMidCall++;
            }
            assertTrue(m.isReleased(), "close() released the session once the calls in flight had left");
            for (Thread t : threads) {
                t.join(10_000);
                assertFalse(t.isAlive(), t.getName() + " still running after close");
            }
            assertTrue(unexpected.isEmpty(), () -> "unexpected errors: " + unexpected);
            for (AtomicReference<Throwable> e : endings) {
                assertNotNull(e.get(), "every scorer ended with ModelClosedException");
                assertTrue(e.get().getMessage().contains("is closed"), e.get().getMessage());
            }
            assertEquals(0, mismatches.get(), "results before close were exact");
            assertTrue(closeMs < 5_000, "close took " + closeMs + " ms");
            assertEquals(0, m.liveContexts());
            assertThrows(ModelClosedException.class, () -> m.score(rows[0]));
            assertThrows(ModelClosedException.class, () -> m.score(rows[0], new float[1]));
            assertThrows(ModelClosedException.class, () -> m.scoreMargin(rows[0], new float[1]));
            assertThrows(ModelClosedException.class, () -> m.score(flat, 2, new float[2]));
            assertThrows(ModelClosedException.class, () -> m.score(flat, 0, new float[0]));
            assertEquals("onnx", m.info().format(), "descriptive methods keep working after close");
            assertTrue(m.isClosed());
        }
        // Four busy threads on a small machine: close() must really have met calls inside ONNX Runtime, or this
        // test would prove nothing about the race.
        assertTrue(roundsClosedMidCall >= 3, "rounds where close() met calls in flight: " + roundsClosedMidCall);
    }

    @Test
    void shouldReleaseTheSessionWhenALongCallOutlivesTheCloseTimeout() throws Exception {
        // Row by row so the call makes tens of thousands of runs: it outlives a 1 ms close timeout for sure.
        OnnxOptions opts = OnnxOptions.builder().closeTimeout(Duration.ofMillis(1)).maxBatchRows(1).build();
        OnnxModel m = OnnxReader.read(OnnxFixtures.model("mlp.onnx"), opts);
        int n = 40_000;
        float[] big = new float[n * 200];
        for (int r = 0; r < n; r++) {
            System.arraycopy(rows[r % ROWS], 0, big, r * 200, 200);
        }
        float[] out = new float[n];
        CountDownLatch inside = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread longCall = new Thread(() -> {
            try {
                m.score(new float[200]); // creates this thread's context
                inside.countDown();
                m.score(big, n, out);
                finished.set(true);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        longCall.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        // The warm-up call has returned, so a call in flight now is the long one.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (m.callsInFlight() == 0 && failure.get() == null && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1, m.callsInFlight(), "the long call is inside the model");
        m.close();
        boolean finishedBeforeCloseReturned = finished.get();
        boolean releasedWhenCloseReturned = m.isReleased();
        longCall.join(30_000);
        assertFalse(longCall.isAlive());
        assertFalse(finishedBeforeCloseReturned, "the long call was still running when close() timed out");
        assertFalse(releasedWhenCloseReturned, "the session stays open while the long call is inside it");
        assertEquals(null, failure.get(), "the call in flight completed normally");
        assertTrue(finished.get());
        for (int r = 0; r < n; r += 997) {
            assertTrue(OnnxFixtures.sameFloat(expected[r % ROWS], out[r]), "row " + r);
        }
        assertTrue(m.isReleased(), "the last call out released the session");
        assertThrows(ModelClosedException.class, () -> m.score(rows[0]));
    }

    @Test
    void shouldFreeTheTensorsOfThreadsThatDied() throws Exception {
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("logreg.onnx"))) {
            CountDownLatch scored = new CountDownLatch(5);
            CountDownLatch finish = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 5; t++) {
                Thread th = new Thread(() -> {
                    m.score(new float[10]);
                    scored.countDown();
                    try {
                        finish.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                threads.add(th);
                th.start();
            }
            assertTrue(scored.await(10, TimeUnit.SECONDS));
            assertEquals(5, m.liveContexts(), "one context per live scoring thread");
            finish.countDown();
            for (Thread th : threads) {
                th.join(10_000);
                assertFalse(th.isAlive());
            }
            Thread fresh = new Thread(() -> m.score(new float[10]));
            fresh.start();
            fresh.join(10_000);
            // The five dead threads' contexts were released when the sixth thread created its own.
            assertEquals(1, m.liveContexts());
        }
    }

    @Test
    void shouldAllowCloseToBeCalledRepeatedlyAndConcurrently() throws Exception {
        OnnxModel m = OnnxReader.read(OnnxFixtures.model("logreg.onnx"));
        m.score(new float[10]);
        List<Thread> closers = new ArrayList<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        for (int t = 0; t < 4; t++) {
            closers.add(new Thread(() -> {
                try {
                    m.close();
                    m.close();
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        closers.forEach(Thread::start);
        for (Thread t : closers) {
            t.join(10_000);
        }
        m.close();
        assertTrue(errors.isEmpty(), () -> "errors: " + errors);
        assertTrue(m.isReleased());
        assertThrows(ModelClosedException.class, () -> m.score(new float[10]));
    }
}
