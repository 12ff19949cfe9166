package dev.hotpath.cache;

/**
 * A writer tried to insert a new entity into a generation whose Chronicle Map has no room left. Existing entities
 * can still be updated and readers are unaffected; the fix is to build a new generation with a larger capacity
 * ({@code hotpath cache load}, {@link FeatureWriter#createGeneration}).
 */
public class CacheFullException extends FeatureCacheException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which view and generation is full, its capacity, and how to rebuild
     * @param cause Chronicle's internal error
     */
    public CacheFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
