package dev.hotpath.stream;

import dev.hotpath.cache.FeatureView;
import dev.hotpath.cache.KeyKind;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The update format contract (module README): binary bytes written by {@link FeatureUpdates} equal the layout
 * written out by hand here, and the follower's decoder reads binary and JSON updates, and rejects each kind of bad
 * value with its reason.
 */
class UpdateFormatTest {
    static final FeatureView CARD = FeatureView.builder("card").ttl(Duration.ofDays(1))
            .feature("a").feature("b", 0f).feature("c").build();

    private static UpdateDecoder decoder(FeatureView v) {
        return new UpdateDecoder(v, UpdateFormat.AUTO, null);
    }

    /** The binary layout built independently with a little-endian ByteBuffer. */
    private static byte[] handEncoded(int fingerprint, long eventTime, int count, byte[] bitmap, float... values) {
        ByteBuffer b = ByteBuffer.allocate(20 + (bitmap == null ? 0 : bitmap.length) + 4 * values.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0xF5).put((byte) 'F').put((byte) 1).put((byte) (bitmap == null ? 0 : 1));
        b.putInt(fingerprint).putLong(eventTime).putShort((short) count).putShort((short) 0);
        if (bitmap != null) {
            b.put(bitmap);
        }
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    @Test
    void shouldWriteAFullUpdateInTheDocumentedLayout() {
        FeatureUpdates enc = FeatureUpdates.forView(CARD);
        byte[] dst = new byte[enc.fullUpdateSize() + 3];
        int n = enc.encodeFull(1_700_000_000_123L, new float[] {9, 1.5f, Float.NaN, -2}, 1, dst, 3);
        assertEquals(32, n);
        assertArrayEquals(handEncoded(CARD.fingerprint(), 1_700_000_000_123L, 3, null, 1.5f, Float.NaN, -2f),
                Arrays.copyOfRange(dst, 3, 3 + n));
    }

    @Test
    void shouldWriteAPartialUpdateWithItsPresenceBitmap() {
        FeatureUpdates enc = FeatureUpdates.forView(CARD);
        long[] present = {0b101};
        byte[] dst = new byte[enc.partialUpdateSize(2)];
        int n = enc.encodePartial(42L, new float[] {7f, 99f, 8f}, 0, present, dst, 0);
        assertEquals(29, n);
        assertArrayEquals(handEncoded(CARD.fingerprint(), 42L, 3, new byte[] {0b101}, 7f, 8f), dst);
    }

    @Test
    void shouldRefuseABitmapWithBitsBeyondTheDimension() {
        FeatureUpdates enc = FeatureUpdates.forView(CARD);
        assertThrows(IllegalArgumentException.class, () -> enc.presentCount(new long[] {0b1000}));
        assertThrows(IllegalArgumentException.class, () -> enc.presentCount(new long[0]));
        assertThrows(IndexOutOfBoundsException.class,
                () -> enc.encodeFull(1, new float[3], 0, new byte[31], 0));
    }

    @Test
    void shouldDecodeFullAndPartialBinaryUpdates() {
        UpdateDecoder d = decoder(CARD);
        assertNull(d.decode(handEncoded(CARD.fingerprint(), 5L, 3, null, 1f, 2f, 3f)));
        assertEquals(5L, d.eventTimeMillis());
        assertNull(d.present());
        assertArrayEquals(new float[] {1f, 2f, 3f}, d.values());

        assertNull(d.decode(handEncoded(CARD.fingerprint(), -7L, 3, new byte[] {0b110}, 20f, 30f)));
        assertEquals(-7L, d.eventTimeMillis());
        assertEquals(0b110L, d.present()[0]);
        assertEquals(20f, d.values()[1]);
        assertEquals(30f, d.values()[2]);
    }

    @Test
    void shouldKeepNaNPayloadsOfBinaryValuesBitForBit() {
        UpdateDecoder d = decoder(CARD);
        float odd = Float.intBitsToFloat(0x7fc0abcd);
        assertNull(d.decode(handEncoded(CARD.fingerprint(), 1L, 3, null, odd, 0f, -0f)));
        assertEquals(0x7fc0abcd, Float.floatToRawIntBits(d.values()[0]));
        assertEquals(0x80000000, Float.floatToRawIntBits(d.values()[2]));
    }

    @Test
    void shouldRejectEachKindOfMalformedBinaryUpdate() {
        UpdateDecoder d = decoder(CARD);
        int fp = CARD.fingerprint();
        byte[] good = handEncoded(fp, 1L, 3, null, 1f, 2f, 3f);
        assertEquals(RejectReason.MALFORMED_BINARY, d.decode(Arrays.copyOf(good, 19)), "shorter than the header");
        assertEquals(RejectReason.MALFORMED_BINARY, d.decode(Arrays.copyOf(good, good.length - 1)), "truncated");
        assertEquals(RejectReason.MALFORMED_BINARY, d.decode(Arrays.copyOf(good, good.length + 4)), "too long");
        byte[] v2 = good.clone();
        v2[2] = 2;
        assertEquals(RejectReason.MALFORMED_BINARY, d.decode(v2));
        assertTrue(d.detail().contains("version 2"), d.detail());
        byte[] flags = good.clone();
        flags[3] = 4;
        assertEquals(RejectReason.MALFORMED_BINARY, d.decode(flags));
        byte[] magic = good.clone();
        magic[1] = 'X';
        assertEquals(RejectReason.MALFORMED_BINARY, d.decode(magic));
        byte[] reserved = good.clone();
        reserved[19] = 1;
        assertEquals(RejectReason.MALFORMED_BINARY, d.decode(reserved));
        assertEquals(RejectReason.MALFORMED_BINARY,
                d.decode(handEncoded(fp, 1L, 3, new byte[] {(byte) 0b1001}, 1f, 2f)), "bit beyond the dimension");
        assertEquals(RejectReason.MALFORMED_BINARY,
                d.decode(handEncoded(fp, 1L, 3, new byte[] {0b11}, 1f)), "fewer values than bits");
    }

    @Test
    void shouldRejectABinaryUpdateOfAnotherSchema() {
        UpdateDecoder d = decoder(CARD);
        assertEquals(RejectReason.FINGERPRINT_MISMATCH,
                d.decode(handEncoded(CARD.fingerprint() ^ 1, 1L, 3, null, 1f, 2f, 3f)));
        assertTrue(d.detail().contains(CARD.fingerprintHex()), d.detail());
        assertEquals(RejectReason.FINGERPRINT_MISMATCH,
                d.decode(handEncoded(CARD.fingerprint(), 1L, 2, null, 1f, 2f)), "feature count differs");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldDecodeAFullJsonUpdateWithMissingValues() {
        UpdateDecoder d = decoder(CARD);
        assertNull(d.decode(utf8("{\"event_time_millis\": 1700000000000, \"features\": "
                + "{\"c\": \"NaN\", \"a\": 1.25, \"b\": null}, \"entity\": {\"ignored\": [1, 2]}}")));
        assertEquals(1_700_000_000_000L, d.eventTimeMillis());
        assertNull(d.present(), "every feature given: a full update");
        assertEquals(1.25f, d.values()[0]);
        assertTrue(Float.isNaN(d.values()[1]) && Float.isNaN(d.values()[2]));
    }

    @Test
    void shouldDecodeAPartialJsonUpdate() {
        UpdateDecoder d = decoder(CARD);
        assertNull(d.decode(utf8(" {\"features\": {\"b\": -3, \"c\": \"-Infinity\"}, \"event_time_millis\": -5}")));
        assertEquals(-5L, d.eventTimeMillis());
        assertEquals(0b110L, d.present()[0]);
        assertEquals(-3f, d.values()[1]);
        assertEquals(Float.NEGATIVE_INFINITY, d.values()[2]);
    }

    @Test
    void shouldAcceptTheViewsSchemaAndRejectAnother() {
        UpdateDecoder d = decoder(CARD);
        assertNull(d.decode(utf8("{\"schema\": \"" + CARD.fingerprintHex().toUpperCase() + "\","
                + " \"event_time_millis\": 1, \"features\": {\"a\": 1}}")));
        assertEquals(RejectReason.FINGERPRINT_MISMATCH, d.decode(utf8("{\"schema\": \"00000000\","
                + " \"event_time_millis\": 1, \"features\": {\"a\": 1}}")));
    }

    @Test
    void shouldRejectEachKindOfBadJsonUpdate() {
        UpdateDecoder d = decoder(CARD);
        assertEquals(RejectReason.MALFORMED_JSON, d.decode(utf8("{\"event_time_millis\": 1, \"features\": {")));
        assertEquals(RejectReason.MALFORMED_JSON, d.decode(utf8("[1, 2]")));
        assertEquals(RejectReason.MALFORMED_JSON, d.decode(utf8("")));
        assertEquals(RejectReason.MALFORMED_JSON, d.decode(utf8("{\"features\": {\"a\": 1}}")));
        assertTrue(d.detail().contains("missing: event_time_millis"), d.detail());
        assertEquals(RejectReason.MALFORMED_JSON, d.decode(utf8("{\"event_time_millis\": 1}")));
        assertEquals(RejectReason.MALFORMED_JSON, d.decode(utf8("{\"event_time_millis\": 1.5, \"features\": {}}")));
        assertEquals(RejectReason.MALFORMED_JSON,
                d.decode(utf8("{\"event_time_millis\": 99999999999999999999, \"features\": {}}")));
        assertEquals(RejectReason.MALFORMED_JSON,
                d.decode(utf8("{\"event_time_millis\": 1, \"features\": {\"a\": 1, \"a\": 2}}")));
        assertEquals(RejectReason.MALFORMED_JSON,
                d.decode(utf8("{\"event_time_millis\": 1, \"features\": {}} {}")));
        assertEquals(RejectReason.MALFORMED_JSON,
                d.decode(utf8("{\"event_time_millis\": 1, \"features\": [1, 2, 3]}")));
        assertEquals(RejectReason.UNKNOWN_FEATURE,
                d.decode(utf8("{\"event_time_millis\": 1, \"features\": {\"a\": 1, \"zz\": 2}}")));
        assertTrue(d.detail().contains("\"zz\""), d.detail());
        assertEquals(RejectReason.BAD_VALUE, d.decode(utf8("{\"event_time_millis\": 1, \"features\": {\"a\": true}}")));
        assertEquals(RejectReason.BAD_VALUE,
                d.decode(utf8("{\"event_time_millis\": 1, \"features\": {\"a\": \"12\"}}")));
        assertEquals(RejectReason.BAD_VALUE,
                d.decode(utf8("{\"event_time_millis\": 1, \"features\": {\"a\": {\"x\": 1}}}")));
        assertEquals(RejectReason.BAD_VALUE,
                d.decode(utf8("{\"event_time_millis\": 1, \"features\": {\"a\": 1e39}}")), "beyond the float range");
    }

    @Test
    void shouldParseJsonNumbersToTheCorrectlyRoundedFloat() {
        // Decimal -> double -> float rounds twice and differs from the correctly rounded float in rare cases; the
        // reference is the JDK's Float.parseFloat. Find such texts, then check the decoder on them.
        UpdateDecoder d = decoder(CARD);
        Random rnd = new Random(7);
        int doubleRoundingCases = 0;
        for (int i = 0; i < 400_000 && doubleRoundingCases < 50; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt() & 0x7effffff);
            float next = Math.nextUp(f);
            // The decimal exactly halfway between two floats, nudged by 1 in the 17th digit: a double-rounding trap.
            String text = new java.math.BigDecimal(f).add(new java.math.BigDecimal(next))
                    .divide(java.math.BigDecimal.valueOf(2)).round(new java.math.MathContext(17)).toString();
            if ((float) Double.parseDouble(text) != Float.parseFloat(text)) {
                doubleRoundingCases++;
            }
            String json = "{\"event_time_millis\": 1, \"features\": {\"a\": " + text + "}}";
            assertNull(d.decode(utf8(json)), json);
            assertEquals(Float.floatToRawIntBits(Float.parseFloat(text)), Float.floatToRawIntBits(d.values()[0]),
                    text);
        }
        assertTrue(doubleRoundingCases > 0, "the sample must contain texts where rounding twice is wrong");
    }

    @Test
    void shouldRoundTripToJsonThroughTheDecoder() {
        FeatureUpdates enc = FeatureUpdates.forView(CARD);
        float[] v = {0.1f, Float.NaN, Float.POSITIVE_INFINITY};
        String json = enc.toJson(77L, v, 0, null);
        assertEquals("{\"event_time_millis\":77,\"features\":{\"a\":0.1,\"b\":null,\"c\":\"Infinity\"}}", json);
        UpdateDecoder d = decoder(CARD);
        assertNull(d.decode(utf8(json)));
        assertEquals(0.1f, d.values()[0]);
        assertEquals("{\"event_time_millis\":5,\"features\":{\"b\":2.0}}",
                enc.toJson(5L, new float[] {1, 2, 3}, 0, new long[] {0b10}));
    }

    @Test
    void shouldRejectTheFormatTheFollowerDoesNotRead() {
        byte[] bin = handEncoded(CARD.fingerprint(), 1L, 3, null, 1f, 2f, 3f);
        byte[] json = utf8("{\"event_time_millis\": 1, \"features\": {}}");
        UpdateDecoder binaryOnly = new UpdateDecoder(CARD, UpdateFormat.BINARY, null);
        UpdateDecoder jsonOnly = new UpdateDecoder(CARD, UpdateFormat.JSON, null);
        assertNull(binaryOnly.decode(bin));
        assertEquals(RejectReason.WRONG_FORMAT, binaryOnly.decode(json));
        assertNull(jsonOnly.decode(json));
        assertEquals(RejectReason.WRONG_FORMAT, jsonOnly.decode(bin));
    }

    @Test
    void shouldRejectMissingValuesOfRequiredFeaturesOnly() {
        UpdateDecoder d = new UpdateDecoder(CARD, UpdateFormat.AUTO, new boolean[] {true, false, false});
        assertEquals(RejectReason.FORBIDDEN_NAN,
                d.decode(utf8("{\"event_time_millis\": 1, \"features\": {\"a\": null}}")));
        assertEquals(RejectReason.FORBIDDEN_NAN,
                d.decode(handEncoded(CARD.fingerprint(), 1L, 3, null, Float.NaN, 2f, 3f)));
        assertNull(d.decode(utf8("{\"event_time_millis\": 1, \"features\": {\"b\": null}}")),
                "a partial update without the required feature keeps its stored value");
        assertNull(d.decode(handEncoded(CARD.fingerprint(), 1L, 3, null, 1f, Float.NaN, Float.NaN)));
    }

    // ------------------------------------------------------------------------------------------ keys

    @Test
    void shouldDecodeStringKeysAsUtf8AndRefuseBadOnes() {
        KeyDecoder k = new KeyDecoder(KeyKind.STRING);
        assertNull(k.decode(utf8("card-ü-\uD83D\uDE00"), false));
        assertEquals("card-ü-\uD83D\uDE00", k.text().toString());
        assertTrue(k.decode(null, false).contains("no key"));
        assertTrue(k.decode(new byte[0], false).contains("empty"));
        assertTrue(k.decode(new byte[] {(byte) 0xC3}, false).contains("UTF-8"), "truncated sequence");
        assertTrue(k.decode(new byte[] {(byte) 0xC0, (byte) 0x80}, false).contains("UTF-8"), "overlong NUL");
        assertTrue(k.decode(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, false).contains("UTF-8"),
                "encoded surrogate");
        assertTrue(k.decode(new byte[] {0, 'x'}, false).contains("NUL"));
        assertTrue(k.decode(utf8("x".repeat(4097)), false).contains("4096"));
    }

    @Test
    void shouldDecodeLongKeysAsEightBytesBigEndianOrDecimalText() {
        KeyDecoder k = new KeyDecoder(KeyKind.LONG);
        assertNull(k.decode(ByteBuffer.allocate(8).putLong(-123456789012L).array(), false));
        assertTrue(k.isLong());
        assertEquals(-123456789012L, k.longId());
        assertNull(k.decode(utf8("-42"), false));
        assertEquals("-42", k.text().toString());
        assertNull(k.decode(utf8("12345678"), true), "8 characters, decimal by header");
        assertEquals("12345678", k.text().toString());
        assertNull(k.decode(utf8("12345678"), false));
        assertTrue(k.isLong(), "8 bytes without the header are a big-endian long");
        assertTrue(k.decode(utf8("12a"), false).contains("decimal"));
        assertTrue(k.decode(utf8("123456789012345678901"), false).contains("decimal"));
        assertTrue(k.decode(ByteBuffer.allocate(8).putLong(Long.MIN_VALUE).array(), false).contains("reserved"));
    }

    @Test
    void shouldEncodeKeysLikeTheDecoderReadsThem() {
        byte[] buf = new byte[64];
        int n = FeatureUpdates.encodeKey("a\u00e9\uD83D\uDE00", buf, 0);
        assertArrayEquals("a\u00e9\uD83D\uDE00".getBytes(StandardCharsets.UTF_8), Arrays.copyOf(buf, n));
        assertThrows(IllegalArgumentException.class, () -> FeatureUpdates.encodeKey("x\uD800y", buf, 0));
        assertEquals(8, FeatureUpdates.encodeKey(0x0102030405060708L, buf, 0));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, Arrays.copyOf(buf, 8));
        FeatureView merchants = FeatureView.builder("m").keyKind(KeyKind.LONG).ttl(Duration.ofDays(1)).feature("x")
                .build();
        assertArrayEquals(ByteBuffer.allocate(8).putLong(77L).array(), FeatureUpdates.forView(merchants).key("77"));
        assertArrayEquals(utf8("77"), FeatureUpdates.forView(CARD).key(77L));
    }
}
