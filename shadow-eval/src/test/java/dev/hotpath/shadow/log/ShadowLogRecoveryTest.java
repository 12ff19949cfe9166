package dev.hotpath.shadow.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.shadow.testing.LogContents;

/** A crash can leave a file cut at any byte; everything up to the last valid block must still be readable. */
class ShadowLogRecoveryTest {
    @TempDir
    Path dir;

    /** Three data blocks (100, 50, 10 comparisons) after the MODEL_INFO block; returns the offsets. */
    private static long[] writeThreeBlocks(ShadowLogWriter w) throws Exception {
        w.registerModel(ShadowLogWriterTest.SHADOW);
        ShadowLogWriterTest.appendComparisons(w, 0, 100);
        w.flush();
        long endOfFirst = Files.size(w.currentFile());
        ShadowLogWriterTest.appendComparisons(w, 100, 150);
        w.flush();
        long endOfSecond = Files.size(w.currentFile());
        ShadowLogWriterTest.appendComparisons(w, 150, 160);
        w.flush();
        long end = Files.size(w.currentFile());
        return new long[] {endOfFirst, endOfSecond, end};
    }

    @Test
    void shouldReadUpToTheLastValidBlockWhenTheFileIsCutAtAnyByteOfItsLastBlock() throws Exception {
        ShadowLogWriter w = ShadowLogWriterTest.writer(dir.resolve("src"));
        long[] offsets = writeThreeBlocks(w);
        w.close();
        byte[] full = Files.readAllBytes(w.finishedFiles().get(0));
        long lastStart = offsets[1];
        assertEquals(full.length, offsets[2]);
        assertEquals(32 + 10 * 64, full.length - lastStart, "the last block holds 10 comparisons");

        Path cutDir = Files.createDirectories(dir.resolve("cut"));
        for (int cut = (int) lastStart; cut <= full.length; cut++) {
            Path f = cutDir.resolve("cut.shdw.part");
            Files.write(f, Arrays.copyOf(full, cut));
            LogContents log = LogContents.read(f);
            int expected = cut == full.length ? 160 : 150;
            assertEquals(expected, log.comparisons.size(), "cut at " + cut);
            assertEquals(cut == full.length ? 0 : cut - lastStart, log.summary.bytesSkipped(), "cut at " + cut);
            if (cut > lastStart && cut < full.length) {
                assertEquals(1, log.summary.problems().size());
                assertEquals(lastStart, log.summary.problems().get(0).offset());
            }
            for (int i = 0; i < log.comparisons.size(); i++) {
                assertEquals(i, log.comparisons.get(i).requestId(), "records in order, none invented");
            }
            assertEquals(cut == full.length ? full.length : lastStart, ShadowLogReader.validLength(f));
        }
    }

    @Test
    void shouldReportAFileCutInsideItsHeaderWithoutFailing() throws Exception {
        ShadowLogWriter w = ShadowLogWriterTest.writer(dir.resolve("src"));
        writeThreeBlocks(w);
        w.close();
        byte[] full = Files.readAllBytes(w.finishedFiles().get(0));
        for (int cut = 0; cut < 64; cut++) {
            Path f = dir.resolve("h" + cut + ".shdw");
            Files.write(f, Arrays.copyOf(full, cut));
            LogContents log = LogContents.read(f);
            assertEquals(0, log.comparisons.size());
            assertEquals(cut, log.summary.bytesSkipped());
            assertEquals(0, ShadowLogReader.validLength(f));
        }
    }

    @Test
    void shouldSkipACorruptBlockInTheMiddleAndResumeAtTheNextValidBlock() throws Exception {
        ShadowLogWriter w = ShadowLogWriterTest.writer(dir.resolve("src"));
        long[] offsets = writeThreeBlocks(w);
        w.close();
        byte[] bytes = Files.readAllBytes(w.finishedFiles().get(0));
        int secondStart = (int) offsets[0];
        bytes[secondStart + 32 + 100] ^= 0x40; // one bit inside the second block's payload
        Path f = dir.resolve("corrupt.shdw");
        Files.write(f, bytes);
        LogContents log = LogContents.read(f);
        assertEquals(110, log.comparisons.size(), "blocks 1 and 3");
        assertEquals(1, log.summary.problems().size());
        ReadProblem p = log.summary.problems().get(0);
        assertEquals(secondStart, p.offset());
        assertEquals(offsets[1] - offsets[0], p.bytesSkipped());
        assertTrue(p.reason().contains("CRC32C"), p.reason());
        assertEquals(150, log.comparisons.get(100).requestId(), "resumed at the third block");
        assertEquals(1, log.summary.sequenceProblems().size());
        SequenceProblem gap = log.summary.sequenceProblems().get(0);
        assertEquals(SequenceProblem.Kind.MISSING, gap.kind());
        assertEquals(50, gap.records(), "the second block's comparisons");
        assertTrue(gap.describe().contains("inside corrupt.shdw: a damaged block was skipped"), gap.describe());
    }

    @Test
    void shouldRecoverALeftoverPartFileWhenTheNextWriterStarts() throws Exception {
        ShadowLogWriter crashed = ShadowLogWriterTest.writer(dir.resolve("src"));
        long[] offsets = writeThreeBlocks(crashed);
        byte[] bytes = Files.readAllBytes(crashed.currentFile());
        String name = crashed.currentFile().getFileName().toString();
        crashed.close();

        // The process died while writing the last block: the file is cut 100 bytes into it, still named .part.
        Path logDir = Files.createDirectories(dir.resolve("log"));
        Path part = logDir.resolve(name);
        Files.write(part, Arrays.copyOf(bytes, (int) offsets[1] + 100));
        ShadowLogWriter next = ShadowLogWriterTest.writer(logDir);
        assertEquals(1, next.recoveredFiles().size());
        RecoveredFile r = next.recoveredFiles().get(0);
        assertEquals(offsets[1], r.keptBytes());
        assertEquals(offsets[1] + 100, r.originalBytes());
        assertFalse(Files.exists(part));
        assertTrue(r.renamedTo().getFileName().toString().endsWith(".shdw"));
        next.close();
        LogContents log = LogContents.read(logDir);
        assertTrue(log.summary.clean(), "recovered files are clean: " + log.summary.describe());
        assertEquals(150, log.comparisons.size());
    }

    @Test
    void shouldNotTouchAPartFileThatALiveWriterHolds() throws Exception {
        ShadowLogWriter live = ShadowLogWriterTest.writer(dir);
        ShadowLogWriterTest.appendComparisons(live, 0, 10);
        live.flush();
        Path part = live.currentFile();
        ShadowLogWriter other = ShadowLogWriterTest.writer(dir);
        assertEquals(0, other.recoveredFiles().size());
        assertTrue(Files.exists(part));
        other.close();
        live.close();
        assertEquals(10, LogContents.read(dir).comparisons.size());
    }
}
