package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureStatus;
import dev.hotpath.scoring.testing.AllocationProbe;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The request path allocates nothing: 0 bytes over 100k reads after 20k warm-up, for every status and both id
 * kinds (through the scorer's {@code FeatureSource} interface: {@link FeatureReaderAsSourceTest}); 0 bytes per
 * single upsert and delete. Measured with the per-thread allocation counter ({@link SteadyAllocation}); tagged
 * {@code allocation}, so the build runs it again with escape analysis off.
 */
@Tag("allocation")
class AllocationTest {
    private static final int CALLS = AllocationProbe.DEFAULT_CALLS;
    private static final int WARMUP = AllocationProbe.DEFAULT_WARMUP;

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(2_000_000_000_000L);
    private FeatureView card;
    private FeatureView merchant;
    private FeatureWriter cardWriter;
    private FeatureWriter merchantWriter;
    private FeatureReader cardReader;
    private FeatureReader merchantReader;
    private final float[] dst = new float[16];
    private final StringBuilder id = new StringBuilder();
    /** Sink so results are observable. */
    private long sink;

    @BeforeEach
    void setUp() {
        card = Fixtures.stringView("card", 8);
        merchant = Fixtures.longView("merchant", 8);
        Fixtures.createView(dir, card, 10_000);
        Fixtures.createView(dir, merchant, 10_000);
        cardWriter = FeatureWriter.open(dir, "card", Fixtures.NO_HEARTBEAT);
        merchantWriter = FeatureWriter.open(dir, "merchant", Fixtures.NO_HEARTBEAT);
        ReaderOptions opts = ReaderOptions.builder().refreshInterval(Duration.ZERO).clock(clock::get)
                .readLockTimeout(Duration.ofNanos(1_000)).build();
        cardReader = FeatureReader.open(dir, card, opts);
        merchantReader = FeatureReader.open(dir, merchant, opts);
        float[] v = new float[8];
        for (int k = 0; k < 1000; k++) {
            v[0] = k;
            cardWriter.upsert("card-" + k, clock.get(), v, 0);
            merchantWriter.upsert(k, clock.get(), v, 0);
        }
        cardWriter.upsert("old", clock.get() - card.ttlMillis() - 1, v, 0);
        merchantWriter.upsert(-1L, clock.get() - merchant.ttlMillis() - 1, v, 0);
    }

    @AfterEach
    void tearDown() {
        cardReader.close();
        merchantReader.close();
        cardWriter.close();
        merchantWriter.close();
    }

    private void key(String prefix, int i) {
        id.setLength(0);
        id.append(prefix).append(i);
    }

    /** One read under test; returns its status. */
    private interface StatusRead {
        FeatureStatus read();
    }

    private void assertZeroAllocation(String what, FeatureStatus expected, StatusRead read) {
        long[] calls = {0};
        long[] matching = {0};
        long bytes = SteadyAllocation.bytes(WARMUP, CALLS, () -> {
            calls[0]++;
            if (read.read() == expected) {
                matching[0]++;
            }
        });
        assertEquals(0, bytes, what + " allocated " + bytes + " bytes over " + CALLS + " calls");
        assertEquals(calls[0], matching[0], what + " did not always produce " + expected + " (sink " + sink + ")");
    }

    @Test
    void shouldAllocateNothingForPresentReads() {
        int[] i = {0};
        assertZeroAllocation("PRESENT by CharSequence", FeatureStatus.PRESENT, () -> {
            key("card-", i[0]++ % 1000);
            FeatureStatus s = cardReader.read(id, dst, 0);
            sink += (long) dst[0];
            return s;
        });
        assertZeroAllocation("PRESENT by long", FeatureStatus.PRESENT, () -> {
            FeatureStatus s = merchantReader.read(i[0]++ % 1000, dst, 8);
            sink += (long) dst[8];
            return s;
        });
        assertZeroAllocation("PRESENT by decimal text on a long view", FeatureStatus.PRESENT, () -> {
            key("", i[0]++ % 1000);
            return merchantReader.read(id, dst, 0);
        });
        assertTrue(sink > 0);
    }

    @Test
    void shouldAllocateNothingForNotFoundReads() {
        int[] i = {0};
        assertZeroAllocation("NOT_FOUND by CharSequence", FeatureStatus.NOT_FOUND, () -> {
            key("nobody-", i[0]++);
            return cardReader.read(id, dst, 0);
        });
        assertZeroAllocation("NOT_FOUND by long on a string view", FeatureStatus.NOT_FOUND, () ->
                cardReader.read(1_000_000L + i[0]++, dst, 0));
        assertZeroAllocation("NOT_FOUND by non-numeric text on a long view", FeatureStatus.NOT_FOUND, () ->
                merchantReader.read("not-a-number", dst, 0));
    }

    @Test
    void shouldAllocateNothingForStaleReads() {
        assertZeroAllocation("STALE by CharSequence", FeatureStatus.STALE, () -> cardReader.read("old", dst, 0));
        assertZeroAllocation("STALE by long", FeatureStatus.STALE, () -> merchantReader.read(-1L, dst, 0));
    }

    @Test
    void shouldAllocateNothingForSchemaMismatchReads() {
        FeatureView other = FeatureView.builder("card").ttl(Duration.ofHours(2)).feature("x").build();
        try (FeatureReader pinnedToOther = FeatureReader.open(dir, other, Fixtures.MANUAL_REFRESH)) {
            assertZeroAllocation("SCHEMA_MISMATCH by CharSequence", FeatureStatus.SCHEMA_MISMATCH, () ->
                    pinnedToOther.read("card-1", dst, 0));
            assertZeroAllocation("SCHEMA_MISMATCH by long", FeatureStatus.SCHEMA_MISMATCH, () ->
                    pinnedToOther.read(1L, dst, 1));
        }
    }

    @Test
    void shouldAllocateNothingForLockTimeoutReads() throws Exception {
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try (ExternalMapQueryContext<CharSequence, byte[], ?> c =
                         cardWriter.handleForTesting().stringMap.queryContext("card-7")) {
                c.writeLock().lock();
                locked.countDown();
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        holder.start();
        try {
            assertTrue(locked.await(30, TimeUnit.SECONDS));
            assertZeroAllocation("LOCK_TIMEOUT", FeatureStatus.LOCK_TIMEOUT, () -> cardReader.read("card-7", dst, 0));
        } finally {
            release.countDown();
            holder.join(30_000);
        }
    }

    @Test
    void shouldAllocateNothingForUnavailableReads() {
        cardReader.close();
        assertZeroAllocation("UNAVAILABLE by CharSequence", FeatureStatus.UNAVAILABLE, () ->
                cardReader.read("card-1", dst, 0));
        assertZeroAllocation("UNAVAILABLE by long", FeatureStatus.UNAVAILABLE, () -> cardReader.read(1L, dst, 0));
    }

    @Test
    void shouldAllocateNothingPerSingleUpsertAndDelete() {
        float[] v = new float[8];
        int[] i = {0};
        long bytes = SteadyAllocation.bytes(WARMUP, CALLS, () -> {
            int k = i[0]++ % 1000;
            v[1] = k;
            key("card-", k);
            sink += cardWriter.upsert(id, clock.get(), v, 0) ? 1 : 0;
        });
        assertEquals(0, bytes, "upsert(CharSequence) allocated " + bytes);
        bytes = SteadyAllocation.bytes(WARMUP, CALLS, () ->
                sink += merchantWriter.upsert(i[0]++ % 1000, clock.get(), v, 0) ? 1 : 0);
        assertEquals(0, bytes, "upsert(long) allocated " + bytes);
        bytes = SteadyAllocation.bytes(WARMUP, CALLS, () ->
                sink += cardWriter.upsert(i[0]++ % 1000, clock.get(), v, 0) ? 1 : 0);
        assertEquals(0, bytes, "upsert(long) on a string view allocated " + bytes);
        // Alternate delete and re-insert so both really change the map.
        bytes = SteadyAllocation.bytes(WARMUP, CALLS, () -> {
            int k = i[0]++ % 1000;
            key("card-", k);
            sink += cardWriter.delete(id) ? 1 : 0;
            sink += cardWriter.upsert(id, clock.get(), v, 0) ? 1 : 0;
            sink += merchantWriter.delete(k) ? 1 : 0;
            sink += merchantWriter.upsert(k, clock.get(), v, 0) ? 1 : 0;
        });
        assertEquals(0, bytes, "delete + insert allocated " + bytes);
        assertTrue(cardWriter.stats().deletes() >= WARMUP + CALLS);
    }

    @Test
    void shouldAllocateNothingPerBatchOnceTheBatchIsWarm() {
        FeatureBatch batch = new FeatureBatch(8, 16);
        float[] v = new float[8];
        int[] i = {0};
        long bytes = SteadyAllocation.bytes(WARMUP / 16, CALLS / 16, () -> {
            batch.clear();
            for (int j = 0; j < 16; j++) {
                key("card-", (i[0] + j) % 1000);
                batch.add(id, clock.get(), v, 0);
            }
            i[0] += 16;
            sink += cardWriter.upsert(batch);
        });
        assertEquals(0, bytes, "a batch of 16 allocated " + bytes);
    }

    @Test
    void controlShouldSeeAllocationWhenTheBodyAllocates() {
        // Through the same retries as the tests above (a tenth of the calls: every attempt of the control allocates).
        int calls = CALLS / 10;
        long bytes = SteadyAllocation.bytes(WARMUP / 10, calls, () -> {
            key("card-", (int) (sink & 1023));
            sink += cardReader.read(id.toString(), dst, 0).ordinal();
        });
        assertTrue(bytes >= calls * 16L, "the probe must see the String each call creates, saw " + bytes);
    }
}
