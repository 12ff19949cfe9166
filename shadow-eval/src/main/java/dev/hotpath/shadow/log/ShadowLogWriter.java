package dev.hotpath.shadow.log;

import static dev.hotpath.shadow.log.ShadowLogFormat.BLOCK_HEADER_LENGTH;
import static dev.hotpath.shadow.log.ShadowLogFormat.ORDER;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hotpath.shadow.JvmFlags;
import dev.hotpath.shadow.ShadowEvalException;

/**
 * Appends records to a directory of rotating segment files in the {@link ShadowLogFormat} layout.
 *
 * <ul>
 *   <li>Records are batched per type into blocks (one record type per block) of up to {@code blockBytes}; a block
 *       is written with one positional write when it is full, when it is older than {@code flushInterval} (see
 *       {@link #poll()}), or on {@link #flush()}, rotation and close. Blocks carry a writer-wide record sequence,
 *       contiguous across segments, so a reader can tell a missing or repeated segment.</li>
 *   <li>Segments ({@link SegmentFile}) are written as {@code .shdw.part} under an exclusive file lock and renamed to
 *       {@code .shdw} when finished (size or age limit reached, or close). Every segment starts with MODEL_INFO
 *       records for all registered models, so each file is self-describing.</li>
 *   <li>On open, leftover {@code .part} files that no live writer holds are recovered ({@link PartFileRecovery},
 *       see {@link #recoveredFiles()}); after each finished segment, {@link SegmentRetention} applies the size and
 *       age limits.</li>
 *   <li>Durability follows the {@link FsyncPolicy}.</li>
 *   <li>I/O errors and low disk space never propagate unless the options say {@code failFast}: the block is
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
    private static final int TYPE_SLOTS = 4;
    private static final long LOW_DISK_CHECK_NANOS = 5_000_000_000L;

    private final Path directory;
    private final long instanceId;
    private final long rotateBytes;
    private final long rotateIntervalNanos;
    private final FsyncPolicy fsyncPolicy;
    private final int blockBytes;
    private final long flushIntervalNanos;
    private final long minFreeBytes;
    private final long ioBackoffNanos;
    private final boolean failFast;
    private final EpochNanoClock clock;
    private final SegmentSequence segments;

    private final LogBlock[] blocks = new LogBlock[TYPE_SLOTS];
    private final CRC32C crc = new CRC32C();
    private final Map<Integer, ModelDescriptor> models = new LinkedHashMap<>();
    private final List<RecoveredFile> recovered;
    private final UnsafeBuffer scratch;

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

    private ShadowLogWriter(Path directory, LogOptions options, EpochNanoClock clock) {
        this.directory = directory;
        this.instanceId = options.instanceId() != null ? options.instanceId() : ThreadLocalRandom.current().nextLong();
        this.rotateBytes = options.rotateBytes();
        this.rotateIntervalNanos = options.rotateInterval().toNanos();
        this.fsyncPolicy = options.fsyncPolicy();
        this.blockBytes = options.blockBytes();
        this.flushIntervalNanos = options.flushInterval().toNanos();
        this.minFreeBytes = options.minFreeBytes();
        this.ioBackoffNanos = options.ioBackoff().toNanos();
        this.failFast = options.failFast();
        this.clock = clock;
        this.segments = new SegmentSequence(directory, instanceId, options);
        for (int i = 0; i < TYPE_SLOTS; i++) {
            blocks[i] = new LogBlock(blockBytes);
        }
        this.scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(blockBytes));
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new ShadowEvalException("cannot create shadow log directory " + directory + ": " + e.getMessage(),
                    e);
        }
        this.recovered = Collections.unmodifiableList(options.recoverPartFiles()
                ? PartFileRecovery.recover(directory) : List.of());
    }

    /**
     * Opens a writer on the system clock.
     *
     * @param directory where segments are written; created if missing
     * @param options how to write
     * @return the writer; leftover {@code .part} files are recovered (unless the options say not to)
     * @throws ShadowEvalException if the directory cannot be created or listed
     */
    public static ShadowLogWriter open(Path directory, LogOptions options) {
        return open(directory, options, new SystemEpochNanoClock());
    }

    /**
     * @param directory where segments are written; created if missing
     * @param options how to write
     * @param clock source of epoch-ns timestamps and intervals
     * @return the writer; leftover {@code .part} files are recovered (unless the options say not to)
     * @throws ShadowEvalException if the directory cannot be created or listed
     */
    public static ShadowLogWriter open(Path directory, LogOptions options, EpochNanoClock clock) {
        JvmFlags.requireAgronaAccess();
        return new ShadowLogWriter(Objects.requireNonNull(directory, "directory"),
                Objects.requireNonNull(options, "options"), Objects.requireNonNull(clock, "clock"));
    }

    /**
     * Registers (or replaces) a model description and writes a MODEL_INFO record for it. Every later segment also
     * starts with it. Cold path.
     *
     * @param model the description
     */
    public void registerModel(ModelDescriptor model) {
        Objects.requireNonNull(model, "model");
        models.put(model.modelId(), model);
        if (segments.current() != null) {
            // Otherwise the next segment opened starts with every registered model anyway.
            int len = LogRecordEncoder.encodeModelInfo(scratch, 0, clock.nanoTime(), model);
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
     * @throws ShadowEvalException on I/O failure when the options say {@code failFast}
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
        LogBlock block = blocks[type - 1];
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
     * {@link LogRecordEncoder#encodeComparison}). Allocation-free.
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
        LogRecordEncoder.encodeComparison(scratch, 0, epochNanos, requestId, amountMinor, primaryModelId,
                shadowModelId, primaryScore, shadowScore, primaryDecision, shadowDecision, flags, primaryLatencyNanos,
                shadowLatencyNanos, segmentKey, sampleRateE4);
        return append(scratch, 0, ShadowLogFormat.COMPARISON_LENGTH);
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
        LogRecordEncoder.encodeCounters(scratch, 0, epochNanos, instanceId, scope, values);
        return append(scratch, 0, ShadowLogFormat.COUNTERS_LENGTH);
    }

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
        for (LogBlock block : blocks) {
            if (block.count > 0 && now - block.firstAppendNanos >= flushIntervalNanos && now >= retryAtNanos) {
                writeBlock(block);
                work++;
            }
        }
        SegmentFile segment = segments.current();
        if (segment != null) {
            if (fsyncPolicy.mode() == FsyncPolicy.Mode.PERIODIC && unforcedData
                    && now - lastForceNanos >= fsyncPolicy.intervalNanos()) {
                force(now);
            }
            if (now - segment.openedAtNanos() >= rotateIntervalNanos) {
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
        for (LogBlock block : blocks) {
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
        return segments.finished();
    }

    /** @return the segment being written, or {@code null} */
    public Path currentFile() {
        SegmentFile segment = segments.current();
        return segment == null ? null : segment.path();
    }

    private void writeBlock(LogBlock block) {
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
        try {
            SegmentFile segment = segments.current();
            if (segment != null && segment.dataBlocks() > 0 && segment.size() + block.used > rotateBytes) {
                finishSegment();
            }
            if (segments.current() == null) {
                openSegment(now);
            }
            int length = block.seal(nextRecordSeq, crc);
            segments.current().write(block.byteBuffer, length, true);
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

    private void force(long now) {
        try {
            segments.current().force(false);
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
        nextRecordSeq += segments.open(now, models.values(), nextRecordSeq, crc);
        bytesWritten += segments.current().size();
        lastForceNanos = now;
        lastDiskCheckNanos = now;
    }

    private void finishSegment() {
        try {
            segments.finish(fsyncPolicy.mode() != FsyncPolicy.Mode.NONE, clock.nanoTime() / 1_000_000);
        } catch (IOException | RuntimeException e) {
            handleIoError(e, 0);
        }
    }

    private void handleIoError(Exception e, int lostRecords) {
        ioErrors++;
        recordsDropped += lostRecords;
        retryAtNanos = clock.nanoTime() + ioBackoffNanos;
        SegmentFile segment = segments.current();
        Path where = segment != null ? segment.path() : directory;
        segments.abandon();
        if (failFast) {
            throw new ShadowEvalException("shadow log write failed in " + where + ": " + e.getMessage(), e);
        }
        LOG.warn("shadow log writer: {} in {}; {} record(s) dropped, retrying in {} ms", e.toString(), where,
                lostRecords, ioBackoffNanos / 1_000_000);
        for (LogBlock block : blocks) {
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
}
