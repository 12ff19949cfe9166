package dev.hotpath.shadow.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The succession of segments of one writer: opens the next {@link SegmentFile} (file header, then one MODEL_INFO
 * block naming every registered model, so each segment is self-describing), finishes the current one and applies
 * {@link SegmentRetention} after it, and remembers the finished files.
 *
 * <p>Not thread-safe; owned by the writer's thread. Opening and finishing allocate (cold).
 */
final class SegmentSequence {
    private final Path directory;
    private final String hostTag;
    private final long instanceId;
    private final int blockBytes;
    private final SegmentRetention retention;
    private final LogBlock modelBlock;
    private final List<Path> finished = new ArrayList<>();
    private SegmentFile current;
    private int nextNameSequence;

    SegmentSequence(Path directory, long instanceId, LogOptions options) {
        this.directory = directory;
        this.hostTag = options.hostTag();
        this.instanceId = instanceId;
        this.blockBytes = options.blockBytes();
        this.retention = new SegmentRetention(directory, hostTag, options);
        this.modelBlock = new LogBlock(blockBytes);
    }

    /** @return the segment being written, or {@code null} */
    SegmentFile current() {
        return current;
    }

    /**
     * Opens the next segment and writes its MODEL_INFO block.
     *
     * @param nowEpochNanos the time
     * @param models every registered model
     * @param firstRecordSeq the writer-wide sequence number of the first MODEL_INFO record
     * @param crc a scratch checksum
     * @return how many MODEL_INFO records were written (they take the next sequence numbers)
     * @throws IOException if the file cannot be created or written; nothing stays open then
     */
    int open(long nowEpochNanos, Collection<ModelDescriptor> models, long firstRecordSeq, CRC32C crc)
            throws IOException {
        SegmentFile s = SegmentFile.create(directory, hostTag, instanceId, nextNameSequence, nowEpochNanos, crc);
        nextNameSequence = s.nameSequence() + 1;
        if (models.isEmpty()) {
            current = s;
            return 0;
        }
        LogBlock b = modelBlock;
        b.reset();
        for (ModelDescriptor d : models) {
            int len = LogRecordEncoder.modelInfoLength(d);
            if (b.used + len > blockBytes) {
                break;
            }
            LogRecordEncoder.encodeModelInfo(b.buffer, b.used, nowEpochNanos, d);
            b.used += len;
            b.count++;
            b.maxEpoch = nowEpochNanos;
        }
        try {
            s.write(b.byteBuffer, b.seal(firstRecordSeq, crc), false);
        } catch (IOException e) {
            s.releaseQuietly();
            throw e;
        }
        current = s;
        return b.count;
    }

    /**
     * Finishes the current segment (renamed to {@code .shdw}) and applies retention.
     *
     * @param force whether to force the file first
     * @param nowMillis epoch ms, for age retention
     * @throws IOException on failure; the segment is released (left {@code .part} if it was not renamed)
     */
    void finish(boolean force, long nowMillis) throws IOException {
        SegmentFile s = current;
        if (s == null) {
            return;
        }
        current = null;
        Path done;
        try {
            done = s.finish(force);
        } catch (IOException | RuntimeException e) {
            s.releaseQuietly();
            throw e;
        }
        finished.add(done);
        retention.apply(done, nowMillis);
    }

    /** Releases the current segment without finishing it (after an I/O error): it is recovered later. */
    void abandon() {
        if (current != null) {
            current.releaseQuietly();
            current = null;
        }
    }

    /** @return finished segments, oldest first */
    List<Path> finished() {
        return List.copyOf(finished);
    }
}
