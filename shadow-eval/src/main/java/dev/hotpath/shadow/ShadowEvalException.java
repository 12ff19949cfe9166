package dev.hotpath.shadow;

import dev.hotpath.scoring.HotpathException;

/**
 * A shadow-evaluation input or output failed: a log file or directory could not be read or written, a labels file
 * is malformed, or a replay found nothing to replay. The message names the file, the offset or line, and what was
 * expected. Thrown only from cold paths (report, replay, writer set-up), never from
 * {@link ShadowPublisher#offer(long, float[], int, float, int, int)}.
 */
public class ShadowEvalException extends HotpathException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the file and location
     */
    public ShadowEvalException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the file and location
     * @param cause the underlying failure
     */
    public ShadowEvalException(String message, Throwable cause) {
        super(message, cause);
    }
}
