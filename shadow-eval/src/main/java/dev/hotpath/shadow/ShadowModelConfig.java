package dev.hotpath.shadow;

import java.time.Duration;
import java.util.Objects;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelInfo;
import dev.hotpath.shadow.log.ModelDescriptor;
import dev.hotpath.shadow.log.ShadowLogFormat;

/**
 * One shadow (challenger) model and how it is run: its log id and name, its decision threshold, which output is
 * the score, its latency budget and circuit breaker. Immutable and thread-safe; built by {@link #builder}.
 *
 * <p>The circuit breaker opens after {@code breakerFailures} consecutive failures (a throw, a NaN score, or a call
 * over {@code latencyBudget}); while open the shadow is not called and its records carry
 * {@link ShadowLogFormat#FLAG_BREAKER_OPEN}. After {@code breakerCoolDown} one trial call is made: success closes
 * the breaker, failure re-opens it. The caller keeps ownership of the {@link Model} (the evaluator never closes
 * it).
 */
public final class ShadowModelConfig {
    private final int modelId;
    private final String name;
    private final String version;
    private final Model model;
    private final float threshold;
    private final int outputIndex;
    private final long latencyBudgetNanos;
    private final int breakerFailures;
    private final long breakerCoolDownNanos;
    private final int queueCapacityBytes;

    private ShadowModelConfig(Builder b, int outputIndex) {
        this.modelId = b.modelId;
        this.name = b.name;
        this.version = b.version;
        this.model = b.model;
        this.threshold = b.threshold;
        this.outputIndex = outputIndex;
        this.latencyBudgetNanos = b.latencyBudget.toNanos();
        this.breakerFailures = b.breakerFailures;
        this.breakerCoolDownNanos = b.breakerCoolDown.toNanos();
        this.queueCapacityBytes = b.queueCapacityBytes;
    }

    /**
     * @param modelId the id written into every record of this shadow, {@code 0..65534}, unique in the evaluator
     * @param name a human name, e.g. {@code fraud-v8-candidate}
     * @param model the model to run; must be thread-safe per the {@link Model} contract
     * @return a builder
     */
    public static Builder builder(int modelId, String name, Model model) {
        return new Builder(modelId, name, model);
    }

    /** @return the log id */
    public int modelId() {
        return modelId;
    }

    /** @return the human name */
    public String name() {
        return name;
    }

    /** @return the version label */
    public String version() {
        return version;
    }

    /** @return the model */
    public Model model() {
        return model;
    }

    /** @return the decision threshold, or NaN to use the primary's */
    public float threshold() {
        return threshold;
    }

    /** @return which model output is the score */
    public int outputIndex() {
        return outputIndex;
    }

    /** @return the latency budget in ns */
    public long latencyBudgetNanos() {
        return latencyBudgetNanos;
    }

    /** @return consecutive failures that open the breaker */
    public int breakerFailures() {
        return breakerFailures;
    }

    /** @return how long the breaker stays open before a trial call, in ns */
    public long breakerCoolDownNanos() {
        return breakerCoolDownNanos;
    }

    /** @return this shadow's queue capacity in bytes (power of two), or 0 for the evaluator's default */
    public int queueCapacityBytes() {
        return queueCapacityBytes;
    }

    ModelDescriptor descriptor(float resolvedThreshold) {
        ModelInfo info = model.info();
        return new ModelDescriptor(modelId, ShadowLogFormat.ROLE_SHADOW, name, version, info.checksum(),
                describe(info), resolvedThreshold, model.numFeatures(), outputIndex, latencyBudgetNanos);
    }

    static String describe(ModelInfo info) {
        StringBuilder sb = new StringBuilder(info.format());
        if (!info.objective().isEmpty()) {
            sb.append(' ').append(info.objective());
        }
        if (info.numTrees() > 0) {
            sb.append(", ").append(info.numTrees()).append(" trees");
        }
        if (!info.source().isEmpty()) {
            sb.append(", ").append(info.source());
        }
        String s = sb.toString();
        return s.length() > 500 ? s.substring(0, 500) : s;
    }

    /**
     * Picks the default score output: the only output, or output 1 (the positive class) of a two-output model.
     *
     * @param model the model
     * @return the output index
     * @throws ConfigurationException if the model has more than two outputs
     */
    static int defaultOutputIndex(Model model) {
        int n = model.numOutputs();
        if (n == 1) {
            return 0;
        }
        if (n == 2) {
            return 1;
        }
        throw new ConfigurationException("model has " + n + " outputs " + model.outputNames()
                + "; choose the score with outputIndex(...)");
    }

    /** Builds a {@link ShadowModelConfig}; every setter validates eagerly. Not thread-safe; reusable. */
    public static final class Builder {
        private final int modelId;
        private final String name;
        private final Model model;
        private String version = "";
        private float threshold = Float.NaN;
        private int outputIndex = -1;
        private Duration latencyBudget = Duration.ofMillis(5);
        private int breakerFailures = 5;
        private Duration breakerCoolDown = Duration.ofSeconds(30);
        private int queueCapacityBytes;

        private Builder(int modelId, String name, Model model) {
            if (modelId < 0 || modelId > 65534) {
                throw new ConfigurationException("shadow model id must be in 0..65534, got " + modelId);
            }
            if (name == null || name.isBlank()) {
                throw new ConfigurationException("shadow model " + modelId + " needs a non-blank name");
            }
            this.modelId = modelId;
            this.name = name;
            this.model = Objects.requireNonNull(model, "model");
        }

        /**
         * @param version a version label written to the log, e.g. a date or build id; default empty
         * @return this
         */
        public Builder version(String version) {
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        /**
         * @param threshold the shadow's decision threshold (score {@code >=} threshold blocks); default: the
         *     primary's threshold
         * @return this
         */
        public Builder threshold(float threshold) {
            if (!Float.isFinite(threshold)) {
                throw new ConfigurationException("shadow threshold must be finite, got " + threshold);
            }
            this.threshold = threshold;
            return this;
        }

        /**
         * @param outputIndex which of the model's outputs is the score; default the only output, or output 1 of a
         *     two-output (binary probability) model
         * @return this
         */
        public Builder outputIndex(int outputIndex) {
            if (outputIndex < 0 || outputIndex >= model.numOutputs()) {
                throw new ConfigurationException("outputIndex " + outputIndex + " is outside the model's "
                        + model.numOutputs() + " outputs " + model.outputNames());
            }
            this.outputIndex = outputIndex;
            return this;
        }

        /**
         * @param budget a call slower than this counts as a failure for the breaker and is flagged; default 5 ms
         * @return this
         */
        public Builder latencyBudget(Duration budget) {
            if (budget == null || budget.isNegative() || budget.isZero() || budget.toSeconds() > 3600) {
                throw new ConfigurationException("latencyBudget must be positive and at most 1 h, got " + budget);
            }
            this.latencyBudget = budget;
            return this;
        }

        /**
         * @param failures consecutive failures that open the breaker, {@code 1..1_000_000}; default 5
         * @return this
         */
        public Builder breakerFailures(int failures) {
            if (failures < 1 || failures > 1_000_000) {
                throw new ConfigurationException("breakerFailures must be in 1..1000000, got " + failures);
            }
            this.breakerFailures = failures;
            return this;
        }

        /**
         * @param coolDown how long an open breaker skips the shadow before one trial call; default 30 s
         * @return this
         */
        public Builder breakerCoolDown(Duration coolDown) {
            if (coolDown == null || coolDown.isNegative() || coolDown.isZero()) {
                throw new ConfigurationException("breakerCoolDown must be positive, got " + coolDown);
            }
            this.breakerCoolDown = coolDown;
            return this;
        }

        /**
         * @param bytes capacity of this shadow's queue (a power of two, 4 KiB .. 1 GiB); default the evaluator's
         *     {@code shadowQueueCapacityBytes}
         * @return this
         */
        public Builder queueCapacityBytes(int bytes) {
            ShadowEvaluatorBuilder.checkPowerOfTwo("queueCapacityBytes", bytes);
            this.queueCapacityBytes = bytes;
            return this;
        }

        /**
         * @return the configuration
         * @throws ConfigurationException if the model's outputs need an explicit {@code outputIndex}
         */
        public ShadowModelConfig build() {
            int idx = outputIndex >= 0 ? outputIndex : defaultOutputIndex(model);
            return new ShadowModelConfig(this, idx);
        }
    }
}
