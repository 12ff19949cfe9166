package dev.hotpath.cache;

import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.scorer.FeatureStatus;
import dev.hotpath.scoring.scorer.ScoreRequest;
import dev.hotpath.scoring.scorer.ScoreResult;
import dev.hotpath.scoring.scorer.Scorer;
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
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldServeDefaultsAsUnavailableAndNeverThrowWhenTheFileIsTruncatedUnderWarmReaderThreads()
            throws Exception {
        createFilledView();
        int threads = 3;
        try (FeatureReader r = FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH)) {
            Path file = r.currentHandleForTesting().file;
            CountDownLatch warm = new CountDownLatch(threads);
            CountDownLatch truncated = new CountDownLatch(1);
            AtomicReference<Throwable> escaped = new AtomicReference<>();
            AtomicLong badPresent = new AtomicLong();
            AtomicLong badDefaults = new AtomicLong();
            long[][] counts = new long[threads][ReadStatus.COUNT];
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long[] mine = counts[t];
                int seed = t;
                Thread th = new Thread(() -> {
                    float[] dst = new float[DIM];
                    StringBuilder id = new StringBuilder();
                    try {
                        // Warm: the faults below then happen in JIT-compiled code, as in a serving process.
                        for (int i = 0; i < 60_000; i++) {
                            int k = (i * 7 + seed) % ENTITIES;
                            id.setLength(0);
                            id.append('e').append(k);
                            r.read(id, dst, 0);
                        }
                        warm.countDown();
                        truncated.await();
                        for (int i = 0; i < 100_000; i++) {
                            int k = (i * 13 + seed) % ENTITIES;
                            id.setLength(0);
                            id.append('e').append(k);
                            ReadStatus s = r.read(id, dst, 0);
                            mine[s.ordinal()]++;
                            if (s == ReadStatus.PRESENT) {
                                if (!WriterChildMain.isConsistent(dst, 0, DIM, k)) {
                                    badPresent.incrementAndGet();
                                }
                            } else if (dst[0] != view.defaultValue(0) || dst[DIM - 1] != view.defaultValue(DIM - 1)) {
                                badDefaults.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        escaped.compareAndSet(null, e);
                    }
                }, "reader-" + t);
                th.start();
                readers.add(th);
            }
            assertTrue(warm.await(60, TimeUnit.SECONDS), "readers did not warm up");
            long size = Files.size(file);
            truncate(file, size / 8);
            truncated.countDown();
            for (Thread th : readers) {
                th.join(TimeUnit.SECONDS.toMillis(60));
                assertTrue(!th.isAlive(), th.getName() + " still running");
            }
            assertNull(escaped.get(), () -> "a read threw: " + escaped.get());
            long unavailable = 0;
            long total = 0;
            for (long[] c : counts) {
                unavailable += c[ReadStatus.UNAVAILABLE.ordinal()];
                for (long n : c) {
                    total += n;
                }
            }
            assertEquals(3L * 100_000, total);
            assertEquals(0, badPresent.get(), "a PRESENT read returned wrong values");
            assertEquals(0, badDefaults.get(), "a read that was not PRESENT left non-default values");
            assertTrue(unavailable > 0, "the truncation must show as UNAVAILABLE");
            ReaderStats stats = r.stats();
            assertTrue(stats.readErrors() >= 1, stats.toString());
            // The read path took the damaged generation out of service: no map is served, every read is UNAVAILABLE
            // without touching the truncated pages.
            assertNull(r.currentHandleForTesting());
            assertEquals(0, r.generation());
            float[] dst = new float[DIM];
            assertEquals(ReadStatus.UNAVAILABLE, r.read("e1", dst, 0));
            assertDefaults(dst);

            // The refresher retries the manifest's generation: still truncated, so it says so and keeps serving
            // defaults; once a valid generation is published, it switches to it.
            FeatureFileException still = assertThrows(FeatureFileException.class, r::refresh);
            assertTrue(still.getMessage().contains(file.getFileName().toString()), still.getMessage());
            assertEquals(ReadStatus.UNAVAILABLE, r.read("e1", dst, 0));
            publishNewGeneration(2);
            assertTrue(r.refresh(), "must switch to the new generation");
            assertEquals(2, r.generation());
            assertEquals(ReadStatus.PRESENT, r.read("e1", dst, 0));
            assertTrue(WriterChildMain.isConsistent(dst, 0, DIM, 1));
            assertEquals(2f, dst[1]);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldNeverThrowFromScoreWhenTheViewFileIsTruncatedBeforeTheFirstRead() throws Exception {
        createFilledView();
        try (FeatureReader r = FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH)) {
            Scorer scorer = Scorer.builder()
                    .primary("m", TreeEnsemble.builder(DIM, 1).featureNames(view.featureNames())
                            .baseMargins(new float[] {0.25f}).build())
                    .featureSource(r.asFeatureSource())
                    .problemLogInterval(1, TimeUnit.HOURS).build();
            ScoreRequest req = scorer.newRequest();
            ScoreResult res = scorer.newResult();
            // Cold: the first reads fault in the interpreter.
            truncate(r.currentHandleForTesting().file, 4096);
            for (int i = 0; i < 100_000; i++) {
                req.entity(scorer.entityKey("card"), "e" + (i % ENTITIES));
                assertEquals(0.25f, scorer.score(req, res));
                assertEquals(FeatureStatus.UNAVAILABLE, res.status(0));
                assertTrue(res.hasFlag(ScoreResult.FEATURE_STORE_DEGRADED));
            }
            assertEquals(100_000, r.count(ReadStatus.UNAVAILABLE));
            assertEquals(100_000, scorer.metrics().statusCount(0, FeatureStatus.UNAVAILABLE));
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldTakeATruncatedGenerationOutOfServiceBeforeAnyReadFaultsAndServeTheNextOne() throws Exception {
        createFilledView();
        ReaderOptions background = ReaderOptions.builder().refreshInterval(Duration.ofMillis(20)).build();
        try (FeatureReader r = FeatureReader.open(dir, view, background)) {
            float[] dst = new float[DIM];
            assertEquals(ReadStatus.PRESENT, r.read("e5", dst, 0));
            truncate(r.currentHandleForTesting().file, 4096);
            // No reads meanwhile: the refresher notices the shorter file by itself.
            awaitTrue(() -> r.generation() == 0, "the refresher must take the truncated generation out of service");
            assertEquals(ReadStatus.UNAVAILABLE, r.read("e5", dst, 0));
            assertDefaults(dst);
            assertEquals(0, r.stats().readErrors(), "no read may have faulted");

            publishNewGeneration(3);
            awaitTrue(() -> r.generation() == 2, "the refresher must switch to the new generation");
            assertEquals(ReadStatus.PRESENT, r.read("e5", dst, 0));
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
