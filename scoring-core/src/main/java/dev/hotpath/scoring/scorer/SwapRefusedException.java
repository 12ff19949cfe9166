package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.HotpathException;

/**
 * A candidate model was refused by {@link Scorer#swapPrimary}: it did not bind to the scorer's feature sources or
 * failed the parity gate. The previous model keeps serving. The message is the report.
 */
public class SwapRefusedException extends HotpathException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the report: which check failed and why
     * @param cause the underlying failure, or {@code null}
     */
    public SwapRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
