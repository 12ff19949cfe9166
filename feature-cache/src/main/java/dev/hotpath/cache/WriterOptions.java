package dev.hotpath.cache;

import dev.hotpath.scoring.ConfigurationException;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Options of a {@link FeatureWriter}. Immutable and thread-safe; built with {@link #builder()}, which validates
 * every value eagerly.
 */
public final class WriterOptions {
    /**
     * Default bound on one write's segment-lock wait: 500 ms. Generous because a healthy lock holder can be
     * descheduled or paused by GC for tens of milliseconds on a busy host; a dead holder is reported after it.
     */
    public static final Duration DEFAULT_WRITE_LOCK_TIMEOUT = Duration.ofMillis(500);
    /** Default interval of the writer heartbeat (the meta record's heartbeat, watermark and newest write). */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    /** Default average id length in UTF-8 bytes, used to size string-keyed maps. */
    public static final int DEFAULT_AVERAGE_ID_BYTES = 24;
    /** Default number of superseded generations kept on disk after a publish. */
    public static final int DEFAULT_RETAINED_GENERATIONS = 1;

    private static final WriterOptions DEFAULTS = builder().build();

    private final long writeLockTimeoutNanos;
    private final long heartbeatIntervalNanos;
    private final int averageIdBytes;
    private final int retainedGenerations;
    private final LongSupplier clock;

    private WriterOptions(Builder b) {
        this.writeLockTimeoutNanos = b.writeLockTimeoutNanos;
        this.heartbeatIntervalNanos = b.heartbeatIntervalNanos;
        this.averageIdBytes = b.averageIdBytes;
        this.retainedGenerations = b.retainedGenerations;
        this.clock = b.clock;
    }

    /** @return the default options */
    public static WriterOptions defaults() {
        return DEFAULTS;
    }

    /** @return a new builder starting from the defaults; not thread-safe */
    public static Builder builder() {
        return new Builder();
    }

    /** @return bound on one write's lock wait, in nanoseconds */
    public long writeLockTimeoutNanos() {
        return writeLockTimeoutNanos;
    }

    /** @return heartbeat interval in nanoseconds; 0 means no heartbeat thread */
    public long heartbeatIntervalNanos() {
        return heartbeatIntervalNanos;
    }

    /** @return the average id length in UTF-8 bytes assumed when sizing a new string-keyed generation */
    public int averageIdBytes() {
        return averageIdBytes;
    }

    /** @return how many superseded generation files a publish keeps (older ones are deleted) */
    public int retainedGenerations() {
        return retainedGenerations;
    }

    /** @return the wall clock (epoch milliseconds) stamped as write time */
    public LongSupplier clock() {
        return clock;
    }

    /** @return a copy with another {@link #averageIdBytes()} (the CSV loader measures it) */
    WriterOptions withAverageIdBytes(int bytes) {
        Builder b = new Builder();
        b.writeLockTimeoutNanos = writeLockTimeoutNanos;
        b.heartbeatIntervalNanos = heartbeatIntervalNanos;
        b.retainedGenerations = retainedGenerations;
        b.clock = clock;
        return b.averageIdBytes(bytes).build();
    }

    /** Builder of {@link WriterOptions}. Not thread-safe. */
    public static final class Builder {
        private long writeLockTimeoutNanos = DEFAULT_WRITE_LOCK_TIMEOUT.toNanos();
        private long heartbeatIntervalNanos = DEFAULT_HEARTBEAT_INTERVAL.toNanos();
        private int averageIdBytes = DEFAULT_AVERAGE_ID_BYTES;
        private int retainedGenerations = DEFAULT_RETAINED_GENERATIONS;
        private LongSupplier clock = System::currentTimeMillis;

        private Builder() {
        }

        /**
         * @param timeout bound on one write's segment-lock wait, 1 µs to 60 s; exceeding it throws
         *                {@link LockTimeoutException}
         * @return this builder
         */
        public Builder writeLockTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.toNanos() < 1_000 || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new ConfigurationException("writeLockTimeout must be between 1 µs and 60 s, got " + timeout);
            }
            this.writeLockTimeoutNanos = timeout.toNanos();
            return this;
        }

        /**
         * @param interval heartbeat interval; zero disables the heartbeat thread (call
         *                 {@link FeatureWriter#heartbeat()} yourself), otherwise at least 10 ms
         * @return this builder
         */
        public Builder heartbeatInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || (!interval.isZero() && interval.toMillis() < 10)) {
                throw new ConfigurationException("heartbeatInterval must be zero (disabled) or at least 10 ms, got "
                        + interval);
            }
            this.heartbeatIntervalNanos = interval.toNanos();
            return this;
        }

        /**
         * @param bytes average entity id length in UTF-8 bytes, 1 to 4096, used to size new string-keyed generations
         * @return this builder
         */
        public Builder averageIdBytes(int bytes) {
            if (bytes < 1 || bytes > 4096) {
                throw new ConfigurationException("averageIdBytes must be between 1 and 4096, got " + bytes);
            }
            this.averageIdBytes = bytes;
            return this;
        }

        /**
         * @param count superseded generation files to keep after a publish, 0 to 100 (processes still mapping a
         *              deleted file keep working: Linux frees it when the last mapping goes)
         * @return this builder
         */
        public Builder retainedGenerations(int count) {
            if (count < 0 || count > 100) {
                throw new ConfigurationException("retainedGenerations must be between 0 and 100, got " + count);
            }
            this.retainedGenerations = count;
            return this;
        }

        /**
         * @param epochMillisClock wall clock stamped as each record's write time; thread-safe and allocation-free
         * @return this builder
         */
        public Builder clock(LongSupplier epochMillisClock) {
            this.clock = Objects.requireNonNull(epochMillisClock, "clock");
            return this;
        }

        /** @return the immutable options */
        public WriterOptions build() {
            return new WriterOptions(this);
        }
    }
}
