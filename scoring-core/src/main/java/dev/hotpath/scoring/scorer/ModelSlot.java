package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.concurrent.InFlightGuard;

/**
 * The primary model currently serving, with its resolved binding and the guard that lets a swap close the model only
 * after every request that started on this slot has finished.
 *
 * <p>Protocol: a request enters {@link #inFlight}; if the guard is closed, the slot was retired and the scorer's
 * current slot is already its replacement, so the request retries there. A swap first publishes the new slot, then
 * closes the old guard and waits for it to drain: once drained, no request can still use (or start using) the model.
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
    final InFlightGuard inFlight = new InFlightGuard();

    ModelSlot(String id, int shadowId, Model model, int[] binding, long version, boolean closeWhenRetired,
              ScorerHealth.Parity parity) {
        this.id = id;
        this.shadowId = shadowId;
        this.model = model;
        this.binding = binding;
        this.version = version;
        this.numFeatures = model.numFeatures();
        this.numOutputs = model.numOutputs();
        this.closeWhenRetired = closeWhenRetired;
        this.parity = parity;
    }
}
