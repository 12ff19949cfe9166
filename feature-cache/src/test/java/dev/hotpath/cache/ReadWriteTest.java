package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureStatus;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadWriteTest {
    @TempDir
    Path dir;

    private static final float[] CARD_DEFAULTS = {-1, -2, -3, -4};

    @Test
    void shouldReadWhatTheWriterUpsertedAtTheCallersOffset() {
        FeatureView view = Fixtures.stringView("card", 4);
        Fixtures.createView(dir, view, 1000);
        try (FeatureWriter w = FeatureWriter.open(dir, "card", Fixtures.NO_HEARTBEAT);
             FeatureReader r = FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH)) {
            long now = System.currentTimeMillis();
            assertTrue(w.upsert("card-1", now, new float[] {1.5f, 2.5f, Float.NaN, -0f}, 0));
            float[] dst = new float[6];
            assertEquals(FeatureStatus.PRESENT, r.read("card-1", dst, 2));
            assertArrayEquals(new float[] {0, 0, 1.5f, 2.5f, Float.NaN, -0f}, dst);
            assertFalse(w.upsert(new StringBuilder("card-1"), now, new float[] {9, 9, 9, 9, 7}, 1),
                    "second upsert of the same id replaces");
            assertEquals(FeatureStatus.PRESENT, r.read(new StringBuilder("card-1"), dst, 0));
            assertArrayEquals(new float[] {9, 9, 9, 7}, Arrays.copyOf(dst, 4));
            assertEquals(1, r.stats().entries());
        }
    }

    @Test
    void shouldFillDefaultsAndReturnNotFoundForUnknownIds() {
        FeatureView view = Fixtures.stringView("card", 4);
        Fixtures.createView(dir, view, 1000);
        try (FeatureReader r = FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH)) {
            float[] dst = {7, 7, 7, 7, 7};
            assertEquals(FeatureStatus.NOT_FOUND, r.read("nobody", dst, 1));
            assertArrayEquals(new float[] {7, -1, -2, -3, -4}, dst);
            assertEquals(FeatureStatus.NOT_FOUND, r.read(RecordLayout.META_STRING_KEY, dst, 0),
                    "the meta record is not an entity");
            assertEquals(FeatureStatus.NOT_FOUND, r.read(42L, dst, 0));
        }
    }

    @Test
    void shouldReadAndWriteLongKeyedViewsByLongAndByDecimalText() {
        FeatureView view = Fixtures.longView("merchant", 2);
        Fixtures.createView(dir, view, 1000);
        try (FeatureWriter w = FeatureWriter.open(dir, "merchant", Fixtures.NO_HEARTBEAT);
             FeatureReader r = FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH)) {
            long now = System.currentTimeMillis();
            w.upsert(123_456_789_012L, now, new float[] {1, 2}, 0);
            w.upsert("-5", now, new float[] {3, 4}, 0);
            w.upsert(Long.MAX_VALUE, now, new float[] {5, 6}, 0);
            float[] dst = new float[2];
            assertEquals(FeatureStatus.PRESENT, r.read(123_456_789_012L, dst, 0));
            assertArrayEquals(new float[] {1, 2}, dst);
            assertEquals(FeatureStatus.PRESENT, r.read("123456789012", dst, 0));
            assertArrayEquals(new float[] {1, 2}, dst);
            assertEquals(FeatureStatus.PRESENT, r.read(-5L, dst, 0));
            assertArrayEquals(new float[] {3, 4}, dst);
            assertEquals(FeatureStatus.PRESENT, r.read("9223372036854775807", dst, 0));
            assertArrayEquals(new float[] {5, 6}, dst);
            for (String notALong : new String[] {"12x", "", "-", "9223372036854775808", "1.0", " 1"}) {
                assertEquals(FeatureStatus.NOT_FOUND, r.read(notALong, dst, 0), notALong);
                assertArrayEquals(new float[] {-1, -2}, dst);
            }
            assertEquals(FeatureStatus.NOT_FOUND, r.read(Long.MIN_VALUE, dst, 0), "reserved meta key");
            assertThrows(IllegalArgumentException.class, () -> w.upsert(Long.MIN_VALUE, now, new float[2], 0));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> w.upsert("abc", now, new float[2], 0));
            assertTrue(e.getMessage().contains("long ids"), e.getMessage());
        }
    }

    @Test
    void shouldLookUpStringKeyedViewsByTheDecimalFormOfLongIds() {
        FeatureView view = Fixtures.stringView("device", 1);
        Fixtures.createView(dir, view, 100);
        try (FeatureWriter w = FeatureWriter.open(dir, "device", Fixtures.NO_HEARTBEAT);
             FeatureReader r = FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH)) {
            w.upsert("77", System.currentTimeMillis(), new float[] {1}, 0);
            w.upsert(-8L, System.currentTimeMillis(), new float[] {2}, 0);
            float[] dst = new float[1];
            assertEquals(FeatureStatus.PRESENT, r.read(77L, dst, 0));
            assertEquals(1f, dst[0]);
            assertEquals(FeatureStatus.PRESENT, r.read("-8", dst, 0));
            assertEquals(2f, dst[0]);
        }
    }

    @Test
    void shouldRejectReservedAndEmptyStringIdsOnWrite() {
        FeatureView view = Fixtures.stringView("card", 1);
        Fixtures.createView(dir, view, 100);
        try (FeatureWriter w = FeatureWriter.open(dir, "card", Fixtures.NO_HEARTBEAT)) {
            float[] v = {1};
            assertThrows(IllegalArgumentException.class, () -> w.upsert(RecordLayout.META_STRING_KEY, 0, v, 0));
            assertThrows(IllegalArgumentException.class, () -> w.upsert("", 0, v, 0));
            assertThrows(IllegalArgumentException.class, () -> w.upsert("x".repeat(5000), 0, v, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> w.upsert("a", 0, v, 1));
            assertFalse(w.delete(RecordLayout.META_STRING_KEY), "the meta record cannot be deleted");
        }
    }

    @Test
    void shouldDeleteEntities() {
        FeatureView view = Fixtures.stringView("card", 4);
        Fixtures.createView(dir, view, 100);
        try (FeatureWriter w = FeatureWriter.open(dir, "card", Fixtures.NO_HEARTBEAT);
             FeatureReader r = FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH)) {
            w.upsert("a", System.currentTimeMillis(), new float[] {1, 2, 3, 4}, 0);
            assertTrue(w.delete("a"));
            assertFalse(w.delete("a"));
            float[] dst = new float[4];
            assertEquals(FeatureStatus.NOT_FOUND, r.read("a", dst, 0));
            assertArrayEquals(CARD_DEFAULTS, dst);
            assertEquals(1, w.stats().deletes());
            assertEquals(0, w.stats().entries());
        }
    }

    @Test
    void shouldReturnStaleWithDefaultsWhenOlderThanTtl() {
        FeatureView view = FeatureView.builder("fresh").ttl(Duration.ofMinutes(10)).feature("a", 5f)
                .feature("b").build();
        Fixtures.createView(dir, view, 100);
        AtomicLong now = new AtomicLong(1_000_000_000_000L);
        ReaderOptions opts = ReaderOptions.builder().refreshInterval(Duration.ZERO).clock(now::get).build();
        try (FeatureWriter w = FeatureWriter.open(dir, "fresh", Fixtures.NO_HEARTBEAT);
             FeatureReader r = FeatureReader.open(dir, view, opts)) {
            long eventTime = now.get() - 60_000;
            w.upsert("e", eventTime, new float[] {1, 2}, 0);
            float[] dst = new float[2];
            now.set(eventTime + view.ttlMillis());
            assertEquals(FeatureStatus.PRESENT, r.read("e", dst, 0), "exactly TTL old is still fresh");
            assertArrayEquals(new float[] {1, 2}, dst);
            now.set(eventTime + view.ttlMillis() + 1);
            assertEquals(FeatureStatus.STALE, r.read("e", dst, 0));
            assertEquals(5f, dst[0]);
            assertTrue(Float.isNaN(dst[1]));
            FeatureLookup lookup = r.lookup("e");
            assertEquals(FeatureStatus.STALE, lookup.status());
            assertEquals(eventTime, lookup.eventTimeMillis());
            assertEquals(5f, lookup.values()[0]);
        }
    }

    @Test
    void shouldWriteBatchesAndCountNewEntities() {
        FeatureView view = Fixtures.stringView("card", 3);
        Fixtures.createView(dir, view, 100);
        try (FeatureWriter w = FeatureWriter.open(dir, "card", Fixtures.NO_HEARTBEAT);
             FeatureReader r = FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH)) {
            long now = System.currentTimeMillis();
            w.upsert("k0", now, Fixtures.vector(3, 0, 0), 0);
            FeatureBatch batch = new FeatureBatch(3, 10);
            for (int k = 0; k < 5; k++) {
                batch.add("k" + k, now, Fixtures.vector(3, k, 1), 0);
            }
            assertEquals(4, w.upsert(batch), "k0 existed");
            batch.clear();
            float[] three = Fixtures.vector(3, 9, 2);
            batch.add("k9", now, new float[] {0, three[0], three[1], three[2]}, 1);
            assertEquals(1, w.upsert(batch));
            float[] dst = new float[3];
            for (int k = 0; k < 5; k++) {
                assertEquals(FeatureStatus.PRESENT, r.read("k" + k, dst, 0));
                assertArrayEquals(Fixtures.vector(3, k, 1), dst);
            }
            assertEquals(FeatureStatus.PRESENT, r.read("k9", dst, 0));
            assertArrayEquals(three, dst);
            assertThrows(IllegalArgumentException.class, () -> w.upsert(new FeatureBatch(4, 1)));
            FeatureBatch full = new FeatureBatch(3, 1).add("x", now, dst, 0);
            assertThrows(IllegalStateException.class, () -> full.add("y", now, dst, 0));
        }
    }

    @Test
    void shouldReturnUnavailableWithDefaultsAfterCloseInsteadOfThrowing() {
        FeatureView view = Fixtures.stringView("card", 4);
        Fixtures.createView(dir, view, 100);
        FeatureReader r = FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH);
        try (FeatureWriter w = FeatureWriter.open(dir, "card", Fixtures.NO_HEARTBEAT)) {
            w.upsert("a", System.currentTimeMillis(), new float[] {1, 2, 3, 4}, 0);
        }
        float[] dst = new float[4];
        assertEquals(FeatureStatus.PRESENT, r.read("a", dst, 0));
        r.close();
        r.close();
        assertEquals(FeatureStatus.UNAVAILABLE, r.read("a", dst, 0));
        assertArrayEquals(CARD_DEFAULTS, dst);
        assertEquals(FeatureStatus.UNAVAILABLE, r.read(1L, dst, 0));
        assertTrue(r.stats().closed());
        assertEquals(FeatureStatus.UNAVAILABLE, r.stats().servingStatus());
    }

    @Test
    void shouldThrowOnlyForADestinationWithoutRoom() {
        FeatureView view = Fixtures.stringView("card", 4);
        Fixtures.createView(dir, view, 100);
        try (FeatureReader r = FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH)) {
            assertThrows(IndexOutOfBoundsException.class, () -> r.read("a", new float[3], 0));
            assertThrows(IndexOutOfBoundsException.class, () -> r.read("a", new float[4], 1));
            assertThrows(IndexOutOfBoundsException.class, () -> r.read(1L, new float[4], -1));
        }
    }

    @Test
    void shouldReportHeartbeatWatermarkAndNewestWriteInStats() throws Exception {
        FeatureView view = Fixtures.stringView("card", 1);
        Fixtures.createView(dir, view, 100);
        WriterOptions beating = WriterOptions.builder().heartbeatInterval(Duration.ofMillis(20)).build();
        try (FeatureWriter w = FeatureWriter.open(dir, "card", beating);
             FeatureReader r = FeatureReader.open(dir, view, Fixtures.MANUAL_REFRESH)) {
            long before = System.currentTimeMillis();
            w.setWatermark(before - 5000);
            w.upsert("a", before, new float[] {1}, 0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            ReaderStats s = r.stats();
            while ((s.watermarkMillis() != before - 5000 || s.newestWriteAgeMillis() < 0)
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
                s = r.stats();
            }
            assertEquals(before - 5000, s.watermarkMillis(), s.toString());
            assertTrue(s.heartbeatAgeMillis() >= 0 && s.heartbeatAgeMillis() < 5000, s.toString());
            assertTrue(s.newestWriteAgeMillis() >= 0 && s.newestWriteAgeMillis() < 5000, s.toString());
            assertEquals(ProcessHandle.current().pid(), s.writerPid());
            assertEquals(1, s.entries());
            assertEquals(1, s.generation());
            assertTrue(s.fileSizeBytes() > 0);
        }
    }

    @Test
    void shouldFailAWriteWithAClearErrorWhenTheSegmentStaysLocked() throws Exception {
        FeatureView view = Fixtures.stringView("card", 1);
        Fixtures.createView(dir, view, 100);
        WriterOptions quick = WriterOptions.builder().writeLockTimeout(Duration.ofMillis(30))
                .heartbeatInterval(Duration.ZERO).build();
        try (FeatureWriter w = FeatureWriter.open(dir, "card", quick);
             FeatureReader r = FeatureReader.open(dir, view, ReaderOptions.builder()
                     .readLockTimeout(Duration.ofMillis(5)).refreshInterval(Duration.ZERO).build())) {
            w.upsert("held", System.currentTimeMillis(), new float[] {1}, 0);
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = new Thread(() -> {
                try (ExternalMapQueryContext<CharSequence, byte[], ?> c =
                             w.handleForTesting().stringMap.queryContext("held")) {
                    c.writeLock().lock();
                    locked.countDown();
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            holder.start();
            try {
                assertTrue(locked.await(30, TimeUnit.SECONDS));
                long t0 = System.nanoTime();
                LockTimeoutException e = assertThrows(LockTimeoutException.class,
                        () -> w.upsert("held", System.currentTimeMillis(), new float[] {2}, 0));
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2));
                assertTrue(e.getMessage().contains("\"held\"") && e.getMessage().contains("30000 µs")
                        && e.getMessage().contains("Rebuild"), e.getMessage());
                float[] dst = new float[1];
                assertEquals(FeatureStatus.LOCK_TIMEOUT, r.read("held", dst, 0));
                assertEquals(-1f, dst[0]);
            } finally {
                release.countDown();
                holder.join(30_000);
            }
            float[] dst = new float[1];
            assertEquals(FeatureStatus.PRESENT, r.read("held", dst, 0));
            assertEquals(1f, dst[0]);
        }
    }

    @Test
    void shouldExposeEverythingAboutAnEntityThroughLookup() {
        FeatureView view = Fixtures.stringView("card", 2);
        Fixtures.createView(dir, view, 100);
        try (FeatureWriter w = FeatureWriter.open(dir, "card", Fixtures.NO_HEARTBEAT);
             FeatureReader r = FeatureReader.open(dir, "card", Fixtures.MANUAL_REFRESH)) {
            long t = System.currentTimeMillis();
            w.upsert("a\"b", t - 10, new float[] {1.25f, Float.NaN}, 0);
            FeatureLookup l = r.lookup("a\"b");
            assertEquals(FeatureStatus.PRESENT, l.status());
            assertEquals(t - 10, l.eventTimeMillis());
            assertTrue(l.writeTimeMillis() >= t);
            String json = l.toJson();
            assertTrue(json.contains("\"id\" : \"a\\\"b\""), json);
            assertTrue(json.contains("\"f0\" : 1.25") && json.contains("\"f1\" : \"NaN\""), json);
            assertEquals(FeatureStatus.NOT_FOUND, r.lookup("zz").status());
            assertEquals(-1, r.lookup("zz").eventTimeMillis());
        }
    }
}
