package dev.hotpath.cache;

/**
 * A file the feature cache reads is missing or malformed: a view definition, a manifest, a generation's map file
 * or a CSV to load. The message names the file and, where it applies, the line, column or field and what was
 * expected.
 */
public class FeatureFileException extends FeatureCacheException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the file, the position and what was expected
     */
    public FeatureFileException(String message) {
        super(message);
    }

    /**
     * @param message the file, the position and what was expected
     * @param cause the underlying failure
     */
    public FeatureFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
