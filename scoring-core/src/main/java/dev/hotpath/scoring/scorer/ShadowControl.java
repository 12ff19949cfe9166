package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.Model;
import java.util.Map;

/**
 * The cold half of shadow evaluation, as the {@link Scorer} uses it: the {@link ShadowSink} offers go to, the
 * shadow identity of each primary model, and the shadows themselves for {@link Scorer#promoteShadow}. shadow-eval's
 * {@code ShadowEvaluator} implements it; pass it to {@link Scorer.Builder#shadow(ShadowControl)}.
 *
 * <p><b>Identity:</b> shadow logs name models by a small number. The scorer calls {@link #resolvePrimary} once
 * when it is built and once per swap, with the model id it was given (e.g. {@code fraud-v7}); the number returned
 * travels with every offer of that model. Shadows are identified by their configured names, which
 * {@link #shadowModels()} lists.
 *
 * <p><b>Contract for implementations:</b> every method is cold (build, swap and promotion time) and thread-safe.
 */
public interface ShadowControl {

    /** @return where scored requests are offered; the same instance every time */
    ShadowSink sink();

    /**
     * The shadow id of a primary model, registering the name (cold, once) when it is new.
     *
     * @param modelId the primary's id as the scorer knows it
     * @param model the primary model (its metadata may be recorded)
     * @param version the scorer's model version counter (1 at build, +1 per swap)
     * @return the id to pass to {@link ShadowSink#offer}, or -1 if the model cannot be registered (its offers are
     *     then refused and counted by the sink)
     */
    int resolvePrimary(String modelId, Model model, long version);

    /** @return the shadow models by name (a snapshot) */
    Map<String, Model> shadowModels();

    /**
     * Replaces the shadow named {@code id} by {@code model} named {@code newId}: used when a shadow is promoted and
     * the old primary becomes a shadow.
     *
     * @param id the shadow to remove
     * @param newId the name for the replacement
     * @param model the replacement shadow model
     */
    void replaceShadow(String id, String newId, Model model);
}
