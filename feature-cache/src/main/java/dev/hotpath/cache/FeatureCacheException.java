package dev.hotpath.cache;

import dev.hotpath.scoring.HotpathException;
import dev.hotpath.scoring.scorer.FeatureStatus;

/**
 * Root of the feature-cache module's exceptions. Thrown by cold paths (opening, creating, loading, publishing) and
 * by writers; {@link FeatureReader#read(CharSequence, float[], int)} never throws it, it returns a
 * {@link FeatureStatus} instead.
 *
 * <p>Messages quote file-derived text (CSV headers and cells, names from definitions and manifests); they are made
 * {@link HotpathException#printable printable}, so such text cannot forge log lines or drive a terminal.
 */
public class FeatureCacheException extends HotpathException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong and how to fix it
     */
    public FeatureCacheException(String message) {
        super(printable(message));
    }

    /**
     * @param message what went wrong and how to fix it
     * @param cause the underlying failure
     */
    public FeatureCacheException(String message, Throwable cause) {
        super(printable(message), cause);
    }
}
