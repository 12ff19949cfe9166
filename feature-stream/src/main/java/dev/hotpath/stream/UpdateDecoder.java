package dev.hotpath.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.hotpath.cache.FeatureView;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Decodes one update value (binary or JSON, see {@link FeatureUpdates} and the module README) for one view into
 * reusable buffers: {@link #values()}, {@link #present()} (null for a full update) and {@link #eventTimeMillis()}.
 *
 * <p>Not thread-safe: one per follower thread. Binary updates decode without allocating; JSON updates allocate
 * Jackson's per-document parser (a few hundred bytes). Errors are returned as a {@link RejectReason} with a
 * {@link #detail()} message, never thrown.
 */
final class UpdateDecoder {
    /**
     * Jackson's fast float parser (FastDoubleParser, inside jackson-core) is correctly rounded like
     * {@code Float.parseFloat} and several times faster on the 9-digit numbers {@code Float.toString} writes.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(1000)
                    .maxStringLength(1 << 20).build())
            .build();

    private final FeatureView view;
    private final int dimension;
    private final int fingerprint;
    private final UpdateFormat format;
    /** Features for which NaN is refused; null if none. */
    private final boolean[] required;
    private final float[] values;
    private final long[] presentBits;
    private final int bitmapBytes;
    private long[] present;
    private long eventTimeMillis;
    private String detail;

    UpdateDecoder(FeatureView view, UpdateFormat format, boolean[] required) {
        this.view = view;
        this.dimension = view.dimension();
        this.fingerprint = view.fingerprint();
        this.format = format;
        this.required = required;
        this.values = new float[dimension];
        this.presentBits = new long[(dimension + 63) >>> 6];
        this.bitmapBytes = FeatureUpdates.bitmapBytes(dimension);
    }

    /** @return the decoded features in view order (entries of absent features are unspecified) */
    float[] values() {
        return values;
    }

    /** @return the presence bits of a partial update, or null for a full update */
    long[] present() {
        return present;
    }

    /** @return the decoded event time */
    long eventTimeMillis() {
        return eventTimeMillis;
    }

    /** @return what was wrong with the last rejected value */
    String detail() {
        return detail;
    }

    /**
     * @param value a non-null record value
     * @return null if decoded, else why the value was rejected ({@link #detail()} says more)
     */
    RejectReason decode(byte[] value) {
        boolean binary = value.length > 0 && (value[0] & 0xFF) == FeatureUpdates.MAGIC_0;
        if (binary ? format == UpdateFormat.JSON : format == UpdateFormat.BINARY) {
            detail = binary ? "a binary update, but this follower reads JSON only"
                    : "not a binary update (first byte is not 0xF5), and this follower reads binary only";
            return RejectReason.WRONG_FORMAT;
        }
        RejectReason r = binary ? decodeBinary(value) : decodeJson(value);
        return r != null ? r : checkRequired();
    }

    // ------------------------------------------------------------------------------------------ binary

    private RejectReason decodeBinary(byte[] v) {
        int n = v.length;
        if (n < FeatureUpdates.HEADER_SIZE) {
            return malformed(n + " bytes, shorter than the 20-byte header");
        }
        if ((v[1] & 0xFF) != FeatureUpdates.MAGIC_1) {
            return malformed(String.format(Locale.ROOT, "second magic byte 0x%02x, expected 0x46", v[1] & 0xFF));
        }
        int version = v[FeatureUpdates.OFF_VERSION] & 0xFF;
        if (version != FeatureUpdates.VERSION) {
            return malformed("format version " + version + "; this follower reads version " + FeatureUpdates.VERSION);
        }
        int flags = v[FeatureUpdates.OFF_FLAGS] & 0xFF;
        if ((flags & ~FeatureUpdates.FLAG_PARTIAL) != 0) {
            return malformed(String.format(Locale.ROOT, "unknown flags 0x%02x", flags));
        }
        int fp = getInt(v, FeatureUpdates.OFF_FINGERPRINT);
        int count = (v[FeatureUpdates.OFF_COUNT] & 0xFF) | (v[FeatureUpdates.OFF_COUNT + 1] & 0xFF) << 8;
        if (fp != fingerprint || count != dimension) {
            detail = String.format(Locale.ROOT, "schema fingerprint %08x with %d features; view %s is %s with %d",
                    fp, count, view.name(), view.fingerprintHex(), dimension);
            return RejectReason.FINGERPRINT_MISMATCH;
        }
        if (v[FeatureUpdates.OFF_RESERVED] != 0 || v[FeatureUpdates.OFF_RESERVED + 1] != 0) {
            return malformed("reserved header bytes 18-19 are not zero");
        }
        eventTimeMillis = getLong(v, FeatureUpdates.OFF_EVENT_TIME);
        int p = FeatureUpdates.HEADER_SIZE;
        if ((flags & FeatureUpdates.FLAG_PARTIAL) == 0) {
            if (n != p + 4 * dimension) {
                return malformed(n + " bytes; a full update of " + dimension + " features is " + (p + 4 * dimension));
            }
            for (int i = 0; i < dimension; i++, p += 4) {
                values[i] = Float.intBitsToFloat(getInt(v, p));
            }
            present = null;
            return null;
        }
        if (n < p + bitmapBytes) {
            return malformed(n + " bytes, shorter than the header and the " + bitmapBytes + "-byte presence bitmap");
        }
        Arrays.fill(presentBits, 0);
        int count1 = 0;
        for (int b = 0; b < bitmapBytes; b++) {
            int bits = v[p + b] & 0xFF;
            if (b == bitmapBytes - 1 && (dimension & 7) != 0 && (bits >>> (dimension & 7)) != 0) {
                return malformed("presence bitmap has bits at or above feature " + dimension);
            }
            presentBits[b >>> 3] |= (long) bits << ((b & 7) << 3);
            count1 += Integer.bitCount(bits);
        }
        p += bitmapBytes;
        if (n != p + 4 * count1) {
            return malformed(n + " bytes; a partial update with " + count1 + " features present is "
                    + (p + 4 * count1));
        }
        for (int i = 0; i < dimension; i++) {
            if ((presentBits[i >>> 6] & (1L << i)) != 0) {
                values[i] = Float.intBitsToFloat(getInt(v, p));
                p += 4;
            }
        }
        present = presentBits;
        return null;
    }

    private RejectReason malformed(String what) {
        detail = "binary update: " + what;
        return RejectReason.MALFORMED_BINARY;
    }

    private static int getInt(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }

    private static long getLong(byte[] b, int p) {
        return (getInt(b, p) & 0xFFFFFFFFL) | (long) getInt(b, p + 4) << 32;
    }

    // ------------------------------------------------------------------------------------------ JSON

    private RejectReason decodeJson(byte[] v) {
        try (JsonParser p = JSON.createParser(v, 0, v.length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return badJson("expected a JSON object {\"event_time_millis\": ..., \"features\": {...}}");
            }
            boolean haveTime = false;
            boolean haveFeatures = false;
            Arrays.fill(presentBits, 0);
            int given = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "event_time_millis":
                        if (t != JsonToken.VALUE_NUMBER_INT) {
                            return badJson("\"event_time_millis\" must be an integer (epoch milliseconds), got " + t);
                        }
                        if (p.getNumberType() != JsonParser.NumberType.INT
                                && p.getNumberType() != JsonParser.NumberType.LONG) {
                            return badJson("\"event_time_millis\" is out of the long range");
                        }
                        eventTimeMillis = p.getLongValue();
                        haveTime = true;
                        break;
                    case "features":
                        if (t != JsonToken.START_OBJECT) {
                            return badJson("\"features\" must be an object {\"name\": value, ...}, got " + t);
                        }
                        haveFeatures = true;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            int i = view.indexOf(name);
                            if (i < 0) {
                                detail = "feature \"" + name + "\" is not in view " + view.name();
                                return RejectReason.UNKNOWN_FEATURE;
                            }
                            if ((presentBits[i >>> 6] & (1L << i)) != 0) {
                                return badJson("feature \"" + name + "\" is given twice");
                            }
                            presentBits[i >>> 6] |= 1L << i;
                            given++;
                            RejectReason r = readValue(p, p.nextToken(), i, name);
                            if (r != null) {
                                return r;
                            }
                        }
                        break;
                    case "schema":
                        if (t != JsonToken.VALUE_STRING) {
                            return badJson("\"schema\" must be the view's fingerprint as 8 hex digits, got " + t);
                        }
                        if (!p.getText().equalsIgnoreCase(view.fingerprintHex())) {
                            detail = "schema \"" + p.getText() + "\"; view " + view.name() + " is "
                                    + view.fingerprintHex();
                            return RejectReason.FINGERPRINT_MISMATCH;
                        }
                        break;
                    default:
                        // Unknown top-level fields (say, an entity id for debugging) are ignored: forward-compatible.
                        p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return badJson("content after the update object");
            }
            if (!haveTime || !haveFeatures) {
                return badJson("the update needs \"event_time_millis\" and \"features\" (missing: "
                        + (!haveTime ? "event_time_millis" : "") + (!haveTime && !haveFeatures ? ", " : "")
                        + (!haveFeatures ? "features" : "") + ")");
            }
            present = given == dimension ? null : presentBits;
            return null;
        } catch (JsonProcessingException e) {
            return badJson(e.getOriginalMessage() + " at byte " + e.getLocation().getByteOffset());
        } catch (IOException e) {
            return badJson(e.toString());
        }
    }

    private RejectReason readValue(JsonParser p, JsonToken t, int i, String name) throws IOException {
        switch (t) {
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT: {
                float f = p.getFloatValue();
                if (Float.isInfinite(f)) {
                    return badValue(name, p.getText() + " is outside the float range");
                }
                values[i] = f;
                return null;
            }
            case VALUE_NULL:
                values[i] = Float.NaN;
                return null;
            case VALUE_STRING: {
                String s = p.getText();
                if (s.equals("NaN")) {
                    values[i] = Float.NaN;
                } else if (s.equals("Infinity")) {
                    values[i] = Float.POSITIVE_INFINITY;
                } else if (s.equals("-Infinity")) {
                    values[i] = Float.NEGATIVE_INFINITY;
                } else {
                    return badValue(name, "the string \"" + s + "\" (only \"NaN\", \"Infinity\", \"-Infinity\")");
                }
                return null;
            }
            default:
                return badValue(name, t.toString());
        }
    }

    private RejectReason badValue(String feature, String what) {
        detail = "feature \"" + feature + "\": " + what + " is not a float value";
        return RejectReason.BAD_VALUE;
    }

    private RejectReason badJson(String what) {
        detail = "JSON update: " + what;
        return RejectReason.MALFORMED_JSON;
    }

    // ------------------------------------------------------------------------------------------ checks

    private RejectReason checkRequired() {
        if (required == null) {
            return null;
        }
        for (int i = 0; i < dimension; i++) {
            if (required[i] && Float.isNaN(values[i])
                    && (present == null || (present[i >>> 6] & (1L << i)) != 0)) {
                detail = "feature \"" + view.featureNames().get(i) + "\" is missing (NaN), which this follower"
                        + " refuses for it";
                return RejectReason.FORBIDDEN_NAN;
            }
        }
        return null;
    }
}
