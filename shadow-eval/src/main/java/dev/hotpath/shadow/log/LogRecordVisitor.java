package dev.hotpath.shadow.log;

/**
 * Receives the records of a shadow log as {@link ShadowLogReader} reads them, in file order. Every method has an
 * empty default, so implement only what you need. Flyweight arguments are valid only during the call.
 * Called on the reading thread only.
 */
public interface LogRecordVisitor {
    /**
     * A file with a valid header was opened.
     *
     * @param header the header
     */
    default void onFile(LogFileHeader header) {
    }

    /**
     * @param record a comparison record (flyweight)
     */
    default void onComparison(ComparisonRecord record) {
    }

    /**
     * @param record a captured feature vector (flyweight)
     */
    default void onFeatures(FeaturesRecord record) {
    }

    /**
     * @param model a model description
     * @param epochNanos when it was written
     */
    default void onModelInfo(ModelDescriptor model, long epochNanos) {
    }

    /**
     * @param record cumulative counters (flyweight)
     */
    default void onCounters(CountersRecord record) {
    }
}
