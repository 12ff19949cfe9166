package dev.hotpath.shadow.log;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks the record sequence of every writer across the blocks one read delivers: admits each block whose record
 * numbers were not read before and rejects one that repeats them (so its records are counted once), then reports
 * repeated and missing numbers by segment ({@link SequenceProblem}).
 *
 * <p>Per writer it keeps the numbers read as ranges merged when contiguous (one range for an intact log) and, per
 * file, the span of numbers read from it. Not thread-safe; one per read. Allocates (cold path).
 */
final class SequenceCheck {
    /** Contiguous record numbers [start, end) of one writer, with the files holding its first and last block. */
    private static final class Range {
        final long start;
        long end;
        final Path firstFile;
        Path lastFile;

        Range(long start, long end, Path file) {
            this.start = start;
            this.end = end;
            this.firstFile = file;
            this.lastFile = file;
        }
    }

    private final Map<Long, TreeMap<Long, Range>> writers = new LinkedHashMap<>();
    /** Per file, per writer: the record numbers [min, max) read from it. */
    private final Map<Path, Map<Long, long[]>> spans = new LinkedHashMap<>();
    /** Repeated blocks, aggregated by (instance, repeating file, original file). */
    private final Map<List<Object>, long[]> repeated = new LinkedHashMap<>();
    private long repeatedRecords;

    /**
     * @param file the file the block is in
     * @param instance the writer
     * @param firstSeq the block's first record number
     * @param count its record count
     * @return whether the block is new (deliver it); {@code false} if it repeats records already read
     */
    boolean admit(Path file, long instance, long firstSeq, int count) {
        if (count <= 0 || firstSeq < 0) {
            return true;
        }
        long end = firstSeq + count;
        TreeMap<Long, Range> ranges = writers.computeIfAbsent(instance, k -> new TreeMap<>());
        Map.Entry<Long, Range> before = ranges.floorEntry(firstSeq);
        Map.Entry<Long, Range> after = ranges.higherEntry(firstSeq);
        if ((before != null && before.getValue().end > firstSeq) || (after != null && after.getKey() < end)) {
            Path original = originalOf(instance, firstSeq, end, file);
            long[] agg = repeated.computeIfAbsent(List.of(instance, file, original), k -> new long[] {firstSeq, 0});
            agg[0] = Math.min(agg[0], firstSeq);
            agg[1] += count;
            repeatedRecords += count;
            return false;
        }
        if (before != null && before.getValue().end == firstSeq) {
            Range r = before.getValue();
            r.end = end;
            r.lastFile = file;
            if (after != null && after.getKey() == end) {
                r.end = after.getValue().end;
                r.lastFile = after.getValue().lastFile;
                ranges.remove(after.getKey());
            }
        } else if (after != null && after.getKey() == end) {
            Range next = ranges.remove(after.getKey());
            Range r = new Range(firstSeq, next.end, file);
            r.lastFile = next.lastFile;
            ranges.put(firstSeq, r);
        } else {
            ranges.put(firstSeq, new Range(firstSeq, end, file));
        }
        span(file, instance, firstSeq, end);
        return true;
    }

    private void span(Path file, long instance, long min, long max) {
        long[] s = spans.computeIfAbsent(file, k -> new HashMap<>()).computeIfAbsent(instance,
                k -> new long[] {min, max});
        s[0] = Math.min(s[0], min);
        s[1] = Math.max(s[1], max);
    }

    private Path originalOf(long instance, long start, long end, Path fallback) {
        for (Map.Entry<Path, Map<Long, long[]>> e : spans.entrySet()) {
            long[] s = e.getValue().get(instance);
            if (s != null && s[0] < end && start < s[1]) {
                return e.getKey();
            }
        }
        return fallback;
    }

    /** @return records skipped because they were read before */
    long repeatedRecords() {
        return repeatedRecords;
    }

    /** @return every sequence problem: repeats in reading order, then each writer's missing numbers */
    List<SequenceProblem> problems() {
        List<SequenceProblem> out = new ArrayList<>();
        for (Map.Entry<List<Object>, long[]> e : repeated.entrySet()) {
            List<Object> key = e.getKey();
            out.add(new SequenceProblem(SequenceProblem.Kind.REPEATED, (Long) key.get(0), e.getValue()[0],
                    e.getValue()[1], (Path) key.get(1), (Path) key.get(2)));
        }
        for (Map.Entry<Long, TreeMap<Long, Range>> w : writers.entrySet()) {
            Range previous = null;
            for (Range r : w.getValue().values()) {
                if (previous == null) {
                    if (r.start > 0) {
                        out.add(new SequenceProblem(SequenceProblem.Kind.MISSING_BEFORE, w.getKey(), 0, r.start,
                                r.firstFile, null));
                    }
                } else {
                    out.add(new SequenceProblem(SequenceProblem.Kind.MISSING, w.getKey(), previous.end,
                            r.start - previous.end, r.firstFile, previous.lastFile));
                }
                previous = r;
            }
        }
        return out;
    }
}
