package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.Model;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The façade a payment service embeds: reads the request's feature views, assembles the model row through bindings
 * resolved at build time, scores the primary model, offers the request to the shadow sink, and records metrics.
 *
 * <pre>{@code
 * Scorer scorer = Scorer.builder()
 *     .primary("fraud-v7", model)                 // any Model; the scorer owns it from now on
 *     .featureSource(cardView)                    // FeatureSource, e.g. a feature-cache reader
 *     .requestField("amount")
 *     .bind("card_txn_1h", "card.txn_count_1h")   // unless the names already match
 *     .fallbackScore(0.0f)
 *     .build();
 * EntityKey card = scorer.entityKey("card");
 * RequestField amount = scorer.requestField("amount");
 * // per thread, once:
 * ScoreRequest req = scorer.newRequest();
 * ScoreResult res = scorer.newResult();
 * // per request:
 * req.clear().requestId(id).entity(card, cardId).set(amount, 42.5f);
 * float score = scorer.score(req, res);
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Thread-safety:</b> immutable configuration; {@link #score} may be called from any number of threads, each
 *       with its own {@link ScoreRequest}/{@link ScoreResult}. Swaps are serialised and may run concurrently with
 *       scoring.</li>
 *   <li><b>Allocation:</b> {@link #score} allocates nothing after warm-up (feature reads, model and shadow offer
 *       included), except once per thread after a swap to a model with more features or outputs.</li>
 *   <li><b>Failure policy:</b> {@link #score} never throws for data problems. Missing ids and failed reads use the
 *       views' defaults (with a status and flag); a model that cannot score yields the fallback score with
 *       {@link ScoreResult#FALLBACK}. Problems are logged through SLF4J at most once per interval.</li>
 *   <li><b>Hot swap:</b> {@link #swapPrimary} binds and gate-checks the candidate first; requests in flight finish
 *       on the old model, which is closed once they have drained.</li>
 * </ul>
 */
public final class Scorer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scorer.class);

    private final Layout layout;
    private final ShadowSink shadow;
    private final float fallbackScore;
    private final GoldenRows goldenRows;
    private final LongSupplier clock;
    private final long drainTimeoutNanos;
    private final ScorerMetrics metrics;
    private final RateLimitedLog problemLog;
    private volatile ModelSlot current;
    private volatile boolean closed;

    private Scorer(Builder b, Layout layout, ModelSlot first) {
        this.layout = layout;
        this.shadow = b.shadow;
        this.fallbackScore = b.fallbackScore;
        this.goldenRows = b.goldenRows;
        this.clock = b.clock;
        this.drainTimeoutNanos = b.drainTimeoutNanos;
        this.metrics = new ScorerMetrics(layout.viewNames());
        this.problemLog = new RateLimitedLog(LOG, b.logIntervalNanos);
        this.current = first;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param viewName a feature view's name
     * @return the handle for setting that view's entity id on requests
     * @throws ConfigurationException if there is no such view
     */
    public EntityKey entityKey(String viewName) {
        for (int v = 0; v < layout.views.length; v++) {
            if (layout.views[v].name().equals(viewName)) {
                return new EntityKey(viewName, v);
            }
        }
        throw new ConfigurationException("no feature view named '" + viewName + "'; views: " + layout.viewNames());
    }

    /**
     * @param name a request field declared with {@link Builder#requestField(String)}
     * @return the handle for setting it on requests
     * @throws ConfigurationException if there is no such field
     */
    public RequestField requestField(String name) {
        Integer index = layout.requestIndex.get(name);
        if (index == null) {
            throw new ConfigurationException("no request field named '" + name + "'; fields: "
                    + layout.requestIndex.keySet());
        }
        return new RequestField(name, index);
    }

    /** @return a new request flyweight; create one per thread and reuse it */
    public ScoreRequest newRequest() {
        return new ScoreRequest(this, layout.views.length, layout.workspaceTemplate, layout.requestStart,
                layout.requestEnd, current.numFeatures);
    }

    /** @return a new result flyweight; create one per thread and reuse it */
    public ScoreResult newResult() {
        return new ScoreResult(layout.views.length, current.numOutputs);
    }

    /** @return the id of the primary model serving now */
    public String primaryModelId() {
        return current.id;
    }

    /** @return the primary model serving now */
    public Model primaryModel() {
        return current.model;
    }

    /** @return the model version serving now (starts at 1, +1 per swap) */
    public long primaryVersion() {
        return current.version;
    }

    /**
     * Scores one request. Never throws for data problems; see the class documentation.
     *
     * @param request the filled request (from {@link #newRequest()} of this scorer)
     * @param result receives the outputs, statuses, flags and timings
     * @return the primary score (or the fallback score)
     */
    public float score(ScoreRequest request, ScoreResult result) {
        if (request.scorer != this) {
            throw foreignRequest();
        }
        long t0 = clock.getAsLong();
        int flags = 0;
        float[] ws = request.workspace;
        FeatureSource[] views = layout.views;
        for (int v = 0; v < views.length; v++) {
            FeatureStatus status = readView(views[v], request.entityIds[v], ws, layout.viewOffset[v], t0);
            result.statuses[v] = status;
            metrics.status(v, status);
            if (status != FeatureStatus.PRESENT) {
                flags |= ScoreResult.DEFAULTS_USED;
                if (status == FeatureStatus.STALE) {
                    flags |= ScoreResult.STALE_FEATURES;
                } else if (status == FeatureStatus.LOCK_TIMEOUT || status == FeatureStatus.UNAVAILABLE) {
                    flags |= ScoreResult.FEATURE_STORE_DEGRADED;
                }
            }
        }
        long t1 = clock.getAsLong();
        long t2;
        long t3;
        ModelSlot slot = acquire();
        try {
            float[] row = request.row;
            if (row.length < slot.numFeatures) {
                row = request.row = new float[slot.numFeatures]; // once per thread after a swap to a wider model
            }
            int[] binding = slot.binding;
            for (int i = 0; i < binding.length; i++) {
                row[i] = ws[binding[i]];
            }
            result.ensureOutputs(slot.numOutputs);
            boolean ok = scorePrimary(slot, row, result, t1);
            if (!ok) {
                flags |= ScoreResult.FALLBACK;
            }
            t2 = clock.getAsLong();
            if (shadow != null) {
                boolean accepted = ok && offerShadow(request.requestId, row, slot, result.score, t2, t2 - t1);
                metrics.shadow(accepted);
                if (!accepted) {
                    flags |= ScoreResult.SHADOW_NOT_ACCEPTED;
                }
            }
            result.modelId = slot.id;
            result.modelVersion = slot.version;
        } finally {
            slot.inFlight.decrementAndGet();
        }
        t3 = clock.getAsLong();
        result.flags = flags;
        result.featureNanos = t1 - t0;
        result.modelNanos = t2 - t1;
        result.shadowNanos = t3 - t2;
        result.totalNanos = t3 - t0;
        metrics.record(t1 - t0, t2 - t1, t3 - t2, t3 - t0, shadow != null);
        return result.score;
    }

    private FeatureStatus readView(FeatureSource view, CharSequence id, float[] ws, int offset, long now) {
        try {
            if (id == null) {
                view.fillDefaults(ws, offset);
                return FeatureStatus.NOT_FOUND;
            }
            return view.read(id, ws, offset);
        } catch (RuntimeException | InternalError e) {
            // A source broke its contract; keep the request alive with defaults. InternalError is how the JVM reports
            // a fault (SIGBUS) on a memory-mapped store whose file was truncated under it.
            problemLog.warn(now, "feature view '" + view.name() + "' threw; using defaults", e);
            try {
                view.fillDefaults(ws, offset);
            } catch (RuntimeException ignored) {
                java.util.Arrays.fill(ws, offset, offset + view.featureNames().size(), Float.NaN);
            }
            return FeatureStatus.UNAVAILABLE;
        }
    }

    private boolean scorePrimary(ModelSlot slot, float[] row, ScoreResult result, long now) {
        try {
            if (slot.numOutputs == 1) {
                result.outputs[0] = slot.model.score(row);
            } else {
                slot.model.score(row, result.outputs);
            }
            result.score = result.outputs[0];
            return true;
        } catch (RuntimeException e) {
            metrics.fallback();
            result.score = fallbackScore;
            problemLog.warn(now, "primary model '" + slot.id + "' failed to score; answered with the fallback score "
                    + fallbackScore, e);
            return false;
        }
    }

    private boolean offerShadow(long requestId, float[] row, ModelSlot slot, float score, long now,
                                long modelNanos) {
        try {
            return shadow.offer(requestId, row, slot.numFeatures, score, slot.id, slot.version,
                    (int) Math.min(modelNanos, Integer.MAX_VALUE));
        } catch (RuntimeException e) {
            problemLog.warn(now, "shadow sink threw on offer; request not shadowed", e);
            return false;
        }
    }

    private ModelSlot acquire() {
        while (true) {
            ModelSlot s = current;
            s.inFlight.incrementAndGet();
            if (s == current) {
                return s;
            }
            s.inFlight.decrementAndGet();
        }
    }

    private IllegalArgumentException foreignRequest() {
        return new IllegalArgumentException("this ScoreRequest was created by another Scorer; use newRequest()");
    }

    /**
     * Replaces the primary model. The candidate must bind to this scorer's inputs and pass the parity gate (when
     * golden rows are configured); otherwise the swap is refused and the current model keeps serving. On success the
     * scorer owns the candidate; the previous model is closed after the requests in flight on it have finished.
     *
     * @param modelId an id for the candidate (e.g. file name or version tag)
     * @param candidate the new primary model
     * @return what happened
     * @throws SwapRefusedException if the candidate does not bind or fails the parity gate
     */
    public SwapReport swapPrimary(String modelId, Model candidate) {
        return swap(modelId, candidate, true, true);
    }

    /**
     * Promotes a shadow model to primary in one call: the shadow (by id, from the configured {@link ShadowSink}) must
     * bind and pass the parity gate; it then serves, and the previous primary becomes a shadow under its own id.
     *
     * @param shadowId the shadow to promote
     * @return what happened
     * @throws SwapRefusedException if the shadow does not exist, does not bind or fails the parity gate
     */
    public SwapReport promoteShadow(String shadowId) {
        if (shadow == null) {
            throw new SwapRefusedException("no shadow sink is configured, nothing to promote", null);
        }
        synchronized (this) {
            Model candidate = shadow.shadowModels().get(shadowId);
            if (candidate == null) {
                throw new SwapRefusedException("no shadow model '" + shadowId + "'; shadows: "
                        + shadow.shadowModels().keySet(), null);
            }
            ModelSlot previous = current;
            SwapReport report = swap(shadowId, candidate, false, false);
            shadow.replaceShadow(shadowId, previous.id, previous.model);
            return report;
        }
    }

    private synchronized SwapReport swap(String modelId, Model candidate, boolean closeOld, boolean ownNew) {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(candidate, "candidate");
        if (closed) {
            throw new SwapRefusedException("scorer is closed", null);
        }
        ModelSlot old = current;
        int[] binding;
        try {
            binding = layout.bind(candidate, modelId);
        } catch (ConfigurationException e) {
            metrics.swap(false);
            throw new SwapRefusedException("swap to '" + modelId + "' refused: " + e.getMessage(), e);
        }
        int checked = 0;
        if (goldenRows != null) {
            String failure;
            try {
                failure = goldenRows.check(candidate, old.model);
            } catch (RuntimeException e) {
                failure = "scoring the golden rows failed: " + e;
            }
            if (failure != null) {
                metrics.swap(false);
                throw new SwapRefusedException("swap to '" + modelId + "' refused by the parity gate: " + failure,
                        null);
            }
            checked = goldenRows.size();
        }
        ModelSlot next = new ModelSlot(modelId, candidate, binding, old.version + 1, ownNew);
        current = next;
        long drained = retire(old, closeOld && old.closeWhenRetired);
        metrics.swap(true);
        LOG.info("primary model swapped: '{}' (v{}) -> '{}' (v{}), {} golden rows checked, drained in {} us",
                old.id, old.version, modelId, next.version, checked, drained / 1000);
        return new SwapReport(old.id, modelId, next.version, checked, drained);
    }

    /** Waits for requests in flight on {@code old} to finish, then closes its model if asked. */
    private long retire(ModelSlot old, boolean close) {
        long start = System.nanoTime();
        long deadline = start + drainTimeoutNanos;
        while (old.inFlight.get() != 0) {
            if (System.nanoTime() > deadline) {
                LOG.warn("requests still in flight on '{}' after {} ms; closing it in the background once they"
                        + " finish", old.id, TimeUnit.NANOSECONDS.toMillis(drainTimeoutNanos));
                Thread closer = new Thread(() -> {
                    while (old.inFlight.get() != 0) {
                        LockSupport.parkNanos(1_000_000);
                    }
                    closeQuietly(old, close);
                }, "hotpath-model-closer");
                closer.setDaemon(true);
                closer.start();
                return System.nanoTime() - start;
            }
            Thread.onSpinWait();
            LockSupport.parkNanos(10_000);
        }
        closeQuietly(old, close);
        return System.nanoTime() - start;
    }

    private static void closeQuietly(ModelSlot slot, boolean close) {
        if (!close) {
            return;
        }
        try {
            slot.model.close();
        } catch (RuntimeException e) {
            LOG.warn("closing retired model '{}' failed", slot.id, e);
        }
    }

    /** @return a snapshot of the metrics (allocates; call from a reporting thread) */
    public MetricsSnapshot metrics() {
        return metrics.snapshot();
    }

    /** Closes the primary model (after in-flight requests drain). Feature sources and shadow sink are not closed. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        retire(current, current.closeWhenRetired);
    }

    /**
     * Builds a {@link Scorer}. Every setter validates its argument; {@link #build()} resolves all bindings and fails
     * with one message listing every problem. Not thread-safe.
     */
    public static final class Builder {
        private String primaryId;
        private Model primary;
        private final List<FeatureSource> views = new ArrayList<>();
        private final List<String> requestFields = new ArrayList<>();
        private final Map<String, String> bindings = new LinkedHashMap<>();
        private final Map<String, Float> constants = new LinkedHashMap<>();
        private ShadowSink shadow;
        private float fallbackScore = Float.NaN;
        private GoldenRows goldenRows;
        private LongSupplier clock = System::nanoTime;
        private long drainTimeoutNanos = TimeUnit.SECONDS.toNanos(10);
        private long logIntervalNanos = TimeUnit.SECONDS.toNanos(10);

        private Builder() {
        }

        /**
         * @param modelId an id for logs, results and shadow records (e.g. {@code fraud-v7})
         * @param model the primary model; the scorer owns it and closes it when it is swapped out or closed
         * @return this builder
         */
        public Builder primary(String modelId, Model model) {
            this.primaryId = requireName(modelId, "model id");
            this.primary = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * @param source a feature view, read with the request's entity id for {@code source.name()}
         * @return this builder
         */
        public Builder featureSource(FeatureSource source) {
            Objects.requireNonNull(source, "source");
            String name = requireName(source.name(), "feature view name");
            if (name.equals("request") || name.indexOf('.') >= 0) {
                throw new ConfigurationException("feature view name '" + name + "' is reserved or contains '.';"
                        + " rename the view");
            }
            for (FeatureSource v : views) {
                if (v.name().equals(name)) {
                    throw new ConfigurationException("duplicate feature view name '" + name + "': each view needs a"
                            + " unique name");
                }
            }
            Set<String> seen = new HashSet<>();
            for (String f : source.featureNames()) {
                if (!seen.add(f)) {
                    throw new ConfigurationException("feature view '" + name + "' lists feature '" + f + "' twice");
                }
            }
            views.add(source);
            return this;
        }

        /**
         * Declares a request-time feature (set on each {@link ScoreRequest}; missing when not set).
         *
         * @param name the field name, bindable as {@code name} or {@code request.name}
         * @return this builder
         */
        public Builder requestField(String name) {
            requireName(name, "request field name");
            if (requestFields.contains(name)) {
                throw new ConfigurationException("duplicate request field '" + name + "'");
            }
            requestFields.add(name);
            return this;
        }

        /**
         * Binds a model feature explicitly.
         *
         * @param modelFeature the model's feature name
         * @param source {@code view.feature} or {@code request.field}
         * @return this builder
         */
        public Builder bind(String modelFeature, String source) {
            requireName(modelFeature, "model feature name");
            requireName(source, "binding source");
            if (bindings.containsKey(modelFeature) || constants.containsKey(modelFeature)) {
                throw new ConfigurationException("model feature '" + modelFeature + "' is bound twice");
            }
            bindings.put(modelFeature, source);
            return this;
        }

        /**
         * Binds a model feature to a constant (e.g. a feature not available online).
         *
         * @param modelFeature the model's feature name
         * @param value the value every request uses ({@code NaN} = always missing)
         * @return this builder
         */
        public Builder constant(String modelFeature, float value) {
            requireName(modelFeature, "model feature name");
            if (bindings.containsKey(modelFeature) || constants.containsKey(modelFeature)) {
                throw new ConfigurationException("model feature '" + modelFeature + "' is bound twice");
            }
            constants.put(modelFeature, value);
            return this;
        }

        /**
         * @param sink where scored requests are offered for shadow evaluation (optional)
         * @return this builder
         */
        public Builder shadow(ShadowSink sink) {
            this.shadow = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * @param score the score returned (with {@link ScoreResult#FALLBACK}) when the model cannot score; default
         *     {@code NaN}, so set a value your decision logic handles
         * @return this builder
         */
        public Builder fallbackScore(float score) {
            this.fallbackScore = score;
            return this;
        }

        /**
         * @param rows the parity gate every swap candidate must pass
         * @return this builder
         */
        public Builder parityGate(GoldenRows rows) {
            this.goldenRows = Objects.requireNonNull(rows, "rows");
            return this;
        }

        /**
         * @param nanoTime the clock for stage timings (default {@link System#nanoTime()})
         * @return this builder
         */
        public Builder clock(LongSupplier nanoTime) {
            this.clock = Objects.requireNonNull(nanoTime, "nanoTime");
            return this;
        }

        /**
         * @param timeout how long a swap waits for in-flight requests before closing the old model in the background
         * @param unit unit of {@code timeout}
         * @return this builder
         */
        public Builder drainTimeout(long timeout, TimeUnit unit) {
            if (timeout <= 0) {
                throw new ConfigurationException("drain timeout must be positive");
            }
            this.drainTimeoutNanos = unit.toNanos(timeout);
            return this;
        }

        /**
         * @param interval the least time between two warnings logged from request threads
         * @param unit unit of {@code interval}
         * @return this builder
         */
        public Builder problemLogInterval(long interval, TimeUnit unit) {
            if (interval < 0) {
                throw new ConfigurationException("log interval must be >= 0");
            }
            this.logIntervalNanos = unit.toNanos(interval);
            return this;
        }

        /**
         * @return the scorer
         * @throws ConfigurationException if no primary model is set or any model feature cannot be bound (the
         *     message lists them all and how to fix each)
         */
        public Scorer build() {
            if (primary == null) {
                throw new ConfigurationException("no primary model: call primary(id, model)");
            }
            for (String r : requestFields) {
                for (FeatureSource v : views) {
                    if (v.name().equals(r)) {
                        throw new ConfigurationException("'" + r + "' is both a request field and a view name");
                    }
                }
            }
            Set<String> modelFeatures = new HashSet<>(primary.featureNames());
            for (String c : constants.keySet()) {
                if (!modelFeatures.contains(c)) {
                    throw new ConfigurationException("constant for '" + c + "', which model '" + primaryId
                            + "' does not have; its features: " + primary.featureNames());
                }
            }
            Layout layout = new Layout(views, requestFields, constants, bindings);
            int[] binding = layout.bind(primary, primaryId);
            return new Scorer(this, layout, new ModelSlot(primaryId, primary, binding, 1, true));
        }

        private static String requireName(String name, String what) {
            if (name == null || name.isBlank()) {
                throw new ConfigurationException(what + " must be non-empty");
            }
            return name;
        }
    }
}
