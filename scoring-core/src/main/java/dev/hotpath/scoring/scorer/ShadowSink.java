package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.Model;
import java.util.Map;

/**
 * Where the {@link Scorer} hands each scored request for shadow (candidate) evaluation off the request thread. The
 * shadow-eval module's publisher implements it.
 *
 * <p><b>Contract for implementations:</b> {@link #offer} is called from many request threads; it must be
 * thread-safe and must never block, throw or allocate (when its queue is full it drops and counts). The other
 * methods are cold and used only for promotion.
 */
public interface ShadowSink {

    /**
     * Offers one request's assembled model input and primary result.
     *
     * @param requestId the caller's request id (used for deterministic sampling and joins)
     * @param features the primary model's input row, in the primary model's feature order
     * @param nFeatures how many values of {@code features} to capture
     * @param primaryScore the primary model's first output
     * @param primaryModelId the primary model's id (as given to the scorer)
     * @param primaryVersion the scorer's model version counter (changes on every swap)
     * @param primaryLatencyNanos how long the primary model took to score this request, or 0 when the scorer did
     *     not time it (it times a random sample, see {@link Scorer.Builder#stageTimingEvery(int)})
     * @return {@code true} if the request was accepted for shadow scoring (sampled in and queued)
     */
    boolean offer(long requestId, float[] features, int nFeatures, float primaryScore, String primaryModelId,
                  long primaryVersion, int primaryLatencyNanos);

    /** @return the shadow models by id, for promotion; cold */
    Map<String, Model> shadowModels();

    /**
     * Replaces the shadow registered as {@code id} by {@code model} registered as {@code newId} (used when a shadow
     * is promoted and the old primary becomes a shadow); cold.
     *
     * @param id the shadow to remove
     * @param newId the id for the replacement
     * @param model the replacement shadow model
     */
    void replaceShadow(String id, String newId, Model model);
}
