package dev.hotpath.shadow.log;

import static dev.hotpath.shadow.log.ShadowLogFormat.BLOCK_HEADER_LENGTH;
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
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.shadow.JvmFlags;
import dev.hotpath.shadow.ShadowEvalException;

/**
 * Appends records to a directory of rotating segment files in the {@link ShadowLogFormat} layout.
 *
 * <ul>
 *   <li>Records are batched per type into blocks (one record type per block) of up to {@code blockBytes}; a block
 *       is written with one positional write when it is full, when it is older than {@code flushInterval} (see
 *       {@link #poll()}), or on {@link #flush()}, rotation and close.</li>
 *   <li>A segment is written as {@code shadow-<host>-<yyyyMMddHH>-<instance>-<seq>.shdw.part} under an exclusive
 *       file lock and renamed to {@code .shdw} when finished (size or age limit reached, or close). Every segment
 *       starts with MODEL_INFO records for all registered models, so each file is self-describing.</li>
 *   <li>On start, leftover {@code .part} files that no live writer holds are recovered: truncated after their last
 *       valid block and renamed (see {@link #recoveredFiles()}).</li>
 *   <li>Durability follows the {@link FsyncPolicy}.</li>
 *   <li>I/O errors and low disk space never propagate unless the writer was built {@code failFast}: the block is
 *       dropped and counted, the segment abandoned (it is recovered later), and writing resumes after a back-off.
 *       </li>
 * </ul>
 *
 * <p><b>Thread-safety:</b> not thread-safe; one thread (the writer agent, or a replay) owns an instance. Counter
 * getters may be read from other threads. <b>Allocation:</b> {@link #append(DirectBuffer, int, int)} and block
 * writes allocate nothing in steady state; opening, rotating and recovering segments allocate (cold).
 */
public final class ShadowLogWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowLogWriter.class);
    private static final Pattern HOST_TAG = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);
    private static final int TYPE_SLOTS = 4;
    private static final long LOW_DISK_CHECK_NANOS = 5_000_000_000L;

    private final Path directory;
    private final String hostTag;
    private final long instanceId;
    private final long rotateBytes;
    private final long rotateIntervalNanos;
    private final FsyncPolicy fsyncPolicy;
    private final int blockBytes;
    private final long flushIntervalNanos;
    private final long minFreeBytes;
    private final long retainMaxBytes;
    private final long retainMaxAgeNanos;
    private final long ioBackoffNanos;
    private final boolean failFast;
    private final EpochNanoClock clock;

    private final Block[] blocks = new Block[TYPE_SLOTS];
    private final Block headerBlock;
    private final CRC32C crc = new CRC32C();
    private final Map<Integer, ModelDescriptor> models = new LinkedHashMap<>();
    private final List<RecoveredFile> recovered;
    private final List<Path> finishedFiles = new ArrayList<>();
    private final UnsafeBuffer scratch;
    private final ByteBuffer fileHeaderBuffer = ByteBuffer.allocateDirect(FILE_HEADER_LENGTH).order(ORDER);

    private FileChannel channel;
    private FileLock lock;
    private Path partPath;
    private long fileSize;
    private long fileOpenedAtNanos;
    private int fileBlocks;
    private int sequence;
    private long nextRecordSeq;
    private long lastForceNanos;
    private boolean unforcedData;
    private long retryAtNanos = Long.MIN_VALUE;
    private long lastDiskCheckNanos = Long.MIN_VALUE;
    private boolean closed;

    private volatile long recordsWritten;
    private volatile long bytesWritten;
    private volatile long recordsDropped;
    private volatile long ioErrors;

    /** A {@code .part} file found at start-up and made readable again. */
    public record RecoveredFile(Path original, Path renamedTo, long originalBytes, long keptBytes) {
    }

    private ShadowLogWriter(Builder b) {
        this.directory = b.directory;
        this.hostTag = b.hostTag;
        this.instanceId = b.instanceId != null ? b.instanceId : ThreadLocalRandom.current().nextLong();
        this.rotateBytes = b.rotateBytes;
        this.rotateIntervalNanos = b.rotateInterval.toNanos();
        this.fsyncPolicy = b.fsyncPolicy;
        this.blockBytes = b.blockBytes;
        this.flushIntervalNanos = b.flushInterval.toNanos();
        this.minFreeBytes = b.minFreeBytes;
        this.retainMaxBytes = b.retainMaxBytes;
        this.retainMaxAgeNanos = b.retainMaxAge == null ? 0 : b.retainMaxAge.toNanos();
        this.ioBackoffNanos = b.ioBackoff.toNanos();
        this.failFast = b.failFast;
        this.clock = b.clock;
        for (int i = 0; i < TYPE_SLOTS; i++) {
            blocks[i] = new Block(blockBytes);
        }
        this.headerBlock = new Block(blockBytes);
        this.scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(blockBytes));
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new ShadowEvalException("cannot create shadow log directory " + directory + ": " + e.getMessage(),
                    e);
        }
        this.recovered = Collections.unmodifiableList(b.recover ? recoverPartFiles() : List.of());
    }

    /**
     * @param directory where segments are written; created if missing
     * @return a builder with the documented defaults
     */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    // ------------------------------------------------------------------ appending

    /**
     * Registers (or replaces) a model description and writes a MODEL_INFO record for it. Every later segment also
     * starts with it. Cold path.
     *
     * @param model the description
     */
    public void registerModel(ModelDescriptor model) {
        Objects.requireNonNull(model, "model");
        models.put(model.modelId(), model);
        if (channel != null) {
            // Otherwise the next segment opened starts with every registered model anyway.
            int len = ShadowLogFormat.encodeModelInfo(scratch, 0, clock.nanoTime(), model);
            append(scratch, 0, len);
        }
    }

    /**
     * Appends one complete record ({@code length} bytes, starting with its own 8-byte record header). The record
     * is written with the next block of its type. Allocation-free in steady state.
     *
     * @param src the record bytes
     * @param offset where the record starts in {@code src}
     * @param length the record length; must equal the record's own length field
     * @return {@code true} if buffered, {@code false} if dropped (invalid record, closed, I/O back-off, low disk)
     * @throws ShadowEvalException on I/O failure when built {@code failFast}
     */
    public boolean append(DirectBuffer src, int offset, int length) {
        if (closed || length < 16 || (length & 7) != 0 || length > blockBytes - BLOCK_HEADER_LENGTH
                || src.getInt(offset, ORDER) != length) {
            recordsDropped++;
            return false;
        }
        int type = src.getShort(offset + ShadowLogFormat.RH_TYPE_OFFSET, ORDER) & 0xFFFF;
        if (type < 1 || type > TYPE_SLOTS) {
            recordsDropped++;
            return false;
        }
        long now = clock.nanoTime();
        if (now < retryAtNanos) {
            recordsDropped++;
            return false;
        }
        Block block = blocks[type - 1];
        if (block.used + length > blockBytes) {
            writeBlock(block);
        }
        if (block.count == 0) {
            block.firstAppendNanos = now;
        }
        block.buffer.putBytes(block.used, src, offset, length);
        long epoch = src.getLong(offset + ShadowLogFormat.R_EPOCH_OFFSET, ORDER);
        if (epoch > block.maxEpoch) {
            block.maxEpoch = epoch;
        }
        block.used += length;
        block.count++;
        return true;
    }

    /**
     * Appends a COMPARISON record built from the arguments (see
     * {@link ShadowLogFormat#encodeComparison}). Allocation-free.
     *
     * @param epochNanos time of the primary decision
     * @param requestId request id
     * @param amountMinor amount in minor units
     * @param primaryModelId primary model id
     * @param shadowModelId shadow model id
     * @param primaryScore primary score
     * @param shadowScore shadow score
     * @param primaryDecision primary decision code
     * @param shadowDecision shadow decision code
     * @param flags flag bits
     * @param primaryLatencyNanos primary latency
     * @param shadowLatencyNanos shadow latency
     * @param segmentKey segment key
     * @param sampleRateE4 sampling rate in 1/10,000
     * @return whether the record was buffered
     */
    public boolean appendComparison(long epochNanos, long requestId, long amountMinor, int primaryModelId,
            int shadowModelId, float primaryScore, float shadowScore, int primaryDecision, int shadowDecision,
            int flags, int primaryLatencyNanos, int shadowLatencyNanos, int segmentKey, int sampleRateE4) {
        ShadowLogFormat.encodeComparison(scratch, 0, epochNanos, requestId, amountMinor, primaryModelId,
                shadowModelId, primaryScore, shadowScore, primaryDecision, shadowDecision, flags, primaryLatencyNanos,
                shadowLatencyNanos, segmentKey, sampleRateE4);
        return append(scratch, 0, ShadowLogFormat.COMPARISON_LENGTH);
    }

    /**
     * Appends a FEATURES record. Allocation-free.
     *
     * @param epochNanos time of the primary decision
     * @param requestId request id
     * @param amountMinor amount in minor units
     * @param primaryModelId primary model id
     * @param features the feature values
     * @param count how many of {@code features} to store, at most {@link ShadowLogFormat#MAX_FEATURES}
     * @param primaryScore primary score
     * @param primaryLatencyNanos primary latency
     * @param segmentKey segment key
     * @param sampleRateE4 sampling rate in 1/10,000
     * @param captureRateE4 capture rate in 1/10,000
     * @return whether the record was buffered
     */
    public boolean appendFeatures(long epochNanos, long requestId, long amountMinor, int primaryModelId,
            float[] features, int count, float primaryScore, int primaryLatencyNanos, int segmentKey,
            int sampleRateE4, int captureRateE4) {
        if (count < 0 || count > ShadowLogFormat.MAX_FEATURES || count > features.length
                || ShadowLogFormat.featuresLength(count) > blockBytes - BLOCK_HEADER_LENGTH) {
            recordsDropped++;
            return false;
        }
        int len = ShadowLogFormat.encodeFeaturesHeader(scratch, 0, epochNanos, requestId, amountMinor,
                primaryModelId, count, primaryScore, primaryLatencyNanos, segmentKey, sampleRateE4, captureRateE4);
        for (int i = 0; i < count; i++) {
            scratch.putFloat(ShadowLogFormat.F_VALUES + 4 * i, features[i], ORDER);
        }
        return append(scratch, 0, len);
    }

    /**
     * Appends a COUNTERS record. Allocation-free.
     *
     * @param epochNanos when the values were read
     * @param scope a shadow model id or {@link ShadowLogFormat#SCOPE_GLOBAL}
     * @param values {@link ShadowLogFormat#COUNTER_SLOTS} cumulative values
     * @return whether the record was buffered
     */
    public boolean appendCounters(long epochNanos, int scope, long[] values) {
        ShadowLogFormat.encodeCounters(scratch, 0, epochNanos, instanceId, scope, values);
        return append(scratch, 0, ShadowLogFormat.COUNTERS_LENGTH);
    }

    // ------------------------------------------------------------------ time-driven work

    /**
     * Does the time-driven work: writes blocks older than the flush interval, applies a periodic fsync, rotates a
     * segment that reached its age limit, and checks free disk space. Call it regularly (the writer agent does, on
     * every duty cycle).
     *
     * @return the number of blocks written
     */
    public int poll() {
        if (closed) {
            return 0;
        }
        long now = clock.nanoTime();
        int work = 0;
        for (Block block : blocks) {
            if (block.count > 0 && now - block.firstAppendNanos >= flushIntervalNanos && now >= retryAtNanos) {
                writeBlock(block);
                work++;
            }
        }
        if (channel != null) {
            if (fsyncPolicy.mode() == FsyncPolicy.Mode.PERIODIC && unforcedData
                    && now - lastForceNanos >= fsyncPolicy.intervalNanos()) {
                force(now);
            }
            if (now - fileOpenedAtNanos >= rotateIntervalNanos) {
                rotate();
                work++;
            } else if (minFreeBytes > 0 && now - lastDiskCheckNanos >= LOW_DISK_CHECK_NANOS) {
                lastDiskCheckNanos = now;
                if (usableSpace() < minFreeBytes) {
                    LOG.warn("shadow log writer: usable space in {} below {} bytes; pausing writes", directory,
                            minFreeBytes);
                    rotate();
                    retryAtNanos = now + ioBackoffNanos;
                }
            }
        }
        return work;
    }

    /** Writes every partially filled block now. */
    public void flush() {
        for (Block block : blocks) {
            if (block.count > 0) {
                writeBlock(block);
            }
        }
    }

    /** Writes all pending blocks and finishes the current segment (renaming it to {@code .shdw}). */
    public void rotate() {
        flush();
        finishSegment();
    }

    /** Flushes, finishes the current segment and releases the file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            flush();
            finishSegment();
        } finally {
            closed = true;
        }
    }

    // ------------------------------------------------------------------ observability

    /** @return the writer's instance id, stored in file headers and COUNTERS records */
    public long instanceId() {
        return instanceId;
    }

    /** @return the directory segments are written to */
    public Path directory() {
        return directory;
    }

    /** @return records written to disk so far */
    public long recordsWritten() {
        return recordsWritten;
    }

    /** @return bytes written to disk so far (headers included) */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** @return records dropped (invalid, I/O error, low disk, back-off) */
    public long recordsDropped() {
        return recordsDropped;
    }

    /** @return I/O errors seen */
    public long ioErrors() {
        return ioErrors;
    }

    /** @return the {@code .part} files recovered when this writer started */
    public List<RecoveredFile> recoveredFiles() {
        return recovered;
    }

    /** @return finished segments ({@code .shdw}) written by this writer, oldest first */
    public List<Path> finishedFiles() {
        return List.copyOf(finishedFiles);
    }

    /** @return the segment being written, or {@code null} */
    public Path currentFile() {
        return partPath;
    }

    // ------------------------------------------------------------------ internals

    private static final class Block {
        final ByteBuffer byteBuffer;
        final UnsafeBuffer buffer;
        int used = BLOCK_HEADER_LENGTH;
        int count;
        long maxEpoch = Long.MIN_VALUE;
        long firstAppendNanos;

        Block(int bytes) {
            byteBuffer = ByteBuffer.allocateDirect(bytes).order(ORDER);
            buffer = new UnsafeBuffer(byteBuffer);
        }

        void reset() {
            used = BLOCK_HEADER_LENGTH;
            count = 0;
            maxEpoch = Long.MIN_VALUE;
        }
    }

    private void writeBlock(Block block) {
        int count = block.count;
        if (count == 0) {
            return;
        }
        long now = clock.nanoTime();
        if (now < retryAtNanos) {
            recordsDropped += count;
            block.reset();
            return;
        }
        int length = block.used;
        try {
            if (channel != null && fileBlocks > 0 && fileSize + length > rotateBytes) {
                finishSegment();
            }
            if (channel == null) {
                openSegment(now);
            }
            UnsafeBuffer b = block.buffer;
            b.putInt(0, ShadowLogFormat.BLOCK_MAGIC, ORDER);
            b.putInt(ShadowLogFormat.BH_PAYLOAD_LENGTH_OFFSET, length - BLOCK_HEADER_LENGTH, ORDER);
            b.putLong(ShadowLogFormat.BH_FIRST_SEQ_OFFSET, nextRecordSeq, ORDER);
            b.putInt(ShadowLogFormat.BH_RECORD_COUNT_OFFSET, count, ORDER);
            b.putLong(ShadowLogFormat.BH_MAX_EPOCH_OFFSET, block.maxEpoch, ORDER);
            b.putInt(ShadowLogFormat.BH_CRC_OFFSET, blockCrc(block.byteBuffer, length), ORDER);
            writeFully(block.byteBuffer, length, fileSize);
            fileSize += length;
            fileBlocks++;
            nextRecordSeq += count;
            recordsWritten += count;
            bytesWritten += length;
            unforcedData = true;
            if (fsyncPolicy.mode() == FsyncPolicy.Mode.EVERY_BLOCK) {
                force(now);
            }
        } catch (IOException | RuntimeException e) {
            block.reset();
            handleIoError(e, count);
        } finally {
            block.reset();
        }
    }

    private int blockCrc(ByteBuffer bb, int length) {
        crc.reset();
        bb.limit(ShadowLogFormat.BH_CRC_OFFSET).position(0);
        crc.update(bb);
        bb.limit(length).position(ShadowLogFormat.BH_MAX_EPOCH_OFFSET);
        crc.update(bb);
        bb.clear();
        return (int) crc.getValue();
    }

    private void writeFully(ByteBuffer bb, int length, long position) throws IOException {
        bb.limit(length).position(0);
        long pos = position;
        while (bb.hasRemaining()) {
            pos += channel.write(bb, pos);
        }
        bb.clear();
    }

    private void force(long now) {
        try {
            channel.force(false);
            lastForceNanos = now;
            unforcedData = false;
        } catch (IOException e) {
            handleIoError(e, 0);
        }
    }

    private void openSegment(long now) throws IOException {
        if (minFreeBytes > 0 && usableSpace() < minFreeBytes) {
            throw new IOException("usable disk space in " + directory + " is below the configured minimum of "
                    + minFreeBytes + " bytes");
        }
        String hour = HOUR.format(Instant.ofEpochSecond(0, now));
        for (int attempt = 0; attempt < 10_000; attempt++) {
            Path part = directory.resolve(String.format("shadow-%s-%s-%08x-%04d%s", hostTag, hour,
                    (int) (instanceId >>> 32), sequence++, ShadowLogFormat.PART_SUFFIX));
            Path finished = finishedName(part);
            if (Files.exists(finished)) {
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
            channel = ch;
            lock = l;
            partPath = part;
            fileSize = 0;
            fileBlocks = 0;
            fileOpenedAtNanos = now;
            lastForceNanos = now;
            lastDiskCheckNanos = now;
            writeFileHeader(now);
            writeModelInfoBlock(now);
            return;
        }
        throw new IOException("could not create a new segment file in " + directory);
    }

    private void writeFileHeader(long now) throws IOException {
        ByteBuffer h = fileHeaderBuffer;
        h.clear();
        for (int i = 0; i < FILE_HEADER_LENGTH; i++) {
            h.put(i, (byte) 0);
        }
        h.put(0, ShadowLogFormat.FILE_MAGIC);
        h.putShort(ShadowLogFormat.FH_FORMAT_VERSION_OFFSET, (short) ShadowLogFormat.FORMAT_VERSION);
        h.putShort(ShadowLogFormat.FH_HEADER_LENGTH_OFFSET, (short) FILE_HEADER_LENGTH);
        h.putInt(ShadowLogFormat.FH_SCHEMA_VERSION_OFFSET, ShadowLogFormat.RECORD_SCHEMA_VERSION);
        h.putLong(ShadowLogFormat.FH_CREATED_OFFSET, now);
        h.putLong(ShadowLogFormat.FH_INSTANCE_OFFSET, instanceId);
        h.put(ShadowLogFormat.FH_FINGERPRINT_OFFSET, ShadowLogFormat.schemaFingerprint());
        crc.reset();
        h.limit(ShadowLogFormat.FH_CRC_OFFSET).position(0);
        crc.update(h);
        h.clear();
        h.putInt(ShadowLogFormat.FH_CRC_OFFSET, (int) crc.getValue());
        writeFully(h, FILE_HEADER_LENGTH, 0);
        fileSize = FILE_HEADER_LENGTH;
        bytesWritten += FILE_HEADER_LENGTH;
    }

    private void writeModelInfoBlock(long now) throws IOException {
        if (models.isEmpty()) {
            return;
        }
        // Written directly (not via the MODEL_INFO slot) so it is the first block of every segment.
        Block b = headerBlock;
        b.reset();
        for (ModelDescriptor d : models.values()) {
            int len = ShadowLogFormat.modelInfoLength(d);
            if (b.used + len > blockBytes) {
                break;
            }
            ShadowLogFormat.encodeModelInfo(b.buffer, b.used, now, d);
            b.used += len;
            b.count++;
            b.maxEpoch = now;
        }
        int length = b.used;
        b.buffer.putInt(0, ShadowLogFormat.BLOCK_MAGIC, ORDER);
        b.buffer.putInt(ShadowLogFormat.BH_PAYLOAD_LENGTH_OFFSET, length - BLOCK_HEADER_LENGTH, ORDER);
        b.buffer.putLong(ShadowLogFormat.BH_FIRST_SEQ_OFFSET, nextRecordSeq, ORDER);
        b.buffer.putInt(ShadowLogFormat.BH_RECORD_COUNT_OFFSET, b.count, ORDER);
        b.buffer.putLong(ShadowLogFormat.BH_MAX_EPOCH_OFFSET, b.maxEpoch, ORDER);
        b.buffer.putInt(ShadowLogFormat.BH_CRC_OFFSET, blockCrc(b.byteBuffer, length), ORDER);
        writeFully(b.byteBuffer, length, fileSize);
        fileSize += length;
        nextRecordSeq += b.count;
        bytesWritten += length;
        b.reset();
    }

    private void finishSegment() {
        if (channel == null) {
            return;
        }
        Path part = partPath;
        try {
            if (fsyncPolicy.mode() != FsyncPolicy.Mode.NONE) {
                channel.force(true);
            }
            releaseFile();
            Path finished = finishedName(part);
            moveAtomically(part, finished);
            finishedFiles.add(finished);
            applyRetention(finished);
        } catch (IOException | RuntimeException e) {
            releaseFileQuietly();
            handleIoError(e, 0);
        }
    }

    private void releaseFile() throws IOException {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
        } finally {
            lock = null;
            FileChannel ch = channel;
            channel = null;
            partPath = null;
            ch.close();
        }
    }

    private void releaseFileQuietly() {
        if (channel == null) {
            return;
        }
        try {
            releaseFile();
        } catch (IOException | RuntimeException ignored) {
            // The file stays .part and is recovered by the next writer; nothing more can be done here.
        }
    }

    private void handleIoError(Exception e, int lostRecords) {
        ioErrors++;
        recordsDropped += lostRecords;
        long now = clock.nanoTime();
        retryAtNanos = now + ioBackoffNanos;
        Path file = partPath;
        releaseFileQuietly();
        if (failFast) {
            throw new ShadowEvalException("shadow log write failed in " + (file != null ? file : directory) + ": "
                    + e.getMessage(), e);
        }
        LOG.warn("shadow log writer: {} in {}; {} record(s) dropped, retrying in {} ms", e.toString(),
                file != null ? file : directory, lostRecords, ioBackoffNanos / 1_000_000);
        for (Block block : blocks) {
            recordsDropped += block.count;
            block.reset();
        }
    }

    private long usableSpace() {
        try {
            return Files.getFileStore(directory).getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private static Path finishedName(Path part) {
        String name = part.getFileName().toString();
        return part.resolveSibling(
                name.substring(0, name.length() - ShadowLogFormat.PART_SUFFIX.length()) + ShadowLogFormat.SEGMENT_SUFFIX);
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private void applyRetention(Path justFinished) throws IOException {
        if (retainMaxBytes <= 0 && retainMaxAgeNanos <= 0) {
            return;
        }
        List<Path> segments;
        String prefix = "shadow-" + hostTag + "-";
        try (Stream<Path> s = Files.list(directory)) {
            segments = new ArrayList<>(s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && n.endsWith(ShadowLogFormat.SEGMENT_SUFFIX);
            }).toList());
        }
        Map<Path, FileTime> times = new LinkedHashMap<>();
        long total = 0;
        for (Path p : segments) {
            times.put(p, Files.getLastModifiedTime(p));
            total += Files.size(p);
        }
        segments.sort(Comparator.comparing(times::get));
        long nowMillis = clock.nanoTime() / 1_000_000;
        for (Path p : segments) {
            if (p.equals(justFinished)) {
                continue;
            }
            boolean tooOld = retainMaxAgeNanos > 0
                    && nowMillis - times.get(p).toMillis() > retainMaxAgeNanos / 1_000_000;
            boolean tooBig = retainMaxBytes > 0 && total > retainMaxBytes;
            if (!tooOld && !tooBig) {
                continue;
            }
            long size = Files.size(p);
            Files.deleteIfExists(p);
            total -= size;
            LOG.info("shadow log retention: deleted {} ({} bytes)", p, size);
        }
    }

    private List<RecoveredFile> recoverPartFiles() {
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
                    moveAtomically(part, r.renamedTo());
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
                return new RecoveredFile(part, finishedName(part), original, keep);
            } finally {
                l.release();
            }
        }
    }

    /**
     * Configures a {@link ShadowLogWriter}. Every setter validates its argument; {@link #build()} creates the
     * directory and recovers leftover {@code .part} files. Not thread-safe; reusable.
     */
    public static final class Builder {
        private final Path directory;
        private String hostTag = defaultHostTag();
        private Long instanceId;
        private long rotateBytes = 256L << 20;
        private Duration rotateInterval = Duration.ofHours(1);
        private FsyncPolicy fsyncPolicy = FsyncPolicy.periodic(Duration.ofSeconds(1));
        private int blockBytes = 256 << 10;
        private Duration flushInterval = Duration.ofMillis(500);
        private long minFreeBytes = 64L << 20;
        private long retainMaxBytes;
        private Duration retainMaxAge;
        private Duration ioBackoff = Duration.ofSeconds(1);
        private boolean failFast;
        private boolean recover = true;
        private EpochNanoClock clock = new SystemEpochNanoClock();

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /**
         * @param tag host name part of segment names: 1–64 of {@code [A-Za-z0-9._-]}; default from
         *     {@code HOSTNAME}, else {@code local}
         * @return this
         */
        public Builder hostTag(String tag) {
            if (tag == null || !HOST_TAG.matcher(tag).matches()) {
                throw new ConfigurationException("hostTag must be 1-64 characters of [A-Za-z0-9._-], got '" + tag
                        + "'");
            }
            this.hostTag = tag;
            return this;
        }

        /**
         * @param id the instance id written into file headers and counters; default a new random id per writer
         * @return this
         */
        public Builder instanceId(long id) {
            this.instanceId = id;
            return this;
        }

        /**
         * @param bytes finish a segment before it would exceed this size; 64 KiB .. 1 GiB, default 256 MiB
         * @return this
         */
        public Builder rotateBytes(long bytes) {
            if (bytes < (64 << 10) || bytes > (1L << 30)) {
                throw new ConfigurationException("rotateBytes must be in 65536..1073741824, got " + bytes);
            }
            this.rotateBytes = bytes;
            return this;
        }

        /**
         * @param interval finish a segment once it is this old; positive, default 1 h
         * @return this
         */
        public Builder rotateInterval(Duration interval) {
            this.rotateInterval = positive("rotateInterval", interval);
            return this;
        }

        /**
         * @param policy when to force data to disk; default {@code periodic(1s)}
         * @return this
         */
        public Builder fsyncPolicy(FsyncPolicy policy) {
            this.fsyncPolicy = Objects.requireNonNull(policy, "fsyncPolicy");
            return this;
        }

        /**
         * @param bytes block size including its header; 4 KiB .. 16 MiB, default 256 KiB
         * @return this
         */
        public Builder blockBytes(int bytes) {
            if (bytes < 4096 || bytes > ShadowLogFormat.MAX_BLOCK_PAYLOAD) {
                throw new ConfigurationException("blockBytes must be in 4096.." + ShadowLogFormat.MAX_BLOCK_PAYLOAD
                        + ", got " + bytes);
            }
            this.blockBytes = bytes;
            return this;
        }

        /**
         * @param interval write a partly filled block once its oldest record is this old; default 500 ms
         * @return this
         */
        public Builder flushInterval(Duration interval) {
            this.flushInterval = positive("flushInterval", interval);
            return this;
        }

        /**
         * @param bytes stop writing (and count drops) while the file system has less usable space; 0 disables;
         *     default 64 MiB
         * @return this
         */
        public Builder minFreeBytes(long bytes) {
            if (bytes < 0) {
                throw new ConfigurationException("minFreeBytes must be >= 0, got " + bytes);
            }
            this.minFreeBytes = bytes;
            return this;
        }

        /**
         * @param bytes delete this host's oldest finished segments beyond this total; 0 (default) keeps all
         * @return this
         */
        public Builder retainMaxBytes(long bytes) {
            if (bytes < 0) {
                throw new ConfigurationException("retainMaxBytes must be >= 0, got " + bytes);
            }
            this.retainMaxBytes = bytes;
            return this;
        }

        /**
         * @param age delete this host's finished segments older than this; {@code null} (default) keeps all
         * @return this
         */
        public Builder retainMaxAge(Duration age) {
            this.retainMaxAge = age == null ? null : positive("retainMaxAge", age);
            return this;
        }

        /**
         * @param backoff how long to drop records after an I/O error before retrying; default 1 s
         * @return this
         */
        public Builder ioBackoff(Duration backoff) {
            this.ioBackoff = positive("ioBackoff", backoff);
            return this;
        }

        /**
         * @param failFast throw {@link ShadowEvalException} on I/O errors instead of dropping and counting (for
         *     offline tools such as replay); default {@code false}
         * @return this
         */
        public Builder failFast(boolean failFast) {
            this.failFast = failFast;
            return this;
        }

        /**
         * @param recover recover leftover {@code .part} files at build; default {@code true}
         * @return this
         */
        public Builder recoverPartFiles(boolean recover) {
            this.recover = recover;
            return this;
        }

        /**
         * @param clock source of epoch-ns timestamps and intervals; default the system clock
         * @return this
         */
        public Builder clock(EpochNanoClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @return a writer; the directory exists and leftover {@code .part} files are recovered
         * @throws ShadowEvalException if the directory cannot be created or listed
         */
        public ShadowLogWriter build() {
            JvmFlags.requireAgronaAccess();
            if (rotateBytes < blockBytes + FILE_HEADER_LENGTH) {
                throw new ConfigurationException("rotateBytes (" + rotateBytes + ") must exceed blockBytes ("
                        + blockBytes + ") plus the file header");
            }
            return new ShadowLogWriter(this);
        }

        private static Duration positive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new ConfigurationException(name + " must be a positive duration, got " + d);
            }
            return d;
        }

        private static String defaultHostTag() {
            String h = System.getenv("HOSTNAME");
            if (h != null) {
                String cleaned = h.replaceAll("[^A-Za-z0-9._-]", "_");
                if (!cleaned.isEmpty()) {
                    return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
                }
            }
            return "local";
        }
    }
}
