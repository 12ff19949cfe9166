package dev.hotpath.shadow.log;

import static dev.hotpath.shadow.log.ShadowLogFormat.ORDER;

import org.agrona.DirectBuffer;

/**
 * A flyweight over one COUNTERS record inside a block being read. Valid only during the
 * {@link LogRecordVisitor#onCounters(CountersRecord)} call that passed it. Not thread-safe; allocation-free.
 */
public final class CountersRecord {
    private DirectBuffer buffer;
    private int offset;

    CountersRecord() {
    }

    CountersRecord wrap(DirectBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** @return when the values were read, epoch ns */
    public long epochNanos() {
        return buffer.getLong(offset + ShadowLogFormat.R_EPOCH_OFFSET, ORDER);
    }

    /** @return the writer instance the counters belong to */
    public long instanceId() {
        return buffer.getLong(offset + ShadowLogFormat.K_INSTANCE, ORDER);
    }

    /** @return a shadow model id, or {@link ShadowLogFormat#SCOPE_GLOBAL} */
    public int scope() {
        return buffer.getShort(offset + ShadowLogFormat.K_SCOPE, ORDER) & 0xFFFF;
    }

    /** @return the number of counter slots present */
    public int count() {
        return Math.min(ShadowLogFormat.COUNTER_SLOTS, buffer.getShort(offset + ShadowLogFormat.K_COUNT, ORDER) & 0xFFFF);
    }

    /**
     * @param slot a {@code G_*} or {@code S_*} slot of {@link ShadowLogFormat}
     * @return the cumulative value, 0 for slots beyond {@link #count()}
     */
    public long value(int slot) {
        if (slot < 0 || slot >= count()) {
            return 0;
        }
        return buffer.getLong(offset + ShadowLogFormat.K_VALUES + 8 * slot, ORDER);
    }

    /**
     * @param dst receives {@link ShadowLogFormat#COUNTER_SLOTS} values
     */
    public void copyValues(long[] dst) {
        for (int i = 0; i < ShadowLogFormat.COUNTER_SLOTS; i++) {
            dst[i] = value(i);
        }
    }
}
