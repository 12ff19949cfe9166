package dev.hotpath.stream;

/**
 * The partition of an entity's updates, computed exactly like Kafka's default partitioner for a keyed record
 * (murmur2 of the key bytes, made positive, modulo the partition count), over the key bytes {@link FeatureUpdates}
 * writes. A sharded fleet, where each host follows a subset of partitions
 * ({@link FollowerOptions.Builder#partitions(int...)}), routes a request for entity {@code id} to a host that follows
 * {@code partition(id, partitions)}.
 *
 * <p>Only valid while producers use Kafka's default partitioner (no custom {@code partitioner.class}, no explicit
 * partition) and the same key encoding (UTF-8 text for string ids; 8 bytes big-endian for long ids: a long-keyed
 * topic whose producers write decimal text keys needs {@link #partition(CharSequence, int)} of that text).
 *
 * <p>Stateless; thread-safe; allocation-free after a thread's first call (string ids are encoded into a per-thread
 * buffer).
 */
public final class FeaturePartitioner {
    private static final int SEED = 0x9747b28c;
    private static final int M = 0x5bd1e995;
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[256]);

    private FeaturePartitioner() {
    }

    /**
     * @param id a string id (UTF-8 encoded, as the record key)
     * @param partitions the topic's partition count
     * @return the partition, 0 .. partitions - 1
     * @throws IllegalArgumentException if the id has an unpaired surrogate or {@code partitions < 1}
     */
    public static int partition(CharSequence id, int partitions) {
        checkPartitions(partitions);
        byte[] b = BUFFER.get();
        if (b.length < Utf8.maxBytes(id)) {
            b = new byte[Utf8.maxBytes(id)];
            BUFFER.set(b);
        }
        int n = Utf8.encode(id, b, 0);
        return (murmur2(b, 0, n) & 0x7fffffff) % partitions;
    }

    /**
     * @param id a long id (8 bytes big-endian, as the record key)
     * @param partitions the topic's partition count
     * @return the partition, 0 .. partitions - 1
     */
    public static int partition(long id, int partitions) {
        checkPartitions(partitions);
        byte[] b = BUFFER.get();
        FeatureUpdates.encodeKey(id, b, 0);
        return (murmur2(b, 0, 8) & 0x7fffffff) % partitions;
    }

    /**
     * @param key record key bytes
     * @param offset where the key starts
     * @param length key length
     * @param partitions the topic's partition count
     * @return the partition Kafka's default partitioner gives a record with this key
     */
    public static int partition(byte[] key, int offset, int length, int partitions) {
        checkPartitions(partitions);
        return (murmur2(key, offset, length) & 0x7fffffff) % partitions;
    }

    private static void checkPartitions(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
    }

    /** MurmurHash2 (32-bit) with the seed Kafka's partitioner uses. */
    @SuppressWarnings("fallthrough")
    static int murmur2(byte[] data, int offset, int length) {
        int h = SEED ^ length;
        int blocks = length >>> 2;
        for (int i = 0; i < blocks; i++) {
            int p = offset + (i << 2);
            int k = (data[p] & 0xff) | (data[p + 1] & 0xff) << 8 | (data[p + 2] & 0xff) << 16
                    | (data[p + 3] & 0xff) << 24;
            k *= M;
            k ^= k >>> 24;
            k *= M;
            h *= M;
            h ^= k;
        }
        int tail = offset + (blocks << 2);
        switch (length & 3) {
            case 3:
                h ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                h ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                h ^= data[tail] & 0xff;
                h *= M;
                break;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= M;
        h ^= h >>> 15;
        return h;
    }
}
