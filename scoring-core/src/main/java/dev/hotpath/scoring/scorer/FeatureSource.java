package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.FeatureType;
import java.util.List;

/**
 * A feature view the {@link Scorer} reads on every request: a fixed, ordered list of float features per entity,
 * looked up by the entity's id (card, merchant, device…). The feature-cache module's readers implement it; so can
 * any in-process store.
 *
 * <p><b>Contract for implementations:</b> {@link #read} is called concurrently from many request threads; it must be
 * thread-safe, must not block beyond a small bound, must not throw for any id, and must not allocate. Whenever it
 * returns anything but {@link FeatureStatus#PRESENT} it must have written the view's defaults.
 */
public interface FeatureSource {

    /** @return the view's name, used in bindings as {@code name.feature}; unique within a scorer */
    String name();

    /** @return the view's feature names in storage order; unmodifiable */
    List<String> featureNames();

    /**
     * @return the view's feature types in storage order, or {@code null} when the view does not declare types (then
     *     no type checks are made when binding)
     */
    default List<FeatureType> featureTypes() {
        return null;
    }

    /**
     * Copies the entity's features into {@code dst[offset .. offset + featureNames().size())}.
     *
     * @param entityId the entity's id; never {@code null}
     * @param dst destination array (the scorer's per-request workspace)
     * @param offset first index to write
     * @return what happened; defaults have been written unless {@link FeatureStatus#PRESENT}
     */
    FeatureStatus read(CharSequence entityId, float[] dst, int offset);

    /**
     * Writes the view's default values (used when a request carries no id for this view).
     *
     * @param dst destination array
     * @param offset first index to write
     */
    void fillDefaults(float[] dst, int offset);

    /**
     * Reports whether the view serves data and how fresh it is, for {@link Scorer#health()}. Cold: called by health
     * checks, never on the request path; may allocate, must not block for long. The default says "serving,
     * freshness unknown", which is ready unless the scorer was given freshness bounds for this view.
     *
     * @return the view's state now
     */
    default ViewHealth health() {
        return ViewHealth.unknownFreshness(name());
    }
}
