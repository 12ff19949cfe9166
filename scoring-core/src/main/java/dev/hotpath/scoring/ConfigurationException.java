package dev.hotpath.scoring;

/**
 * A builder or option was given an invalid value or an invalid combination of values. Thrown by builders and
 * factories at build time, never on the request path. The message says how to fix the configuration.
 */
public class ConfigurationException extends HotpathException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong and how to fix it
     */
    public ConfigurationException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong and how to fix it
     * @param cause the underlying failure
     */
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
