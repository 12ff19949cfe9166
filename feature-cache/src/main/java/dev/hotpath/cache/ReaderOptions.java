package dev.hotpath.cache;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.scorer.FeatureStatus;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Options of a {@link FeatureReader}. Immutable and thread-safe; built with {@link #builder()}, which validates
 * every value eagerly.
 */
public final class ReaderOptions {
    /** Default bound on one read's segment-lock wait: 200 µs (a healthy writer holds a lock for about 1 µs). */
    public static final Duration DEFAULT_READ_LOCK_TIMEOUT = Duration.ofNanos(200_000);
    /** Default interval of the background manifest check. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMillis(500);
    private static final Duration MAX_READ_LOCK_TIMEOUT = Duration.ofSeconds(10);

    private static final ReaderOptions DEFAULTS = builder().build();

    private final long readLockTimeoutNanos;
    private final long refreshIntervalNanos;
    private final LongSupplier clock;

    private ReaderOptions(Builder b) {
        this.readLockTimeoutNanos = b.readLockTimeoutNanos;
        this.refreshIntervalNanos = b.refreshIntervalNanos;
        this.clock = b.clock;
    }

    /** @return the default options */
    public static ReaderOptions defaults() {
        return DEFAULTS;
    }

    /** @return a new builder starting from the defaults; not thread-safe */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the bound on one read's lock wait, in nanoseconds */
    public long readLockTimeoutNanos() {
        return readLockTimeoutNanos;
    }

    /** @return the manifest check interval in nanoseconds; 0 means no background thread (call refresh()) */
    public long refreshIntervalNanos() {
        return refreshIntervalNanos;
    }

    /** @return the wall clock (epoch milliseconds) used for TTL checks */
    public LongSupplier clock() {
        return clock;
    }

    /** Builder of {@link ReaderOptions}. Not thread-safe. */
    public static final class Builder {
        private long readLockTimeoutNanos = DEFAULT_READ_LOCK_TIMEOUT.toNanos();
        private long refreshIntervalNanos = DEFAULT_REFRESH_INTERVAL.toNanos();
        private LongSupplier clock = System::currentTimeMillis;

        private Builder() {
        }

        /**
         * @param timeout bound on one read's segment-lock wait, 0 to 10 s; a read that cannot lock in time returns
         *                {@link FeatureStatus#LOCK_TIMEOUT} with defaults
         * @return this builder
         */
        public Builder readLockTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.compareTo(MAX_READ_LOCK_TIMEOUT) > 0) {
                throw new ConfigurationException("readLockTimeout must be between 0 and 10 s, got " + timeout);
            }
            this.readLockTimeoutNanos = timeout.toNanos();
            return this;
        }

        /**
         * @param interval how often a background thread checks the manifest for a new generation; zero disables
         *                 the thread (then call {@link FeatureReader#refresh()}); otherwise at least 1 ms
         * @return this builder
         */
        public Builder refreshInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || (!interval.isZero() && interval.toMillis() < 1)) {
                throw new ConfigurationException("refreshInterval must be zero (disabled) or at least 1 ms, got "
                        + interval);
            }
            this.refreshIntervalNanos = interval.toNanos();
            return this;
        }

        /**
         * @param epochMillisClock the wall clock for TTL checks; must be thread-safe and allocation-free (it is
         *                         called on the request path). Default {@code System::currentTimeMillis}.
         * @return this builder
         */
        public Builder clock(LongSupplier epochMillisClock) {
            this.clock = Objects.requireNonNull(epochMillisClock, "clock");
            return this;
        }

        /** @return the immutable options */
        public ReaderOptions build() {
            return new ReaderOptions(this);
        }
    }
}
