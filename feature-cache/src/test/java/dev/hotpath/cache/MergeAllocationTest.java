package dev.hotpath.cache;

import dev.hotpath.scoring.testing.AllocationProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FeatureWriter#merge} allocates nothing per call, full or partial, string or long ids, written or skipped. */
@Tag("allocation")
class MergeAllocationTest {
    private static final long T = 1_800_000_000_000L;

    @TempDir
    Path dir;

    private FeatureWriter strings;
    private FeatureWriter longs;

    @BeforeEach
    void setUp() {
        Fixtures.createView(dir, Fixtures.stringView("card", 4), 1_000);
        Fixtures.createView(dir, Fixtures.longView("merchant", 4), 1_000);
        strings = FeatureWriter.open(dir, "card", Fixtures.NO_HEARTBEAT);
        longs = FeatureWriter.open(dir, "merchant", Fixtures.NO_HEARTBEAT);
    }

    @AfterEach
    void tearDown() {
        strings.close();
        longs.close();
    }

    @Test
    void shouldAllocateNothingPerMerge() {
        float[] v = new float[4];
        long[] partial = {0b0101};
        StringBuilder id = new StringBuilder();
        long[] sink = {0};
        int[] i = {0};
        long bytes = AllocationProbe.bytesAllocated(AllocationProbe.DEFAULT_WARMUP, AllocationProbe.DEFAULT_CALLS,
                () -> {
                    int k = i[0]++;
                    id.setLength(0);
                    id.append("e-").append(k % 500);
                    v[0] = k;
                    sink[0] += strings.merge(id, T + k, v, 0, (k & 1) == 0 ? null : partial).ordinal();
                    sink[0] += strings.merge(id, T, v, 0, null).ordinal();
                    sink[0] += longs.merge(k % 500, T + k, v, 0, partial).ordinal();
                });
        assertEquals(0, bytes, "merge allocated " + bytes + " bytes");
        assertTrue(sink[0] > 0);
    }

    @Test
    void controlShouldSeeAllocationWhenTheIdIsAFreshString() {
        float[] v = new float[4];
        int[] i = {0};
        long bytes = AllocationProbe.bytesAllocated(AllocationProbe.DEFAULT_WARMUP, AllocationProbe.DEFAULT_CALLS,
                () -> strings.merge("e-" + (i[0]++ % 500), T, v, 0, null));
        assertTrue(bytes >= AllocationProbe.DEFAULT_CALLS * 16L, "the probe must see the Strings, saw " + bytes);
    }
}
