package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureStatus;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerationSwitchTest {
    @TempDir
    Path dir;

    /** Old schema: a, b, c. */
    private static final FeatureView V1 = FeatureView.builder("card").ttl(Duration.ofHours(1))
            .feature("a", -1).feature("b", -2).feature("c", -3).build();
    /** New schema: a, b, c plus d. */
    private static final FeatureView V2 = FeatureView.builder("card").ttl(Duration.ofHours(1))
            .feature("a", -1).feature("b", -2).feature("c", -3).feature("d", -4).build();
    private static final int KEYS = 200;

    /** Entity k has a = k, b = 2k, c = 3k under both schemas; d = 4k under V2. */
    private void build(FeatureView view) {
        try (FeatureWriter w = FeatureWriter.createGeneration(dir, view, KEYS, Fixtures.NO_HEARTBEAT)) {
            float[] v = new float[view.dimension()];
            for (int k = 0; k < KEYS; k++) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = k * (i + 1);
                }
                w.upsert("k" + k, System.currentTimeMillis(), v, 0);
            }
            w.publish();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldSwitchSchemasWithoutFailedReadsAndServeOldDefinitionsSchemaMismatch() throws Exception {
        build(V1);
        // A generous lock budget: the builders' meta writes contend with these reads, and on a loaded shared CI box
        // a preempted writer can hold a lock for longer than the default 200 µs. The switch itself takes no lock.
        ReaderOptions fast = ReaderOptions.builder().refreshInterval(Duration.ofMillis(2))
                .readLockTimeout(Duration.ofMillis(500)).build();
        try (FeatureReader following = FeatureReader.open(dir, "card", fast);
             FeatureReader pinnedOld = FeatureReader.open(dir, V1, Fixtures.MANUAL_REFRESH);
             FeatureReader pinnedNew = FeatureReader.open(dir, V2, Fixtures.MANUAL_REFRESH)) {
            float[] dst = new float[8];
            assertEquals(FeatureStatus.PRESENT, pinnedOld.read("k3", dst, 0));
            assertEquals(FeatureStatus.SCHEMA_MISMATCH, pinnedNew.read("k3", dst, 0),
                    "a reader expecting the new schema gets defaults until it is published");
            assertArrayEquals(new float[] {-1, -2, -3, -4}, java.util.Arrays.copyOf(dst, 4));

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong reads = new AtomicLong();
            AtomicLong sawV2 = new AtomicLong();
            AtomicReference<String> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Thread th = new Thread(() -> {
                    float[] buf = new float[8];
                    long n = 0;
                    while (!stop.get() && failure.get() == null) {
                        int k = (int) (n++ % KEYS);
                        java.util.Arrays.fill(buf, 99);
                        FeatureStatus s = following.read("k" + k, buf, 0);
                        if (s != FeatureStatus.PRESENT || buf[0] != k || buf[1] != 2 * k || buf[2] != 3 * k) {
                            failure.compareAndSet(null, "k" + k + " -> " + s + " " + java.util.Arrays.toString(buf));
                        }
                        if (k > 0 && buf[3] == 4 * k) {
                            sawV2.incrementAndGet();
                        } else if (k > 0 && buf[3] != 99) {
                            failure.compareAndSet(null, "k" + k + ": d=" + buf[3] + " under the old schema");
                        }
                        reads.incrementAndGet();
                    }
                }, "reader-" + t);
                threads.add(th);
                th.start();
            }
            try {
                // Flip back and forth between the schemas while the readers run.
                for (int flip = 0; flip < 6 && failure.get() == null; flip++) {
                    long seen = following.stats().switches();
                    build(flip % 2 == 0 ? V2 : V1);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (following.stats().switches() == seen && System.nanoTime() < deadline) {
                        Thread.sleep(2);
                    }
                    Thread.sleep(20);
                }
            } finally {
                stop.set(true);
                for (Thread th : threads) {
                    th.join(30_000);
                }
            }
            assertNull(failure.get());
            ReaderStats s = following.stats();
            assertEquals(6, s.switches(), s.toString());
            assertTrue(sawV2.get() > 0, "readers must have seen the new schema");
            // Every read was checked PRESENT with the right values by the reader threads themselves (failure).
            assertTrue(reads.get() > 0, "the readers must have read");
            assertEquals(0, s.readErrors(), s.toString());

            // The last flip published V1 again; publish V2 once more and check the pinned readers.
            build(V2);
            assertTrue(pinnedOld.refresh());
            assertTrue(pinnedNew.refresh());
            assertEquals(FeatureStatus.SCHEMA_MISMATCH, pinnedOld.read("k3", dst, 0));
            assertArrayEquals(new float[] {-1, -2, -3}, java.util.Arrays.copyOf(dst, 3));
            assertEquals(FeatureStatus.SCHEMA_MISMATCH, pinnedOld.stats().servingStatus());
            assertEquals(FeatureStatus.PRESENT, pinnedNew.read("k3", dst, 0));
            assertArrayEquals(new float[] {3, 6, 9, 12}, java.util.Arrays.copyOf(dst, 4));
            following.refresh();
            assertEquals(4, following.view().dimension(), "a following reader adopts the published schema");
        }
    }

    /**
     * Waits until {@code reader} is inside Chronicle's timed read-lock wait: then its read is registered as in flight
     * on the current generation (a fixed sleep was not enough on a loaded box, where the thread may not have run).
     */
    private static void awaitWaitingForTheSegmentLock(Thread reader) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            for (StackTraceElement e : reader.getStackTrace()) {
                if (e.getClassName().endsWith(".BigSegmentHeader") && e.getMethodName().startsWith("tryReadLock")) {
                    return;
                }
            }
            assertTrue(reader.isAlive() && System.nanoTime() < deadline,
                    "the read did not start waiting for the segment lock within 30 s");
            Thread.sleep(1);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldCloseTheOldMapOnlyAfterInFlightReadsFinished() throws Exception {
        build(V1);
        // The longest budget there is: the read below must still be waiting when the switch happens, however slowly
        // the loaded box builds the new generation (the holder releases the lock well before it runs out).
        ReaderOptions slow = ReaderOptions.builder().readLockTimeout(Duration.ofSeconds(10))
                .refreshInterval(Duration.ZERO).build();
        try (FeatureReader r = FeatureReader.open(dir, V1, slow);
             FeatureWriter w = FeatureWriter.open(dir, "card", Fixtures.NO_HEARTBEAT)) {
            MapHandle old = r.currentHandleForTesting();
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = new Thread(() -> {
                try (ExternalMapQueryContext<CharSequence, byte[], ?> c =
                             w.handleForTesting().stringMap.queryContext("k5")) {
                    c.writeLock().lock();
                    locked.countDown();
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            holder.start();
            assertTrue(locked.await(30, TimeUnit.SECONDS));
            // A read that will sit in its bounded lock wait on the old generation's map.
            AtomicReference<FeatureStatus> inFlight = new AtomicReference<>();
            Thread reader = new Thread(() -> inFlight.set(r.read("k5", new float[3], 0)));
            reader.start();
            awaitWaitingForTheSegmentLock(reader);
            try {
                build(V1);
                assertTrue(r.refresh(), "switched to the new generation");
                assertTrue(old.map().isOpen(), "the old map must stay open while a read is in flight on it");
                assertEquals(FeatureStatus.PRESENT, r.read("k1", new float[3], 0), "new reads use the new map");
            } finally {
                release.countDown();
                holder.join(30_000);
            }
            reader.join(30_000);
            assertTrue(inFlight.get() == FeatureStatus.LOCK_TIMEOUT || inFlight.get() == FeatureStatus.PRESENT,
                    String.valueOf(inFlight.get()));
            assertFalse(r.refresh(), "no new manifest");
            assertFalse(old.map().isOpen(), "the old map is closed once its reads finished");
            assertEquals(2, r.generation());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldTellAStreamingWriterThatItsGenerationWasSuperseded() throws Exception {
        build(V1);
        WriterOptions beating = WriterOptions.builder().heartbeatInterval(Duration.ofMillis(10)).build();
        try (FeatureWriter w = FeatureWriter.open(dir, "card", beating)) {
            Thread.sleep(50);
            assertFalse(w.stats().superseded());
            build(V1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!w.stats().superseded() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(w.stats().superseded(), w.stats().toString());
            assertEquals(1, w.generation());
        }
    }

    @Test
    void shouldDeleteGenerationsBeyondTheRetainedOnesWhenPublishing() throws Exception {
        for (int i = 0; i < 4; i++) {
            build(V1);
        }
        List<Long> gens = new ArrayList<>();
        for (Manifest.GenerationFile f : Manifest.listGenerations(dir, "card")) {
            gens.add(f.generation);
        }
        gens.sort(null);
        assertEquals(List.of(3L, 4L), gens, "current plus one retained generation");
        assertEquals(4, Manifest.read(dir, "card").generation);
    }

    @Test
    void shouldRefuseAConcurrentBuildOfTheSameViewAndAbandonUnpublishedGenerations() {
        build(V1);
        FeatureWriter first = FeatureWriter.createGeneration(dir, V1, 10, Fixtures.NO_HEARTBEAT);
        Path firstFile = first.file();
        try {
            FeatureCacheException e = assertThrows(FeatureCacheException.class,
                    () -> FeatureWriter.createGeneration(dir, V1, 10, Fixtures.NO_HEARTBEAT));
            assertTrue(e.getMessage().contains("already building"), e.getMessage());
        } finally {
            first.close();
        }
        assertFalse(Files.exists(firstFile), "an unpublished generation is deleted on close");
        assertEquals(1, Manifest.read(dir, "card").generation, "nothing was published");
        try (FeatureWriter second = FeatureWriter.createGeneration(dir, V1, 10, Fixtures.NO_HEARTBEAT)) {
            assertEquals(2, second.generation(), "the abandoned number is free again: its file was deleted");
            second.publish();
            FeatureCacheException e = assertThrows(FeatureCacheException.class, second::publish);
            assertTrue(e.getMessage().contains("already published"), e.getMessage());
        }
    }
}
