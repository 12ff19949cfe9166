package dev.hotpath.shadow.log;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

import dev.hotpath.scoring.ConfigurationException;

/**
 * How a {@link ShadowLogWriter} writes its segments: file naming, rotation, block batching, durability, disk-space
 * floor, retention and error handling. The same value configures the writer of a {@code ShadowEvaluator}
 * ({@code ShadowEvaluator.builder(dir).log(options)}) and a standalone writer
 * ({@link ShadowLogWriter#open(java.nio.file.Path, LogOptions)}).
 *
 * <pre>{@code
 * LogOptions options = LogOptions.builder()
 *         .fsyncPolicy(FsyncPolicy.periodic(Duration.ofSeconds(1)))
 *         .rotateInterval(Duration.ofMinutes(15))
 *         .retainMaxBytes(10L << 30)                // keep at most 10 GiB of this host's segments
 *         .build();
 * }</pre>
 *
 * <p><b>Thread-safety:</b> immutable and thread-safe; the builder is not. <b>Allocation:</b> cold path only.
 */
public final class LogOptions {
    private static final Pattern HOST_TAG = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final LogOptions DEFAULTS = builder().build();

    private final String hostTag;
    private final Long instanceId;
    private final long rotateBytes;
    private final Duration rotateInterval;
    private final FsyncPolicy fsyncPolicy;
    private final int blockBytes;
    private final Duration flushInterval;
    private final long minFreeBytes;
    private final long retainMaxBytes;
    private final Duration retainMaxAge;
    private final Duration ioBackoff;
    private final boolean failFast;
    private final boolean recoverPartFiles;

    private LogOptions(Builder b) {
        this.hostTag = b.hostTag;
        this.instanceId = b.instanceId;
        this.rotateBytes = b.rotateBytes;
        this.rotateInterval = b.rotateInterval;
        this.fsyncPolicy = b.fsyncPolicy;
        this.blockBytes = b.blockBytes;
        this.flushInterval = b.flushInterval;
        this.minFreeBytes = b.minFreeBytes;
        this.retainMaxBytes = b.retainMaxBytes;
        this.retainMaxAge = b.retainMaxAge;
        this.ioBackoff = b.ioBackoff;
        this.failFast = b.failFast;
        this.recoverPartFiles = b.recoverPartFiles;
    }

    /** @return the documented defaults */
    public static LogOptions defaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the documented defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the host part of segment file names */
    public String hostTag() {
        return hostTag;
    }

    /** @return the writer's instance id, or {@code null} for a new random id per writer (the default) */
    public Long instanceId() {
        return instanceId;
    }

    /** @return the size at which a segment is finished and the next one started */
    public long rotateBytes() {
        return rotateBytes;
    }

    /** @return the age at which a segment is finished and the next one started */
    public Duration rotateInterval() {
        return rotateInterval;
    }

    /** @return when data is forced to disk */
    public FsyncPolicy fsyncPolicy() {
        return fsyncPolicy;
    }

    /** @return the block size, header included */
    public int blockBytes() {
        return blockBytes;
    }

    /** @return how long a partly filled block may wait before it is written */
    public Duration flushInterval() {
        return flushInterval;
    }

    /** @return the usable disk space below which writing pauses (0 = no floor) */
    public long minFreeBytes() {
        return minFreeBytes;
    }

    /** @return the most bytes of this host's finished segments kept (0 = keep all) */
    public long retainMaxBytes() {
        return retainMaxBytes;
    }

    /** @return the age beyond which this host's finished segments are deleted, or {@code null} to keep all */
    public Duration retainMaxAge() {
        return retainMaxAge;
    }

    /** @return how long records are dropped after an I/O error before writing is retried */
    public Duration ioBackoff() {
        return ioBackoff;
    }

    /** @return whether I/O errors throw instead of being dropped and counted */
    public boolean failFast() {
        return failFast;
    }

    /** @return whether leftover {@code .part} files are recovered when the writer opens */
    public boolean recoverPartFiles() {
        return recoverPartFiles;
    }

    /** Builds {@link LogOptions}. Every setter validates its argument; reusable; not thread-safe. */
    public static final class Builder {
        private String hostTag = defaultHostTag();
        private Long instanceId;
        private long rotateBytes = 256L << 20;
        private Duration rotateInterval = Duration.ofHours(1);
        private FsyncPolicy fsyncPolicy = FsyncPolicy.periodic(Duration.ofSeconds(1));
        private int blockBytes = 256 << 10;
        private Duration flushInterval = Duration.ofMillis(500);
        private long minFreeBytes = 64L << 20;
        private long retainMaxBytes;
        private Duration retainMaxAge;
        private Duration ioBackoff = Duration.ofSeconds(1);
        private boolean failFast;
        private boolean recoverPartFiles = true;

        private Builder() {
        }

        /**
         * @param tag host part of segment names: 1–64 of {@code [A-Za-z0-9._-]}; default from {@code HOSTNAME},
         *     else {@code local}. Retention only ever deletes segments carrying this writer's tag.
         * @return this
         */
        public Builder hostTag(String tag) {
            if (tag == null || !HOST_TAG.matcher(tag).matches()) {
                throw new ConfigurationException("hostTag must be 1-64 characters of [A-Za-z0-9._-], got '" + tag
                        + "'");
            }
            this.hostTag = tag;
            return this;
        }

        /**
         * Fixes the instance id written into file headers and COUNTERS records (tests, reproducible replays). The
         * report tells writers apart by this id and checks each writer's record sequence, so two writers must never
         * share one.
         *
         * @param id the instance id; default a new random id per writer
         * @return this
         */
        public Builder instanceId(long id) {
            this.instanceId = id;
            return this;
        }

        /**
         * @param bytes finish a segment before it would exceed this size; 64 KiB .. 1 GiB, default 256 MiB
         * @return this
         */
        public Builder rotateBytes(long bytes) {
            if (bytes < (64 << 10) || bytes > (1L << 30)) {
                throw new ConfigurationException("rotateBytes must be in 65536..1073741824, got " + bytes);
            }
            this.rotateBytes = bytes;
            return this;
        }

        /**
         * @param interval finish a segment once it is this old; positive, default 1 h
         * @return this
         */
        public Builder rotateInterval(Duration interval) {
            this.rotateInterval = positive("rotateInterval", interval);
            return this;
        }

        /**
         * @param policy when to force data to disk; default {@code periodic(1s)}; finished segments are always
         *     forced unless the policy is {@code none()}
         * @return this
         */
        public Builder fsyncPolicy(FsyncPolicy policy) {
            this.fsyncPolicy = Objects.requireNonNull(policy, "fsyncPolicy");
            return this;
        }

        /**
         * @param bytes block size including its header; 4 KiB .. 16 MiB, default 256 KiB
         * @return this
         */
        public Builder blockBytes(int bytes) {
            if (bytes < 4096 || bytes > ShadowLogFormat.MAX_BLOCK_PAYLOAD) {
                throw new ConfigurationException("blockBytes must be in 4096.." + ShadowLogFormat.MAX_BLOCK_PAYLOAD
                        + ", got " + bytes);
            }
            this.blockBytes = bytes;
            return this;
        }

        /**
         * @param interval write a partly filled block once its oldest record is this old; default 500 ms
         * @return this
         */
        public Builder flushInterval(Duration interval) {
            this.flushInterval = positive("flushInterval", interval);
            return this;
        }

        /**
         * @param bytes stop writing (and count drops) while the file system has less usable space; 0 disables;
         *     default 64 MiB
         * @return this
         */
        public Builder minFreeBytes(long bytes) {
            if (bytes < 0) {
                throw new ConfigurationException("minFreeBytes must be >= 0, got " + bytes);
            }
            this.minFreeBytes = bytes;
            return this;
        }

        /**
         * @param bytes delete this host's oldest finished segments beyond this total; 0 (default) keeps all
         * @return this
         */
        public Builder retainMaxBytes(long bytes) {
            if (bytes < 0) {
                throw new ConfigurationException("retainMaxBytes must be >= 0, got " + bytes);
            }
            this.retainMaxBytes = bytes;
            return this;
        }

        /**
         * @param age delete this host's finished segments older than this; {@code null} (default) keeps all
         * @return this
         */
        public Builder retainMaxAge(Duration age) {
            this.retainMaxAge = age == null ? null : positive("retainMaxAge", age);
            return this;
        }

        /**
         * @param backoff how long to drop records after an I/O error before retrying; default 1 s
         * @return this
         */
        public Builder ioBackoff(Duration backoff) {
            this.ioBackoff = positive("ioBackoff", backoff);
            return this;
        }

        /**
         * @param failFast throw {@code ShadowEvalException} on I/O errors instead of dropping and counting (for
         *     offline tools such as replay); default {@code false}
         * @return this
         */
        public Builder failFast(boolean failFast) {
            this.failFast = failFast;
            return this;
        }

        /**
         * @param recover recover leftover {@code .part} files when the writer opens; default {@code true}
         * @return this
         */
        public Builder recoverPartFiles(boolean recover) {
            this.recoverPartFiles = recover;
            return this;
        }

        /**
         * @return the options
         * @throws ConfigurationException if a segment cannot hold one block
         */
        public LogOptions build() {
            if (rotateBytes < blockBytes + ShadowLogFormat.FILE_HEADER_LENGTH) {
                throw new ConfigurationException("rotateBytes (" + rotateBytes + ") must exceed blockBytes ("
                        + blockBytes + ") plus the file header");
            }
            return new LogOptions(this);
        }

        private static Duration positive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new ConfigurationException(name + " must be a positive duration, got " + d);
            }
            return d;
        }

        private static String defaultHostTag() {
            String h = System.getenv("HOSTNAME");
            if (h != null) {
                String cleaned = h.replaceAll("[^A-Za-z0-9._-]", "_");
                if (!cleaned.isEmpty()) {
                    return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
                }
            }
            return "local";
        }
    }
}
