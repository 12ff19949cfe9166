package dev.hotpath.scoring.scorer;

/**
 * A handle to one feature view's entity id slot in a request (e.g. the card id for view {@code card}), resolved once
 * from {@link Scorer#entityKey(String)}. Immutable.
 */
public final class EntityKey {
    final String viewName;
    final int viewIndex;

    EntityKey(String viewName, int viewIndex) {
        this.viewName = viewName;
        this.viewIndex = viewIndex;
    }

    /** @return the feature view this id is looked up in */
    public String viewName() {
        return viewName;
    }

    @Override
    public String toString() {
        return "EntityKey[" + viewName + "]";
    }
}
