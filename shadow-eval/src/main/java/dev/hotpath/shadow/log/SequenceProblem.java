package dev.hotpath.shadow.log;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A break in one writer's record sequence, found while reading. Every block carries the writer-wide number of its
 * first record and the numbers continue from block to block and from segment to segment, so a segment copied under
 * a second name repeats numbers already read, and a deleted or lost segment leaves numbers out. Immutable and
 * thread-safe.
 *
 * @param kind what is wrong
 * @param instanceId the writer (its instance id, from the file headers)
 * @param firstSeq the first record number concerned
 * @param records how many record numbers are concerned
 * @param segment {@link Kind#REPEATED}: the file whose copy of the records was skipped (the one read second, in
 *     name order); {@link Kind#MISSING}: the segment read after the missing records; {@link Kind#MISSING_BEFORE}:
 *     the first segment of the writer that was read
 * @param otherSegment {@link Kind#REPEATED}: the file the records were counted from (the one read first);
 *     {@link Kind#MISSING}: the segment read before the missing records; otherwise {@code null}
 */
public record SequenceProblem(Kind kind, long instanceId, long firstSeq, long records, Path segment,
        Path otherSegment) {

    /** The kinds of sequence breaks. */
    public enum Kind {
        /** Records already read from another file (a copied segment, or a log given twice); skipped, not counted. */
        REPEATED,
        /** Record numbers absent between two segments of one writer: a segment was deleted or lost. */
        MISSING,
        /**
         * The writer's first records are not in the input: its older segments were deleted (retention) or not
         * collected. Expected with retention; reported for completeness, not as damage.
         */
        MISSING_BEFORE
    }

    /** @return the last record number concerned */
    public long lastSeq() {
        return firstSeq + records - 1;
    }

    /** @return one line naming the segments, e.g. for a report or a log message */
    public String describe() {
        String range = String.format(Locale.ROOT, "records %,d-%,d (%,d) of writer %016x", firstSeq, lastSeq(),
                records, instanceId);
        switch (kind) {
            case REPEATED:
                if (segment.equals(otherSegment)) {
                    return name(segment) + " was read twice: " + range + " counted once";
                }
                return name(otherSegment) + " and " + name(segment) + " both hold " + range
                        + " (a copied segment?); counted once, from " + name(otherSegment);
            case MISSING:
                if (segment.equals(otherSegment)) {
                    return range + " are missing inside " + name(segment) + ": a damaged block was skipped";
                }
                return range + " are missing between " + name(otherSegment) + " and " + name(segment)
                        + ": a segment was deleted or lost";
            default:
                return range + " come before " + name(segment)
                        + ", the first segment read: older segments were deleted by retention or not collected";
        }
    }

    private static String name(Path p) {
        Path f = p.getFileName();
        return f == null ? p.toString() : f.toString();
    }
}
