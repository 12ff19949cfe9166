package dev.hotpath.shadow;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters where each slot has exactly one writing thread (a release store of plain-read-plus-one), readable from
 * any thread. Allocation-free after construction. Slots are spaced a cache line apart so a dispatcher-written slot
 * and a worker-written slot do not share a line.
 */
final class SingleWriterCounters {
    private static final int STRIDE = 8;
    private final AtomicLongArray values;
    private final int slots;

    SingleWriterCounters(int slots) {
        this.slots = slots;
        this.values = new AtomicLongArray(slots * STRIDE);
    }

    void increment(int slot) {
        int i = slot * STRIDE;
        values.setRelease(i, values.getPlain(i) + 1);
    }

    void add(int slot, long delta) {
        int i = slot * STRIDE;
        values.setRelease(i, values.getPlain(i) + delta);
    }

    /** Adds every value of {@code other} (same number of slots); for a counter set that continues another. */
    void addAll(SingleWriterCounters other) {
        for (int s = 0; s < slots; s++) {
            add(s, other.get(s));
        }
    }

    long get(int slot) {
        return values.getAcquire(slot * STRIDE);
    }

    void copyInto(long[] dst) {
        for (int s = 0; s < slots; s++) {
            dst[s] = get(s);
        }
    }
}
