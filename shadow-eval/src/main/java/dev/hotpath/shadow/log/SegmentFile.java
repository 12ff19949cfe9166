package dev.hotpath.shadow.log;

import static dev.hotpath.shadow.log.ShadowLogFormat.FILE_HEADER_LENGTH;
import static dev.hotpath.shadow.log.ShadowLogFormat.ORDER;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.zip.CRC32C;

/**
 * One segment file while it is written: {@code shadow-<host>-<yyyyMMddHH>-<instance>-<seq>.shdw.part}, created
 * new, held under an exclusive file lock (so recovery never touches a live file), started with the 64-byte file
 * header and appended to with positional writes. {@link #finish} forces it, releases it and renames it to
 * {@code .shdw}.
 *
 * <p>Not thread-safe; owned by the writer's thread. Creating a segment allocates (cold); {@link #write} does not.
 */
final class SegmentFile {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);
    private static final int MAX_NAME_ATTEMPTS = 10_000;

    private final FileChannel channel;
    private final FileLock lock;
    private final Path path;
    private final int nameSequence;
    private final long openedAtNanos;
    private long size;
    private int dataBlocks;

    private SegmentFile(FileChannel channel, FileLock lock, Path path, int nameSequence, long openedAtNanos) {
        this.channel = channel;
        this.lock = lock;
        this.path = path;
        this.nameSequence = nameSequence;
        this.openedAtNanos = openedAtNanos;
    }

    /**
     * Creates the next segment of a writer, skipping names that exist (as {@code .part} or {@code .shdw}) or are
     * locked, and writes its file header.
     *
     * @param directory the log directory
     * @param hostTag the writer's host tag
     * @param instanceId the writer's instance id (its high 32 bits go into the name)
     * @param firstNameSequence the first {@code <seq>} to try
     * @param nowEpochNanos the creation time, for the name's hour and the header
     * @param crc a scratch checksum
     * @return the open segment, positioned after its header
     * @throws IOException if no file could be created
     */
    static SegmentFile create(Path directory, String hostTag, long instanceId, int firstNameSequence,
            long nowEpochNanos, CRC32C crc) throws IOException {
        String hour = HOUR.format(Instant.ofEpochSecond(0, nowEpochNanos));
        for (int seq = firstNameSequence; seq < firstNameSequence + MAX_NAME_ATTEMPTS; seq++) {
            Path part = directory.resolve(String.format("shadow-%s-%s-%08x-%04d%s", hostTag, hour,
                    (int) (instanceId >>> 32), seq, ShadowLogFormat.PART_SUFFIX));
            if (Files.exists(finishedName(part))) {
                continue;
            }
            FileChannel ch;
            try {
                ch = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        StandardOpenOption.READ);
            } catch (FileAlreadyExistsException e) {
                continue;
            }
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (IOException | OverlappingFileLockException e) {
                ch.close();
                throw e instanceof IOException io ? io : new IOException(e);
            }
            if (l == null) {
                ch.close();
                continue;
            }
            SegmentFile segment = new SegmentFile(ch, l, part, seq, nowEpochNanos);
            try {
                segment.writeHeader(nowEpochNanos, instanceId, crc);
            } catch (IOException e) {
                segment.releaseQuietly();
                throw e;
            }
            return segment;
        }
        throw new IOException("could not create a new segment file in " + directory);
    }

    private void writeHeader(long nowEpochNanos, long instanceId, CRC32C crc) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(FILE_HEADER_LENGTH).order(ORDER);
        h.put(0, ShadowLogFormat.FILE_MAGIC);
        h.putShort(ShadowLogFormat.FH_FORMAT_VERSION_OFFSET, (short) ShadowLogFormat.FORMAT_VERSION);
        h.putShort(ShadowLogFormat.FH_HEADER_LENGTH_OFFSET, (short) FILE_HEADER_LENGTH);
        h.putInt(ShadowLogFormat.FH_SCHEMA_VERSION_OFFSET, ShadowLogFormat.RECORD_SCHEMA_VERSION);
        h.putLong(ShadowLogFormat.FH_CREATED_OFFSET, nowEpochNanos);
        h.putLong(ShadowLogFormat.FH_INSTANCE_OFFSET, instanceId);
        h.put(ShadowLogFormat.FH_FINGERPRINT_OFFSET, ShadowLogFormat.schemaFingerprint());
        crc.reset();
        h.limit(ShadowLogFormat.FH_CRC_OFFSET).position(0);
        crc.update(h);
        h.clear();
        h.putInt(ShadowLogFormat.FH_CRC_OFFSET, (int) crc.getValue());
        write(h, FILE_HEADER_LENGTH, false);
    }

    /**
     * Appends {@code length} bytes from the start of {@code bb} at the end of the file. Allocation-free.
     *
     * @param bb the bytes (position and limit are reset afterwards)
     * @param length how many
     * @param dataBlock whether this is a block of records (counted for rotation) rather than a header
     * @throws IOException on a write failure
     */
    void write(ByteBuffer bb, int length, boolean dataBlock) throws IOException {
        bb.limit(length).position(0);
        long pos = size;
        while (bb.hasRemaining()) {
            pos += channel.write(bb, pos);
        }
        bb.clear();
        size += length;
        if (dataBlock) {
            dataBlocks++;
        }
    }

    /** @return the bytes written so far, header included */
    long size() {
        return size;
    }

    /** @return data blocks written so far */
    int dataBlocks() {
        return dataBlocks;
    }

    /** @return the {@code .part} file */
    Path path() {
        return path;
    }

    /** @return the {@code <seq>} in this file's name */
    int nameSequence() {
        return nameSequence;
    }

    /** @return when it was created, epoch ns */
    long openedAtNanos() {
        return openedAtNanos;
    }

    /**
     * @param metaData also force file metadata
     * @throws IOException on failure
     */
    void force(boolean metaData) throws IOException {
        channel.force(metaData);
    }

    /**
     * Forces (unless told not to), releases and renames the file to {@code .shdw}.
     *
     * @param force whether to force data and metadata first
     * @return the finished file
     * @throws IOException on failure; the file is released either way
     */
    Path finish(boolean force) throws IOException {
        try {
            if (force) {
                channel.force(true);
            }
        } finally {
            release();
        }
        Path finished = finishedName(path);
        moveAtomically(path, finished);
        return finished;
    }

    private void release() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            channel.close();
        }
    }

    /** Releases the file without renaming it; it stays {@code .part} and is recovered by the next writer. */
    void releaseQuietly() {
        try {
            release();
        } catch (IOException | RuntimeException ignored) {
            // Nothing more can be done here; recovery handles the file.
        }
    }

    static Path finishedName(Path part) {
        String name = part.getFileName().toString();
        return part.resolveSibling(
                name.substring(0, name.length() - ShadowLogFormat.PART_SUFFIX.length()) + ShadowLogFormat.SEGMENT_SUFFIX);
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }
}
