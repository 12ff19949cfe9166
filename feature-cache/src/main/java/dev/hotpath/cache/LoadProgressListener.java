package dev.hotpath.cache;

/**
 * Receives progress of a {@link FeatureCsvLoader} load: every 100,000 rows and once at the end (then
 * {@code rowsDone == rowsTotal}). Called on the loading thread; must not throw.
 */
@FunctionalInterface
public interface LoadProgressListener {
    /**
     * @param rowsDone data rows loaded so far
     * @param rowsTotal data rows in the file (counted before loading)
     */
    void onProgress(long rowsDone, long rowsTotal);
}
