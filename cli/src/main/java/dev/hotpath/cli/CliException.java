package dev.hotpath.cli;

import dev.hotpath.scoring.HotpathException;

/**
 * A runtime failure of a {@code hotpath} command that is the user's to fix (a file that cannot be opened, an
 * output that cannot be written). {@link HotpathCli} prints its message as the one-line error and exits with
 * {@link dev.hotpath.shadow.report.ExitCodes#FAILURE}. The message is made {@link HotpathException#printable printable}
 * (it often quotes text from the user's files).
 *
 * <p>Immutable; thread-safe.
 */
public class CliException extends HotpathException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message one line: what failed and, where possible, how to fix it
     */
    public CliException(String message) {
        super(printable(message));
    }

    /**
     * @param message one line: what failed and, where possible, how to fix it
     * @param cause the underlying failure
     */
    public CliException(String message, Throwable cause) {
        super(printable(message), cause);
    }
}
