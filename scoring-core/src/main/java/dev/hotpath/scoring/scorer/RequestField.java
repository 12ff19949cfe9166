package dev.hotpath.scoring.scorer;

/**
 * A handle to one request-time feature (e.g. the amount), resolved once from {@link Scorer#requestField(String)}
 * and then used on every request to set the value without a name lookup. Immutable.
 */
public final class RequestField {
    final String name;
    final int workspaceIndex;

    RequestField(String name, int workspaceIndex) {
        this.name = name;
        this.workspaceIndex = workspaceIndex;
    }

    /** @return the field's name */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "RequestField[" + name + "]";
    }
}
