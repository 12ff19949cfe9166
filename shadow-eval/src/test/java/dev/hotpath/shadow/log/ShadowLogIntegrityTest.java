package dev.hotpath.shadow.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.shadow.testing.LogContents;

/**
 * Segment integrity: each writer numbers its records across all its segments, so the reader can count a copied
 * segment once and name a deleted one.
 */
class ShadowLogIntegrityTest {
    @TempDir
    Path dir;

    /** 3,000 comparisons in 64 KiB segments (about 1,000 per segment); returns the writer, closed. */
    private ShadowLogWriter writeSegments(Path logDir) {
        ShadowLogWriter w = ShadowLogWriterTest.writer(logDir,
                ShadowLogWriterTest.options().rotateBytes(64 << 10).blockBytes(4096));
        w.registerModel(ShadowLogWriterTest.SHADOW);
        ShadowLogWriterTest.appendComparisons(w, 0, 3000);
        w.close();
        return w;
    }

    /** Records numbered by the writer: the appended ones and each segment's MODEL_INFO block (one model here). */
    private static long numbered(ShadowLogWriter w) {
        return w.recordsWritten() + w.finishedFiles().size();
    }

    private static Set<Long> requestIds(LogContents log) {
        Set<Long> ids = new HashSet<>();
        for (LogContents.Cmp c : log.comparisons) {
            assertTrue(ids.add(c.requestId()), "request " + c.requestId() + " delivered twice");
        }
        return ids;
    }

    @Test
    void shouldReadAnIntactLogWithoutSequenceProblems() {
        ShadowLogWriter w = writeSegments(dir);
        assertTrue(w.finishedFiles().size() >= 3, "segments: " + w.finishedFiles().size());
        LogContents log = LogContents.read(dir);
        assertTrue(log.summary.clean(), log.summary.describe());
        assertEquals(List.of(), log.summary.sequenceProblems());
        assertEquals(numbered(w), log.summary.records());
    }

    @Test
    void shouldCountACopiedSegmentOnceAndNameBothFiles() throws Exception {
        ShadowLogWriter w = writeSegments(dir);
        Path original = w.finishedFiles().get(1);
        Path copy = dir.resolve(original.getFileName().toString().replace(".shdw", "-copy.shdw"));
        Files.copy(original, copy);
        long inOriginal = LogContents.read(original).summary.records();

        LogContents log = LogContents.read(dir);
        assertEquals(3000, requestIds(log).size(), "every request once");
        assertEquals(numbered(w), log.summary.records(), "the copy adds nothing");
        assertEquals(inOriginal, log.summary.recordsRepeated());
        assertFalse(log.summary.clean());
        assertEquals(1, log.summary.sequenceProblems().size(), log.summary.sequenceProblems().toString());
        SequenceProblem p = log.summary.sequenceProblems().get(0);
        assertEquals(SequenceProblem.Kind.REPEATED, p.kind());
        assertEquals(inOriginal, p.records());
        // Files are read in name order; which of the two is counted does not matter, both are named.
        assertEquals(Set.of(copy, original), Set.of(p.segment(), p.otherSegment()));
        assertEquals(w.instanceId(), p.instanceId());
        assertTrue(p.describe().contains(copy.getFileName().toString())
                && p.describe().contains(original.getFileName().toString())
                && p.describe().contains("counted once"), p.describe());
        assertTrue(log.summary.describe().contains(inOriginal + " repeated record(s) not counted"),
                log.summary.describe());
    }

    @Test
    void shouldCountALogGivenTwiceOnce() {
        ShadowLogWriter w = writeSegments(dir);
        LogContents twice = new LogContents();
        twice.summary = ShadowLogReader.read(List.of(dir, dir), twice);
        assertEquals(3000, requestIds(twice).size());
        assertEquals(numbered(w), twice.summary.recordsRepeated());
        assertEquals(w.finishedFiles().size(), twice.summary.sequenceProblems().size(), "one per file");
    }

    @Test
    void shouldNameTheSegmentsAroundADeletedOne() throws Exception {
        ShadowLogWriter w = writeSegments(dir);
        List<Path> files = w.finishedFiles();
        Files.delete(files.get(1));

        LogContents log = LogContents.read(dir);
        assertFalse(log.summary.clean());
        assertEquals(1, log.summary.sequenceProblems().size(), log.summary.sequenceProblems().toString());
        SequenceProblem p = log.summary.sequenceProblems().get(0);
        assertEquals(SequenceProblem.Kind.MISSING, p.kind());
        assertEquals(files.get(0), p.otherSegment(), "the segment before the gap");
        assertEquals(files.get(2), p.segment(), "the segment after it");
        assertEquals(numbered(w), log.summary.records() + p.records(), "exactly the deleted records");
        assertEquals(p.records(), log.summary.recordsMissing());
        assertTrue(p.describe().contains("missing between " + files.get(0).getFileName() + " and "
                + files.get(2).getFileName()), p.describe());
    }

    @Test
    void shouldReportRecordsBeforeTheFirstSegmentReadWithoutCallingTheLogDamaged() throws Exception {
        ShadowLogWriter w = writeSegments(dir);
        List<Path> files = w.finishedFiles();
        Files.delete(files.get(0)); // what retention does

        LogContents log = LogContents.read(dir);
        assertTrue(log.summary.clean(), "retention is not damage: " + log.summary.describe());
        SequenceProblem p = log.summary.sequenceProblems().get(0);
        assertEquals(SequenceProblem.Kind.MISSING_BEFORE, p.kind());
        assertEquals(0, p.firstSeq());
        assertEquals(files.get(1), p.segment());
        assertNull(p.otherSegment());
        assertEquals(numbered(w), log.summary.records() + p.records());
    }

    @Test
    void shouldCheckEachWriterOnItsOwnWhenWritersShareADirectory() {
        ShadowLogWriter a = writeSegments(dir);
        ShadowLogWriter b = writeSegments(dir);
        assertTrue(a.instanceId() != b.instanceId());
        LogContents log = LogContents.read(dir);
        assertTrue(log.summary.clean(), log.summary.describe());
        assertEquals(numbered(a) + numbered(b), log.summary.records());
    }
}
