package dev.hotpath.scoring.scorer;

/**
 * The hot half of shadow evaluation: where the {@link Scorer} hands each scored request for shadow (candidate)
 * evaluation off the request thread. shadow-eval's {@code ShadowPublisher} implements it; obtain it with
 * {@link ShadowControl#sink()}.
 *
 * <p>The primary model is identified by a small number, its <em>shadow id</em>, which the scorer resolves once per
 * model with {@link ShadowControl#resolvePrimary} when the model is built or swapped in, and keeps with the model;
 * nothing is looked up per request.
 *
 * <p><b>Contract for implementations:</b> {@link #offer} is called from many request threads; it must be
 * thread-safe and must never block, throw or allocate (when its queue is full it drops and counts).
 */
public interface ShadowSink {
    /** The {@link #offer} result of an accepted request (sampled in and queued); any other value means not. */
    int ACCEPTED = 0;

    /**
     * Offers one request's assembled model input and primary result.
     *
     * @param requestId the caller's request id (used for deterministic sampling and joins)
     * @param features the primary model's input row, in the primary model's feature order; read, not kept
     * @param nFeatures how many values of {@code features} to capture
     * @param primaryScore the primary model's first output
     * @param primaryModelId the primary's shadow id, as {@link ShadowControl#resolvePrimary} returned it
     * @param primaryLatencyNanos how long the primary model took to score this request, or 0 when the scorer did
     *     not time it (it times a random sample, see {@link Scorer.Builder#stageTimingEvery(int)})
     * @return {@link #ACCEPTED}, or an implementation's code saying why not (sampled out, queue full, …)
     */
    int offer(long requestId, float[] features, int nFeatures, float primaryScore, int primaryModelId,
              int primaryLatencyNanos);
}
