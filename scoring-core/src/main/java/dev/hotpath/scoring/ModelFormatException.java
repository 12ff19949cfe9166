package dev.hotpath.scoring;

/**
 * A model file (or in-memory model description) is malformed, truncated, inconsistent, too large for the configured
 * {@link ModelLimits}, or uses a feature Hotpath does not support.
 *
 * <p>The message always names the source, the location inside it (a byte offset, a JSON path or a tree/node id)
 * and what was expected; the same parts are available separately for programmatic use.
 */
public class ModelFormatException extends HotpathException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String location;
    private final String expectation;

    /**
     * @param source the file or other source being read, e.g. {@code model.json}; may be {@code null} if unknown
     * @param location where in the source the problem is, e.g. {@code offset 1234} or
     *     {@code learner.gradient_booster.model.trees[3].left_children[7]}; may be {@code null}
     * @param expectation what was expected and what was found
     */
    public ModelFormatException(String source, String location, String expectation) {
        this(source, location, expectation, null);
    }

    /**
     * @param source the file or other source being read; may be {@code null} if unknown
     * @param location where in the source the problem is; may be {@code null}
     * @param expectation what was expected and what was found
     * @param cause the underlying failure, may be {@code null}
     */
    public ModelFormatException(String source, String location, String expectation, Throwable cause) {
        super(format(source, location, expectation), cause);
        this.source = source;
        this.location = location;
        this.expectation = expectation;
    }

    private static String format(String source, String location, String expectation) {
        StringBuilder sb = new StringBuilder();
        sb.append(source == null ? "<model>" : source);
        if (location != null && !location.isEmpty()) {
            sb.append(" at ").append(location);
        }
        return sb.append(": ").append(expectation).toString();
    }

    /** @return the source being read, or {@code null} if unknown */
    public String source() {
        return source;
    }

    /** @return the location inside the source (offset, JSON path, tree/node), or {@code null} */
    public String location() {
        return location;
    }

    /** @return what was expected and what was found */
    public String expectation() {
        return expectation;
    }
}
