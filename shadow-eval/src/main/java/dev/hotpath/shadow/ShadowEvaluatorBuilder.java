package dev.hotpath.shadow;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.Model;
import dev.hotpath.shadow.log.LogOptions;
import dev.hotpath.shadow.log.ModelDescriptor;
import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.log.ShadowLogWriter;

/**
 * Configures a {@link ShadowEvaluator}; obtained from {@link ShadowEvaluator#builder(Path)}. Every setter validates
 * its argument; {@link #build()} checks the combination (ids unique, message sizes fit the rings) and creates the
 * log directory. Reusable; not thread-safe. (Its fields are read by the evaluator's constructor during
 * {@link #build()}.)
 */
public final class ShadowEvaluatorBuilder {
    final Path logDirectory;
    LogOptions log = LogOptions.defaults();
    final Map<Integer, ModelDescriptor> primaries = new LinkedHashMap<>();
    final List<ShadowModelConfig> shadows = new ArrayList<>();
    float primaryThreshold = 0.5f;
    int sampleRateE4 = ShadowSampling.RATE_SCALE;
    int captureRateE4;
    long seed;
    int maxFeatures = -1;
    int intakeCapacityBytes = 4 << 20;
    int shadowQueueCapacityBytes = 1 << 20;
    int recordsCapacityBytes = 4 << 20;
    Supplier<IdleStrategy> idleStrategy =
            () -> new BackoffIdleStrategy(0, 10, 1_000L, 1_000_000L);
    Duration countersInterval = Duration.ofSeconds(10);
    Duration summaryInterval = Duration.ofSeconds(60);
    Duration closeTimeout = Duration.ofSeconds(5);
    EpochNanoClock clock;

    ShadowEvaluatorBuilder(Path logDirectory) {
        this.logDirectory = Objects.requireNonNull(logDirectory, "logDirectory");
    }

    /**
     * Names a primary model in the log. Register every id you pass to {@code offer}.
     *
     * @param modelId the id passed to {@code offer}, {@code 0..65534}
     * @param name a human name
     * @param version a version label, may be empty
     * @return this
     */
    public ShadowEvaluatorBuilder primaryModel(int modelId, String name, String version) {
        primaries.put(modelId, new ModelDescriptor(modelId, ShadowLogFormat.ROLE_PRIMARY, name, version, "", "",
                Float.NaN, -1, 0, 0));
        return this;
    }

    /**
     * Names a primary model in the log, taking its checksum and description from {@link Model#info()}.
     *
     * @param modelId the id passed to {@code offer}, {@code 0..65534}
     * @param name a human name
     * @param model the primary model (only its metadata is read)
     * @return this
     */
    public ShadowEvaluatorBuilder primaryModel(int modelId, String name, Model model) {
        Objects.requireNonNull(model, "model");
        primaries.put(modelId, new ModelDescriptor(modelId, ShadowLogFormat.ROLE_PRIMARY, name,
                model.info().formatVersion(), model.info().checksum(), ShadowModelConfig.describe(model.info()),
                Float.NaN, model.numFeatures(), 0, 0));
        return this;
    }

    /**
     * @param threshold the primary's decision threshold (score {@code >=} threshold blocks); also the default
     *     for shadows without their own; default 0.5
     * @return this
     */
    public ShadowEvaluatorBuilder primaryThreshold(float threshold) {
        if (!Float.isFinite(threshold)) {
            throw new ConfigurationException("primaryThreshold must be finite, got " + threshold);
        }
        this.primaryThreshold = threshold;
        return this;
    }

    /**
     * @param shadow a shadow to run; at most 16, ids unique
     * @return this
     */
    public ShadowEvaluatorBuilder addShadow(ShadowModelConfig shadow) {
        Objects.requireNonNull(shadow, "shadow");
        if (shadows.size() >= 16) {
            throw new ConfigurationException("at most 16 shadows per evaluator");
        }
        shadows.add(shadow);
        return this;
    }

    /**
     * @param rate share of requests shadowed, {@code [0, 1]} in steps of 1/10,000; default 1.0. Changeable at
     *     run time with {@link ShadowPublisher#sampleRate(double)}.
     * @return this
     */
    public ShadowEvaluatorBuilder sampleRate(double rate) {
        this.sampleRateE4 = ShadowSampling.toRateE4(rate);
        return this;
    }

    /**
     * @param seed the sampling seed (same seed, same sample on every host); default 0
     * @return this
     */
    public ShadowEvaluatorBuilder samplingSeed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * @param rate share of <em>sampled</em> requests whose feature vectors are logged for replay,
     *     {@code [0, 1]}; default 0
     * @return this
     */
    public ShadowEvaluatorBuilder featureCaptureRate(double rate) {
        this.captureRateE4 = ShadowSampling.toRateE4(rate);
        return this;
    }

    /**
     * @param n the most features one offer may carry; default the widest shadow's {@code numFeatures()}
     * @return this
     */
    public ShadowEvaluatorBuilder maxFeatures(int n) {
        if (n < 1 || n > ShadowLogFormat.MAX_FEATURES) {
            throw new ConfigurationException("maxFeatures must be in 1.." + ShadowLogFormat.MAX_FEATURES
                    + ", got " + n);
        }
        this.maxFeatures = n;
        return this;
    }

    /**
     * @param bytes intake ring capacity, a power of two; default 4 MiB
     * @return this
     */
    public ShadowEvaluatorBuilder intakeCapacityBytes(int bytes) {
        checkPowerOfTwo("intakeCapacityBytes", bytes);
        this.intakeCapacityBytes = bytes;
        return this;
    }

    /**
     * @param bytes default capacity of each shadow's queue, a power of two; default 1 MiB
     * @return this
     */
    public ShadowEvaluatorBuilder shadowQueueCapacityBytes(int bytes) {
        checkPowerOfTwo("shadowQueueCapacityBytes", bytes);
        this.shadowQueueCapacityBytes = bytes;
        return this;
    }

    /**
     * @param bytes capacity of the ring between the shadows and the writer, a power of two; default 4 MiB
     * @return this
     */
    public ShadowEvaluatorBuilder recordsCapacityBytes(int bytes) {
        checkPowerOfTwo("recordsCapacityBytes", bytes);
        this.recordsCapacityBytes = bytes;
        return this;
    }

    /**
     * @param options how the log is written: segment names, rotation, block size, fsync, disk-space floor,
     *     retention; default {@link LogOptions#defaults()}
     * @return this
     */
    public ShadowEvaluatorBuilder log(LogOptions options) {
        this.log = Objects.requireNonNull(options, "options");
        return this;
    }

    /**
     * @param strategy creates the idle strategy of each agent thread; default a back-off without a spin phase:
     *     10 yields, then parks of 1 µs doubling to 1 ms. Spinning agents share the request threads' CPUs and
     *     the cache lines the producers write (a paced accepted offer measured 138 ns with 100 spins, 104 without)
     * @return this
     */
    public ShadowEvaluatorBuilder idleStrategy(Supplier<IdleStrategy> strategy) {
        this.idleStrategy = Objects.requireNonNull(strategy, "idleStrategy");
        return this;
    }

    /**
     * @param interval how often COUNTERS records are written; default 10 s
     * @return this
     */
    public ShadowEvaluatorBuilder countersInterval(Duration interval) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new ConfigurationException("countersInterval must be positive, got " + interval);
        }
        this.countersInterval = interval;
        return this;
    }

    /**
     * @param interval how often a one-line INFO summary is logged; {@link Duration#ZERO} disables; default 60 s
     * @return this
     */
    public ShadowEvaluatorBuilder summaryInterval(Duration interval) {
        if (interval == null || interval.isNegative()) {
            throw new ConfigurationException("summaryInterval must be >= 0, got " + interval);
        }
        this.summaryInterval = interval;
        return this;
    }

    /**
     * @param timeout how long {@link ShadowEvaluator#close()} waits for the agents to drain; default 5 s
     * @return this
     */
    public ShadowEvaluatorBuilder closeTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.toMinutes() > 10) {
            throw new ConfigurationException("closeTimeout must be in 0..10 min, got " + timeout);
        }
        this.closeTimeout = timeout;
        return this;
    }

    /**
     * @param clock epoch-ns clock for record times and the log; default an {@link OffsetEpochNanoClock}
     *     (allocation-free, resampled every 10 s by the writer)
     * @return this
     */
    public ShadowEvaluatorBuilder clock(EpochNanoClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * @return an evaluator, not yet started
     * @throws ConfigurationException if the combination is invalid
     */
    public ShadowEvaluator build() {
        JvmFlags.requireAgronaAccess();
        if (shadows.isEmpty()) {
            throw new ConfigurationException("add at least one shadow with addShadow(...)");
        }
        Set<Integer> ids = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (ModelDescriptor d : primaries.values()) {
            if (!names.add(d.name())) {
                throw new ConfigurationException("model name '" + d.name() + "' is used twice");
            }
        }
        int widest = 1;
        for (ShadowModelConfig c : shadows) {
            if (!ids.add(c.modelId())) {
                throw new ConfigurationException("shadow model id " + c.modelId() + " is used twice");
            }
            if (!names.add(c.name())) {
                throw new ConfigurationException("model name '" + c.name() + "' is used twice; shadows are "
                        + "identified by name (e.g. for Scorer.promoteShadow)");
            }
            if (primaries.containsKey(c.modelId())) {
                throw new ConfigurationException("model id " + c.modelId() + " is both a primary and shadow "
                        + c.name());
            }
            widest = Math.max(widest, c.model().numFeatures());
        }
        // Resolved into locals so the builder stays reusable.
        Map<Integer, ModelDescriptor> resolvedPrimaries = new LinkedHashMap<>();
        if (primaries.isEmpty()) {
            int id = 0;
            while (ids.contains(id)) {
                id++;
            }
            resolvedPrimaries.put(id, new ModelDescriptor(id, ShadowLogFormat.ROLE_PRIMARY, "primary", "", "",
                    "", primaryThreshold, -1, 0, 0));
        }
        for (ModelDescriptor d : primaries.values()) {
            resolvedPrimaries.put(d.modelId(), new ModelDescriptor(d.modelId(), d.role(), d.name(), d.version(),
                    d.checksum(), d.description(), primaryThreshold, d.numFeatures(), d.outputIndex(), 0));
        }
        int maxFeatures = this.maxFeatures < 0 ? Math.min(widest, ShadowLogFormat.MAX_FEATURES) : this.maxFeatures;
        int msg = IntakeLayout.messageLength(maxFeatures);
        checkFits("intakeCapacityBytes", intakeCapacityBytes, msg, maxFeatures);
        for (ShadowModelConfig c : shadows) {
            int cap = c.queueCapacityBytes() > 0 ? c.queueCapacityBytes() : shadowQueueCapacityBytes;
            checkFits("queue capacity of shadow " + c.name(), cap, msg, maxFeatures);
        }
        checkFits("recordsCapacityBytes", recordsCapacityBytes, ShadowLogFormat.COMPARISON_LENGTH, maxFeatures);
        if (captureRateE4 > 0) {
            int features = ShadowLogFormat.featuresLength(maxFeatures);
            checkFits("recordsCapacityBytes (feature capture)", recordsCapacityBytes, features, maxFeatures);
            if (features > log.blockBytes() - ShadowLogFormat.BLOCK_HEADER_LENGTH) {
                throw new ConfigurationException("a FEATURES record of " + maxFeatures + " features is "
                        + features + " bytes, larger than a log block; raise blockBytes");
            }
        }
        // Without an injected clock, records are stamped with an offset clock (cheap, resampled by the writer
        // agent) and the writer keeps the system clock for its files.
        EpochNanoClock recordClock = clock != null ? clock : new OffsetEpochNanoClock();
        ShadowLogWriter writer = ShadowLogWriter.open(logDirectory, log,
                clock != null ? clock : new SystemEpochNanoClock());
        return new ShadowEvaluator(this, writer, resolvedPrimaries, maxFeatures, recordClock);
    }

    private static void checkFits(String what, int capacity, int messageBytes, int maxFeatures) {
        // Agrona rings accept messages up to capacity / 8 (RingBuffer#maxMsgLength).
        if (messageBytes + 8 > capacity / 8) {
            throw new ConfigurationException(what + " (" + capacity + " bytes) only takes messages up to "
                    + (capacity / 8) + " bytes, but " + maxFeatures + " features need " + (messageBytes + 8)
                    + "; raise it or lower maxFeatures");
        }
    }

    static void checkPowerOfTwo(String name, int bytes) {
        if (bytes < 4096 || bytes > (1 << 30) || Integer.bitCount(bytes) != 1) {
            throw new ConfigurationException(name + " must be a power of two in 4096..1073741824, got " + bytes);
        }
    }
}
