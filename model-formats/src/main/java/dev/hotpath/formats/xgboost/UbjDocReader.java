package dev.hotpath.formats.xgboost;

import dev.hotpath.formats.xgboost.Doc.Arr;
import dev.hotpath.formats.xgboost.Doc.Obj;
import dev.hotpath.formats.xgboost.Doc.Shape;
import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelLimits;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads XGBoost's UBJSON model documents (the {@code .ubj} format, also written into {@code .model} files by 2.1+)
 * into a {@link Doc} tree, materialising only what {@link Doc#MODEL_SHAPE} asks for.
 *
 * <p>The dialect is the one XGBoost's {@code UBJWriter}/{@code UBJReader} use (spec §3): big-endian numbers;
 * object keys as a length marker plus UTF-8 bytes without an {@code S}; counted generic arrays
 * ({@code [#L n}) and counted typed arrays ({@code [$t#L n} with elements {@code d D i U I l L}) without a closing
 * bracket; unsized arrays ({@code [ ... ]}) are tolerated; scalars {@code i U I l L d D S T F Z C}; the no-op
 * {@code N} is skipped. The high-precision {@code H} and count-optimised objects are rejected.
 *
 * <p>Every count and length is checked against the bytes that remain (and against {@link ModelLimits}) before
 * anything is allocated, so a file claiming 2^60 elements fails at once. Nesting deeper than
 * {@link JsonDocReader#MAX_NESTING} is rejected, which also bounds the recursion of this reader. Errors name the
 * byte offset.
 *
 * <p>Load-time only; each call uses its own state, so concurrent calls are safe.
 */
final class UbjDocReader {
    private final ModelFileInput in;
    private final String source;
    private final ModelLimits limits;
    /** The input's window, copied here for speed and written back around {@link ModelFileInput#fill}. */
    private byte[] b;
    private int pos;
    private int limit;
    private long base;

    private UbjDocReader(ModelFileInput in, ModelLimits limits) {
        this.in = in;
        this.source = in.source;
        this.limits = limits;
        this.b = in.buf;
        this.pos = in.pos;
        this.limit = in.limit;
        this.base = in.base;
    }

    /**
     * @param bytes the whole file
     * @param source the file name, for error messages
     * @param limits size limits
     * @return the document root
     * @throws ModelFormatException on malformed or truncated input
     */
    static Obj read(byte[] bytes, String source, ModelLimits limits) {
        return read(ModelFileInput.of(bytes, source), limits);
    }

    /**
     * Reads the document from {@code in}'s current position (0) to the end of the file, which must be the end of
     * the document.
     *
     * @param in the file, read through its window
     * @param limits size limits
     * @return the document root
     * @throws ModelFormatException on malformed or truncated input, or bytes after the document
     */
    static Obj read(ModelFileInput in, ModelLimits limits) {
        UbjDocReader r = new UbjDocReader(in, limits);
        int m = r.marker();
        if (m != '{') {
            throw r.error(0, "expected the document to start with the UBJSON object marker '{', found "
                    + describeMarker(m));
        }
        Obj root = (Obj) r.value(m, Doc.MODEL_SHAPE, "", 1);
        in.pos = r.pos;
        in.requireEnd("document");
        return root;
    }

    /** The file offset of the next unread byte. */
    private long offset() {
        return base + pos;
    }

    /** Bytes left in the file after the next unread one. */
    private long remaining() {
        return in.length - (base + pos);
    }

    /** Makes {@code n} bytes available at {@code pos} or fails naming what was being read. */
    private void need(int n, long at, String what) {
        if (limit - pos >= n) {
            return;
        }
        in.pos = pos;
        boolean ok = in.fill(n);
        b = in.buf;
        pos = in.pos;
        limit = in.limit;
        base = in.base;
        if (!ok) {
            throw truncated(at, what);
        }
    }

    // ------------------------------------------------------------------------------------------ values

    private Object value(int m, Shape shape, String path, int depth) {
        long at = offset() - 1;
        switch (m) {
            case '{':
                return object(shape, path, depth, at);
            case '[':
                return array(shape, path, depth, at);
            case 'S':
                return string(at);
            case 'i':
            case 'U':
            case 'I':
            case 'l':
            case 'L':
                return Doc.Num.ofLong(integer(m));
            case 'C':
                return Doc.Num.ofLong(u8());
            case 'd':
                return Doc.Num.ofFloat(Float.intBitsToFloat(i32()));
            case 'D':
                return Doc.Num.ofFloat((float) Double.longBitsToDouble(i64()));
            case 'T':
                return Boolean.TRUE;
            case 'F':
                return Boolean.FALSE;
            case 'Z':
                return Doc.NULL;
            case 'H':
                throw error(at, "high-precision numbers ('H') are not supported by XGBoost models");
            default:
                throw error(at, "expected a UBJSON value marker, found " + describeMarker(m));
        }
    }

    private Object object(Shape shape, String path, int depth, long at) {
        checkDepth(depth, at);
        boolean skip = shape == null || shape.kind == Shape.Kind.PRESENCE || shape.kind == Shape.Kind.ARRAY;
        if (shape != null && shape.kind == Shape.Kind.MEMBER) {
            throw error(at, where(path) + ": expected a string, number or array of them, found a nested object");
        }
        Obj o = new Obj(path);
        while (true) {
            int m = marker();
            if (m == '}') {
                break;
            }
            if (m == 'N') {
                continue;
            }
            if (m == '$' || m == '#') {
                throw error(offset() - 1, "count-optimised UBJSON objects are not used by XGBoost and not supported");
            }
            long keyAt = offset() - 1;
            String key = key(m, keyAt);
            int vm = valueMarker();
            Shape fs = skip ? null : shape.field(key);
            if (fs == null) {
                skipValue(vm, depth + 1);
                continue;
            }
            if (o.fields.containsKey(key)) {
                throw error(keyAt, where(path) + ": duplicate key '" + Doc.abbreviate(key) + "'");
            }
            if (shape.kind == Shape.Kind.VALUE && o.fields.size() >= JsonDocReader.MAX_MAP_ENTRIES) {
                throw error(keyAt, where(path) + ": more than " + JsonDocReader.MAX_MAP_ENTRIES + " entries");
            }
            o.fields.put(key, value(vm, fs, o.child(key), depth + 1));
        }
        if (shape != null && shape.kind == Shape.Kind.PRESENCE) {
            return Boolean.TRUE;
        }
        return o;
    }

    private Object array(Shape shape, String path, int depth, long at) {
        checkDepth(depth, at);
        if (shape == null || shape.kind == Shape.Kind.PRESENCE || shape.kind == Shape.Kind.OBJECT) {
            skipArrayBody(depth);
            return shape != null && shape.kind == Shape.Kind.PRESENCE ? Boolean.TRUE : new Arr(path);
        }
        int m = marker();
        if (m == '$') {
            long typeAt = offset();
            int type = marker();
            int size = elementSize(type, typeAt);
            expect('#', "'#' after the typed-array element type");
            long n = count(path);
            checkCount(n, size, path, at);
            return typedArray(type, size, (int) n, path, at);
        }
        if (m == '#') {
            long n = count(path);
            checkCount(n, 1, path, at);
            return genericArray(shape, path, depth, (int) n, false);
        }
        pos--; // unsized array: the marker we read is the first element (or ']')
        return genericArray(shape, path, depth, -1, true);
    }

    /** Elements of a counted ({@code n >= 0}) or unsized ({@code n == -1}) generic array. */
    private Object genericArray(Shape shape, String path, int depth, int n, boolean unsized) {
        if (shape.kind == Shape.Kind.ARRAY) {
            Arr a = new Arr(path, unsized ? 16 : Math.min(n, 1024));
            for (int i = 0; unsized || i < n; i++) {
                int m = marker();
                if (unsized && m == ']') {
                    break;
                }
                if (m == 'N' && unsized) {
                    i--;
                    continue;
                }
                if (a.items.size() >= limits.maxTrees()) {
                    throw error(offset() - 1, where(path) + ": more than " + limits.maxTrees()
                            + " trees (ModelLimits.maxTrees)");
                }
                a.items.add(value(m, shape.element, a.child(i), depth + 1));
            }
            return a;
        }
        NumArray.Builder nums = null;
        Arr strings = null;
        int maxStrings = Math.max(JsonDocReader.MAX_MAP_ENTRIES, limits.maxFeatures());
        for (int i = 0; unsized || i < n; i++) {
            int m = marker();
            long at = offset() - 1;
            if (unsized && m == ']') {
                break;
            }
            if (m == 'N' && unsized) {
                i--;
                continue;
            }
            switch (m) {
                case 'i':
                case 'U':
                case 'I':
                case 'l':
                case 'L':
                case 'C':
                case 'd':
                case 'D':
                case 'T':
                case 'F':
                    if (strings != null) {
                        throw error(at, where(path + "[" + i + "]")
                                + ": expected a string like the earlier elements, found a number");
                    }
                    if (nums == null) {
                        nums = new NumArray.Builder(source, path, unsized ? 16 : n);
                    }
                    if (m == 'd') {
                        nums.addFloat(Float.intBitsToFloat(i32()));
                    } else if (m == 'D') {
                        nums.addFloat((float) Double.longBitsToDouble(i64()));
                    } else if (m == 'T' || m == 'F') {
                        nums.addLong(m == 'T' ? 1 : 0);
                    } else if (m == 'C') {
                        nums.addLong(u8());
                    } else {
                        nums.addLong(integer(m));
                    }
                    break;
                case 'S':
                case 'Z':
                    if (nums != null) {
                        throw error(at, where(path + "[" + i + "]")
                                + ": expected a number like the earlier elements, found " + describeMarker(m));
                    }
                    if (strings == null) {
                        strings = new Arr(path);
                    }
                    if (strings.items.size() >= maxStrings) {
                        throw error(at, where(path) + ": more than " + maxStrings + " strings");
                    }
                    strings.items.add(m == 'Z' ? Doc.NULL : string(at));
                    break;
                case '{':
                case '[':
                    throw error(at, where(path + "[" + i + "]") + ": expected a number or string, found a nested "
                            + (m == '{' ? "object" : "array"));
                default:
                    throw error(at, "expected a UBJSON value marker, found " + describeMarker(m));
            }
        }
        if (nums != null) {
            return nums.build();
        }
        return strings != null ? strings : new Arr(path);
    }

    /**
     * A typed array's {@code n} elements of {@code size} bytes (the count was checked against the remaining bytes).
     * The 4- and 8-byte types are copied by the JDK's bulk big-endian reads, which run as one native copy even
     * before the JIT has compiled anything: most of a UBJSON model is such arrays, and a load often runs in a fresh
     * JVM. Arrays longer than the window are copied window by window.
     */
    private NumArray typedArray(int type, int size, int n, String path, long at) {
        switch (type) {
            case 'd': {
                float[] v = new float[n];
                for (int done = 0; done < n; ) {
                    int k = window(size, n - done, at);
                    bigEndian(k * size).asFloatBuffer().get(v, done, k);
                    pos += k * size;
                    done += k;
                }
                return NumArray.ofFloats(path, v);
            }
            case 'D': {
                float[] v = new float[n];
                double[] d = new double[Math.min(n, ModelFileInput.CHUNK / 8)];
                for (int done = 0; done < n; ) {
                    int k = Math.min(window(size, n - done, at), d.length);
                    bigEndian(k * size).asDoubleBuffer().get(d, 0, k);
                    for (int i = 0; i < k; i++) {
                        v[done + i] = (float) d[i];
                    }
                    pos += k * size;
                    done += k;
                }
                return NumArray.ofFloats(path, v);
            }
            case 'L': {
                long[] v = new long[n];
                for (int done = 0; done < n; ) {
                    int k = window(size, n - done, at);
                    bigEndian(k * size).asLongBuffer().get(v, done, k);
                    pos += k * size;
                    done += k;
                }
                return NumArray.ofLongs(path, v);
            }
            case 'l': {
                int[] v = new int[n];
                for (int done = 0; done < n; ) {
                    int k = window(size, n - done, at);
                    bigEndian(k * size).asIntBuffer().get(v, done, k);
                    pos += k * size;
                    done += k;
                }
                return NumArray.ofInts(path, v);
            }
            case 'U': {
                int[] v = new int[n];
                for (int done = 0; done < n; ) {
                    int k = window(size, n - done, at);
                    for (int i = 0; i < k; i++) {
                        v[done + i] = b[pos + i] & 0xff;
                    }
                    pos += k;
                    done += k;
                }
                return NumArray.ofInts(path, v);
            }
            default: {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (int) integer(type);
                }
                return NumArray.ofInts(path, v);
            }
        }
    }

    /** How many of {@code wanted} elements of {@code size} bytes the window holds now (at least one). */
    private int window(int size, int wanted, long at) {
        need(size, at, "a typed array of " + wanted + " more elements");
        return Math.min(wanted, (limit - pos) / size);
    }

    private ByteBuffer bigEndian(int length) {
        return ByteBuffer.wrap(b, pos, length).slice(); // big-endian is ByteBuffer's default order
    }

    // ------------------------------------------------------------------------------------------ skipping

    private void skipValue(int m, int depth) {
        long at = offset() - 1;
        switch (m) {
            case '{':
                object(null, "", depth, at);
                return;
            case '[':
                checkDepth(depth, at);
                skipArrayBody(depth);
                return;
            case 'S':
                skipBytes(length(marker(), at), at);
                return;
            case 'i':
            case 'U':
            case 'C':
                skipBytes(1, at);
                return;
            case 'I':
                skipBytes(2, at);
                return;
            case 'l':
            case 'd':
                skipBytes(4, at);
                return;
            case 'L':
            case 'D':
                skipBytes(8, at);
                return;
            case 'T':
            case 'F':
            case 'Z':
                return;
            default:
                throw error(at, "expected a UBJSON value marker, found " + describeMarker(m));
        }
    }

    /** Skips an array whose '[' has just been read. */
    private void skipArrayBody(int depth) {
        long at = offset() - 1;
        int m = marker();
        if (m == '$') {
            long typeAt = offset();
            int type = marker();
            int size = elementSize(type, typeAt);
            expect('#', "'#' after the typed-array element type");
            long n = count("array");
            checkCount(n, size, "array", at);
            skipBytes(n * size, at);
            return;
        }
        if (m == '#') {
            long n = count("array");
            checkCount(n, 1, "array", at);
            for (long i = 0; i < n; i++) {
                skipValue(valueMarker(), depth + 1);
            }
            return;
        }
        while (m != ']') {
            if (m != 'N') {
                skipValue(m, depth + 1);
            }
            m = marker();
        }
    }

    // ------------------------------------------------------------------------------------------ primitives

    private void checkDepth(int depth, long at) {
        if (depth > JsonDocReader.MAX_NESTING) {
            throw error(at, "nesting deeper than " + JsonDocReader.MAX_NESTING + " levels");
        }
    }

    private String key(int lengthMarker, long at) {
        int len = length(lengthMarker, at);
        return utf8(len, at);
    }

    private String string(long at) {
        int len = length(marker(), at);
        return utf8(len, at);
    }

    /** Reads a string/key length given its integer type marker; checks it against the limits and the input. */
    private int length(int m, long at) {
        if (!isIntMarker(m)) {
            throw error(offset() - 1, "expected an integer length marker (i, U, I, l, L), found "
                    + describeMarker(m));
        }
        long len = integer(m);
        if (len < 0) {
            throw error(at, "negative string length " + len);
        }
        if (len > limits.maxStringBytes()) {
            throw error(at, "string of " + len + " bytes is longer than " + limits.maxStringBytes()
                    + " (ModelLimits.maxStringBytes)");
        }
        if (len > remaining()) {
            throw truncated(at, "a string of " + len + " bytes");
        }
        return (int) len;
    }

    private String utf8(int len, long at) {
        need(len, at, "a string of " + len + " bytes");
        boolean ascii = true;
        for (int i = pos, end = pos + len; i < end; i++) {
            if (b[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            // Every key XGBoost writes: no decoder, no intermediate buffers.
            String s = new String(b, pos, len, StandardCharsets.ISO_8859_1);
            pos += len;
            return s;
        }
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, pos, len))
                    .toString();
            pos += len;
            return s;
        } catch (CharacterCodingException e) {
            throw error(at, "string is not valid UTF-8");
        }
    }

    private long count(String path) {
        long at = offset();
        int m = marker();
        if (!isIntMarker(m)) {
            throw error(at, "expected an integer count marker after '#', found " + describeMarker(m));
        }
        long n = integer(m);
        if (n < 0) {
            throw error(at, where(path) + ": negative element count " + n);
        }
        return n;
    }

    /** Rejects counts the remaining input cannot hold (each element takes at least {@code minBytes}). */
    private void checkCount(long n, int minBytes, String path, long at) {
        long remaining = remaining();
        if (n > remaining / minBytes || n > NumArray.MAX_LENGTH) {
            throw error(at, where(path) + ": array claims " + n + " elements but only " + remaining
                    + " bytes remain (truncated or corrupt UBJSON)");
        }
    }

    private int elementSize(int type, long at) {
        switch (type) {
            case 'i':
            case 'U':
                return 1;
            case 'I':
                return 2;
            case 'l':
            case 'd':
                return 4;
            case 'L':
            case 'D':
                return 8;
            default:
                throw error(at, "unsupported typed-array element type " + describeMarker(type)
                        + " (expected d, D, i, U, I, l or L)");
        }
    }

    private void expect(int wanted, String what) {
        long at = offset();
        int m = marker();
        if (m != wanted) {
            throw error(at, "expected " + what + ", found " + describeMarker(m));
        }
    }

    /** Reads the marker of a value, skipping no-op markers. */
    private int valueMarker() {
        int m = marker();
        while (m == 'N') {
            m = marker();
        }
        return m;
    }

    private int marker() {
        if (pos >= limit) {
            need(1, offset(), "a UBJSON marker");
        }
        return b[pos++] & 0xff;
    }

    private static boolean isIntMarker(int m) {
        return m == 'i' || m == 'U' || m == 'I' || m == 'l' || m == 'L';
    }

    private long integer(int m) {
        switch (m) {
            case 'i':
                need(1);
                return b[pos++];
            case 'U':
                return u8();
            case 'I': {
                need(2);
                int v = (short) (((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff));
                pos += 2;
                return v;
            }
            case 'l':
                return i32();
            case 'L':
                return i64();
            default:
                throw error(offset() - 1, "expected an integer marker, found " + describeMarker(m));
        }
    }

    private int u8() {
        need(1);
        return b[pos++] & 0xff;
    }

    private int i32() {
        need(4);
        int v = ((b[pos] & 0xff) << 24) | ((b[pos + 1] & 0xff) << 16) | ((b[pos + 2] & 0xff) << 8)
                | (b[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    private long i64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[pos + i] & 0xff);
        }
        pos += 8;
        return v;
    }

    private void need(int n) {
        if (limit - pos < n) {
            need(n, offset(), n + " more bytes");
        }
    }

    /** Skips {@code n} bytes (all of them still pass through the window, so they are hashed). */
    private void skipBytes(long n, long at) {
        if (n > remaining()) {
            throw truncated(at, n + " bytes");
        }
        long left = n;
        while (left > limit - pos) {
            left -= limit - pos;
            pos = limit;
            need(1, at, n + " bytes");
        }
        pos += (int) left;
    }

    private ModelFormatException truncated(long at, String what) {
        return new ModelFormatException(source, "offset " + at,
                "truncated UBJSON: expected " + what + " but the file ends at offset " + in.length);
    }

    private ModelFormatException error(long at, String message) {
        return new ModelFormatException(source, "offset " + at, message);
    }

    private static String where(String path) {
        return path.isEmpty() ? "document root" : path;
    }

    static String describeMarker(int m) {
        if (m >= 0x21 && m < 0x7f) {
            return "'" + (char) m + "' (0x" + Integer.toHexString(m) + ")";
        }
        return "byte 0x" + Integer.toHexString(m);
    }
}
