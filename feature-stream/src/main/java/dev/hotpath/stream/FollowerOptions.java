package dev.hotpath.stream;

import dev.hotpath.cache.WriterOptions;
import dev.hotpath.scoring.ConfigurationException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Options of a {@link FeatureStreamFollower}. Immutable and thread-safe; built with
 * {@link #builder(String, String)}, which validates every value as it is given.
 */
public final class FollowerOptions {
    /** Default {@link Builder#liveThreshold(Duration)}: 5 s. */
    public static final Duration DEFAULT_LIVE_THRESHOLD = Duration.ofSeconds(5);
    /** Default {@link Builder#positionStoreInterval(Duration)}: 100 ms. */
    public static final Duration DEFAULT_POSITION_STORE_INTERVAL = Duration.ofMillis(100);
    /** Default {@link Builder#lagProbeInterval(Duration)}: 500 ms. */
    public static final Duration DEFAULT_LAG_PROBE_INTERVAL = Duration.ofMillis(500);
    /** Default {@link Builder#pollTimeout(Duration)}: 100 ms. */
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(100);
    /** Default {@link Builder#retryBackoff(Duration, Duration)}: 100 ms doubling up to 10 s. */
    public static final Duration DEFAULT_MIN_BACKOFF = Duration.ofMillis(100);
    /** Default maximum of {@link Builder#retryBackoff(Duration, Duration)}. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
    /** Default {@link Builder#rejectLogInterval(Duration)}: one line per reason per 10 s. */
    public static final Duration DEFAULT_REJECT_LOG_INTERVAL = Duration.ofSeconds(10);

    private final String bootstrapServers;
    private final String topic;
    private final int[] partitions;
    private final StartPosition startPosition;
    private final Map<Integer, Long> offsets;
    private final Path snapshot;
    private final UpdateFormat format;
    private final long liveThresholdMillis;
    private final long positionStoreIntervalNanos;
    private final long lagProbeIntervalNanos;
    private final long pollTimeoutMillis;
    private final long minBackoffMillis;
    private final long maxBackoffMillis;
    private final long rejectLogIntervalNanos;
    private final boolean rebootstrapOnReset;
    private final String deadLetterTopic;
    private final Set<String> requiredFeatures;
    private final long expectedEntities;
    private final Map<String, String> consumerProperties;
    private final WriterOptions writerOptions;
    private final LongSupplier clock;

    private FollowerOptions(Builder b) {
        this.bootstrapServers = b.bootstrapServers;
        this.topic = b.topic;
        this.partitions = b.partitions == null ? null : b.partitions.clone();
        this.startPosition = b.startPosition;
        this.offsets = Collections.unmodifiableMap(new TreeMap<>(b.offsets));
        this.snapshot = b.snapshot;
        this.format = b.format;
        this.liveThresholdMillis = b.liveThresholdMillis;
        this.positionStoreIntervalNanos = b.positionStoreIntervalNanos;
        this.lagProbeIntervalNanos = b.lagProbeIntervalNanos;
        this.pollTimeoutMillis = b.pollTimeoutMillis;
        this.minBackoffMillis = b.minBackoffMillis;
        this.maxBackoffMillis = b.maxBackoffMillis;
        this.rejectLogIntervalNanos = b.rejectLogIntervalNanos;
        this.rebootstrapOnReset = b.rebootstrapOnReset;
        this.deadLetterTopic = b.deadLetterTopic;
        this.requiredFeatures = Collections.unmodifiableSet(new LinkedHashSet<>(b.requiredFeatures));
        this.expectedEntities = b.expectedEntities;
        this.consumerProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.consumerProperties));
        this.writerOptions = b.writerOptions;
        this.clock = b.clock;
    }

    /**
     * @param bootstrapServers Kafka's {@code bootstrap.servers}, e.g. {@code broker1:9092,broker2:9092}
     * @param topic the topic of the view's updates
     * @return a builder with the defaults; not thread-safe
     */
    public static Builder builder(String bootstrapServers, String topic) {
        return new Builder(bootstrapServers, topic);
    }

    /** @return Kafka's {@code bootstrap.servers} */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** @return the topic */
    public String topic() {
        return topic;
    }

    /** @return the partitions to follow (a copy), or null for all of the topic's partitions */
    public int[] partitions() {
        return partitions == null ? null : partitions.clone();
    }

    /** @return where to start */
    public StartPosition startPosition() {
        return startPosition;
    }

    /** @return the start offsets by partition for {@link StartPosition#OFFSETS} (empty otherwise) */
    public Map<Integer, Long> offsets() {
        return offsets;
    }

    /** @return the snapshot CSV for {@link StartPosition#OFFSETS}, or null */
    public Path snapshot() {
        return snapshot;
    }

    /** @return the accepted update formats */
    public UpdateFormat format() {
        return format;
    }

    /** @return the freshness lag up to which the follower is {@link FollowerState#LIVE}, in milliseconds */
    public long liveThresholdMillis() {
        return liveThresholdMillis;
    }

    /** @return how often applied positions are stored, in nanoseconds */
    public long positionStoreIntervalNanos() {
        return positionStoreIntervalNanos;
    }

    /** @return how often the topic's end offsets are probed for lag, in nanoseconds */
    public long lagProbeIntervalNanos() {
        return lagProbeIntervalNanos;
    }

    /** @return the consumer poll timeout in milliseconds */
    public long pollTimeoutMillis() {
        return pollTimeoutMillis;
    }

    /** @return the first retry delay after a failure, in milliseconds */
    public long minBackoffMillis() {
        return minBackoffMillis;
    }

    /** @return the longest retry delay, in milliseconds */
    public long maxBackoffMillis() {
        return maxBackoffMillis;
    }

    /** @return the minimum interval between two log lines for one reject reason, in nanoseconds */
    public long rejectLogIntervalNanos() {
        return rejectLogIntervalNanos;
    }

    /** @return whether a recreated topic or out-of-range offsets trigger a new bootstrap (else: FAILED) */
    public boolean rebootstrapOnReset() {
        return rebootstrapOnReset;
    }

    /** @return the dead-letter topic for rejected records, or null */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    /** @return features whose value must not be missing (NaN) in an update */
    public Set<String> requiredFeatures() {
        return requiredFeatures;
    }

    /** @return entities to size a bootstrapped generation for at least (0: from the topic's record count) */
    public long expectedEntities() {
        return expectedEntities;
    }

    /** @return extra Kafka consumer (and dead-letter producer) properties, e.g. security settings */
    public Map<String, String> consumerProperties() {
        return consumerProperties;
    }

    /** @return options of the feature writer the follower writes with */
    public WriterOptions writerOptions() {
        return writerOptions;
    }

    /** @return the wall clock (epoch milliseconds) used for lag */
    public LongSupplier clock() {
        return clock;
    }

    /** Builder of {@link FollowerOptions}. Not thread-safe; reusable. */
    public static final class Builder {
        private final String bootstrapServers;
        private final String topic;
        private int[] partitions;
        private StartPosition startPosition = StartPosition.STORED;
        private final Map<Integer, Long> offsets = new TreeMap<>();
        private Path snapshot;
        private UpdateFormat format = UpdateFormat.AUTO;
        private long liveThresholdMillis = DEFAULT_LIVE_THRESHOLD.toMillis();
        private long positionStoreIntervalNanos = DEFAULT_POSITION_STORE_INTERVAL.toNanos();
        private long lagProbeIntervalNanos = DEFAULT_LAG_PROBE_INTERVAL.toNanos();
        private long pollTimeoutMillis = DEFAULT_POLL_TIMEOUT.toMillis();
        private long minBackoffMillis = DEFAULT_MIN_BACKOFF.toMillis();
        private long maxBackoffMillis = DEFAULT_MAX_BACKOFF.toMillis();
        private long rejectLogIntervalNanos = DEFAULT_REJECT_LOG_INTERVAL.toNanos();
        private boolean rebootstrapOnReset = true;
        private String deadLetterTopic;
        private final List<String> requiredFeatures = new ArrayList<>();
        private long expectedEntities;
        private final Map<String, String> consumerProperties = new LinkedHashMap<>();
        private WriterOptions writerOptions = WriterOptions.defaults();
        private LongSupplier clock = System::currentTimeMillis;

        private Builder(String bootstrapServers, String topic) {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(topic, "topic");
            if (bootstrapServers.isBlank()) {
                throw new ConfigurationException("bootstrapServers must name at least one broker (host:port)");
            }
            checkTopicName(topic, "topic");
            this.bootstrapServers = bootstrapServers;
            this.topic = topic;
        }

        private static void checkTopicName(String name, String what) {
            // Kafka's own rule for topic names.
            if (name.isEmpty() || name.length() > 249 || name.equals(".") || name.equals("..")
                    || !name.matches("[a-zA-Z0-9._-]+")) {
                throw new ConfigurationException(what + " \"" + name + "\" is not a valid Kafka topic name (1 to 249"
                        + " characters of [a-zA-Z0-9._-], not \".\" or \"..\")");
            }
        }

        /**
         * Follows only these partitions (a sharded fleet: route requests with {@link FeaturePartitioner}); by default
         * every partition of the topic, including partitions added later.
         *
         * @param partitionIds distinct partition numbers, at least one, each at least 0
         * @return this builder
         */
        public Builder partitions(int... partitionIds) {
            Objects.requireNonNull(partitionIds, "partitionIds");
            if (partitionIds.length == 0) {
                throw new ConfigurationException("partitions must name at least one partition (or leave it unset"
                        + " for all)");
            }
            Set<Integer> seen = new LinkedHashSet<>();
            for (int p : partitionIds) {
                if (p < 0 || !seen.add(p)) {
                    throw new ConfigurationException("partitions must be distinct and at least 0, got "
                            + java.util.Arrays.toString(partitionIds));
                }
            }
            this.partitions = seen.stream().mapToInt(Integer::intValue).sorted().toArray();
            return this;
        }

        /**
         * @param position where to start (default {@link StartPosition#STORED})
         * @return this builder
         */
        public Builder startFrom(StartPosition position) {
            this.startPosition = Objects.requireNonNull(position, "position");
            return this;
        }

        /**
         * Start offsets for {@link StartPosition#OFFSETS}: the next offset to read in each partition, i.e. the
         * offsets a snapshot was taken at. Sets the start position to {@link StartPosition#OFFSETS}.
         *
         * @param byPartition offset per partition; every followed partition needs one
         * @return this builder
         */
        public Builder offsets(Map<Integer, Long> byPartition) {
            Objects.requireNonNull(byPartition, "byPartition");
            if (byPartition.isEmpty()) {
                throw new ConfigurationException("offsets must give at least one partition's offset");
            }
            for (Map.Entry<Integer, Long> e : byPartition.entrySet()) {
                if (e.getKey() == null || e.getKey() < 0 || e.getValue() == null || e.getValue() < 0) {
                    throw new ConfigurationException("offsets must map partitions (>= 0) to offsets (>= 0), got "
                            + byPartition);
                }
            }
            offsets.clear();
            offsets.putAll(byPartition);
            this.startPosition = StartPosition.OFFSETS;
            return this;
        }

        /**
         * Bootstraps from a CSV snapshot ({@code hotpath cache load}'s format) taken at the
         * {@link #offsets(Map) offsets}: the CSV fills a new generation, the follower catches up on the topic from
         * those offsets to its end, then publishes it.
         *
         * @param csv the snapshot file
         * @return this builder
         */
        public Builder snapshot(Path csv) {
            this.snapshot = Objects.requireNonNull(csv, "csv");
            return this;
        }

        /**
         * @param accepted which update formats to accept (default {@link UpdateFormat#AUTO})
         * @return this builder
         */
        public Builder format(UpdateFormat accepted) {
            this.format = Objects.requireNonNull(accepted, "accepted");
            return this;
        }

        /**
         * @param threshold freshness lag up to which the follower reports {@link FollowerState#LIVE}: it has applied
         *                  everything the topic held that long ago; 10 ms to 1 day (default 5 s)
         * @return this builder
         */
        public Builder liveThreshold(Duration threshold) {
            this.liveThresholdMillis = range("liveThreshold", threshold, Duration.ofMillis(10), Duration.ofDays(1))
                    .toMillis();
            return this;
        }

        /**
         * @param interval how often the positions of applied updates are stored in the view's directory (also at
         *                 publish and close); a crash replays at most about this much (harmlessly); 1 ms to 1 min
         *                 (default 100 ms)
         * @return this builder
         */
        public Builder positionStoreInterval(Duration interval) {
            this.positionStoreIntervalNanos = range("positionStoreInterval", interval, Duration.ofMillis(1),
                    Duration.ofMinutes(1)).toNanos();
            return this;
        }

        /**
         * @param interval how often the topic's end offsets are asked for, to measure lag; 10 ms to 1 min (default
         *                 500 ms)
         * @return this builder
         */
        public Builder lagProbeInterval(Duration interval) {
            this.lagProbeIntervalNanos = range("lagProbeInterval", interval, Duration.ofMillis(10),
                    Duration.ofMinutes(1)).toNanos();
            return this;
        }

        /**
         * @param timeout longest wait of one consumer poll; 1 ms to 10 s (default 100 ms)
         * @return this builder
         */
        public Builder pollTimeout(Duration timeout) {
            this.pollTimeoutMillis = range("pollTimeout", timeout, Duration.ofMillis(1), Duration.ofSeconds(10))
                    .toMillis();
            return this;
        }

        /**
         * @param min first delay before retrying after a failure (broker unreachable, topic missing), 1 ms to 1 min
         * @param max longest delay; doubling stops there; at least {@code min}, at most 10 min
         * @return this builder
         */
        public Builder retryBackoff(Duration min, Duration max) {
            long lo = range("retryBackoff min", min, Duration.ofMillis(1), Duration.ofMinutes(1)).toMillis();
            long hi = range("retryBackoff max", max, Duration.ofMillis(1), Duration.ofMinutes(10)).toMillis();
            if (hi < lo) {
                throw new ConfigurationException("retryBackoff max (" + max + ") must be at least min (" + min + ")");
            }
            this.minBackoffMillis = lo;
            this.maxBackoffMillis = hi;
            return this;
        }

        /**
         * @param interval least time between two log lines about rejected records of one reason (the count of the
         *                 suppressed ones is in the next line); 0 to 1 h (default 10 s)
         * @return this builder
         */
        public Builder rejectLogInterval(Duration interval) {
            this.rejectLogIntervalNanos = range("rejectLogInterval", interval, Duration.ZERO, Duration.ofHours(1))
                    .toNanos();
            return this;
        }

        /**
         * @param enabled whether a recreated topic or offsets that are out of range (retention deleted them) start a
         *                new bootstrap automatically (default true); when false the follower logs the error, stops
         *                and reports {@link FollowerState#FAILED}, and readers keep the last state
         * @return this builder
         */
        public Builder rebootstrapOnReset(boolean enabled) {
            this.rebootstrapOnReset = enabled;
            return this;
        }

        /**
         * @param topicName where rejected records are forwarded (key and value unchanged, headers
         *                  {@code hotpath.reject.reason}, {@code hotpath.reject.detail},
         *                  {@code hotpath.reject.source}); null for none (default)
         * @return this builder
         */
        public Builder deadLetterTopic(String topicName) {
            if (topicName != null) {
                checkTopicName(topicName, "deadLetterTopic");
                if (topicName.equals(topic)) {
                    throw new ConfigurationException("deadLetterTopic must differ from the followed topic " + topic);
                }
            }
            this.deadLetterTopic = topicName;
            return this;
        }

        /**
         * @param featureNames features whose value must not be missing (NaN) in an update: such updates are rejected
         *                     with {@link RejectReason#FORBIDDEN_NAN} (checked against the view when the follower
         *                     starts)
         * @return this builder
         */
        public Builder requireValues(Collection<String> featureNames) {
            Objects.requireNonNull(featureNames, "featureNames");
            requiredFeatures.clear();
            for (String f : featureNames) {
                requiredFeatures.add(Objects.requireNonNull(f, "feature name"));
            }
            return this;
        }

        /**
         * @param entities entities a bootstrapped generation is sized for at least; 0 (default) sizes it from the
         *                 number of records in the topic
         * @return this builder
         */
        public Builder expectedEntities(long entities) {
            if (entities < 0 || entities > dev.hotpath.cache.FeatureWriter.MAX_ENTITIES) {
                throw new ConfigurationException("expectedEntities must be between 0 and "
                        + dev.hotpath.cache.FeatureWriter.MAX_ENTITIES + ", got " + entities);
            }
            this.expectedEntities = entities;
            return this;
        }

        /**
         * @param name a Kafka client property, e.g. {@code security.protocol}; applied to the consumer, the admin
         *             client and the dead-letter producer (properties the follower relies on, such as
         *             {@code enable.auto.commit} and {@code auto.offset.reset}, cannot be overridden)
         * @param value its value
         * @return this builder
         */
        public Builder consumerProperty(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (FeatureStreamFollower.FIXED_CONSUMER_PROPERTIES.contains(name)) {
                throw new ConfigurationException("consumer property " + name + " is set by the follower and cannot"
                        + " be overridden");
            }
            consumerProperties.put(name, value);
            return this;
        }

        /**
         * @param options options of the feature writer (lock timeout, heartbeat, retained generations)
         * @return this builder
         */
        public Builder writerOptions(WriterOptions options) {
            this.writerOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * @param epochMillisClock the wall clock used to compute lag (tests inject one); thread-safe
         * @return this builder
         */
        public Builder clock(LongSupplier epochMillisClock) {
            this.clock = Objects.requireNonNull(epochMillisClock, "clock");
            return this;
        }

        /**
         * @return the immutable options
         * @throws ConfigurationException if {@link StartPosition#OFFSETS} has no offsets, or a snapshot is given
         *                                without offsets
         */
        public FollowerOptions build() {
            if (startPosition == StartPosition.OFFSETS && offsets.isEmpty()) {
                throw new ConfigurationException("start position OFFSETS needs offsets(...): the offsets the"
                        + " snapshot or the published generation was taken at");
            }
            if (snapshot != null && startPosition != StartPosition.OFFSETS) {
                throw new ConfigurationException("a snapshot needs the offsets it was taken at (offsets(...))");
            }
            if (startPosition != StartPosition.OFFSETS && !offsets.isEmpty()) {
                throw new ConfigurationException("offsets are only used with start position OFFSETS, not "
                        + startPosition);
            }
            return new FollowerOptions(this);
        }

        private static Duration range(String what, Duration d, Duration min, Duration max) {
            Objects.requireNonNull(d, what);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new ConfigurationException(what + " must be between " + min + " and " + max + ", got " + d);
            }
            return d;
        }
    }
}
