package dev.hotpath.shadow.log;

import static dev.hotpath.shadow.log.ShadowLogFormat.BLOCK_HEADER_LENGTH;
import static dev.hotpath.shadow.log.ShadowLogFormat.ORDER;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * One block being filled: a direct buffer with room for the 32-byte block header, the records appended so far and
 * their count and largest time. {@link #seal} writes the header (magic, payload length, first record sequence,
 * count, max time, CRC32C) so the buffer can be written to the file with one positional write.
 *
 * <p>Not thread-safe; owned by the writer's thread. Allocation-free after construction.
 */
final class LogBlock {
    final ByteBuffer byteBuffer;
    final UnsafeBuffer buffer;
    int used = BLOCK_HEADER_LENGTH;
    int count;
    long maxEpoch = Long.MIN_VALUE;
    /** When the first record went in (the writer's clock), for the flush interval. */
    long firstAppendNanos;

    LogBlock(int bytes) {
        byteBuffer = ByteBuffer.allocateDirect(bytes).order(ORDER);
        buffer = new UnsafeBuffer(byteBuffer);
    }

    void reset() {
        used = BLOCK_HEADER_LENGTH;
        count = 0;
        maxEpoch = Long.MIN_VALUE;
    }

    /**
     * Writes the block header for records numbered from {@code firstSeq}.
     *
     * @param firstSeq the writer-wide sequence number of the block's first record
     * @param crc a scratch checksum
     * @return the block's length in bytes, header included
     */
    int seal(long firstSeq, CRC32C crc) {
        int length = used;
        buffer.putInt(0, ShadowLogFormat.BLOCK_MAGIC, ORDER);
        buffer.putInt(ShadowLogFormat.BH_PAYLOAD_LENGTH_OFFSET, length - BLOCK_HEADER_LENGTH, ORDER);
        buffer.putLong(ShadowLogFormat.BH_FIRST_SEQ_OFFSET, firstSeq, ORDER);
        buffer.putInt(ShadowLogFormat.BH_RECORD_COUNT_OFFSET, count, ORDER);
        buffer.putLong(ShadowLogFormat.BH_MAX_EPOCH_OFFSET, maxEpoch, ORDER);
        // The CRC covers the header without its own field, then the payload.
        ByteBuffer bb = byteBuffer;
        crc.reset();
        bb.limit(ShadowLogFormat.BH_CRC_OFFSET).position(0);
        crc.update(bb);
        bb.limit(length).position(ShadowLogFormat.BH_MAX_EPOCH_OFFSET);
        crc.update(bb);
        bb.clear();
        buffer.putInt(ShadowLogFormat.BH_CRC_OFFSET, (int) crc.getValue(), ORDER);
        return length;
    }
}
