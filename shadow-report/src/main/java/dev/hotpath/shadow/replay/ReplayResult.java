package dev.hotpath.shadow.replay;

import java.nio.file.Path;
import java.util.List;

import dev.hotpath.shadow.log.ReadSummary;

/**
 * What a replay did. Immutable.
 *
 * @param outDir the directory the new log was written to
 * @param files the segment files written
 * @param modelId the candidate's id in the new log
 * @param name the candidate's name
 * @param threshold the candidate's decision threshold
 * @param replayed FEATURES records replayed
 * @param scored successful scores
 * @param errors calls that threw
 * @param nanOutputs calls that returned NaN
 * @param narrowRecords records with fewer features than the model expects (padded with NaN = missing)
 * @param totalScoreNanos time spent inside the model's score calls
 * @param read what was read from the source log (and what was skipped)
 */
public record ReplayResult(Path outDir, List<Path> files, int modelId, String name, float threshold, long replayed,
        long scored, long errors, long nanOutputs, long narrowRecords, long totalScoreNanos, ReadSummary read) {
    /** Copies the file list. */
    public ReplayResult {
        files = List.copyOf(files);
    }

    /** @return a few lines for a terminal */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("replayed ").append(replayed).append(" captured request(s) through ").append(name).append(" [id ")
                .append(modelId).append(", threshold ").append(threshold).append("]: ").append(scored)
                .append(" scored, ").append(errors).append(" error(s), ").append(nanOutputs).append(" NaN output(s)");
        if (narrowRecords > 0) {
            sb.append(", ").append(narrowRecords).append(" record(s) had fewer features than the model (padded "
                    + "with NaN)");
        }
        sb.append('\n').append("source: ").append(read.describe()).append('\n');
        sb.append("wrote ").append(files.size()).append(" file(s) to ").append(outDir).append('\n');
        sb.append("compare with: hotpath shadow report --log ").append(outDir);
        return sb.toString();
    }
}
