package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.Model;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The primary model currently serving, with its resolved binding and an in-flight counter that lets a swap wait
 * until every request that started on this slot has finished before the model is closed.
 *
 * <p>Protocol: a request increments {@link #inFlight}, then re-reads the scorer's current slot; if it changed, it
 * backs out and retries on the new one. A swap first publishes the new slot, then waits for the old counter to reach
 * zero. So once the counter is seen at zero after the swap, no request can still use (or start using) the model.
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
    final AtomicLong inFlight = new AtomicLong();

    ModelSlot(String id, int shadowId, Model model, int[] binding, long version, boolean closeWhenRetired) {
        this.id = id;
        this.shadowId = shadowId;
        this.model = model;
        this.binding = binding;
        this.version = version;
        this.numFeatures = model.numFeatures();
        this.numOutputs = model.numOutputs();
        this.closeWhenRetired = closeWhenRetired;
    }
}
