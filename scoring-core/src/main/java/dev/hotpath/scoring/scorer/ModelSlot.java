package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.concurrent.InFlightGuard;
import dev.hotpath.scoring.explain.ReasonCodeExplainer;

/**
 * The primary model currently serving, with its resolved binding and the guard that lets a swap close the model only
 * after every request that started on this slot has finished.
 *
 * <p>Protocol: a request enters {@link #inFlight}; if the guard is closed, the slot was retired and the scorer's
 * current slot is already its replacement, so the request retries there. A swap first publishes the new slot, then
 * closes the old guard and waits for it to drain: once drained, no request can still use (or start using) the model.
 *
 * <p>The reason-code explainer belongs to the slot, not to the scorer: it is built from this model's trees when the
 * model is built or swapped in, so a request always explains the model that scored it.
 */
final class ModelSlot {
    final String id;
    /** The model's shadow id ({@link ShadowControl#resolvePrimary}), resolved once per model; -1 without shadows. */
    final int shadowId;
    final Model model;
    final int[] binding;     // model feature i reads workspace[binding[i]]
    final long version;
    final int numFeatures;
    final int numOutputs;
    final boolean closeWhenRetired;
    /** Which golden-row check this model passed before it served. */
    final ScorerHealth.Parity parity;
    /** This model's reason-code explainer, or {@code null} when the scorer computes no reasons. */
    final ReasonCodeExplainer reasons;
    final InFlightGuard inFlight = new InFlightGuard();

    ModelSlot(String id, int shadowId, Model model, int[] binding, long version, boolean closeWhenRetired,
              ScorerHealth.Parity parity, ReasonCodeExplainer reasons) {
        this.id = id;
        this.shadowId = shadowId;
        this.model = model;
        this.binding = binding;
        this.version = version;
        this.numFeatures = model.numFeatures();
        this.numOutputs = model.numOutputs();
        this.closeWhenRetired = closeWhenRetired;
        this.parity = parity;
        this.reasons = reasons;
    }
}
