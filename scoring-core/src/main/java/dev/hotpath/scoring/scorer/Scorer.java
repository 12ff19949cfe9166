package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.explain.ExplanationNotSupportedException;
import dev.hotpath.scoring.explain.ReasonCodeExplainer;
import dev.hotpath.scoring.explain.ReasonCodes;
import dev.hotpath.scoring.explain.TopReasons;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
 *       included), except once per thread after a swap to a model with more features or outputs (with reasons on,
 *       after any swap: the thread's explainer working memory is sized for the new model's trees).</li>
 *   <li><b>Failure policy:</b> {@link #score} never throws for data problems. Missing ids and failed reads use the
 *       views' defaults (with a status and flag); a model that cannot score yields the fallback score with
 *       {@link ScoreResult#FALLBACK}. Problems are logged through SLF4J at most once per interval.</li>
 *   <li><b>Hot swap:</b> {@link #swapPrimary} binds and gate-checks the candidate first; requests in flight finish
 *       on the old model, which is closed once they have drained. After {@link #close()}, {@link #score} answers
 *       with the fallback score and {@link ScoreResult#FALLBACK}.</li>
 *   <li><b>Reasons:</b> with {@link Builder#reasons(int, ExplainWhen)}, the requests that qualify get their top k
 *       reason codes (exact TreeSHAP, {@code dev.hotpath.scoring.explain}) computed on the request thread after
 *       scoring, before the shadow offer, and filled into the {@link ScoreResult}; 0 bytes allocated after warm-up
 *       (the working memory lives in the thread's {@code ScoreResult}, replaced once per thread after a swap). Each
 *       model gets its own explainer when it is built or swapped in; a model that cannot be explained (not a tree
 *       ensemble, e.g. ONNX, or without node covers) or that lacks a feature the reason codes name is refused
 *       there, never served without reasons.</li>
 *   <li><b>Scaling:</b> {@link #score} writes no memory that every request thread writes: the in-flight guard of the
 *       serving model and the metrics are striped by thread (see {@code ScorerMetrics}), so throughput grows with
 *       the cores serving requests. Counters see every request; stage latencies are taken on a random one request
 *       in {@link Builder#stageTimingEvery(int) n} (16 by default), since reading the clock costs as much as the
 *       rest of the scorer's own work.</li>
 * </ul>
 */
public final class Scorer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scorer.class);

    private final Layout layout;
    private final ShadowSink shadow;
    private final ShadowControl shadowControl;
    private final float fallbackScore;
    private final GoldenRows goldenRows;
    private final LongSupplier clock;
    private final long drainTimeoutNanos;
    private final ScorerMetrics metrics;
    /** A request is timed when 32 random bits fall below this: (2^32 / stageTimingEvery). */
    private final long timingThreshold;
    private final RateLimitedLog problemLog;
    /** Reasons per explained request (0: the scorer computes none), which requests, and the code catalogue. */
    private final int reasonsK;
    private final ExplainWhen explainWhen;
    private final ReasonCodes reasonCodes;
    private volatile ModelSlot current;
    private volatile boolean closed;
    /** Per view: readiness bounds in milliseconds (-1 = not checked) and the attached feed (or null). */
    private final long[] maxHeartbeatAgeMillis;
    private final long[] maxWatermarkLagMillis;
    private final FeatureFeed[] feeds;

    private Scorer(Builder b, Layout layout, ModelSlot first) {
        this.layout = layout;
        this.shadow = b.shadow == null ? null : b.shadow.sink();
        this.shadowControl = b.shadow;
        this.fallbackScore = b.fallbackScore;
        this.goldenRows = b.goldenRows;
        this.clock = b.clock;
        this.drainTimeoutNanos = b.drainTimeoutNanos;
        this.reasonsK = b.reasonsK;
        this.explainWhen = b.explainWhen;
        this.reasonCodes = b.reasonCodes;
        this.metrics = new ScorerMetrics(layout.viewNames(), b.shadow != null, b.reasonsK > 0);
        this.timingThreshold = (1L << 32) / b.stageTimingEvery;
        this.problemLog = new RateLimitedLog(LOG, b.logIntervalNanos);
        this.current = first;
        int n = layout.views.length;
        this.maxHeartbeatAgeMillis = new long[n];
        this.maxWatermarkLagMillis = new long[n];
        this.feeds = new FeatureFeed[n];
        for (int v = 0; v < n; v++) {
            String name = layout.views[v].name();
            maxHeartbeatAgeMillis[v] = b.maxHeartbeatAgeMillis.getOrDefault(name, -1L);
            maxWatermarkLagMillis[v] = b.maxWatermarkLagMillis.getOrDefault(name, -1L);
            for (FeatureFeed f : b.feeds) {
                if (f.viewName().equals(name)) {
                    feeds[v] = f;
                }
            }
        }
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
        return new ScoreResult(layout.views.length, current.numOutputs, reasonsK);
    }

    /** @return the id of the primary model serving now */
    public String primaryModelId() {
        return current.id;
    }

    /** @return the primary model serving now */
    public Model primaryModel() {
        return current.model;
    }

    /**
     * @return the reason-code catalogue of the model serving now (a {@link ScoreResult#reasonCodeId(int)} indexes
     *     it), or an empty list when the scorer computes no reasons; unmodifiable
     */
    public List<String> reasonCodeNames() {
        ReasonCodeExplainer r = current.reasons;
        return r == null ? List.of() : r.codeNames();
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
        // A clock read costs about as much as the rest of the scorer's own work, so only a random sample of
        // requests is timed (one in stageTimingEvery); the counters below see every request.
        boolean timed = (ThreadLocalRandom.current().nextInt() & 0xFFFF_FFFFL) < timingThreshold;
        long t0 = timed ? clock.getAsLong() : 0;
        int flags = 0;
        float[] ws = request.workspace;
        FeatureSource[] views = layout.views;
        FeatureStatus[] statuses = result.statuses;
        for (int v = 0; v < views.length; v++) {
            FeatureStatus status = readView(views[v], request.entityIds[v], ws, layout.viewOffset[v]);
            statuses[v] = status;
            if (status != FeatureStatus.PRESENT) {
                flags |= ScoreResult.DEFAULTS_USED;
                if (status == FeatureStatus.STALE) {
                    flags |= ScoreResult.STALE_FEATURES;
                } else if (status == FeatureStatus.LOCK_TIMEOUT || status == FeatureStatus.UNAVAILABLE) {
                    flags |= ScoreResult.FEATURE_STORE_DEGRADED;
                }
            }
        }
        long t1 = timed && views.length > 0 ? clock.getAsLong() : t0;
        long t2;
        long t2e;
        ModelSlot slot = acquire();
        if (slot == null) {
            return closedResult(result, flags, timed, t0, t1);
        }
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
            boolean ok = scorePrimary(slot, row, result);
            if (!ok) {
                flags |= ScoreResult.FALLBACK;
            }
            t2 = timed ? clock.getAsLong() : 0;
            result.reasonCount = 0;
            boolean wanted = ok && slot.reasons != null && explainWhen.test(result.score);
            if (wanted && explain(slot, row, result)) {
                flags |= ScoreResult.EXPLAINED;
            }
            t2e = timed && wanted ? clock.getAsLong() : t2;
            // Untimed requests tell the shadow sink 0 ("not measured"): its reports skip those.
            if (shadow != null && !(ok && offerShadow(request.requestId, row, slot, result.score,
                    timed ? t2 - t1 : 0))) {
                flags |= ScoreResult.SHADOW_NOT_ACCEPTED;
            }
            result.modelId = slot.id;
            result.modelVersion = slot.version;
        } finally {
            slot.inFlight.exit();
        }
        result.flags = flags;
        if (timed) {
            long t3 = shadow != null ? clock.getAsLong() : t2e;
            result.featureNanos = t1 - t0;
            result.modelNanos = t2 - t1;
            result.explainNanos = t2e - t2;
            result.shadowNanos = t3 - t2e;
            result.totalNanos = t3 - t0;
        } else {
            result.featureNanos = result.modelNanos = result.explainNanos = result.shadowNanos = -1;
            result.totalNanos = -1;
        }
        metrics.record(statuses, flags, result.featureNanos, result.modelNanos, result.explainNanos,
                result.shadowNanos, result.totalNanos);
        return result.score;
    }

    private FeatureStatus readView(FeatureSource view, CharSequence id, float[] ws, int offset) {
        try {
            if (id == null) {
                view.fillDefaults(ws, offset);
                return FeatureStatus.NOT_FOUND;
            }
            return view.read(id, ws, offset);
        } catch (RuntimeException | InternalError e) {
            // A source broke its contract; keep the request alive with defaults. InternalError is how the JVM reports
            // a fault (SIGBUS) on a memory-mapped store whose file was truncated under it.
            problemLog.warn(clock.getAsLong(), "feature view '" + view.name() + "' threw; using defaults", e);
            try {
                view.fillDefaults(ws, offset);
            } catch (RuntimeException ignored) {
                java.util.Arrays.fill(ws, offset, offset + view.featureNames().size(), Float.NaN);
            }
            return FeatureStatus.UNAVAILABLE;
        }
    }

    private boolean scorePrimary(ModelSlot slot, float[] row, ScoreResult result) {
        try {
            if (slot.numOutputs == 1) {
                result.outputs[0] = slot.model.score(row);
            } else {
                slot.model.score(row, result.outputs);
            }
            result.score = result.outputs[0];
            return true;
        } catch (RuntimeException e) {
            result.score = fallbackScore;
            problemLog.warn(clock.getAsLong(), "primary model '" + slot.id + "' failed to score; answered with the"
                    + " fallback score " + fallbackScore, e);
            return false;
        }
    }

    /** Computes the request's top reasons into {@code result}; false (logged, no reasons) if the explainer threw. */
    private boolean explain(ModelSlot slot, float[] row, ScoreResult result) {
        try {
            ReasonCodeExplainer reasons = slot.reasons;
            TopReasons top = result.top;
            if (result.topOwner != reasons) {
                // Once per thread, and again after a swap: the working memory is sized for the model's trees.
                top = result.top = reasons.newResult(reasonsK);
                result.topOwner = reasons;
            }
            int n = reasons.explain(row, top);
            for (int i = 0; i < n; i++) {
                result.reasonIds[i] = top.codeId(i);
                result.reasonNames[i] = top.code(i);
                result.reasonContributions[i] = (float) top.contribution(i);
            }
            result.reasonCount = n;
            return true;
        } catch (RuntimeException e) {
            problemLog.warn(clock.getAsLong(), "explaining a request of model '" + slot.id + "' failed; answered"
                    + " without reasons", e);
            return false;
        }
    }

    private boolean offerShadow(long requestId, float[] row, ModelSlot slot, float score, long modelNanos) {
        try {
            return shadow.offer(requestId, row, slot.numFeatures, score, slot.shadowId,
                    (int) Math.min(modelNanos, Integer.MAX_VALUE)) == ShadowSink.ACCEPTED;
        } catch (RuntimeException e) {
            problemLog.warn(clock.getAsLong(), "shadow sink threw on offer; request not shadowed", e);
            return false;
        }
    }

    /** @return the serving slot, entered; {@code null} once the scorer is closed */
    private ModelSlot acquire() {
        ModelSlot s = current;
        while (!s.inFlight.tryEnter()) {
            // A swap publishes the replacement before it closes the old guard, so a closed guard on the slot that is
            // still current means the scorer itself was closed.
            ModelSlot next = current;
            if (next == s) {
                return null;
            }
            s = next;
        }
        return s;
    }

    /** A request after {@link #close()}: the fallback score, flagged, without touching the closed model. */
    private float closedResult(ScoreResult result, int flags, boolean timed, long t0, long t1) {
        problemLog.warn(clock.getAsLong(), "scorer is closed; answered with the fallback score", null);
        result.score = fallbackScore;
        result.ensureOutputs(1);
        result.outputs[0] = fallbackScore;
        result.flags = flags | ScoreResult.FALLBACK | (shadow != null ? ScoreResult.SHADOW_NOT_ACCEPTED : 0);
        result.featureNanos = timed ? t1 - t0 : -1;
        result.modelNanos = timed ? 0 : -1;
        result.explainNanos = timed ? 0 : -1;
        result.shadowNanos = timed ? 0 : -1;
        result.totalNanos = timed ? t1 - t0 : -1;
        result.reasonCount = 0;
        metrics.record(result.statuses, result.flags, result.featureNanos, result.modelNanos, result.explainNanos,
                result.shadowNanos, result.totalNanos);
        return fallbackScore;
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
     * Promotes a shadow model to primary in one call: the shadow (by name, from the configured
     * {@link ShadowControl}) must bind and pass the parity gate; it then serves, and the previous primary becomes a
     * shadow under its own id.
     *
     * @param shadowId the shadow to promote
     * @return what happened
     * @throws SwapRefusedException if the shadow does not exist, does not bind or fails the parity gate
     */
    public SwapReport promoteShadow(String shadowId) {
        if (shadowControl == null) {
            throw new SwapRefusedException("no shadow evaluation is configured, nothing to promote", null);
        }
        synchronized (this) {
            Model candidate = shadowControl.shadowModels().get(shadowId);
            if (candidate == null) {
                throw new SwapRefusedException("no shadow model '" + shadowId + "'; shadows: "
                        + shadowControl.shadowModels().keySet(), null);
            }
            ModelSlot previous = current;
            SwapReport report = swap(shadowId, candidate, false, false);
            shadowControl.replaceShadow(shadowId, previous.id, previous.model);
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
        ReasonCodeExplainer reasons;
        try {
            reasons = explainer(reasonsK, reasonCodes, modelId, candidate);
        } catch (ConfigurationException e) {
            metrics.swap(false);
            throw new SwapRefusedException("swap to '" + modelId + "' refused: " + e.getMessage(), e);
        }
        ModelSlot next = new ModelSlot(modelId, resolveShadowId(shadowControl, modelId, candidate, old.version + 1),
                candidate, binding, old.version + 1, ownNew,
                goldenRows != null ? ScorerHealth.Parity.PASSED : ScorerHealth.Parity.NOT_CONFIGURED, reasons);
        current = next;
        long drained = retire(old, closeOld && old.closeWhenRetired);
        metrics.swap(true);
        LOG.info("primary model swapped: '{}' (v{}) -> '{}' (v{}), {} golden rows checked, drained in {} us",
                old.id, old.version, modelId, next.version, checked, drained / 1000);
        return new SwapReport(old.id, modelId, next.version, checked, drained);
    }

    /**
     * The model's own reason-code explainer (load-time work: TreeSHAP tables for every tree), or {@code null} when
     * the scorer computes no reasons.
     *
     * @throws ConfigurationException naming the model if it cannot be explained or lacks a feature the codes name
     */
    private static ReasonCodeExplainer explainer(int k, ReasonCodes codes, String modelId, Model model) {
        if (k == 0) {
            return null;
        }
        try {
            return dev.hotpath.scoring.explain.TreeExplainer.of(model).reasons(codes);
        } catch (ExplanationNotSupportedException | ConfigurationException e) {
            throw new ConfigurationException("reasons are on (Scorer.Builder.reasons), but model '" + modelId
                    + "' cannot give them: " + e.getMessage(), e);
        }
    }

    /** The model's shadow identity, resolved once per model (at build and swap), never per request. */
    private static int resolveShadowId(ShadowControl control, String modelId, Model model, long version) {
        if (control == null) {
            return -1;
        }
        try {
            return control.resolvePrimary(modelId, model, version);
        } catch (RuntimeException e) {
            LOG.warn("shadow evaluation could not register primary model '{}'; its requests are not shadowed",
                    modelId, e);
            return -1;
        }
    }

    /**
     * Closes {@code old}'s guard (it must no longer be current), waits for requests in flight on it to finish, then
     * closes its model if asked.
     */
    private long retire(ModelSlot old, boolean close) {
        long start = System.nanoTime();
        old.inFlight.close();
        if (!old.inFlight.awaitDrained(drainTimeoutNanos)) {
            LOG.warn("requests still in flight on '{}' after {} ms; closing it in the background once they"
                    + " finish", old.id, TimeUnit.NANOSECONDS.toMillis(drainTimeoutNanos));
            Thread closer = new Thread(() -> {
                while (!old.inFlight.awaitDrained(TimeUnit.SECONDS.toNanos(1))) {
                    Thread.onSpinWait();
                }
                closeQuietly(old, close);
            }, "hotpath-model-closer");
            closer.setDaemon(true);
            closer.start();
            return System.nanoTime() - start;
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

    /**
     * Readiness, for a service's readiness probe. Ready when all of these hold:
     * <ol>
     *   <li>the scorer is open, so a primary model is loaded and serving (it passed its {@link ScorerHealth#parity()
     *       parity check} before it served: {@link Builder#startupCheck} at build, {@link Builder#parityGate} on
     *       every swap; a model that fails never serves);</li>
     *   <li>every view serves data ({@link FeatureSource#health()}: e.g. not a schema mismatch, not closed);</li>
     *   <li>every view with a {@link Builder#maxHeartbeatAge} bound has a known heartbeat within it, and every view
     *       with a {@link Builder#maxWatermarkLag} bound a known watermark within it;</li>
     *   <li>every view fed by a {@link FeatureFeed} (attached with {@link Builder#feed}, or reported by the view)
     *       has a live feed.</li>
     * </ol>
     * Cold: asks every view and feed (a feature-cache reader reads its meta record, bounded); allocates; never
     * throws (a view or feed that throws reads as not ready).
     *
     * @return the verdict, the state behind it and one line per problem
     */
    public ScorerHealth health() {
        ModelSlot slot = current;
        List<String> problems = new ArrayList<>();
        if (closed) {
            problems.add("the scorer is closed");
        }
        List<ScorerHealth.View> views = new ArrayList<>();
        for (int v = 0; v < layout.views.length; v++) {
            String name = layout.views[v].name();
            ViewHealth h;
            try {
                h = Objects.requireNonNull(layout.views[v].health(), "health() returned null");
            } catch (RuntimeException e) {
                h = new ViewHealth(name, false, "its health check failed: " + e, -1, -1, null);
            }
            FeedHealth feed = h.feed();
            if (feeds[v] != null) {
                try {
                    feed = Objects.requireNonNull(feeds[v].feedHealth(), "feedHealth() returned null");
                } catch (RuntimeException e) {
                    feed = new FeedHealth(feeds[v].getClass().getSimpleName(), "UNKNOWN", false, -1, -1,
                            "its health check failed: " + e);
                }
            }
            int before = problems.size();
            if (!h.serving()) {
                problems.add("view " + name + " does not serve: " + h.problem());
            }
            checkBound(problems, name, "heartbeat age", h.heartbeatAgeMillis(), maxHeartbeatAgeMillis[v]);
            checkBound(problems, name, "watermark lag", h.watermarkLagMillis(), maxWatermarkLagMillis[v]);
            if (feed != null && !feed.live()) {
                problems.add("view " + name + ": feed " + feed.source() + " is not live (" + feed.state() + "): "
                        + feed.problem());
            }
            views.add(new ScorerHealth.View(h, feed, maxHeartbeatAgeMillis[v], maxWatermarkLagMillis[v],
                    problems.size() == before));
        }
        return new ScorerHealth(problems.isEmpty(), slot.id, slot.version, slot.parity, views, problems);
    }

    private static void checkBound(List<String> problems, String view, String what, long millis, long max) {
        if (max < 0) {
            return;
        }
        if (millis < 0) {
            problems.add("view " + view + ": " + what + " unknown (bound " + max + " ms)");
        } else if (millis > max) {
            problems.add("view " + view + ": " + what + " " + millis + " ms exceeds " + max + " ms");
        }
    }

    /**
     * @return the metrics since the scorer was built: exact counters and the timed requests' latency histograms;
     *     allocates, call from a reporting thread ({@link MetricsSnapshot#since} for an interval)
     */
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
        private ShadowControl shadow;
        private float fallbackScore = Float.NaN;
        private GoldenRows goldenRows;
        private LongSupplier clock = System::nanoTime;
        private long drainTimeoutNanos = TimeUnit.SECONDS.toNanos(10);
        private long logIntervalNanos = TimeUnit.SECONDS.toNanos(10);
        private int stageTimingEvery = 16;
        private GoldenRows startupCheck;
        private final Map<String, Long> maxHeartbeatAgeMillis = new HashMap<>();
        private final Map<String, Long> maxWatermarkLagMillis = new HashMap<>();
        private final List<FeatureFeed> feeds = new ArrayList<>();
        private int reasonsK;
        private ExplainWhen explainWhen = ExplainWhen.always();
        private ReasonCodes reasonCodes;

        private Builder() {
        }

        /**
         * Turns reason codes on: the requests {@code when} selects get the top {@code k} reason codes of the primary
         * model in their {@link ScoreResult} ({@link ScoreResult#reasonCode(int)}, {@link ScoreResult#EXPLAINED}),
         * computed on the request thread with exact TreeSHAP. The codes are {@link #reasonCodes(ReasonCodes)}'s
         * ({@link ReasonCodes#perFeature()} by default). Every primary model, at build and at each swap, must be a
         * tree ensemble with node covers that has every feature the codes name; otherwise it is refused.
         *
         * <p>Cost: about the time of one TreeSHAP pass over the trees of the explained class per explained request
         * (see {@code BENCHMARKS.md}), so gate it with a threshold when most requests need no reasons.
         *
         * @param k the most codes per request, 1 to 64
         * @param when which requests to explain, e.g. {@link ExplainWhen#scoreAtLeast(float)} at the decline
         *     threshold, or {@link ExplainWhen#always()}
         * @return this builder
         * @throws ConfigurationException if {@code k} is out of range
         */
        public Builder reasons(int k, ExplainWhen when) {
            if (k < 1 || k > 64) {
                throw new ConfigurationException("reasons(k, when): k must be 1 to 64, got " + k);
            }
            this.explainWhen = Objects.requireNonNull(when, "when");
            this.reasonsK = k;
            return this;
        }

        /**
         * @param codes how features become reason codes (grouping, exclusions, risk direction, output group);
         *     checked against every primary model's features at build and swap; needs {@link #reasons(int,
         *     ExplainWhen)}
         * @return this builder
         */
        public Builder reasonCodes(ReasonCodes codes) {
            this.reasonCodes = Objects.requireNonNull(codes, "codes");
            return this;
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
         * @param shadows shadow evaluation (optional): scored requests are offered to its {@link ShadowSink}, and
         *     {@link Scorer#promoteShadow} promotes its shadows; e.g. shadow-eval's {@code ShadowEvaluator}
         * @return this builder
         */
        public Builder shadow(ShadowControl shadows) {
            this.shadow = Objects.requireNonNull(shadows, "shadows");
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
         * Golden rows the primary given to {@link #primary} must reproduce before the scorer is built: a start-up
         * self-test (e.g. the training library's own predictions, exported with the model). Swap candidates are
         * checked by {@link #parityGate} instead.
         *
         * @param expected golden rows with expected outputs ({@link GoldenRows#expectOutputs})
         * @return this builder
         * @throws ConfigurationException if the rows have no expected outputs
         */
        public Builder startupCheck(GoldenRows expected) {
            Objects.requireNonNull(expected, "expected");
            if (!expected.hasExpectedOutputs()) {
                throw new ConfigurationException("startupCheck needs golden rows with expected outputs"
                        + " (GoldenRows.expectOutputs): there is no serving model to agree with yet");
            }
            this.startupCheck = expected;
            return this;
        }

        /**
         * Readiness bound: {@link Scorer#health()} is not ready while the view's writer heartbeat is older than
         * {@code max}, or unknown. Use it for views a live writer keeps updating (a pipeline, a Kafka follower); a
         * view loaded once a day has no heartbeat.
         *
         * @param view a view of this scorer
         * @param max the oldest acceptable heartbeat
         * @return this builder
         */
        public Builder maxHeartbeatAge(String view, Duration max) {
            maxHeartbeatAgeMillis.put(requireName(view, "view name"), positiveMillis(max, "maxHeartbeatAge"));
            return this;
        }

        /**
         * Readiness bound: {@link Scorer#health()} is not ready while now minus the view's event-time watermark
         * (every older update applied) exceeds {@code max}, or the watermark is unknown.
         *
         * @param view a view of this scorer
         * @param max the largest acceptable lag
         * @return this builder
         */
        public Builder maxWatermarkLag(String view, Duration max) {
            maxWatermarkLagMillis.put(requireName(view, "view name"), positiveMillis(max, "maxWatermarkLag"));
            return this;
        }

        /**
         * Attaches what keeps a view fresh in this process (e.g. a Kafka follower): {@link Scorer#health()} is not
         * ready while it is not live. One feed per view.
         *
         * @param feed the feed; {@link FeatureFeed#viewName()} must name a view of this scorer
         * @return this builder
         */
        public Builder feed(FeatureFeed feed) {
            Objects.requireNonNull(feed, "feed");
            requireName(feed.viewName(), "feed view name");
            feeds.add(feed);
            return this;
        }

        private static long positiveMillis(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new ConfigurationException(what + " must be positive, was " + d);
            }
            return d.toMillis();
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
         * How many requests per timed one. A timed request reads the clock once per stage (feature reads, model,
         * shadow offer), which on common virtual machines costs 20 to 40 ns a read, as much as the rest of the
         * scorer's own work; the others read no clock. Which requests are timed is random (no aliasing with
         * periodic traffic), so the latency histograms of {@link Scorer#metrics()} are an unbiased sample, and the
         * counters count every request either way.
         *
         * @param n one request in {@code n} is timed (default 16); 1 times every request, e.g. when each
         *     {@link ScoreResult}'s timings are logged
         * @return this builder
         */
        public Builder stageTimingEvery(int n) {
            if (n < 1) {
                throw new ConfigurationException("stageTimingEvery must be >= 1 (1 = every request), was " + n);
            }
            this.stageTimingEvery = n;
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
            List<String> viewNames = layout.viewNames();
            for (String v : maxHeartbeatAgeMillis.keySet()) {
                requireView(viewNames, v, "maxHeartbeatAge");
            }
            for (String v : maxWatermarkLagMillis.keySet()) {
                requireView(viewNames, v, "maxWatermarkLag");
            }
            Set<String> fed = new HashSet<>();
            for (FeatureFeed f : feeds) {
                requireView(viewNames, f.viewName(), "feed");
                if (!fed.add(f.viewName())) {
                    throw new ConfigurationException("two feeds for view '" + f.viewName() + "'; attach one per view");
                }
            }
            if (reasonCodes != null && reasonsK == 0) {
                throw new ConfigurationException("reasonCodes(...) is set but reasons are off: call reasons(k, when)"
                        + " to compute them");
            }
            if (reasonsK > 0 && reasonCodes == null) {
                reasonCodes = ReasonCodes.perFeature();
            }
            ReasonCodeExplainer reasons = explainer(reasonsK, reasonCodes, primaryId, primary);
            ScorerHealth.Parity parity = ScorerHealth.Parity.NOT_CONFIGURED;
            if (startupCheck != null) {
                String failure;
                try {
                    failure = startupCheck.check(primary, primary);
                } catch (RuntimeException e) {
                    failure = "scoring the golden rows failed: " + e;
                }
                if (failure != null) {
                    throw new ConfigurationException("primary model '" + primaryId + "' failed its startup check: "
                            + failure);
                }
                parity = ScorerHealth.Parity.PASSED;
            } else if (goldenRows != null) {
                parity = ScorerHealth.Parity.NOT_CHECKED;
            }
            return new Scorer(this, layout, new ModelSlot(primaryId, resolveShadowId(shadow, primaryId, primary, 1),
                    primary, binding, 1, true, parity, reasons));
        }

        private static void requireView(List<String> viewNames, String view, String setting) {
            if (!viewNames.contains(view)) {
                throw new ConfigurationException(setting + " names view '" + view + "', which the scorer does not"
                        + " have; views: " + viewNames);
            }
        }

        private static String requireName(String name, String what) {
            if (name == null || name.isBlank()) {
                throw new ConfigurationException(what + " must be non-empty");
            }
            return name;
        }
    }
}
