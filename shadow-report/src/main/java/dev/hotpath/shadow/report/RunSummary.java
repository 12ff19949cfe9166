package dev.hotpath.shadow.report;

import java.util.List;

import dev.hotpath.shadow.log.ModelDescriptor;
import dev.hotpath.shadow.log.ReadSummary;

/**
 * What the report was computed from: inputs, time range, writer instances, models, run-wide counters and drops
 * over time. Immutable.
 *
 * @param inputs the log paths read
 * @param labelsFile the labels file, or {@code null}
 * @param read what the reader read and skipped
 * @param firstEpochNanos earliest record time (0 when none)
 * @param lastEpochNanos latest record time (0 when none)
 * @param instances writer instances (processes) seen
 * @param models every model described in the log, by id
 * @param offered summed latest global {@code offered} counters
 * @param accepted summed latest global {@code accepted} counters
 * @param droppedRingFull summed latest global {@code droppedRingFull} counters
 * @param droppedIo summed latest global {@code droppedIo} counters
 * @param featuresRecords FEATURES records (replayable requests)
 * @param sampleRatesE4 distinct sampling rates seen in records, in 1/10,000
 * @param dropIntervals producer drops over time
 * @param warnings run-wide caveats in plain language
 */
public record RunSummary(List<String> inputs, String labelsFile, ReadSummary read, long firstEpochNanos,
        long lastEpochNanos, int instances, List<ModelDescriptor> models, long offered, long accepted,
        long droppedRingFull, long droppedIo, long featuresRecords, List<Integer> sampleRatesE4,
        List<DropInterval> dropIntervals, List<String> warnings) {
    /** Copies the lists. */
    public RunSummary {
        inputs = List.copyOf(inputs);
        models = List.copyOf(models);
        sampleRatesE4 = List.copyOf(sampleRatesE4);
        dropIntervals = List.copyOf(dropIntervals);
        warnings = List.copyOf(warnings);
    }

    /** @return the largest per-interval drop rate, 0 when there are no intervals */
    public double maxIntervalDropRate() {
        double m = 0;
        for (DropInterval d : dropIntervals) {
            m = Math.max(m, d.dropRate());
        }
        return m;
    }
}
