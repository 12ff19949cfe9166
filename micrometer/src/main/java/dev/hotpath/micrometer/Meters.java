package dev.hotpath.micrometer;

import java.time.Duration;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Naming and value conventions shared by the binders. Stateless. */
final class Meters {
    private Meters() {
    }

    /**
     * @param refresh how long one sample serves the meters
     * @return it in nanoseconds
     * @throws IllegalArgumentException if it is negative
     */
    static long refreshNanos(Duration refresh) {
        if (refresh.isNegative()) {
            throw new IllegalArgumentException("refresh must be >= 0, was " + refresh);
        }
        return refresh.toNanos();
    }

    /** @return {@code LOCK_TIMEOUT} as {@code lock_timeout}: tag values are lower case like the meter names */
    static String tagValue(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** @return milliseconds as seconds, or NaN when unknown (negative): a gauge must not invent an age */
    static double millisToSeconds(long millis) {
        return millis < 0 ? Double.NaN : millis / 1e3;
    }

    /** @return a gauge function that reads NaN instead of throwing (a failing gauge breaks a whole scrape) */
    static <T> ToDoubleFunction<T> safe(ToDoubleFunction<T> f) {
        return t -> {
            try {
                return f.applyAsDouble(t);
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        };
    }
}
