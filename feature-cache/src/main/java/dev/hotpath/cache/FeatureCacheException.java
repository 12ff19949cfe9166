package dev.hotpath.cache;

import dev.hotpath.scoring.HotpathException;
import dev.hotpath.scoring.scorer.FeatureStatus;

/**
 * Root of the feature-cache module's exceptions. Thrown by cold paths (opening, creating, loading, publishing) and
 * by writers; {@link FeatureReader#read(CharSequence, float[], int)} never throws it, it returns a
 * {@link FeatureStatus} instead.
 */
public class FeatureCacheException extends HotpathException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong and how to fix it
     */
    public FeatureCacheException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong and how to fix it
     * @param cause the underlying failure
     */
    public FeatureCacheException(String message, Throwable cause) {
        super(message, cause);
    }
}
