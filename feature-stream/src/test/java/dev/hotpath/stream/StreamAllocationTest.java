package dev.hotpath.stream;

import dev.hotpath.cache.FeatureView;
import dev.hotpath.cache.KeyKind;
import dev.hotpath.scoring.testing.AllocationProbe;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What must allocate nothing: encoding updates and keys (JVM producers encode on their hot path), the partition of an
 * entity (request routers compute it per request), reading a follower's stats (health checks and metrics), and the
 * follower's own decoding of binary updates and keys. Each is measured with the per-thread allocation counter;
 * the control must see allocation.
 */
@Tag("allocation")
class StreamAllocationTest {
    private static final int WARMUP = AllocationProbe.DEFAULT_WARMUP;
    private static final int CALLS = AllocationProbe.DEFAULT_CALLS;
    private static final FeatureView VIEW = UpdateFormatTest.CARD;

    private long sink;

    @Test
    void shouldEncodeUpdatesAndKeysWithoutAllocating() {
        FeatureUpdates enc = FeatureUpdates.forView(VIEW);
        float[] values = {1, 2, 3};
        long[] present = {0b101};
        byte[] full = new byte[enc.fullUpdateSize()];
        byte[] partial = new byte[enc.partialUpdateSize(2)];
        byte[] key = new byte[64];
        StringBuilder id = new StringBuilder();
        long bytes = AllocationProbe.bytesAllocated(WARMUP, CALLS, () -> {
            values[0] = sink;
            id.setLength(0);
            id.append("card-").append(sink & 1023);
            sink += enc.encodeFull(sink, values, 0, full, 0) + enc.encodePartial(sink, values, 0, present, partial, 0)
                    + FeatureUpdates.encodeKey(id, key, 0) + FeatureUpdates.encodeKey(sink, key, 0);
        });
        assertEquals(0, bytes, "encoding allocated " + bytes + " bytes");
    }

    @Test
    void shouldComputePartitionsWithoutAllocating() {
        StringBuilder id = new StringBuilder();
        long bytes = AllocationProbe.bytesAllocated(WARMUP, CALLS, () -> {
            id.setLength(0);
            id.append("merchant-").append(sink & 4095);
            sink += FeaturePartitioner.partition(id, 12) + FeaturePartitioner.partition(sink, 7);
        });
        assertEquals(0, bytes, "partitioning allocated " + bytes + " bytes");
    }

    @Test
    void shouldReadStatsWithoutAllocating() {
        FollowerStats stats = new FollowerStats("card", "t", System::currentTimeMillis, 5_000);
        FollowerStats.Partitions ps = new FollowerStats.Partitions(new int[] {0, 1, 2});
        stats.partitions(ps);
        stats.phase(FollowerState.CATCHING_UP);
        long now = System.currentTimeMillis();
        for (int i = 0; i < 3; i++) {
            ps.probed(i, 100, now);
            ps.applied(i, 100, 100);
            ps.eventTime(i, now - 10);
        }
        stats.countApplied();
        stats.countRejected(RejectReason.BAD_KEY);
        RejectReason[] reasons = RejectReason.values();
        long bytes = AllocationProbe.bytesAllocated(WARMUP, CALLS, () -> {
            int i = (int) (sink & 3);
            sink += stats.state().ordinal() + stats.recordsBehind() + stats.freshnessLagMillis()
                    + stats.eventTimeLagMillis() + stats.applied() + stats.skippedOlder() + stats.deleted()
                    + stats.rejected(reasons[(int) (sink % reasons.length)]) + stats.rejectedTotal()
                    + stats.partitionCount() + stats.partitionId(i) + stats.position(i) + stats.recordsBehind(i)
                    + stats.freshnessLagMillis(i) + stats.eventTimeLagMillis(i) + (stats.isLive() ? 1 : 0)
                    + stats.generation() + stats.errors() + stats.deadLettered();
        });
        assertEquals(0, bytes, "reading stats allocated " + bytes + " bytes");
        assertEquals(FollowerState.LIVE, stats.state());
    }

    @Test
    void shouldDecodeBinaryUpdatesAndKeysWithoutAllocating() {
        FeatureUpdates enc = FeatureUpdates.forView(VIEW);
        byte[] full = new byte[enc.fullUpdateSize()];
        enc.encodeFull(5L, new float[] {1, 2, 3}, 0, full, 0);
        byte[] partial = new byte[enc.partialUpdateSize(1)];
        enc.encodePartial(6L, new float[] {1, 2, 3}, 0, new long[] {0b10}, partial, 0);
        UpdateDecoder d = new UpdateDecoder(VIEW, UpdateFormat.AUTO, new boolean[] {true, false, false});
        KeyDecoder strings = new KeyDecoder(KeyKind.STRING);
        KeyDecoder longs = new KeyDecoder(KeyKind.LONG);
        byte[] textKey = StreamFixtures.utf8("card-\u00e9-42");
        byte[] longKey = new byte[8];
        FeatureUpdates.encodeKey(42L, longKey, 0);
        assertNull(d.decode(full));
        long bytes = AllocationProbe.bytesAllocated(WARMUP, CALLS, () -> {
            sink += d.decode((sink & 1) == 0 ? full : partial) == null ? d.eventTimeMillis() : -1_000_000;
            sink += strings.decode(textKey, false) == null ? strings.text().length() : -1_000_000;
            sink += longs.decode(longKey, false) == null ? longs.longId() : -1_000_000;
        });
        assertEquals(0, bytes, "decoding allocated " + bytes + " bytes");
        assertTrue(sink > 0);
    }

    @Test
    void controlShouldSeeAllocationWhenKeysAreNewArrays() {
        FeatureUpdates enc = FeatureUpdates.forView(VIEW);
        long bytes = AllocationProbe.bytesAllocated(WARMUP, CALLS, () -> sink += enc.key(sink).length);
        assertTrue(bytes >= CALLS * 16L, "the probe must see the arrays key(long) creates, saw " + bytes);
    }
}
