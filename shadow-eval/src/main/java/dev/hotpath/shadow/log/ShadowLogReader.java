package dev.hotpath.shadow.log;

import static dev.hotpath.shadow.log.ShadowLogFormat.BLOCK_HEADER_LENGTH;
import static dev.hotpath.shadow.log.ShadowLogFormat.BLOCK_MAGIC;
import static dev.hotpath.shadow.log.ShadowLogFormat.FILE_HEADER_LENGTH;
import static dev.hotpath.shadow.log.ShadowLogFormat.ORDER;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import dev.hotpath.shadow.JvmFlags;
import dev.hotpath.shadow.ShadowEvalException;

/**
 * Reads shadow logs written by {@link ShadowLogWriter}, tolerating crashes: a torn last block (a file truncated at
 * any byte) or a corrupt block ends or interrupts reading at the last valid block, and the skipped bytes are
 * reported in the {@link ReadSummary} instead of failing. A corrupt block in the middle of a file is skipped by
 * resynchronising on the next block whose magic and CRC32C are valid.
 *
 * <p>It also checks each writer's record sequence over everything one call reads: a block whose record numbers
 * were already read (a segment copied under a second name, a directory given twice) is not delivered, so no record
 * is counted twice, and numbers missing between two segments (a deleted segment) are reported; see
 * {@link SequenceProblem}.
 *
 * <p>Reads both finished segments ({@code .shdw}) and segments still being written or left by a crash
 * ({@code .shdw.part}). Stateless and thread-safe; each call allocates its own buffers (cold path).
 */
public final class ShadowLogReader {
    private static final long MAX_FILE_BYTES = Integer.MAX_VALUE;

    private ShadowLogReader() {
    }

    /**
     * Lists the log files of a directory ({@code .shdw} and {@code .shdw.part}), sorted by name, which is by host,
     * hour, instance and sequence.
     *
     * @param directory the directory
     * @return the files, possibly empty
     * @throws ShadowEvalException if the directory cannot be listed
     */
    public static List<Path> listLogFiles(Path directory) {
        try (Stream<Path> s = Files.list(directory)) {
            return s.filter(p -> isLogFile(p) && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new ShadowEvalException("cannot list shadow log directory " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param p a path
     * @return whether its name ends in {@code .shdw} or {@code .shdw.part}
     */
    public static boolean isLogFile(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(ShadowLogFormat.SEGMENT_SUFFIX) || name.endsWith(ShadowLogFormat.PART_SUFFIX);
    }

    /**
     * Reads a log file, or every log file of a directory.
     *
     * @param fileOrDirectory a {@code .shdw}/{@code .shdw.part} file or a directory of them
     * @param visitor receives the records
     * @return what was read and skipped
     * @throws ShadowEvalException if the path does not exist or cannot be read
     */
    public static ReadSummary read(Path fileOrDirectory, LogRecordVisitor visitor) {
        return read(List.of(fileOrDirectory), visitor);
    }

    /**
     * Reads several files and/or directories in the given order.
     *
     * @param paths files or directories
     * @param visitor receives the records
     * @return what was read and skipped, summed over all files
     * @throws ShadowEvalException if a path does not exist or cannot be read
     */
    public static ReadSummary read(List<Path> paths, LogRecordVisitor visitor) {
        Scan total = new Scan();
        total.sequence = new SequenceCheck();
        int files = 0;
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                for (Path f : listLogFiles(path)) {
                    scanFile(f, visitor, true, total);
                    files++;
                }
            } else if (Files.isRegularFile(path)) {
                scanFile(path, visitor, true, total);
                files++;
            } else {
                throw new ShadowEvalException("shadow log path does not exist: " + path);
            }
        }
        return new ReadSummary(files, total.blocks, total.records, total.skipped, total.problems,
                total.sequence.repeatedRecords(), total.sequence.problems());
    }

    /**
     * The length of the file up to the end of its last valid block: what a crashed {@code .part} file can be
     * truncated to without losing any valid block. Returns 0 when the file header itself is invalid.
     *
     * @param file the file
     * @return the byte length to keep
     */
    public static long validLength(Path file) {
        Scan scan = new Scan();
        scanFile(file, null, false, scan);
        return scan.headerValid ? scan.endOfLastValidBlock : 0;
    }

    private static final class Scan {
        long blocks;
        long records;
        long skipped;
        final List<ReadProblem> problems = new ArrayList<>();
        boolean headerValid;
        long endOfLastValidBlock;
        /** Null when only validating (recovery). */
        SequenceCheck sequence;
    }

    private static void scanFile(Path file, LogRecordVisitor visitor, boolean deliver, Scan scan) {
        JvmFlags.requireAgronaAccess();
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new ShadowEvalException("cannot read shadow log " + file + ": " + e.getMessage(), e);
        }
        scan.headerValid = false;
        scan.endOfLastValidBlock = 0;
        if (size < FILE_HEADER_LENGTH) {
            problem(scan, file, 0, size, "file is " + size + " bytes, shorter than the " + FILE_HEADER_LENGTH
                    + "-byte header (empty or torn at creation)");
            return;
        }
        if (size > MAX_FILE_BYTES) {
            problem(scan, file, 0, size, "file is larger than " + MAX_FILE_BYTES + " bytes; segments are rotated "
                    + "well below that, so this is not a shadow log segment");
            return;
        }
        MappedByteBuffer mapped = null;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            UnsafeBuffer buf = new UnsafeBuffer(mapped);
            scanMapped(file, mapped, buf, (int) size, visitor, deliver, scan);
        } catch (IOException e) {
            throw new ShadowEvalException("cannot read shadow log " + file + ": " + e.getMessage(), e);
        } finally {
            if (mapped != null) {
                IoUtil.unmap(mapped);
            }
        }
    }

    private static void scanMapped(Path file, ByteBuffer bb, UnsafeBuffer buf, int size, LogRecordVisitor visitor,
            boolean deliver, Scan scan) {
        String headerProblem = checkFileHeader(bb, buf);
        if (headerProblem != null) {
            problem(scan, file, 0, size, headerProblem);
            return;
        }
        scan.headerValid = true;
        scan.endOfLastValidBlock = FILE_HEADER_LENGTH;
        long instance = buf.getLong(ShadowLogFormat.FH_INSTANCE_OFFSET, ORDER);
        if (deliver && visitor != null) {
            visitor.onFile(new LogFileHeader(file,
                    buf.getShort(ShadowLogFormat.FH_FORMAT_VERSION_OFFSET, ORDER) & 0xFFFF,
                    buf.getInt(ShadowLogFormat.FH_SCHEMA_VERSION_OFFSET, ORDER),
                    buf.getLong(ShadowLogFormat.FH_CREATED_OFFSET, ORDER),
                    instance));
        }
        Flyweights fw = new Flyweights();
        CRC32C crc = new CRC32C();
        int pos = FILE_HEADER_LENGTH;
        while (pos < size) {
            int payload = validBlockPayload(bb, buf, pos, size, crc);
            if (payload >= 0) {
                scan.blocks++;
                if (deliver && (scan.sequence == null || scan.sequence.admit(file, instance,
                        buf.getLong(pos + ShadowLogFormat.BH_FIRST_SEQ_OFFSET, ORDER),
                        buf.getInt(pos + ShadowLogFormat.BH_RECORD_COUNT_OFFSET, ORDER)))) {
                    deliverBlock(file, buf, pos, payload, visitor, fw, scan);
                }
                pos += BLOCK_HEADER_LENGTH + payload;
                scan.endOfLastValidBlock = pos;
                continue;
            }
            String reason = describeInvalidBlock(buf, pos, size);
            int next = resync(bb, buf, pos + 8, size, crc);
            if (next < 0) {
                problem(scan, file, pos, size - pos, reason + "; no valid block follows (torn tail)");
                return;
            }
            problem(scan, file, pos, next - pos, reason + "; resumed at the next valid block at offset " + next);
            pos = next;
        }
    }

    private static String checkFileHeader(ByteBuffer bb, DirectBuffer buf) {
        for (int i = 0; i < ShadowLogFormat.FILE_MAGIC.length; i++) {
            if (buf.getByte(i) != ShadowLogFormat.FILE_MAGIC[i]) {
                return "not a shadow log: expected magic \"SHDWLOG1\" at offset 0";
            }
        }
        int crcStored = buf.getInt(ShadowLogFormat.FH_CRC_OFFSET, ORDER);
        CRC32C crc = new CRC32C();
        crc.update(slice(bb, 0, ShadowLogFormat.FH_CRC_OFFSET));
        if ((int) crc.getValue() != crcStored) {
            return "file header CRC32C mismatch (header corrupt)";
        }
        int version = buf.getShort(ShadowLogFormat.FH_FORMAT_VERSION_OFFSET, ORDER) & 0xFFFF;
        if (version != ShadowLogFormat.FORMAT_VERSION) {
            return "file format version " + version + " is not supported (this reader reads version "
                    + ShadowLogFormat.FORMAT_VERSION + "); use a newer Hotpath";
        }
        int headerLength = buf.getShort(ShadowLogFormat.FH_HEADER_LENGTH_OFFSET, ORDER) & 0xFFFF;
        if (headerLength != FILE_HEADER_LENGTH) {
            return "header length " + headerLength + " at offset 10, expected " + FILE_HEADER_LENGTH;
        }
        byte[] fp = new byte[16];
        buf.getBytes(ShadowLogFormat.FH_FINGERPRINT_OFFSET, fp);
        if (!ShadowLogFormat.fingerprintMatches(fp)) {
            return "schema fingerprint at offset 32 does not match record schema v"
                    + ShadowLogFormat.RECORD_SCHEMA_VERSION;
        }
        return null;
    }

    /** @return the payload length when a valid block starts at {@code pos}, else -1 */
    private static int validBlockPayload(ByteBuffer bb, DirectBuffer buf, int pos, int size, CRC32C crc) {
        if (size - pos < BLOCK_HEADER_LENGTH || buf.getInt(pos, ORDER) != BLOCK_MAGIC) {
            return -1;
        }
        int payload = buf.getInt(pos + ShadowLogFormat.BH_PAYLOAD_LENGTH_OFFSET, ORDER);
        if (payload < 0 || payload > ShadowLogFormat.MAX_BLOCK_PAYLOAD || (payload & 7) != 0
                || (long) pos + BLOCK_HEADER_LENGTH + payload > size) {
            return -1;
        }
        crc.reset();
        crc.update(slice(bb, pos, ShadowLogFormat.BH_CRC_OFFSET));
        crc.update(slice(bb, pos + ShadowLogFormat.BH_MAX_EPOCH_OFFSET, 8));
        crc.update(slice(bb, pos + BLOCK_HEADER_LENGTH, payload));
        if ((int) crc.getValue() != buf.getInt(pos + ShadowLogFormat.BH_CRC_OFFSET, ORDER)) {
            return -1;
        }
        return payload;
    }

    private static String describeInvalidBlock(DirectBuffer buf, int pos, int size) {
        if (size - pos < BLOCK_HEADER_LENGTH) {
            return "incomplete block header (" + (size - pos) + " of " + BLOCK_HEADER_LENGTH + " bytes)";
        }
        if (buf.getInt(pos, ORDER) != BLOCK_MAGIC) {
            return "no block magic \"BLK1\"";
        }
        long payload = buf.getInt(pos + ShadowLogFormat.BH_PAYLOAD_LENGTH_OFFSET, ORDER) & 0xFFFFFFFFL;
        if (payload > ShadowLogFormat.MAX_BLOCK_PAYLOAD || (payload & 7) != 0) {
            return "implausible block payload length " + payload;
        }
        if (pos + BLOCK_HEADER_LENGTH + payload > size) {
            return "block of " + (BLOCK_HEADER_LENGTH + payload) + " bytes is cut off after "
                    + (size - pos) + " bytes";
        }
        return "block CRC32C mismatch";
    }

    private static int resync(ByteBuffer bb, DirectBuffer buf, int from, int size, CRC32C crc) {
        // Blocks start 8-aligned (header 64, records are multiples of 8), so an 8-byte stride finds them all.
        int start = from + ((8 - ((from - FILE_HEADER_LENGTH) & 7)) & 7);
        for (int p = start; p + BLOCK_HEADER_LENGTH <= size; p += 8) {
            if (buf.getInt(p, ORDER) == BLOCK_MAGIC && validBlockPayload(bb, buf, p, size, crc) >= 0) {
                return p;
            }
        }
        return -1;
    }

    private static void deliverBlock(Path file, DirectBuffer buf, int blockPos, int payload, LogRecordVisitor visitor,
            Flyweights fw, Scan scan) {
        int pos = blockPos + BLOCK_HEADER_LENGTH;
        int end = pos + payload;
        while (pos < end) {
            int len = end - pos < ShadowLogFormat.RECORD_HEADER_LENGTH ? -1 : buf.getInt(pos, ORDER);
            if (len < 16 || (len & 7) != 0 || len > end - pos) {
                // The CRC was valid, so the writer produced this: skip the rest of the block rather than guess.
                problem(scan, file, pos, end - pos, "malformed record length " + len + " inside a valid block");
                return;
            }
            int type = buf.getShort(pos + ShadowLogFormat.RH_TYPE_OFFSET, ORDER) & 0xFFFF;
            scan.records++;
            if (visitor != null) {
                switch (type) {
                    case ShadowLogFormat.TYPE_COMPARISON:
                        if (len >= ShadowLogFormat.COMPARISON_LENGTH) {
                            visitor.onComparison(fw.comparison.wrap(buf, pos));
                        }
                        break;
                    case ShadowLogFormat.TYPE_FEATURES:
                        if (len >= ShadowLogFormat.F_VALUES) {
                            int count = buf.getShort(pos + ShadowLogFormat.F_COUNT, ORDER) & 0xFFFF;
                            if (ShadowLogFormat.F_VALUES + 4L * count <= len) {
                                visitor.onFeatures(fw.features.wrap(buf, pos, len));
                            }
                        }
                        break;
                    case ShadowLogFormat.TYPE_MODEL_INFO:
                        ModelDescriptor d = decodeModelInfo(buf, pos, len);
                        if (d != null) {
                            visitor.onModelInfo(d, buf.getLong(pos + ShadowLogFormat.R_EPOCH_OFFSET, ORDER));
                        } else {
                            problem(scan, file, pos, 0, "unreadable MODEL_INFO record");
                        }
                        break;
                    case ShadowLogFormat.TYPE_COUNTERS:
                        if (len >= ShadowLogFormat.COUNTERS_LENGTH) {
                            visitor.onCounters(fw.counters.wrap(buf, pos));
                        }
                        break;
                    default:
                        // A newer writer's record type: skipped by design (forward compatibility).
                        break;
                }
            }
            pos += len;
        }
    }

    static ModelDescriptor decodeModelInfo(DirectBuffer buf, int pos, int len) {
        if (len < ShadowLogFormat.M_STRINGS) {
            return null;
        }
        int n = buf.getShort(pos + ShadowLogFormat.M_STRING_COUNT, ORDER) & 0xFFFF;
        String[] strings = {"", "", "", ""};
        int p = pos + ShadowLogFormat.M_STRINGS;
        int end = pos + len;
        for (int i = 0; i < n; i++) {
            if (p + 2 > end) {
                return null;
            }
            int sl = buf.getShort(p, ORDER) & 0xFFFF;
            if (p + 2 + sl > end || sl > ShadowLogFormat.MAX_MODEL_STRING_BYTES) {
                return null;
            }
            byte[] bytes = new byte[sl];
            buf.getBytes(p + 2, bytes);
            if (i < strings.length) {
                strings[i] = new String(bytes, StandardCharsets.UTF_8);
            }
            p += 2 + sl;
        }
        try {
            return new ModelDescriptor(buf.getShort(pos + ShadowLogFormat.M_MODEL_ID, ORDER) & 0xFFFF,
                    buf.getShort(pos + ShadowLogFormat.M_ROLE, ORDER) & 0xFFFF,
                    strings[0].isEmpty() ? "model-" + (buf.getShort(pos + ShadowLogFormat.M_MODEL_ID, ORDER) & 0xFFFF)
                            : strings[0],
                    strings[1], strings[2], strings[3],
                    buf.getFloat(pos + ShadowLogFormat.M_THRESHOLD, ORDER),
                    buf.getInt(pos + ShadowLogFormat.M_NUM_FEATURES, ORDER),
                    buf.getInt(pos + ShadowLogFormat.M_OUTPUT_INDEX, ORDER),
                    buf.getLong(pos + ShadowLogFormat.M_BUDGET, ORDER));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static ByteBuffer slice(ByteBuffer bb, int offset, int length) {
        ByteBuffer d = bb.duplicate();
        d.limit(offset + length).position(offset);
        return d;
    }

    private static void problem(Scan scan, Path file, long offset, long bytes, String reason) {
        scan.skipped += bytes;
        scan.problems.add(new ReadProblem(file, offset, bytes, reason));
    }

    private static final class Flyweights {
        final ComparisonRecord comparison = new ComparisonRecord();
        final FeaturesRecord features = new FeaturesRecord();
        final CountersRecord counters = new CountersRecord();
    }
}
