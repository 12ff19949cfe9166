package dev.hotpath.scoring.concurrent;

/**
 * How striped structures pick a stripe: a power-of-two count sized from the CPUs, and the calling thread's id as the
 * index, so the threads of a pool (created one after another, consecutive ids) land on different stripes.
 *
 * <p>Stateless and thread-safe; {@link #threadHash()} allocates nothing.
 */
public final class Stripes {
    private Stripes() {
    }

    /**
     * @param perCpu stripes wanted per available processor
     * @param min fewest stripes (a power of two)
     * @param max most stripes (a power of two)
     * @return the power of two at or above {@code perCpu} per available processor, clamped to {@code [min, max]}
     */
    public static int count(int perCpu, int min, int max) {
        int wanted = Math.max(2, perCpu * Math.max(1, Runtime.getRuntime().availableProcessors()));
        int pow2 = Integer.highestOneBit(wanted - 1) << 1;
        return Math.max(min, Math.min(max, pow2));
    }

    /** @return the calling thread's id, as an int; mask it with {@code stripes - 1} */
    @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+; getId() is the same value on 17
    public static int threadHash() {
        return (int) Thread.currentThread().getId();
    }
}
