package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FeatureWriter#merge}: last writer wins by event time, partial updates keep the other stored features bit for
 * bit, and a merge allocates nothing. Every expected vector is written out by hand.
 */
class MergeTest {
    private static final long T = 1_800_000_000_000L;

    @TempDir
    Path dir;

    private FeatureWriter strings;
    private FeatureWriter longs;
    private FeatureReader stringReader;
    private FeatureReader longReader;
    private final float[] row = new float[4];

    @BeforeEach
    void setUp() {
        FeatureView card = Fixtures.stringView("card", 4);
        FeatureView merchant = Fixtures.longView("merchant", 4);
        Fixtures.createView(dir, card, 1_000);
        Fixtures.createView(dir, merchant, 1_000);
        strings = FeatureWriter.open(dir, "card", Fixtures.NO_HEARTBEAT);
        longs = FeatureWriter.open(dir, "merchant", Fixtures.NO_HEARTBEAT);
        ReaderOptions opts = ReaderOptions.builder().refreshInterval(Duration.ZERO).clock(() -> T + 1_000).build();
        stringReader = FeatureReader.open(dir, card, opts);
        longReader = FeatureReader.open(dir, merchant, opts);
    }

    @AfterEach
    void tearDown() {
        stringReader.close();
        longReader.close();
        strings.close();
        longs.close();
    }

    private float[] read(String id) {
        assertEquals(FeatureStatus.PRESENT, stringReader.read(id, row, 0), id);
        return row.clone();
    }

    private long eventTime(String id) {
        return stringReader.lookup(id).eventTimeMillis();
    }

    @Test
    void shouldWriteANewerUpdateAndSkipAnOlderOne() {
        assertEquals(MergeOutcome.INSERTED, strings.merge("a", T, new float[] {1, 2, 3, 4}, 0, null));
        assertEquals(MergeOutcome.UPDATED, strings.merge("a", T + 10, new float[] {5, 6, 7, 8}, 0, null));
        assertEquals(MergeOutcome.SKIPPED_OLDER, strings.merge("a", T + 9, new float[] {9, 9, 9, 9}, 0, null));
        assertArrayEquals(new float[] {5, 6, 7, 8}, read("a"));
        assertEquals(T + 10, eventTime("a"));
    }

    @Test
    void shouldWriteAnUpdateWithTheSameEventTimeSoReplaysAreHarmless() {
        strings.merge("a", T, new float[] {1, 2, 3, 4}, 0, null);
        assertEquals(MergeOutcome.UPDATED, strings.merge("a", T, new float[] {1, 2, 3, 5}, 0, null));
        assertArrayEquals(new float[] {1, 2, 3, 5}, read("a"));
        assertEquals(MergeOutcome.UPDATED, strings.merge("a", T, new float[] {1, 2, 3, 5}, 0, null));
        assertArrayEquals(new float[] {1, 2, 3, 5}, read("a"));
    }

    @Test
    void shouldKeepTheOtherStoredFeaturesBitForBitWhenAnUpdateIsPartial() {
        float oddNaN = Float.intBitsToFloat(0x7fc00123);
        strings.merge("a", T, new float[] {1, oddNaN, 3, 4}, 0, null);
        long[] onlyFeature2 = {1L << 2};
        assertEquals(MergeOutcome.UPDATED, strings.merge("a", T + 5, new float[] {99, 99, 30, 99}, 0, onlyFeature2));
        float[] got = read("a");
        assertEquals(1f, got[0]);
        assertEquals(0x7fc00123, Float.floatToRawIntBits(got[1]), "the stored NaN payload is copied, not re-encoded");
        assertEquals(30f, got[2]);
        assertEquals(4f, got[3]);
        assertEquals(T + 5, eventTime("a"));
    }

    @Test
    void shouldFillTheFeaturesAPartialUpdateOfANewEntityDoesNotCarryWithNaN() {
        assertEquals(MergeOutcome.INSERTED, strings.merge("new", T, new float[] {7, 7, 7, 7}, 0, new long[] {0b1010}));
        float[] got = read("new");
        assertTrue(Float.isNaN(got[0]) && Float.isNaN(got[2]), "not carried means missing");
        assertEquals(7f, got[1]);
        assertEquals(7f, got[3]);
    }

    @Test
    void shouldSkipAnOlderPartialUpdateWithoutTouchingTheRecord() {
        strings.merge("a", T + 100, new float[] {1, 2, 3, 4}, 0, null);
        assertEquals(MergeOutcome.SKIPPED_OLDER, strings.merge("a", T, new float[] {0, 0, 0, 0}, 0, new long[] {1}));
        assertArrayEquals(new float[] {1, 2, 3, 4}, read("a"));
        assertEquals(T + 100, eventTime("a"));
    }

    @Test
    void shouldMergeByLongIdAndByDecimalText() {
        assertEquals(MergeOutcome.INSERTED, longs.merge(42L, T, new float[] {1, 2, 3, 4}, 0, null));
        assertEquals(MergeOutcome.UPDATED, longs.merge("42", T + 1, new float[] {0, 0, 9, 0}, 0, new long[] {4}));
        assertEquals(MergeOutcome.SKIPPED_OLDER, longs.merge(42L, T, new float[] {0, 0, 0, 0}, 0, null));
        assertEquals(FeatureStatus.PRESENT, longReader.read(42L, row, 0));
        assertArrayEquals(new float[] {1, 2, 9, 4}, row);
    }

    @Test
    void shouldRejectAPresenceBitmapThatIsTooShort() {
        FeatureView wide = Fixtures.stringView("wide", 65);
        Fixtures.createView(dir, wide, 10);
        try (FeatureWriter w = FeatureWriter.open(dir, "wide", Fixtures.NO_HEARTBEAT)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> w.merge("a", T, new float[65], 0, new long[1]));
            assertTrue(e.getMessage().contains("needs 2"), e.getMessage());
        }
    }

    @Test
    void shouldNotCountASkippedUpdateAsAWrite() {
        strings.merge("a", T + 1, new float[4], 0, null);
        long replaces = strings.stats().replaces();
        strings.merge("a", T, new float[4], 0, null);
        assertEquals(replaces, strings.stats().replaces());
    }
}
