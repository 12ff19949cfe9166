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
import java.util.HashSet;
import java.util.Set;

/**
 * Reads XGBoost's JSON text model documents into a {@link Doc} tree, materialising only what
 * {@link Doc#MODEL_SHAPE} asks for. A single pass over the bytes, written for this one job: numbers go from their
 * digits straight to {@code int}/{@code long}/{@code float} ({@link DecimalToFloat}, no {@code String} per token),
 * arrays of numbers are collected in one reused scratch buffer, and nothing is allocated for skipped content.
 * Loading is on the critical path of start-up and every hot swap, and a general-purpose parser spent most of the
 * load building token text (issue #19, {@code BENCHMARKS.md}).
 *
 * <p>Strict JSON (RFC 8259) plus the three non-standard tokens XGBoost writes: {@code NaN}, {@code Infinity} and
 * {@code -Infinity}. Floating-point tokens are rounded once, to the nearest float32, exactly as
 * {@link Float#parseFloat} rounds them (XGBoost prints the shortest float32 round-trip string; going through
 * {@code double} first could round twice). Everything is validated, skipped content included: syntax, escapes,
 * UTF-8 of materialised strings, control characters, duplicate keys, trailing content, nesting deeper than
 * {@link #MAX_NESTING}, integers beyond 64 bits, strings longer than {@link ModelLimits#maxStringBytes()} and more
 * than {@link ModelLimits#maxTrees()} trees. Errors name the line, column and byte offset.
 *
 * <p>Load-time only; each call uses its own state, so concurrent calls are safe.
 */
final class JsonDocReader {
    /** Deepest nesting accepted anywhere in the document; XGBoost's deepest path is about 8 levels. */
    static final int MAX_NESTING = 64;
    /** Most entries in one parameter/attribute map or string array (other than feature names). */
    static final int MAX_MAP_ENTRIES = 1 << 16;

    /** Token kinds returned by {@link #number}. */
    private static final int INT = 0;
    private static final int FLOAT = 1;

    private final byte[] b;
    private final String source;
    private final ModelLimits limits;
    private int pos;
    /** The value of the last {@link #number} token: integral tokens in {@code longValue}, others in floatValue. */
    private long longValue;
    private float floatValue;
    /** Reused for every array of numbers; {@link NumArray.Builder#build()} copies out exactly what was read. */
    private final NumArray.Builder nums;

    private JsonDocReader(byte[] bytes, String source, ModelLimits limits) {
        this.b = bytes;
        this.source = source;
        this.limits = limits;
        this.nums = new NumArray.Builder(source, "", 1024);
    }

    /**
     * @param bytes the whole file
     * @param source the file name, for error messages
     * @param limits size limits
     * @return the document root
     * @throws ModelFormatException on malformed JSON or a document that is not an object
     */
    static Obj read(byte[] bytes, String source, ModelLimits limits) {
        JsonDocReader r = new JsonDocReader(bytes, source, limits);
        if (bytes.length > limits.maxFileBytes()) {
            throw r.error(0, "the document is " + bytes.length + " bytes, more than ModelLimits.maxFileBytes = "
                    + limits.maxFileBytes());
        }
        int c = r.skipWhitespace();
        if (c != '{') {
            throw r.error(r.pos, "expected the document to be a JSON object, found "
                    + (c < 0 ? "no content" : describe(c)));
        }
        Obj root = (Obj) r.object(Doc.MODEL_SHAPE, "", 1);
        if (r.skipWhitespace() >= 0) {
            throw r.error(r.pos, "unexpected content after the end of the JSON document");
        }
        return root;
    }

    // ------------------------------------------------------------------------------------------ values

    /** A value whose first byte {@code c} is at {@code pos}; {@code shape == null} skips it (still validated). */
    private Object value(int c, Shape shape, String path, int depth) {
        switch (c) {
            case '{':
                return object(shape, path, depth);
            case '[':
                return array(shape, path, depth);
            case '"': {
                int at = pos;
                return shape == null ? skipString(at) : string(at);
            }
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return Doc.NULL;
            default:
                if (shape == null) {
                    number(false);
                    return null;
                }
                return number(true) == INT ? Doc.Num.ofLong(longValue) : Doc.Num.ofFloat(floatValue);
        }
    }

    /** An object whose '{' is at {@code pos}. */
    private Object object(Shape shape, String path, int depth) {
        int open = pos;
        checkDepth(depth, open);
        if (shape != null && shape.kind == Shape.Kind.MEMBER) {
            throw error(open, where(path) + ": expected a string, number or array of them, found a nested object");
        }
        boolean materialise = shape != null && (shape.kind == Shape.Kind.OBJECT || shape.kind == Shape.Kind.VALUE);
        Obj o = materialise ? new Obj(path) : null;
        Set<String> skippedKeys = null;
        pos++;
        int c = skipWhitespace();
        if (c == '}') {
            pos++;
            return result(shape, o, path);
        }
        while (true) {
            if (c != '"') {
                throw error(pos, "expected a field name in double quotes, found " + describe(c));
            }
            int keyAt = pos;
            String key = string(keyAt);
            c = skipWhitespace();
            if (c != ':') {
                throw error(pos, "expected ':' after the field name, found " + describe(c));
            }
            pos++;
            c = skipWhitespace();
            if (c < 0) {
                throw error(pos, "unexpected end of input: expected a value");
            }
            Shape fs = materialise ? shape.field(key) : null;
            if (fs == null) {
                if (skippedKeys == null) {
                    skippedKeys = new HashSet<>();
                }
                if (!skippedKeys.add(key)) {
                    throw duplicate(keyAt, key);
                }
                value(c, null, "", depth + 1);
            } else {
                if (o.fields.containsKey(key)) {
                    throw duplicate(keyAt, key);
                }
                if (shape.kind == Shape.Kind.VALUE && o.fields.size() >= MAX_MAP_ENTRIES) {
                    throw error(keyAt, where(path) + ": more than " + MAX_MAP_ENTRIES + " entries");
                }
                o.fields.put(key, value(c, fs, o.child(key), depth + 1));
            }
            c = skipWhitespace();
            if (c == ',') {
                pos++;
                c = skipWhitespace();
            } else if (c == '}') {
                pos++;
                return result(shape, o, path);
            } else {
                throw error(pos, "expected ',' or '}' after an object field, found " + describe(c));
            }
        }
    }

    /** What a container of the given shape stands for in the document once read (or skipped). */
    private static Object result(Shape shape, Object materialised, String path) {
        if (shape == null) {
            return null;
        }
        if (shape.kind == Shape.Kind.PRESENCE) {
            return Boolean.TRUE;
        }
        if (materialised != null) {
            return materialised;
        }
        // A container of the wrong kind: an empty placeholder lets the interpreter report it precisely.
        return shape.kind == Shape.Kind.ARRAY ? new Obj(path) : new Arr(path);
    }

    /** An array whose '[' is at {@code pos}. */
    private Object array(Shape shape, String path, int depth) {
        int open = pos;
        checkDepth(depth, open);
        pos++;
        if (shape == null || shape.kind == Shape.Kind.PRESENCE || shape.kind == Shape.Kind.OBJECT) {
            skipArrayBody(depth);
            return result(shape, null, path);
        }
        if (shape.kind == Shape.Kind.ARRAY) {
            return containerArray(shape, path, depth);
        }
        return scalarArray(path);
    }

    /** Elements of an array of containers (the trees). */
    private Arr containerArray(Shape shape, String path, int depth) {
        Arr a = new Arr(path);
        int c = skipWhitespace();
        if (c == ']') {
            pos++;
            return a;
        }
        while (true) {
            if (c < 0) {
                throw error(pos, "unexpected end of input inside an array");
            }
            if (a.items.size() >= limits.maxTrees()) {
                throw error(pos, where(path) + ": more than " + limits.maxTrees() + " trees (ModelLimits.maxTrees)");
            }
            a.items.add(value(c, shape.element, a.child(a.items.size()), depth + 1));
            c = afterElement();
            if (c == ']') {
                return a;
            }
        }
    }

    /** A VALUE/MEMBER array: numbers (and booleans) become a {@link NumArray}, strings and nulls an {@link Arr}. */
    private Object scalarArray(String path) {
        NumArray.Builder numbers = null;
        Arr strings = null;
        int maxStrings = Math.max(MAX_MAP_ENTRIES, limits.maxFeatures());
        int c = skipWhitespace();
        if (c == ']') {
            pos++;
            return new Arr(path);
        }
        for (int i = 0; ; i++) {
            int at = pos;
            if (c == '"' || c == 'n') {
                if (numbers != null) {
                    throw error(at, where(path + "[" + i + "]") + ": expected a number like the earlier elements, "
                            + "found " + (c == 'n' ? "null" : "a string"));
                }
                if (strings == null) {
                    strings = new Arr(path);
                }
                if (strings.items.size() >= maxStrings) {
                    throw error(at, where(path) + ": more than " + maxStrings + " strings");
                }
                if (c == 'n') {
                    literal("null");
                    strings.items.add(Doc.NULL);
                } else {
                    strings.items.add(string(at));
                }
            } else if (c == '{' || c == '[') {
                throw error(at, where(path + "[" + i + "]") + ": expected a number or string, found a nested "
                        + (c == '{' ? "object" : "array"));
            } else if (c < 0) {
                throw error(pos, "unexpected end of input inside an array");
            } else {
                if (strings != null) {
                    throw error(at, where(path + "[" + i + "]")
                            + ": expected a string like the earlier elements, found a number");
                }
                if (numbers == null) {
                    numbers = nums.reset(path);
                }
                if (c == 't') {
                    literal("true");
                    numbers.addLong(1);
                } else if (c == 'f') {
                    literal("false");
                    numbers.addLong(0);
                } else if (number(true) == INT) {
                    numbers.addLong(longValue);
                } else {
                    numbers.addFloat(floatValue);
                }
            }
            c = afterElement();
            if (c == ']') {
                return numbers != null ? numbers.build() : strings;
            }
        }
    }

    /** After an array element: consumes ',' (returning the next element's first byte) or ']' (returning ']'). */
    private int afterElement() {
        int c = skipWhitespace();
        if (c == ',') {
            pos++;
            c = skipWhitespace();
            if (c == ']') {
                throw error(pos, "expected a value after ',', found ']'");
            }
            return c;
        }
        if (c == ']') {
            pos++;
            return c;
        }
        throw error(pos, c < 0 ? "unexpected end of input inside an array"
                : "expected ',' or ']' after an array element, found " + describe(c));
    }

    /** Validates and skips the elements of an array whose '[' has been consumed. */
    private void skipArrayBody(int depth) {
        int c = skipWhitespace();
        if (c == ']') {
            pos++;
            return;
        }
        while (true) {
            if (c < 0) {
                throw error(pos, "unexpected end of input inside an array");
            }
            value(c, null, "", depth + 1);
            c = afterElement();
            if (c == ']') {
                return;
            }
        }
    }

    // ------------------------------------------------------------------------------------------ scalars

    /**
     * Reads the number token at {@code pos}: JSON's grammar ({@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?})
     * or {@code NaN}, {@code Infinity}, {@code -Infinity}.
     *
     * @param needValue whether the caller uses the value; a skipped integer may have any number of digits
     * @return {@link #INT} with the value in {@link #longValue} for tokens without fraction and exponent, else
     *     {@link #FLOAT} with the value in {@link #floatValue}
     */
    private int number(boolean needValue) {
        final byte[] b = this.b;
        final int start = pos;
        int i = start;
        boolean negative = false;
        boolean plus = false;
        if (i < b.length && (b[i] == '-' || b[i] == '+')) {
            negative = b[i] == '-';
            plus = !negative;
            i++;
        }
        if (i >= b.length) {
            throw error(start, "unexpected end of input inside a number");
        }
        int c = b[i];
        if (c == 'N' || c == 'I' || plus) {
            return nonFinite(start, i, negative, plus);
        }
        if (c < '0' || c > '9') {
            throw error(start, negative ? "expected a digit after '-', found " + describe(c & 0xff)
                    : "expected a JSON value, found " + describe(c & 0xff));
        }
        long mantissa = 0;
        int digits = 0;        // significant digits in mantissa: at most 18, so it cannot overflow
        int dropped = 0;       // integer-part digits that did not fit (each one multiplies by 10)
        boolean exact = true;
        int intStart = i;
        if (c == '0') {
            i++;
            if (i < b.length && b[i] >= '0' && b[i] <= '9') {
                throw error(start, "leading zeros are not allowed in JSON numbers");
            }
        } else {
            while (i < b.length && (c = b[i]) >= '0' && c <= '9') {
                if (digits < 18) {
                    mantissa = mantissa * 10 + (c - '0');
                    if (mantissa != 0) {
                        digits++;
                    }
                } else {
                    dropped++;
                    exact = false;
                }
                i++;
            }
        }
        int intEnd = i;
        boolean integral = true;
        int exponent = dropped;
        if (i < b.length && b[i] == '.') {
            integral = false;
            i++;
            int fracStart = i;
            while (i < b.length && (c = b[i]) >= '0' && c <= '9') {
                if (digits < 18) {
                    mantissa = mantissa * 10 + (c - '0');
                    if (mantissa != 0) {
                        digits++;
                    }
                    exponent--;
                } else if (c != '0') {
                    exact = false;
                }
                i++;
            }
            if (i == fracStart) {
                throw error(start, "expected a digit after the decimal point");
            }
        }
        if (i < b.length && (b[i] == 'e' || b[i] == 'E')) {
            integral = false;
            i++;
            boolean expNegative = false;
            if (i < b.length && (b[i] == '+' || b[i] == '-')) {
                expNegative = b[i] == '-';
                i++;
            }
            int expStart = i;
            int e = 0;
            while (i < b.length && (c = b[i]) >= '0' && c <= '9') {
                if (e < 100_000) {
                    e = e * 10 + (c - '0');
                }
                i++;
            }
            if (i == expStart) {
                throw error(start, "expected a digit in the exponent");
            }
            exponent += expNegative ? -e : e;
        }
        pos = i;
        if (integral) {
            longValue = needValue ? integer(start, intStart, intEnd, negative) : 0;
            return INT;
        }
        floatValue = !needValue ? 0 : DecimalToFloat.convert(negative, mantissa, exponent, exact, b, start, i);
        return FLOAT;
    }

    /** The exact value of an integer token's digits {@code [from, to)}, or an error when it needs more than 64 bits. */
    private long integer(int start, int from, int to, boolean negative) {
        if (to - from > 19) {
            throw tooBig(start, to);
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = b[i] - '0';
            // Accumulate negatively: Long.MIN_VALUE has no positive counterpart.
            if (v < (Long.MIN_VALUE + d) / 10) {
                throw tooBig(start, to);
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                throw tooBig(start, to);
            }
            v = -v;
        }
        return v;
    }

    private ModelFormatException tooBig(int start, int end) {
        return error(start, "integer " + Doc.abbreviate(new String(b, start, end - start, StandardCharsets.ISO_8859_1))
                + " does not fit in 64 bits");
    }

    /**
     * {@code NaN}, {@code Infinity} and {@code -Infinity} (what XGBoost writes), and the spellings the previous,
     * Jackson-based reader also took: {@code +Infinity}, {@code -INF} and {@code +INF}.
     */
    private int nonFinite(int start, int i, boolean negative, boolean plus) {
        if (b[i] == 'N' && !negative && !plus && matches(i, "NaN")) {
            pos = i + 3;
            floatValue = Float.NaN;
            return FLOAT;
        }
        int length = matches(i, "Infinity") ? 8 : (negative || plus) && matches(i, "INF") ? 3 : 0;
        if (length > 0) {
            pos = i + length;
            floatValue = negative ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
            return FLOAT;
        }
        throw error(start, plus ? "a number cannot start with '+' (only +Infinity and +INF can)"
                : "expected a JSON value, found " + describe(b[start] & 0xff));
    }

    private boolean matches(int at, String word) {
        if (b.length - at < word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (b[at + k] != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private void literal(String word) {
        if (!matches(pos, word)) {
            throw error(pos, "expected a JSON value, found " + describe(b[pos] & 0xff));
        }
        pos += word.length();
    }

    /** The string whose opening quote is at {@code at}, decoded; {@code pos} ends after the closing quote. */
    private String string(int at) {
        int i = at + 1;
        final byte[] b = this.b;
        boolean plain = true;
        while (true) {
            if (i >= b.length) {
                throw error(at, "unexpected end of input inside a string");
            }
            int c = b[i];
            if (c == '"') {
                break;
            }
            if (c == '\\' || c < 0x20) {
                plain = false;
                break;
            }
            i++;
        }
        if (plain) {
            checkStringLength(at, i - at - 1);
            pos = i + 1;
            return new String(b, at + 1, i - at - 1, StandardCharsets.ISO_8859_1);
        }
        return decodeString(at);
    }

    /** Validates and skips the string whose opening quote is at {@code at}; returns {@code null}. */
    private Object skipString(int at) {
        int i = at + 1;
        final byte[] b = this.b;
        while (true) {
            if (i >= b.length) {
                throw error(at, "unexpected end of input inside a string");
            }
            int c = b[i];
            if (c == '"') {
                break;
            }
            if (c == '\\' || c < 0x20) { // escapes, control characters and non-ASCII (validated as UTF-8)
                decodeString(at);
                return null;
            }
            i++;
        }
        checkStringLength(at, i - at - 1);
        pos = i + 1;
        return null;
    }

    /** The general case: escapes, non-ASCII (validated as UTF-8) and the rejection of control characters. */
    private String decodeString(int at) {
        StringBuilder sb = new StringBuilder();
        int i = at + 1;
        int runStart = i;
        while (true) {
            if (i >= b.length) {
                throw error(at, "unexpected end of input inside a string");
            }
            int c = b[i] & 0xff;
            if (c == '"') {
                appendUtf8(sb, runStart, i, at);
                i++;
                break;
            }
            if (c < 0x20) {
                throw error(i, "unescaped control character " + describe(c) + " in a string");
            }
            if (c != '\\') {
                i++;
                continue;
            }
            appendUtf8(sb, runStart, i, at);
            if (i + 1 >= b.length) {
                throw error(at, "unexpected end of input inside a string");
            }
            int e = b[i + 1];
            switch (e) {
                case '"':
                case '\\':
                case '/':
                    sb.append((char) e);
                    break;
                case 'b':
                    sb.append('\b');
                    break;
                case 'f':
                    sb.append('\f');
                    break;
                case 'n':
                    sb.append('\n');
                    break;
                case 'r':
                    sb.append('\r');
                    break;
                case 't':
                    sb.append('\t');
                    break;
                case 'u': {
                    int v = 0;
                    for (int k = 0; k < 4; k++) {
                        int h = i + 2 + k < b.length ? Character.digit(b[i + 2 + k], 16) : -1;
                        if (h < 0) {
                            throw error(i, "expected four hexadecimal digits after \\u");
                        }
                        v = (v << 4) | h;
                    }
                    sb.append((char) v);
                    i += 4;
                    break;
                }
                default:
                    throw error(i, "invalid escape '\\" + (char) (e & 0xff) + "' in a string");
            }
            i += 2;
            runStart = i;
            if (sb.length() > limits.maxStringBytes()) {
                break;
            }
        }
        checkStringLength(at, sb.length());
        pos = i;
        return sb.toString();
    }

    private void appendUtf8(StringBuilder sb, int from, int to, int at) {
        if (from == to) {
            return;
        }
        checkStringLength(at, sb.length() + (to - from));
        try {
            sb.append(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, from, to - from)));
        } catch (CharacterCodingException e) {
            throw error(at, "string is not valid UTF-8");
        }
    }

    private void checkStringLength(int at, long length) {
        if (length > limits.maxStringBytes()) {
            throw error(at, "string of " + length + " or more bytes is longer than " + limits.maxStringBytes()
                    + " (ModelLimits.maxStringBytes)");
        }
    }

    // ------------------------------------------------------------------------------------------ primitives

    /** Skips JSON whitespace; returns the next byte (0–255, not consumed) or -1 at the end of the input. */
    private int skipWhitespace() {
        final byte[] b = this.b;
        int i = pos;
        while (i < b.length) {
            int c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                pos = i;
                return c & 0xff;
            }
            i++;
        }
        pos = i;
        return -1;
    }

    private void checkDepth(int depth, int at) {
        if (depth > MAX_NESTING) {
            throw error(at, "nesting depth exceeds the maximum of " + MAX_NESTING + " levels");
        }
    }

    private ModelFormatException duplicate(int at, String key) {
        return error(at, "Duplicate field '" + Doc.abbreviate(key) + "'");
    }

    private ModelFormatException error(int at, String message) {
        return new ModelFormatException(source, where(b, at), message);
    }

    private static String where(String path) {
        return path.isEmpty() ? "document root" : path;
    }

    /** {@code line L, column C (byte offset N)}, lines and columns counted from 1 (columns in bytes). */
    static String where(byte[] b, int offset) {
        int at = Math.max(0, Math.min(offset, b.length));
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
            if (b[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "line " + line + ", column " + (at - lineStart + 1) + " (byte offset " + at + ")";
    }

    private static String describe(int c) {
        if (c < 0) {
            return "the end of the input";
        }
        if (c >= 0x21 && c < 0x7f) {
            return "'" + (char) c + "'";
        }
        return "byte 0x" + Integer.toHexString(c);
    }
}
