package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two real JVM processes sharing real Chronicle Map files: a writer child process and this JVM as the reader.
 */
class MultiProcessTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void shouldNeverReadATornVectorWhileAnotherProcessWritesContinuously() throws Exception {
        int dim = 32;
        int keys = 16;
        FeatureView view = Fixtures.stringView("torn", dim);
        Fixtures.createView(dir, view, 1000);
        float[] v = new float[dim];
        String[] ids = new String[keys];
        try (FeatureWriter w = FeatureWriter.open(dir, "torn", Fixtures.NO_HEARTBEAT)) {
            for (int k = 0; k < keys; k++) {
                ids[k] = "e" + k;
                WriterChildMain.pattern(v, k, 0);
                w.upsert(ids[k], System.currentTimeMillis(), v, 0);
            }
        }
        ReaderOptions options = ReaderOptions.builder().readLockTimeout(Duration.ofMillis(1))
                .refreshInterval(Duration.ZERO).build();
        long reads = 0;
        long present = 0;
        long lockTimeouts = 0;
        long other = 0;
        long torn = 0;
        long versionChanges = 0;
        float[] lastVersion = new float[keys];
        Path stopFile = dir.resolve("stop-writer");
        long minChildUpserts = 10_001;
        try (FeatureReader r = FeatureReader.open(dir, view, options);
             ChildJvm child = ChildJvm.start(dir, ChildJvm.chronicleJvmOptions(), WriterChildMain.class,
                     "continuous", dir.toString(), "torn", Integer.toString(keys), "90000", stopFile.toString(),
                     Long.toString(minChildUpserts))) {
            child.awaitLine("READY", 60, TimeUnit.SECONDS);
            float[] dst = new float[dim];
            // Read until the writer's updates were observed often enough (the shared 2-core CI box may run the two
            // processes in alternating time slices), at most 45 s.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
            while (System.nanoTime() < until && (versionChanges < 2_000 || reads < 100_000)) {
                int k = (int) (reads % keys);
                FeatureStatus s = r.read(ids[k], dst, 0);
                reads++;
                if (s == FeatureStatus.PRESENT) {
                    present++;
                    if (!WriterChildMain.isConsistent(dst, 0, dim, k)) {
                        torn++;
                    } else if (dst[1] != lastVersion[k]) {
                        versionChanges++;
                        lastVersion[k] = dst[1];
                    }
                } else if (s == FeatureStatus.LOCK_TIMEOUT) {
                    lockTimeouts++;
                } else {
                    other++;
                }
            }
            Files.createFile(stopFile);
            String done = child.awaitLine("DONE", 60, TimeUnit.SECONDS);
            assertEquals(0, child.awaitExit(30, TimeUnit.SECONDS), child.stderrText());
            String[] doneFields = done.split(" ");
            long upserts = Long.parseLong(doneFields[1]);
            String summary = "reads=" + reads + " present=" + present + " lockTimeouts=" + lockTimeouts
                    + " other=" + other + " torn=" + torn + " versionChanges=" + versionChanges
                    + " childUpserts=" + upserts + " childWorstUpsertMicros=" + doneFields[2];
            System.out.println("torn-read test: " + summary);
            assertEquals(0, torn, summary);
            assertEquals(0, other, summary);
            assertTrue(present > 10_000, "too few reads to mean anything: " + summary);
            assertTrue(versionChanges >= 1_000, "the reader must have seen the writer's updates: " + summary);
            // The child writes on until it reached this many (unless its 90 s deadline passed first).
            assertTrue(upserts >= minChildUpserts, "the writer was cut short by its deadline: " + summary);
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void shouldKeepServingAndTimeOutBoundedWhenTheWriterIsKilledHoldingALockThenServeTheRebuild()
            throws Exception {
        int dim = 8;
        int keys = 2000;
        int crashIndexInBatch = 776;
        FeatureView view = Fixtures.stringView("crash", dim);
        Fixtures.createView(dir, view, keys);
        float[] v = new float[dim];
        try (FeatureWriter w = FeatureWriter.open(dir, "crash", Fixtures.NO_HEARTBEAT)) {
            for (int k = 0; k < keys; k++) {
                WriterChildMain.pattern(v, k, 0);
                w.upsert("e" + k, System.currentTimeMillis(), v, 0);
            }
        }
        long boundMillis = 50;
        ReaderOptions options = ReaderOptions.builder().readLockTimeout(Duration.ofMillis(boundMillis))
                .refreshInterval(Duration.ZERO).build();
        FeatureReader r = FeatureReader.open(dir, view, options);
        try {
            String lockedId;
            // Crash in the third batch (versions 1, 2 complete; version 3 written up to entity 776, whose lock is
            // still held when the process dies).
            long crashAt = 2L * keys + crashIndexInBatch + 1;
            try (ChildJvm child = ChildJvm.start(dir, ChildJvm.chronicleJvmOptions(), WriterChildMain.class,
                    "crash", dir.toString(), "crash", Integer.toString(keys), Long.toString(crashAt))) {
                lockedId = child.awaitLine("HOLDING ", 90, TimeUnit.SECONDS).substring("HOLDING ".length());
                child.kill();
            }
            assertEquals("e" + crashIndexInBatch, lockedId);

            float[] dst = new float[dim];
            long[] counts = new long[FeatureStatus.values().length];
            long[] worstNanos = {0};
            // A hang guard only: boundedness is asserted per read below. The blocked segment's ~1/16 of the keys
            // each wait out the 50 ms budget, which on a 2-core box loaded ~15-fold (CI neighbours plus a CPU hog)
            // took longer than the 30 s this guard used to allow.
            assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
                long t0 = System.nanoTime();
                assertEquals(FeatureStatus.LOCK_TIMEOUT, r.read(lockedId, dst, 0));
                long elapsed = System.nanoTime() - t0;
                // Slack for a busy shared 2-core host; Chronicle's own bound (2 s here, 60 s by default) would
                // also show up as UNAVAILABLE, not LOCK_TIMEOUT.
                assertTrue(elapsed < TimeUnit.MILLISECONDS.toNanos(boundMillis + 1000),
                        "LOCK_TIMEOUT took " + elapsed / 1_000_000 + " ms for a bound of " + boundMillis + " ms");
                for (int i = 0; i < dim; i++) {
                    assertEquals(view.defaultValue(i), dst[i], "defaults must be filled on LOCK_TIMEOUT");
                }
                for (int k = 0; k < keys; k++) {
                    long s0 = System.nanoTime();
                    FeatureStatus s = r.read("e" + k, dst, 0);
                    worstNanos[0] = Math.max(worstNanos[0], System.nanoTime() - s0);
                    counts[s.ordinal()]++;
                    if (s == FeatureStatus.PRESENT) {
                        assertTrue(WriterChildMain.isConsistent(dst, 0, dim, k), "torn vector for e" + k);
                        // The dead writer's third batch reached entity 776: before it version 3, after it 2.
                        assertEquals(k < crashIndexInBatch ? 3f : 2f, dst[1], "version of e" + k);
                    }
                }
            });
            // Stats stay available (bounded) although the meta record's segment may be the blocked one.
            ReaderStats stats = assertTimeoutPreemptively(Duration.ofSeconds(10), r::stats);
            assertEquals(1, stats.generation());
            assertEquals(0, stats.readErrors(), stats.toString());
            long locked = counts[FeatureStatus.LOCK_TIMEOUT.ordinal()];
            long present = counts[FeatureStatus.PRESENT.ordinal()];
            String summary = "present=" + present + " lockTimeouts=" + locked + " worst read ms="
                    + worstNanos[0] / 1_000_000;
            System.out.println("crash test: " + summary);
            assertTrue(locked >= 1 && locked <= keys / 4, "only the dead writer's segment may be blocked: " + summary);
            assertEquals(keys, present + locked, "no other status expected: " + summary);
            assertTrue(worstNanos[0] < TimeUnit.MILLISECONDS.toNanos(boundMillis + 1000), summary);

            // A writer on the poisoned generation fails fast and says how to recover.
            WriterOptions wo = WriterOptions.builder().writeLockTimeout(Duration.ofMillis(50))
                    .heartbeatInterval(Duration.ZERO).build();
            try (FeatureWriter w = FeatureWriter.open(dir, "crash", wo)) {
                WriterChildMain.pattern(v, crashIndexInBatch, 99);
                LockTimeoutException e = assertThrows(LockTimeoutException.class,
                        () -> w.upsert(lockedId, System.currentTimeMillis(), v, 0));
                assertTrue(e.getMessage().contains(lockedId) && e.getMessage().contains("Rebuild"), e.getMessage());
            }

            // The pipeline rebuilds a fresh generation; the reader switches and serves everything again.
            try (FeatureWriter b = FeatureWriter.createGeneration(dir, view, keys, Fixtures.NO_HEARTBEAT)) {
                for (int k = 0; k < keys; k++) {
                    WriterChildMain.pattern(v, k, 4);
                    b.upsert("e" + k, System.currentTimeMillis(), v, 0);
                }
                b.publish();
            }
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                assertTrue(r.refresh(), "reader must switch to the rebuilt generation");
                for (int k = 0; k < keys; k++) {
                    assertEquals(FeatureStatus.PRESENT, r.read("e" + k, dst, 0), "e" + k);
                    assertTrue(WriterChildMain.isConsistent(dst, 0, dim, k));
                    assertEquals(4f, dst[1]);
                }
            });
            assertEquals(2, r.generation());
        } finally {
            assertTimeoutPreemptively(Duration.ofSeconds(30), r::close);
        }
        assertTrue(Files.exists(dir.resolve(Manifest.generationFileName("crash", view.fingerprint(), 2))));
    }
}
