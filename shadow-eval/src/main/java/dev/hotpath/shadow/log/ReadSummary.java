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
 */
public record ReadSummary(int files, long blocks, long records, long bytesSkipped, List<ReadProblem> problems) {
    /** Copies the problem list. */
    public ReadSummary {
        problems = List.copyOf(problems);
    }

    /** @return whether everything was read without skipping a byte */
    public boolean clean() {
        return bytesSkipped == 0 && problems.isEmpty();
    }

    /** @return one line: files, blocks, records and skipped bytes */
    public String describe() {
        return files + " file(s), " + blocks + " block(s), " + records + " record(s), " + bytesSkipped
                + " byte(s) skipped" + (problems.isEmpty() ? "" : " in " + problems.size() + " place(s)");
    }
}
