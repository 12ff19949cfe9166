package dev.hotpath.scoring.scorer;

import java.util.Arrays;

/**
 * One request's inputs: entity ids per feature view and request-time feature values. A reusable flyweight: create
 * one per thread with {@link Scorer#newRequest()}, fill it, call {@link Scorer#score(ScoreRequest, ScoreResult)},
 * then {@link #clear()} (or overwrite) for the next request.
 *
 * <p><b>Not thread-safe:</b> confine each instance to one thread. <b>Allocation:</b> none; ids are kept as the
 * caller's {@link CharSequence} references (a reused {@code StringBuilder} works) and must not change until
 * {@code score} returns.
 */
public final class ScoreRequest {
    final Scorer scorer;
    final CharSequence[] entityIds;
    /** [view features ...][request fields][constants]: the inputs every binding indexes into. */
    final float[] workspace;
    private final int requestStart;
    private final int requestEnd;
    long requestId;
    float[] row;

    ScoreRequest(Scorer scorer, int views, float[] workspaceTemplate, int requestStart, int requestEnd, int rowSize) {
        this.scorer = scorer;
        this.entityIds = new CharSequence[views];
        this.workspace = workspaceTemplate.clone();
        this.requestStart = requestStart;
        this.requestEnd = requestEnd;
        this.row = new float[rowSize];
    }

    /**
     * @param requestId the caller's id for this request (used for shadow sampling and log joins)
     * @return this request
     */
    public ScoreRequest requestId(long requestId) {
        this.requestId = requestId;
        return this;
    }

    /**
     * @param key which feature view
     * @param id the entity's id in that view, or {@code null} for none (the view's defaults are used)
     * @return this request
     */
    public ScoreRequest entity(EntityKey key, CharSequence id) {
        entityIds[key.viewIndex] = id;
        return this;
    }

    /**
     * @param field which request-time feature
     * @param value its value; {@code NaN} means missing
     * @return this request
     */
    public ScoreRequest set(RequestField field, float value) {
        workspace[field.workspaceIndex] = value;
        return this;
    }

    /**
     * Resets ids to {@code null}, request-time values to {@code NaN} (missing) and the request id to 0.
     *
     * @return this request
     */
    public ScoreRequest clear() {
        Arrays.fill(entityIds, null);
        Arrays.fill(workspace, requestStart, requestEnd, Float.NaN);
        requestId = 0;
        return this;
    }

    /** @return the request id last set */
    public long requestId() {
        return requestId;
    }
}
