package dev.hotpath.scoring.explain;

import dev.hotpath.scoring.HotpathException;

/**
 * The model cannot be explained: it is not a tree ensemble (an ONNX graph, a linear model), or a tree lacks the node
 * covers TreeSHAP needs. Thrown when an explainer is built, never on the request path. The message names the model
 * and the reason.
 */
public class ExplanationNotSupportedException extends HotpathException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which model and why it cannot be explained
     */
    public ExplanationNotSupportedException(String message) {
        super(message);
    }
}
