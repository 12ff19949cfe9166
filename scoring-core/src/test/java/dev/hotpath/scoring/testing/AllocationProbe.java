package dev.hotpath.scoring.testing;

import java.lang.management.ManagementFactory;

/**
 * Measures the bytes the <em>current thread</em> allocates around a block of calls, with HotSpot's per-thread
 * allocation counter ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}).
 *
 * <p>Usage: warm the code up ({@link #DEFAULT_WARMUP} calls), then {@link #bytesPerCall(int, Runnable)} on many
 * calls and assert the result is exactly {@code 0}. Every allocation test is paired with a control that allocates
 * on purpose and must be seen, so a probe that silently stopped working cannot pass. The probe's own cost is
 * calibrated out.
 *
 * <p>Shared by all modules through scoring-core's test-jar. Not thread-safe: use from the thread under test.
 */
public final class AllocationProbe {
    /** Calls to make before measuring, so class loading, per-thread scratch and JIT compilation are done. */
    public static final int DEFAULT_WARMUP = 20_000;
    /** Calls to measure per round. */
    public static final int DEFAULT_CALLS = 100_000;
    /** Measurement rounds at most; see {@link #bytesAllocated(int, int, Runnable)}. */
    public static final int ROUNDS = 3;

    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationProbe() {
    }

    /** @return whether the JVM can count per-thread allocation (HotSpot can; tests must fail, not skip, if not) */
    public static boolean isSupported() {
        return MX.isThreadAllocatedMemorySupported() && MX.isThreadAllocatedMemoryEnabled();
    }

    /** @return bytes allocated so far by the current thread */
    public static long allocatedBytes() {
        return MX.getCurrentThreadAllocatedBytes();
    }

    /**
     * Bytes allocated by the given thread so far (for background threads such as a shadow agent).
     *
     * @param threadId {@link Thread#getId()} of the thread to read
     * @return bytes allocated by that thread
     */
    public static long allocatedBytes(long threadId) {
        return MX.getThreadAllocatedBytes(threadId);
    }

    /**
     * Runs {@code body} {@code warmup} times unmeasured, then measures rounds of {@code calls} calls and returns the
     * smallest total the current thread allocated in one round, minus the probe's own cost. A round with no
     * allocation ends the measurement early.
     *
     * <p>Why the minimum of a few rounds: a JIT event (OSR, deoptimisation re-materialising a scalar-replaced object)
     * can allocate a few hundred bytes once, long after warm-up. That is not the steady state the test is about. An
     * allocation that recurs at any rate (even once per round of {@code calls}) shows up in every round and still
     * fails the test.
     *
     * @param warmup unmeasured calls
     * @param calls measured calls per round
     * @param body the code under test; should write its result somewhere observable so it is not optimised away
     * @return bytes allocated by the best round of {@code calls} calls
     */
    public static long bytesAllocated(int warmup, int calls, Runnable body) {
        if (!isSupported()) {
            throw new AssertionError("this JVM cannot measure per-thread allocation; run the tests on HotSpot");
        }
        for (int i = 0; i < warmup; i++) {
            body.run();
        }
        long best = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS && best > 0; round++) {
            long probeCost = calibrate();
            long before = allocatedBytes();
            for (int i = 0; i < calls; i++) {
                body.run();
            }
            long after = allocatedBytes();
            best = Math.min(best, Math.max(0, after - before - probeCost));
        }
        return best;
    }

    /**
     * Convenience for {@link #bytesAllocated(int, int, Runnable)} with the default warm-up.
     *
     * @param calls measured calls
     * @param body the code under test
     * @return average bytes allocated per measured call in the best round (fractional)
     */
    public static double bytesPerCall(int calls, Runnable body) {
        return (double) bytesAllocated(DEFAULT_WARMUP, calls, body) / calls;
    }

    private static long calibrate() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            long a = allocatedBytes();
            long b = allocatedBytes();
            min = Math.min(min, b - a);
        }
        return min;
    }
}
