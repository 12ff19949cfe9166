package dev.hotpath.scoring;

/**
 * The root of every exception Hotpath throws. Unchecked: Hotpath's public API declares no checked exceptions.
 *
 * <p>Hotpath throws only from cold paths (loading, building, configuring) and for violations of a method's
 * programming contract (for example an input array shorter than the model's width). Data problems on the request
 * path, such as missing features, are never reported by exception.
 */
public class HotpathException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong and, where possible, how to fix it
     */
    public HotpathException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong and, where possible, how to fix it
     * @param cause the underlying failure
     */
    public HotpathException(String message, Throwable cause) {
        super(message, cause);
    }
}
