package dev.hotpath.scoring.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AllocationProbeTest {
    static Object sink;
    static long primitiveSink;

    @Test
    void shouldSeeAllocationOfBoxedValues() {
        long[] counter = {0};
        double perCall = AllocationProbe.bytesPerCall(AllocationProbe.DEFAULT_CALLS, () -> {
            sink = Long.valueOf(counter[0]++ + 1_000_000L); // outside the Long cache: a real allocation
        });
        assertTrue(perCall >= 16, "the probe must see a boxed Long per call, saw " + perCall + " B/call");
    }

    @Test
    void shouldSeeNothingForPrimitiveArithmetic() {
        long[] counter = {0};
        long bytes = AllocationProbe.bytesAllocated(AllocationProbe.DEFAULT_WARMUP, AllocationProbe.DEFAULT_CALLS,
                () -> primitiveSink += counter[0]++ * 31);
        assertEquals(0, bytes, "primitive arithmetic must not allocate");
    }
}
