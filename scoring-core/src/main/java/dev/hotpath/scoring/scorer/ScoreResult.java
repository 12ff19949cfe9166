package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.explain.ReasonCodeExplainer;
import dev.hotpath.scoring.explain.TopReasons;
import java.util.Arrays;

/**
 * What {@link Scorer#score(ScoreRequest, ScoreResult)} produced for one request: the primary model's outputs, which
 * model version produced them, each feature view's status, reason flags and, when the request was timed, per-stage
 * timings. A reusable flyweight: create one per thread with {@link Scorer#newResult()}.
 *
 * <p><b>Reasons</b> (when the scorer was built with {@link Scorer.Builder#reasons(int, ExplainWhen)} and the request
 * qualified, {@link #EXPLAINED}): up to k reason codes, most important first, each with its contribution to the
 * primary model's margin. {@link #reasonCode(int)} returns the code's name as the scorer holds it (the same
 * {@code String} instance for every request, no copy); {@link #reasonCodeId(int)} its index in the serving model's
 * code catalogue.
 *
 * <p><b>Timings</b> are measured on one request in {@link Scorer.Builder#stageTimingEvery(int) n} (random; every
 * request with {@code n = 1}) and are {@code -1} on the others ({@link #timed()} says which).
 *
 * <p><b>Not thread-safe:</b> confine each instance to one thread. <b>Allocation:</b> none.
 */
public final class ScoreResult {
    /** At least one feature view returned defaults (any status but PRESENT). */
    public static final int DEFAULTS_USED = 1;
    /** At least one view returned {@link FeatureStatus#STALE}. */
    public static final int STALE_FEATURES = 1 << 1;
    /** The model could not score; {@link #score()} is the configured fallback score. */
    public static final int FALLBACK = 1 << 2;
    /** A shadow sink is configured and did not accept this request (sampled out, or dropped because full). */
    public static final int SHADOW_NOT_ACCEPTED = 1 << 3;
    /** At least one view returned {@link FeatureStatus#LOCK_TIMEOUT} or {@link FeatureStatus#UNAVAILABLE}. */
    public static final int FEATURE_STORE_DEGRADED = 1 << 4;
    /** Reasons were computed for this request ({@link #reasonCount()} may still be 0 if no code qualified). */
    public static final int EXPLAINED = 1 << 5;

    float score;
    float[] outputs;
    int numOutputs;
    String modelId;
    long modelVersion;
    final FeatureStatus[] statuses;
    int flags;
    long featureNanos;
    long modelNanos;
    long explainNanos;
    long shadowNanos;
    long totalNanos;
    /** The reasons of the last request: ids, names and contributions of {@link #reasonCount} codes. */
    final int[] reasonIds;
    final String[] reasonNames;
    final float[] reasonContributions;
    int reasonCount;
    /** Working memory of the explainer that filled it last; replaced once per thread after a swap. */
    TopReasons top;
    ReasonCodeExplainer topOwner;

    ScoreResult(int views, int outputs, int reasons) {
        this.statuses = new FeatureStatus[views];
        this.outputs = new float[Math.max(1, outputs)];
        this.reasonIds = new int[reasons];
        this.reasonNames = new String[reasons];
        this.reasonContributions = new float[reasons];
    }

    /** @return the primary model's first output, or the fallback score when {@link #FALLBACK} is set */
    public float score() {
        return score;
    }

    /** @return how many values {@link #output(int)} holds */
    public int numOutputs() {
        return numOutputs;
    }

    /**
     * @param i output index, {@code < numOutputs()}
     * @return the primary model's i-th output
     */
    public float output(int i) {
        if (i >= numOutputs) {
            throw new IndexOutOfBoundsException("output " + i + " of " + numOutputs);
        }
        return outputs[i];
    }

    /** @return the id of the primary model that produced this result */
    public String modelId() {
        return modelId;
    }

    /** @return the scorer's model version (incremented on every swap) that produced this result */
    public long modelVersion() {
        return modelVersion;
    }

    /**
     * @param viewIndex index of the feature view, in the order the views were added to the builder
     * @return that view's read status for this request
     */
    public FeatureStatus status(int viewIndex) {
        return statuses[viewIndex];
    }

    /**
     * @param key the view's entity key
     * @return that view's read status for this request
     */
    public FeatureStatus status(EntityKey key) {
        return statuses[key.viewIndex];
    }

    /** @return the reason flags ({@link #DEFAULTS_USED}, {@link #FALLBACK}, …) as a bit set */
    public int flags() {
        return flags;
    }

    /**
     * @param flag one of the flag constants
     * @return whether it is set
     */
    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    /**
     * @return how many reason codes this request has: 0 when it was not explained (see {@link #EXPLAINED}) or no
     *     code moved the margin in the risk direction, at most the scorer's k
     */
    public int reasonCount() {
        return reasonCount;
    }

    /**
     * @param i rank, {@code < reasonCount()}, 0 = most important
     * @return the reason code, e.g. {@code VELOCITY} (an interned instance: compare by {@link #reasonCodeId} or
     *     {@code equals}, never copy per request)
     */
    public String reasonCode(int i) {
        checkReason(i);
        return reasonNames[i];
    }

    /**
     * @param i rank, {@code < reasonCount()}
     * @return the code's index in the serving model's code catalogue ({@link Scorer#reasonCodeNames()} of the
     *     {@link #modelVersion()} that produced this result); stable for a model
     */
    public int reasonCodeId(int i) {
        checkReason(i);
        return reasonIds[i];
    }

    /**
     * @param i rank, {@code < reasonCount()}
     * @return the code's contribution to the primary model's margin (the sum of its features' exact TreeSHAP
     *     values), with its sign
     */
    public float reasonContribution(int i) {
        checkReason(i);
        return reasonContributions[i];
    }

    private void checkReason(int i) {
        if (i < 0 || i >= reasonCount) {
            throw new IndexOutOfBoundsException("reason " + i + " of " + reasonCount);
        }
    }

    /** @return whether this request was timed; when not, every {@code *Nanos()} is {@code -1} */
    public boolean timed() {
        return totalNanos >= 0;
    }

    /** @return nanoseconds spent reading feature views (0 without views), or -1 when the request was not timed */
    public long featureNanos() {
        return featureNanos;
    }

    /** @return nanoseconds spent in the primary model, or -1 when the request was not timed */
    public long modelNanos() {
        return modelNanos;
    }

    /**
     * @return nanoseconds spent computing reasons (0 when the request was not explained), or -1 when not timed
     */
    public long explainNanos() {
        return explainNanos;
    }

    /** @return nanoseconds spent offering to the shadow sink (0 without one), or -1 when not timed */
    public long shadowNanos() {
        return shadowNanos;
    }

    /** @return nanoseconds for the whole {@code score} call, or -1 when the request was not timed */
    public long totalNanos() {
        return totalNanos;
    }

    void ensureOutputs(int n) {
        if (outputs.length < n) {
            outputs = new float[n]; // only after a swap to a model with more outputs
        }
        numOutputs = n;
    }

    @Override
    public String toString() {
        return "ScoreResult[score=" + score + ", model=" + modelId + "#" + modelVersion + ", statuses="
                + Arrays.toString(statuses) + ", flags=" + flags + ", reasons="
                + Arrays.toString(Arrays.copyOf(reasonNames, reasonCount)) + ", totalNanos=" + totalNanos + "]";
    }
}
