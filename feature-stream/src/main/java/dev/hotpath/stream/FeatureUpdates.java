package dev.hotpath.stream;

import dev.hotpath.cache.FeatureView;
import dev.hotpath.cache.KeyKind;

import java.util.Objects;

/**
 * Encodes feature updates for one view in the topic format a {@link FeatureStreamFollower} reads (the contract is in
 * the module README): record keys, compact binary update values, and JSON update values. For JVM pipelines that
 * publish to Kafka.
 *
 * <p><b>Binary update</b> (all multi-byte fields little-endian):
 * <pre>
 * offset size field
 *  0     1    magic 0xF5 (never a byte of UTF-8 text, so a binary update is never mistaken for JSON)
 *  1     1    magic 0x46 ('F')
 *  2     1    version: 1
 *  3     1    flags: bit 0 = partial (a presence bitmap follows the header); other bits 0
 *  4     4    schema fingerprint of the view ({@link FeatureView#fingerprint()})
 *  8     8    event time, epoch milliseconds
 * 16     2    feature count = the view's dimension
 * 18     2    reserved: 0
 * 20          partial only: ceil(count / 8) bitmap bytes; bit (i % 8) of byte (i / 8) set = feature i present
 *  ..         float32 values: all {@code count} features (full), or one per present feature in feature order
 * </pre>
 * A NaN value means "missing". A full update of a view with {@code d} features is {@code 20 + 4d} bytes.
 *
 * <p><b>Keys</b>: the UTF-8 bytes of the id for string-keyed views; 8 bytes big-endian (what Kafka's
 * {@code LongSerializer} writes) for long-keyed views. Kafka's default partitioner hashes these bytes;
 * {@link FeaturePartitioner} computes the same partition.
 *
 * <p><b>Reusing buffers with Kafka's producer.</b> {@code KafkaProducer.send} copies the serialized value into its
 * batch before it returns, so one {@code byte[]} of {@link #fullUpdateSize()} per thread can be encoded into and
 * sent again and again (the byte-array serializer sends the whole array, so it must have exactly the encoded
 * length; {@link #partialUpdateSize(int)} gives the length of a partial update).
 *
 * <p>Immutable and thread-safe. The {@code encode...} methods allocate nothing; {@link #toJson} is a cold-path
 * helper that allocates.
 */
public final class FeatureUpdates {
    /** First magic byte of a binary update. */
    public static final int MAGIC_0 = 0xF5;
    /** Second magic byte of a binary update ('F'). */
    public static final int MAGIC_1 = 0x46;
    /** The binary format version this class writes and the follower reads. */
    public static final int VERSION = 1;
    /** Flag bit: the update is partial and a presence bitmap follows the header. */
    public static final int FLAG_PARTIAL = 1;
    /** Size of the binary header in bytes. */
    public static final int HEADER_SIZE = 20;

    static final int OFF_VERSION = 2;
    static final int OFF_FLAGS = 3;
    static final int OFF_FINGERPRINT = 4;
    static final int OFF_EVENT_TIME = 8;
    static final int OFF_COUNT = 16;
    static final int OFF_RESERVED = 18;

    /** Record header that forces the interpretation of a long-keyed view's key: {@code decimal} or {@code int64}. */
    public static final String KEY_FORMAT_HEADER = "hotpath.key";

    private final FeatureView view;
    private final int dimension;
    private final int fingerprint;

    private FeatureUpdates(FeatureView view) {
        this.view = view;
        this.dimension = view.dimension();
        this.fingerprint = view.fingerprint();
    }

    /**
     * @param view the view the updates are for (its fingerprint and dimension go into every binary update)
     * @return an encoder for that view
     */
    public static FeatureUpdates forView(FeatureView view) {
        return new FeatureUpdates(Objects.requireNonNull(view, "view"));
    }

    /** @return the view */
    public FeatureView view() {
        return view;
    }

    /** @return the size in bytes of a full binary update: {@code 20 + 4 * dimension} */
    public int fullUpdateSize() {
        return HEADER_SIZE + 4 * dimension;
    }

    /**
     * @param presentFeatures how many features the partial update carries
     * @return the size in bytes of such a partial binary update
     */
    public int partialUpdateSize(int presentFeatures) {
        if (presentFeatures < 0 || presentFeatures > dimension) {
            throw new IllegalArgumentException("presentFeatures must be between 0 and " + dimension + ", got "
                    + presentFeatures);
        }
        return HEADER_SIZE + bitmapBytes(dimension) + 4 * presentFeatures;
    }

    static int bitmapBytes(int dimension) {
        return (dimension + 7) >>> 3;
    }

    /**
     * Encodes a full update (every feature). Allocation-free.
     *
     * @param eventTimeMillis as-of time of the features (epoch ms); the follower keeps the newest per entity
     * @param values the features in view order (NaN = missing)
     * @param offset where feature 0 is in {@code values}
     * @param dst destination
     * @param dstOffset where the update starts in {@code dst}
     * @return bytes written, {@link #fullUpdateSize()}
     * @throws IndexOutOfBoundsException if {@code values} or {@code dst} is too small
     */
    public int encodeFull(long eventTimeMillis, float[] values, int offset, byte[] dst, int dstOffset) {
        checkValues(values, offset);
        int size = fullUpdateSize();
        checkDst(dst, dstOffset, size);
        int p = header(dst, dstOffset, 0, eventTimeMillis);
        for (int i = 0; i < dimension; i++) {
            p = putFloat(dst, p, values[offset + i]);
        }
        return size;
    }

    /**
     * Encodes a partial update: only the features whose bit is set in {@code present}
     * ({@code (present[i >>> 6] & (1L << i)) != 0}); the follower keeps the entity's other features. Allocation-free.
     *
     * @param eventTimeMillis as-of time of the features (epoch ms)
     * @param values the features in view order; only the present ones are read
     * @param offset where feature 0 is in {@code values}
     * @param present presence bits, at least {@code ceil(dimension / 64)} words; bits at or above the dimension must
     *                be clear
     * @param dst destination
     * @param dstOffset where the update starts in {@code dst}
     * @return bytes written, {@link #partialUpdateSize(int)} of the number of present features
     * @throws IllegalArgumentException if {@code present} is too short or has bits beyond the dimension
     * @throws IndexOutOfBoundsException if {@code values} or {@code dst} is too small
     */
    public int encodePartial(long eventTimeMillis, float[] values, int offset, long[] present, byte[] dst,
                             int dstOffset) {
        checkValues(values, offset);
        int count = presentCount(present);
        int size = partialUpdateSize(count);
        checkDst(dst, dstOffset, size);
        int p = header(dst, dstOffset, FLAG_PARTIAL, eventTimeMillis);
        int bitmap = bitmapBytes(dimension);
        for (int b = 0; b < bitmap; b++) {
            dst[p + b] = (byte) (present[b >>> 3] >>> ((b & 7) << 3));
        }
        p += bitmap;
        for (int i = 0; i < dimension; i++) {
            if ((present[i >>> 6] & (1L << i)) != 0) {
                p = putFloat(dst, p, values[offset + i]);
            }
        }
        return size;
    }

    /**
     * Counts the present features, checking the bitmap's length and that no bit lies beyond the dimension.
     *
     * @param present presence bits
     * @return how many features are present
     */
    public int presentCount(long[] present) {
        Objects.requireNonNull(present, "present");
        int words = (dimension + 63) >>> 6;
        if (present.length < words) {
            throw new IllegalArgumentException("present has " + present.length + " words; view " + view.name()
                    + " has " + dimension + " features and needs " + words);
        }
        int count = 0;
        for (int w = 0; w < present.length; w++) {
            long bits = present[w];
            if (w == words - 1 && (dimension & 63) != 0) {
                if ((bits & (-1L << (dimension & 63))) != 0) {
                    throw new IllegalArgumentException("present has bits at or above feature " + dimension);
                }
            } else if (w >= words && bits != 0) {
                throw new IllegalArgumentException("present has bits at or above feature " + dimension);
            }
            count += Long.bitCount(bits);
        }
        return count;
    }

    private int header(byte[] dst, int o, int flags, long eventTimeMillis) {
        dst[o] = (byte) MAGIC_0;
        dst[o + 1] = (byte) MAGIC_1;
        dst[o + OFF_VERSION] = (byte) VERSION;
        dst[o + OFF_FLAGS] = (byte) flags;
        putInt(dst, o + OFF_FINGERPRINT, fingerprint);
        putLong(dst, o + OFF_EVENT_TIME, eventTimeMillis);
        dst[o + OFF_COUNT] = (byte) dimension;
        dst[o + OFF_COUNT + 1] = (byte) (dimension >>> 8);
        dst[o + OFF_RESERVED] = 0;
        dst[o + OFF_RESERVED + 1] = 0;
        return o + HEADER_SIZE;
    }

    private void checkValues(float[] values, int offset) {
        if (offset < 0 || offset > values.length - dimension) {
            throw new IndexOutOfBoundsException("values has " + values.length + " floats; view " + view.name()
                    + " needs " + dimension + " at offset " + offset);
        }
    }

    private static void checkDst(byte[] dst, int dstOffset, int size) {
        if (dstOffset < 0 || dstOffset > dst.length - size) {
            throw new IndexOutOfBoundsException("dst has " + dst.length + " bytes; the update needs " + size
                    + " at offset " + dstOffset);
        }
    }

    private static int putFloat(byte[] dst, int p, float v) {
        putInt(dst, p, Float.floatToRawIntBits(v));
        return p + 4;
    }

    static void putInt(byte[] dst, int p, int v) {
        dst[p] = (byte) v;
        dst[p + 1] = (byte) (v >>> 8);
        dst[p + 2] = (byte) (v >>> 16);
        dst[p + 3] = (byte) (v >>> 24);
    }

    static void putLong(byte[] dst, int p, long v) {
        putInt(dst, p, (int) v);
        putInt(dst, p + 4, (int) (v >>> 32));
    }

    // ------------------------------------------------------------------------------------------ keys

    /**
     * Encodes a string id as a record key: its UTF-8 bytes. Allocation-free.
     *
     * @param id the entity id (for a long-keyed view use {@link #encodeKey(long, byte[], int)})
     * @param dst destination, at least {@code 3 * id.length()} bytes from {@code dstOffset} to be safe
     * @param dstOffset where the key starts
     * @return bytes written
     * @throws IllegalArgumentException if the id has an unpaired surrogate (it has no UTF-8 form)
     * @throws IndexOutOfBoundsException if {@code dst} is too small
     */
    public static int encodeKey(CharSequence id, byte[] dst, int dstOffset) {
        return Utf8.encode(id, dst, dstOffset);
    }

    /**
     * Encodes a long id as a record key: 8 bytes big-endian, like Kafka's {@code LongSerializer}. Allocation-free.
     *
     * @param id the entity id
     * @param dst destination
     * @param dstOffset where the key starts
     * @return 8
     */
    public static int encodeKey(long id, byte[] dst, int dstOffset) {
        for (int i = 0; i < 8; i++) {
            dst[dstOffset + i] = (byte) (id >>> (56 - 8 * i));
        }
        return 8;
    }

    /**
     * The record key of an id, as a new array (cold path; use {@link #encodeKey(CharSequence, byte[], int)} to
     * avoid allocating). For a long-keyed view the id must be the decimal form of the long.
     *
     * @param id the entity id
     * @return the key bytes for this encoder's view
     * @throws IllegalArgumentException if the id is not valid for the view
     */
    public byte[] key(CharSequence id) {
        if (view.keyKind() == KeyKind.LONG) {
            long v;
            try {
                v = Long.parseLong(id.toString());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("view " + view.name() + " has long ids; \"" + id
                        + "\" is not a decimal long", e);
            }
            return key(v);
        }
        byte[] buf = new byte[Utf8.maxBytes(id)];
        int n = encodeKey(id, buf, 0);
        return java.util.Arrays.copyOf(buf, n);
    }

    /**
     * @param id a long id
     * @return its record key for this encoder's view: 8 bytes big-endian, or the decimal text's UTF-8 bytes for a
     *         string-keyed view
     */
    public byte[] key(long id) {
        if (view.keyKind() == KeyKind.STRING) {
            return key(Long.toString(id));
        }
        byte[] b = new byte[8];
        encodeKey(id, b, 0);
        return b;
    }

    // ------------------------------------------------------------------------------------------ JSON

    /**
     * The JSON form of an update, {@code {"event_time_millis": T, "features": {"name": value, ...}}}, with NaN as
     * {@code null}. Cold path (allocates); for tools, tests and producers that prefer text.
     *
     * @param eventTimeMillis as-of time (epoch ms)
     * @param values the features in view order
     * @param offset where feature 0 is in {@code values}
     * @param present which features to include; null for all
     * @return the JSON text
     */
    public String toJson(long eventTimeMillis, float[] values, int offset, long[] present) {
        checkValues(values, offset);
        if (present != null) {
            presentCount(present);
        }
        StringBuilder sb = new StringBuilder(32 + 24 * dimension);
        sb.append("{\"event_time_millis\":").append(eventTimeMillis).append(",\"features\":{");
        boolean first = true;
        for (int i = 0; i < dimension; i++) {
            if (present != null && (present[i >>> 6] & (1L << i)) == 0) {
                continue;
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            // Feature names are restricted to [A-Za-z0-9_.:/-]: nothing to escape.
            sb.append('"').append(view.featureNames().get(i)).append("\":");
            float v = values[offset + i];
            if (Float.isNaN(v)) {
                sb.append("null");
            } else if (Float.isInfinite(v)) {
                sb.append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
            } else {
                // Float.toString is the shortest text that parses back to the same float.
                sb.append(Float.toString(v));
            }
        }
        return sb.append("}}").toString();
    }
}
