package dev.hotpath.shadow.log;

import java.util.List;

/**
 * What a {@link ShadowLogReader} read and what it had to skip. Immutable and thread-safe.
 *
 * @param files files opened
 * @param blocks valid blocks read
 * @param records records delivered to the visitor
 * @param bytesSkipped bytes that could not be used (torn tails, corrupt blocks, foreign files)
 * @param problems one entry per skipped stretch, in reading order; unmodifiable
 * @param recordsRepeated records not delivered because their writer's record numbers had already been read
 * @param sequenceProblems repeated and missing record numbers, by writer and segment; unmodifiable
 */
public record ReadSummary(int files, long blocks, long records, long bytesSkipped, List<ReadProblem> problems,
        long recordsRepeated, List<SequenceProblem> sequenceProblems) {
    /** Copies the lists. */
    public ReadSummary {
        problems = List.copyOf(problems);
        sequenceProblems = List.copyOf(sequenceProblems);
    }

    /**
     * @return whether everything was read without skipping a byte, and no record was repeated or missing between
     *     segments (older segments removed by retention do not count)
     */
    public boolean clean() {
        return bytesSkipped == 0 && problems.isEmpty() && recordsRepeated == 0 && recordsMissing() == 0;
    }

    /** @return record numbers missing between the segments of a writer (not counting those before the first) */
    public long recordsMissing() {
        long n = 0;
        for (SequenceProblem p : sequenceProblems) {
            if (p.kind() == SequenceProblem.Kind.MISSING) {
                n += p.records();
            }
        }
        return n;
    }

    /** @return one line: files, blocks, records, skipped bytes, repeated and missing records */
    public String describe() {
        long missing = recordsMissing();
        return files + " file(s), " + blocks + " block(s), " + records + " record(s), " + bytesSkipped
                + " byte(s) skipped" + (problems.isEmpty() ? "" : " in " + problems.size() + " place(s)")
                + (recordsRepeated == 0 ? "" : ", " + recordsRepeated + " repeated record(s) not counted")
                + (missing == 0 ? "" : ", " + missing + " record(s) missing between segments");
    }
}
