package dev.hotpath.stream;

import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link FeaturePartitioner} gives the partition Kafka's own partitioner code gives the same key bytes (kafka-clients'
 * {@code Utils.murmur2}, as {@code BuiltInPartitioner.partitionForKey} uses it). {@code FollowerIT} also checks it
 * against the partitions a real producer picked.
 */
class FeaturePartitionerTest {
    private static int kafka(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    @Test
    void shouldMatchKafkasPartitionForStringIdsOfEveryLengthAndScript() {
        Random rnd = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder id = new StringBuilder();
            int len = rnd.nextInt(40);
            for (int c = 0; c < len; c++) {
                int kind = rnd.nextInt(4);
                id.appendCodePoint(kind == 0 ? 'a' + rnd.nextInt(26) : kind == 1 ? 0xe0 + rnd.nextInt(40)
                        : kind == 2 ? 0x4e00 + rnd.nextInt(500) : 0x1F600 + rnd.nextInt(50));
            }
            int partitions = 1 + rnd.nextInt(64);
            byte[] key = id.toString().getBytes(StandardCharsets.UTF_8);
            assertEquals(kafka(key, partitions), FeaturePartitioner.partition(id, partitions), id.toString());
            assertEquals(kafka(key, partitions), FeaturePartitioner.partition(key, 0, key.length, partitions));
        }
    }

    @Test
    void shouldMatchKafkasPartitionForLongIdsAsEightByteKeys() {
        Random rnd = new Random(12);
        for (int i = 0; i < 20_000; i++) {
            long id = rnd.nextLong();
            int partitions = 1 + rnd.nextInt(64);
            assertEquals(kafka(ByteBuffer.allocate(8).putLong(id).array(), partitions),
                    FeaturePartitioner.partition(id, partitions));
        }
    }

    @Test
    void shouldHashAKeyInsideALargerBuffer() {
        byte[] buf = "xxhello-worldyy".getBytes(StandardCharsets.US_ASCII);
        assertEquals(kafka("hello-world".getBytes(StandardCharsets.US_ASCII), 7),
                FeaturePartitioner.partition(buf, 2, 11, 7));
    }

    @Test
    void shouldRejectANonPositivePartitionCount() {
        assertThrows(IllegalArgumentException.class, () -> FeaturePartitioner.partition("a", 0));
        assertThrows(IllegalArgumentException.class, () -> FeaturePartitioner.partition(1L, -1));
    }
}
