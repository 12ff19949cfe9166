package dev.hotpath.cache;

/**
 * A writer could not take an entity's segment lock within its bounded timeout. Usually a process died while holding
 * the lock (Chronicle's locks live in the shared file, so nobody releases them); the fix is to build and publish a
 * new generation, which readers then switch to.
 */
public class LockTimeoutException extends FeatureCacheException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which view, generation and id, the timeout, and how to recover
     */
    public LockTimeoutException(String message) {
        super(message);
    }
}
