package dev.hotpath.cache;

import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.scorer.FeatureStatus;
import dev.hotpath.scoring.scorer.MetricsSnapshot;
import dev.hotpath.scoring.scorer.ScoreRequest;
import dev.hotpath.scoring.scorer.ScoreResult;
import dev.hotpath.scoring.scorer.Scorer;
import dev.hotpath.scoring.scorer.ViewHealth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A generation file truncated under live readers (an operator's mistake, a cleanup script, a full tmpfs being
 * "fixed"): the pages beyond the new end of file raise SIGBUS, which the JVM turns into an {@link InternalError}.
 * Reads must not throw: they serve defaults as UNAVAILABLE, and the reader takes the generation out of service until
 * a valid one is published.
 */
class TruncatedFileTest {
    private static final int DIM = 8;
    private static final int ENTITIES = 20_000;

    @TempDir
    Path dir;

    private FeatureView view;

    /** The view "card" created and filled with version 1 of every entity. */
    private void createFilledView() {
        view = Fixtures.stringView("card", DIM);
        Fixtures.createView(dir, view, ENTITIES);
        fill(1);
    }

    private void fill(int version) {
        float[] v = new float[DIM];
        try (FeatureWriter w = FeatureWriter.open(dir, view.name(), Fixtures.NO_HEARTBEAT)) {
            for (int k = 0; k < ENTITIES; k++) {
                WriterChildMain.pattern(v, k, version);
                w.upsert("e" + k, System.currentTimeMillis(), v, 0);
            }
        }
    }

    private void publishNewGeneration(int version) {
        float[] v = new float[DIM];
        try (FeatureWriter w = FeatureWriter.createGeneration(dir, view, ENTITIES, Fixtures.NO_HEARTBEAT)) {
            for (int k = 0; k < ENTITIES; k++) {
                WriterChildMain.pattern(v, k, version);
                w.upsert("e" + k, System.currentTimeMillis(), v, 0);
            }
            w.publish();
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    private void assertDefaults(float[] dst) {
        for (int i = 0; i < DIM; i++) {
            assertEquals(view.defaultValue(i), dst[i], "defaults must be filled when not PRESENT");
        }
    }

    /**
     * Warm reader threads that keep reading while the file is truncated. What is guaranteed: within one damage check
     * (50 ms) the reader stops touching the file, and from then on every read returns UNAVAILABLE with defaults,
     * without touching the file. Reads racing the truncation itself may fault; the JVM reports those asynchronously
     * (an InternalError can surface in the calling thread after the read returned), so they are counted and printed
     * here, not asserted.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldStopTouchingATruncatedFileWithinOneCheckAndThenServeDefaultsWithoutFaultsToWarmThreads()
            throws Exception {
        createFilledView();
        int threads = 3;
        ReaderOptions background = ReaderOptions.builder().refreshInterval(Duration.ofMillis(500)).build();
        try (FeatureReader r = FeatureReader.open(dir, view, background)) {
            Path file = r.currentHandleForTesting().file;
            CountDownLatch warm = new CountDownLatch(threads);
            AtomicLong surfacedFaults = new AtomicLong();
            AtomicLong badPresent = new AtomicLong();
            AtomicLong badDefaults = new AtomicLong();
            // 0: before the truncation is noticed, 1: after (asserted), 2: stop.
            AtomicLong phase = new AtomicLong();
            AtomicLongArray afterReads = new AtomicLongArray(threads);
            AtomicLong afterUnavailable = new AtomicLong();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                Thread th = new Thread(() -> {
                    float[] dst = new float[DIM];
                    StringBuilder id = new StringBuilder();
                    long[] i = {0};
                    while (phase.get() != 2) {
                        // The JVM may report a fault of a racing read at any later safepoint check of this thread,
                        // e.g. here in the loop itself: count it and go on, as a request thread's handler would.
                        try {
                            readUntilStopped(r, phase, seed, i, id, dst, warm, afterReads, afterUnavailable,
                                    badPresent, badDefaults);
                        } catch (Throwable e) {
                            e.printStackTrace(System.out);
                            surfacedFaults.incrementAndGet();
                        }
                    }
                }, "reader-" + t);
                th.setDaemon(true);
                th.start();
                readers.add(th);
            }
            try {
                assertTrue(warm.await(60, TimeUnit.SECONDS), "readers did not warm up");
                long size = Files.size(file);
                long t0 = System.nanoTime();
                truncate(file, size / 8);
                awaitTrue(() -> r.generation() == 0, "the reader must take the truncated generation out of service");
                long noticedMillis = (System.nanoTime() - t0) / 1_000_000;
                phase.set(1);
                // Once every thread has finished a read that started after the stand-in was installed, no read that
                // started before (and may still touch the file) is in flight.
                awaitTrue(() -> afterReads.get(0) > 0 && afterReads.get(1) > 0 && afterReads.get(2) > 0,
                        "every reader must have read after the truncation was noticed");
                long errorsWhenNoticed = r.stats().readErrors();
                awaitTrue(() -> sum(afterReads) >= 3 * 100_000L, "300,000 reads after the truncation was noticed");
                phase.set(2);
                for (Thread th : readers) {
                    th.join(TimeUnit.SECONDS.toMillis(30));
                }
                System.out.println("truncation noticed after " + noticedMillis + " ms; reads that faulted racing it: "
                        + errorsWhenNoticed + " reported inside read, " + surfacedFaults.get()
                        + " reported later in the calling thread");
                assertEquals(errorsWhenNoticed, r.stats().readErrors(), "no read may touch the file once noticed");
                assertEquals(sum(afterReads), afterUnavailable.get(), "every read after that is UNAVAILABLE");
                assertEquals(0, badDefaults.get(), "every read must have filled the defaults");
                assertEquals(0, badPresent.get());
            } finally {
                phase.set(2);
            }
            assertNull(r.currentHandleForTesting());
            float[] dst = new float[DIM];
            assertEquals(FeatureStatus.UNAVAILABLE, r.read("e1", dst, 0));
            assertDefaults(dst);
            ViewHealth health = r.health();
            assertFalse(health.serving());
            assertTrue(health.problem().contains("generation 1 (" + file.getFileName() + ") is damaged"),
                    health.problem());

            // The refresher retries the manifest's generation: still truncated, so it says so and keeps serving
            // defaults; once a valid generation is published, it switches to it.
            FeatureFileException still = assertThrows(FeatureFileException.class, r::refresh);
            assertTrue(still.getMessage().contains(file.getFileName().toString()), still.getMessage());
            assertEquals(FeatureStatus.UNAVAILABLE, r.read("e1", dst, 0));
            publishNewGeneration(2);
            awaitTrue(() -> r.generation() == 2, "the refresher must switch to the new generation");
            assertEquals(FeatureStatus.PRESENT, r.read("e1", dst, 0));
            assertTrue(WriterChildMain.isConsistent(dst, 0, DIM, 1));
            assertEquals(2f, dst[1]);
        }
    }

    /** One reader thread's loop; phase 0 before the truncation is noticed, 1 after (counted), 2 stop. */
    private void readUntilStopped(FeatureReader r, AtomicLong phase, int seed, long[] i, StringBuilder id,
                                  float[] dst, CountDownLatch warm, AtomicLongArray afterReads,
                                  AtomicLong afterUnavailable, AtomicLong badPresent, AtomicLong badDefaults) {
        for (; ; i[0]++) {
            long p = phase.get();
            if (p == 2) {
                return;
            }
            int k = (int) ((i[0] * 13 + seed) % ENTITIES);
            id.setLength(0);
            id.append('e').append(k);
            FeatureStatus s = r.read(id, dst, 0);
            if (i[0] == 60_000) {
                warm.countDown(); // the reads from here on run JIT-compiled, as in a service
            }
            if (p == 1) {
                afterReads.incrementAndGet(seed);
                if (s == FeatureStatus.UNAVAILABLE) {
                    afterUnavailable.incrementAndGet();
                }
                if (s == FeatureStatus.PRESENT && !WriterChildMain.isConsistent(dst, 0, DIM, k)) {
                    badPresent.incrementAndGet();
                } else if (s != FeatureStatus.PRESENT && (dst[0] != view.defaultValue(0)
                        || dst[DIM - 1] != view.defaultValue(DIM - 1))) {
                    badDefaults.incrementAndGet();
                }
            }
        }
    }

    private static long sum(AtomicLongArray a) {
        long n = 0;
        for (int i = 0; i < a.length(); i++) {
            n += a.get(i);
        }
        return n;
    }

    /**
     * A scorer over a view whose file was truncated before the first read (cold code). Once the reader noticed it
     * (the first fault reported inside a read, or the 50 ms damage check), {@code score} answers on the view's
     * defaults, flagged, and never throws. (The scorer's own catch of a faulting source is tested deterministically
     * in scoring-core's {@code ScorerFeatureFaultTest}.)
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldScoreOnDefaultsWithoutThrowingOnceATruncatedViewFileWasNoticed() throws Exception {
        createFilledView();
        ReaderOptions background = ReaderOptions.builder().refreshInterval(Duration.ofMillis(500)).build();
        try (FeatureReader r = FeatureReader.open(dir, view, background)) {
            Scorer scorer = Scorer.builder()
                    .primary("m", TreeEnsemble.builder(DIM, 1).featureNames(view.featureNames())
                            .baseMargins(new float[] {0.25f}).build())
                    .featureSource(r)
                    .problemLogInterval(1, TimeUnit.HOURS).build();
            ScoreRequest req = scorer.newRequest();
            ScoreResult res = scorer.newResult();
            StringBuilder id = new StringBuilder();
            truncate(r.currentHandleForTesting().file, 4096);
            long surfaced = 0;
            long racing = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (r.generation() != 0) {
                assertTrue(System.nanoTime() < deadline, "the truncation was not noticed within 30 s");
                try {
                    id.setLength(0);
                    id.append('e').append(racing++ % ENTITIES);
                    scorer.score(req.entity(scorer.entityKey("card"), id), res);
                } catch (InternalError e) {
                    surfaced++; // a racing read's fault, reported by the JVM after the read returned
                }
            }
            System.out.println("scores racing the truncation: " + racing + ", faults reported outside the read: "
                    + surfaced);
            MetricsSnapshot before = scorer.metrics();
            for (int i = 0; i < 100_000; i++) {
                id.setLength(0);
                id.append('e').append(i % ENTITIES);
                assertEquals(0.25f, scorer.score(req.entity(scorer.entityKey("card"), id), res));
                assertEquals(FeatureStatus.UNAVAILABLE, res.status(0));
                assertTrue(res.hasFlag(ScoreResult.FEATURE_STORE_DEGRADED));
            }
            assertEquals(100_000, scorer.metrics().since(before).statusCount(0, FeatureStatus.UNAVAILABLE));
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldTakeATruncatedGenerationOutOfServiceBeforeAnyReadFaultsAndServeTheNextOne() throws Exception {
        createFilledView();
        ReaderOptions background = ReaderOptions.builder().refreshInterval(Duration.ofMillis(20)).build();
        try (FeatureReader r = FeatureReader.open(dir, view, background)) {
            float[] dst = new float[DIM];
            assertEquals(FeatureStatus.PRESENT, r.read("e5", dst, 0));
            truncate(r.currentHandleForTesting().file, 4096);
            // No reads meanwhile: the refresher notices the shorter file by itself.
            awaitTrue(() -> r.generation() == 0, "the refresher must take the truncated generation out of service");
            assertEquals(FeatureStatus.UNAVAILABLE, r.read("e5", dst, 0));
            assertDefaults(dst);
            assertEquals(0, r.stats().readErrors(), "no read may have faulted");

            publishNewGeneration(3);
            awaitTrue(() -> r.generation() == 2, "the refresher must switch to the new generation");
            assertEquals(FeatureStatus.PRESENT, r.read("e5", dst, 0));
            assertEquals(3f, dst[1]);
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " within 30 s");
            Thread.sleep(5);
        }
    }
}
