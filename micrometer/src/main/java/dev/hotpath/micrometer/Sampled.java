package dev.hotpath.micrometer;

import java.util.function.Supplier;

/**
 * Takes an expensive sample (a metrics snapshot, a health check, reader stats) at most once per interval, so the
 * dozens of meters read in one scrape share one sample. Thread-safe; allocates only what the source allocates.
 *
 * @param <T> the sample type
 */
final class Sampled<T> {
    private final Supplier<T> source;
    private final long intervalNanos;
    private T value;
    private long takenAt;

    Sampled(Supplier<T> source, long intervalNanos) {
        this.source = source;
        this.intervalNanos = intervalNanos;
    }

    synchronized T get() {
        long now = System.nanoTime();
        if (value == null || now - takenAt >= intervalNanos) {
            value = source.get();
            takenAt = now;
        }
        return value;
    }
}
