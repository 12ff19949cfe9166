package dev.hotpath.shadow.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.shadow.testing.LogContents;

class ShadowLogWriterTest {
    @TempDir
    Path dir;

    static final ModelDescriptor PRIMARY = new ModelDescriptor(1, ShadowLogFormat.ROLE_PRIMARY, "fraud-v7", "2024-05",
            "ab".repeat(32), "xgboost-json binary:logistic", 0.8f, 30, 0, 0);
    static final ModelDescriptor SHADOW = new ModelDescriptor(2, ShadowLogFormat.ROLE_SHADOW, "fraud-v8", "",
            "", "", 0.75f, 30, 0, 5_000_000);

    static LogOptions.Builder options() {
        return LogOptions.builder().hostTag("test").minFreeBytes(0).fsyncPolicy(FsyncPolicy.none());
    }

    static ShadowLogWriter writer(Path dir) {
        return ShadowLogWriter.open(dir, options().build());
    }

    static ShadowLogWriter writer(Path dir, LogOptions.Builder options) {
        return ShadowLogWriter.open(dir, options.build());
    }

    /** A FEATURES record through the encoder, as the dispatcher writes them. */
    static boolean appendFeatures(ShadowLogWriter w, long epochNanos, long requestId, long amount, int primaryModel,
            float[] f, float primaryScore, int primaryLatency, int segment, int sampleRate, int captureRate) {
        UnsafeBuffer buf = new UnsafeBuffer(new byte[ShadowLogFormat.featuresLength(f.length)]);
        int len = LogRecordEncoder.encodeFeaturesHeader(buf, 0, epochNanos, requestId, amount, primaryModel, f.length,
                primaryScore, primaryLatency, segment, sampleRate, captureRate);
        for (int i = 0; i < f.length; i++) {
            buf.putFloat(ShadowLogFormat.F_VALUES + 4 * i, f[i], ShadowLogFormat.ORDER);
        }
        return w.append(buf, 0, len);
    }

    static void appendComparisons(ShadowLogWriter w, long from, long to) {
        for (long i = from; i < to; i++) {
            assertTrue(w.appendComparison(1_000_000_000L + i, i, i * 10, 1, 2, (i % 100) / 100f, (i % 50) / 50f,
                    0, 1, ShadowLogFormat.FLAG_OVER_BUDGET, (int) i, (int) (2 * i), 7, 10_000));
        }
    }

    @Test
    void shouldRoundTripEveryRecordTypeAndRenameTheSegmentOnClose() {
        ShadowLogWriter w = writer(dir);
        w.registerModel(PRIMARY);
        w.registerModel(SHADOW);
        appendComparisons(w, 0, 1000);
        float[] f = {1.5f, Float.NaN, -3f};
        assertTrue(appendFeatures(w, 5, 77, 1234, 1, f, 0.9f, 1500, 3, 2500, 100));
        long[] counters = new long[ShadowLogFormat.COUNTER_SLOTS];
        for (int i = 0; i < counters.length; i++) {
            counters[i] = 100 + i;
        }
        assertTrue(w.appendCounters(9, ShadowLogFormat.SCOPE_GLOBAL, counters));
        assertEquals(null, w.currentFile(), "records wait in a block until it is full, old or flushed");
        w.flush();
        Path part = w.currentFile();
        assertNotNull(part, "a segment is open once the first block is written");
        assertTrue(part.getFileName().toString().endsWith(".shdw.part"));
        w.close();
        assertFalse(Files.exists(part));
        assertEquals(1, w.finishedFiles().size());
        assertTrue(w.finishedFiles().get(0).getFileName().toString().matches(
                "shadow-test-\\d{10}-[0-9a-f]{8}-0000\\.shdw"), w.finishedFiles().toString());

        LogContents log = LogContents.read(dir);
        assertTrue(log.summary.clean());
        assertEquals(1000, log.comparisons.size());
        LogContents.Cmp c = log.comparisons.get(123);
        assertEquals(new LogContents.Cmp(1_000_000_123L, 123, 1230, 1, 2, 0.23f, 0.46f, 0, 1,
                ShadowLogFormat.FLAG_OVER_BUDGET, 123, 246, 7, 10_000), c);
        assertEquals(1, log.features.size());
        LogContents.Feat feat = log.features.get(0);
        assertEquals(77, feat.requestId());
        assertEquals(1.5f, feat.features()[0]);
        assertTrue(Float.isNaN(feat.features()[1]));
        assertEquals(-3f, feat.features()[2]);
        assertEquals(PRIMARY, log.models.get(1));
        assertEquals(SHADOW, log.models.get(2));
        assertEquals(115, log.global(15));
    }

    @Test
    void shouldRotateBySizeAndStartEverySegmentWithTheModels() throws Exception {
        ShadowLogWriter w = writer(dir, options().rotateBytes(64 << 10).blockBytes(4096));
        w.registerModel(PRIMARY);
        w.registerModel(SHADOW);
        appendComparisons(w, 0, 10_000);
        w.close();
        List<Path> files = ShadowLogReader.listLogFiles(dir);
        assertTrue(files.size() >= 9, "640 KB of records in 64 KB segments: " + files.size());
        Set<Long> ids = new HashSet<>();
        for (Path f : files) {
            assertTrue(Files.size(f) <= 64 << 10, f + " is " + f.toFile().length());
            LogContents one = LogContents.read(f);
            assertEquals(2, one.models.size(), "each segment describes its models: " + f);
            for (LogContents.Cmp c : one.comparisons) {
                assertTrue(ids.add(c.requestId()));
            }
        }
        assertEquals(10_000, ids.size());
    }

    @Test
    void shouldRotateByAgeWhenPolled() {
        AtomicLong now = new AtomicLong(1_700_000_000_000_000_000L);
        ShadowLogWriter w = ShadowLogWriter.open(dir, options().rotateInterval(Duration.ofMinutes(10))
                .flushInterval(Duration.ofMillis(100)).build(), now::get);
        w.registerModel(SHADOW);
        appendComparisons(w, 0, 10);
        now.addAndGet(Duration.ofMillis(200).toNanos());
        w.poll();
        assertNotNull(w.currentFile(), "the aged block was written");
        assertEquals(0, w.finishedFiles().size());
        now.addAndGet(Duration.ofMinutes(11).toNanos());
        w.poll();
        assertEquals(1, w.finishedFiles().size(), "an 11-minute-old segment is finished");
        appendComparisons(w, 10, 20);
        w.close();
        assertEquals(2, w.finishedFiles().size());
        assertEquals(20, LogContents.read(dir).comparisons.size());
    }

    @Test
    void shouldDropAndCountInsteadOfWritingWhenDiskSpaceIsBelowTheMinimum() {
        ShadowLogWriter w = ShadowLogWriter.open(dir, LogOptions.builder().hostTag("test")
                .minFreeBytes(Long.MAX_VALUE / 2).ioBackoff(Duration.ofMillis(10)).build());
        appendComparisons(w, 0, 100);
        w.flush();
        assertEquals(0, w.recordsWritten());
        assertEquals(100, w.recordsDropped());
        assertEquals(1, w.ioErrors());
        w.close();
        assertTrue(ShadowLogReader.listLogFiles(dir).isEmpty());
    }

    @Test
    void shouldKeepOnlyTheNewestSegmentsWithinTheRetentionLimit() throws Exception {
        ShadowLogWriter w = writer(dir, options().rotateBytes(64 << 10).blockBytes(4096).retainMaxBytes(200 << 10));
        appendComparisons(w, 0, 10_000);
        w.close();
        long total = 0;
        for (Path f : ShadowLogReader.listLogFiles(dir)) {
            total += Files.size(f);
        }
        assertTrue(total <= (200 << 10) + (64 << 10), "retained " + total);
        assertTrue(ShadowLogReader.listLogFiles(dir).size() < 9);
    }

    @Test
    void shouldValidateConfigurationEagerly() {
        assertThrows(ConfigurationException.class, () -> options().hostTag("bad tag"));
        assertThrows(ConfigurationException.class, () -> options().rotateBytes(10));
        assertThrows(ConfigurationException.class, () -> options().blockBytes(100));
        assertThrows(ConfigurationException.class, () -> options().flushInterval(Duration.ZERO));
        assertThrows(ConfigurationException.class, () -> options().retainMaxAge(Duration.ofSeconds(-1)));
        ConfigurationException tooSmall = assertThrows(ConfigurationException.class,
                () -> options().rotateBytes(64 << 10).blockBytes(1 << 20).build());
        assertTrue(tooSmall.getMessage().contains("rotateBytes"), tooSmall.getMessage());
        assertThrows(ConfigurationException.class, () -> FsyncPolicy.periodic(Duration.ofSeconds(-1)));
        assertThrows(ConfigurationException.class, () -> new ModelDescriptor(65535, 0, "x", "", "", "", 0f, 1, 0, 0));
    }

    /**
     * Parses the file with only the layout documented in {@link ShadowLogFormat} and the README (little-endian,
     * CRC32C ranges, one record type per block), independently of {@link ShadowLogReader}: this is the contract a
     * Python or numpy reader relies on.
     */
    @Test
    void shouldWriteTheDocumentedLayoutWithOneRecordTypePerBlock() throws Exception {
        ShadowLogWriter w = writer(dir, options().blockBytes(4096));
        w.registerModel(PRIMARY);
        appendComparisons(w, 0, 300);
        appendFeatures(w, 1, 2, 3, 1, new float[] {1f, 2f}, 0.5f, 6, 7, 10_000, 10_000);
        w.appendComparison(5, 5, 5, 1, 2, 0f, 0f, 0, 0, 0, 0, 0, 0, 0);
        w.close();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(w.finishedFiles().get(0))).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        b.get(0, magic);
        assertEquals("SHDWLOG1", new String(magic, StandardCharsets.US_ASCII));
        assertEquals(1, b.getShort(8));
        assertEquals(64, b.getShort(10));
        CRC32C hc = new CRC32C();
        hc.update(b.array(), 0, 48);
        assertEquals((int) hc.getValue(), b.getInt(48));

        int pos = 64;
        long expectedSeq = 0;
        List<Integer> blockTypes = new ArrayList<>();
        int comparisons = 0;
        while (pos < b.limit()) {
            assertEquals(0x314B4C42, b.getInt(pos), "BLK1 at " + pos);
            int payload = b.getInt(pos + 4);
            long firstSeq = b.getLong(pos + 8);
            int count = b.getInt(pos + 16);
            CRC32C crc = new CRC32C();
            crc.update(b.array(), pos, 20);
            crc.update(b.array(), pos + 24, 8 + payload);
            assertEquals((int) crc.getValue(), b.getInt(pos + 20), "block CRC at " + pos);
            assertEquals(expectedSeq, firstSeq, "sequence numbers are contiguous");
            expectedSeq += count;
            int r = pos + 32;
            int type = -1;
            int seen = 0;
            while (r < pos + 32 + payload) {
                int len = b.getInt(r);
                int t = b.getShort(r + 4);
                assertEquals(0, len % 8);
                if (type < 0) {
                    type = t;
                }
                assertEquals(type, t, "one record type per block");
                if (t == 1) {
                    assertEquals(64, len);
                    comparisons++;
                }
                r += len;
                seen++;
            }
            assertEquals(count, seen);
            blockTypes.add(type);
            pos += 32 + payload;
        }
        assertEquals(b.limit(), pos);
        assertEquals(301, comparisons);
        assertTrue(blockTypes.contains(2) && blockTypes.contains(3) && blockTypes.contains(1), blockTypes.toString());
        assertEquals(3, blockTypes.get(0), "MODEL_INFO first");
    }
}
