package dev.hotpath.shadow.log;

import static dev.hotpath.shadow.log.ShadowLogFormat.FILE_HEADER_LENGTH;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hotpath.shadow.ShadowEvalException;

/**
 * Crash recovery of a log directory, run when a writer opens: every {@code .part} file that no live writer holds
 * (its exclusive lock can be taken) is truncated after its last valid block and renamed to {@code .shdw}, so
 * readers and retention treat it as a finished segment. A file whose header is invalid is renamed to
 * {@code .corrupt} instead. Files locked by a writer in this or another process are left alone.
 *
 * <p>Stateless; cold path.
 */
final class PartFileRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowLogWriter.class);

    private PartFileRecovery() {
    }

    /**
     * @param directory the log directory
     * @return the files recovered, in name order
     * @throws ShadowEvalException if the directory cannot be listed
     */
    static List<RecoveredFile> recover(Path directory) {
        List<RecoveredFile> out = new ArrayList<>();
        List<Path> parts;
        try (Stream<Path> s = Files.list(directory)) {
            parts = s.filter(p -> p.getFileName().toString().endsWith(ShadowLogFormat.PART_SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new ShadowEvalException("cannot list " + directory + " for recovery: " + e.getMessage(), e);
        }
        for (Path part : parts) {
            try {
                RecoveredFile r = recoverOne(part);
                if (r != null) {
                    SegmentFile.moveAtomically(part, r.renamedTo());
                    out.add(r);
                    LOG.info("shadow log recovery: {} -> {} (kept {} of {} bytes)", part.getFileName(),
                            r.renamedTo().getFileName(), r.keptBytes(), r.originalBytes());
                }
            } catch (IOException e) {
                LOG.warn("shadow log recovery of {} failed: {}", part, e.toString());
            }
        }
        return out;
    }

    /** @return what to rename {@code part} to, or {@code null} if a live writer holds it */
    private static RecoveredFile recoverOne(Path part) throws IOException {
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return null; // held by a writer in this JVM
            }
            if (l == null) {
                return null; // held by a live writer in another process
            }
            try {
                long original = ch.size();
                long keep = ShadowLogReader.validLength(part);
                if (keep < FILE_HEADER_LENGTH) {
                    return new RecoveredFile(part, part.resolveSibling(part.getFileName() + ".corrupt"), original, 0);
                }
                if (keep < original) {
                    ch.truncate(keep);
                }
                ch.force(true);
                return new RecoveredFile(part, SegmentFile.finishedName(part), original, keep);
            } finally {
                l.release();
            }
        }
    }
}
