package dev.hotpath.scoring;

/**
 * A model was used after {@link Model#close()}. Models that hold native resources (ONNX) throw this from the scoring
 * methods once closed; the check is a single volatile read and the throw sits in a cold method.
 * A {@code Scorer} turns it into its fallback score rather than letting it reach the request thread.
 */
public class ModelClosedException extends HotpathException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which model was closed
     */
    public ModelClosedException(String message) {
        super(message);
    }
}
