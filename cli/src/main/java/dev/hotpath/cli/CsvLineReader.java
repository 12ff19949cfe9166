package dev.hotpath.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Streams a CSV input one physical line at a time over a single reusable byte buffer and splits the current line
 * into fields, recording only their offsets. Reading and splitting allocate nothing in the steady state; only
 * {@link #text(int)} and the slow path of {@link #parseFloat(int)} create strings.
 *
 * <p>Dialect: fields are separated by {@code ,}; a line ends at {@code \n}, and a {@code \r} just before it is
 * dropped (CRLF files work); a missing final newline is fine; a UTF-8 byte-order mark at the start is skipped.
 * Blanks (space, tab) around a field are trimmed. A field may be enclosed in double quotes, in which case it may
 * contain commas and doubled quotes ({@code ""}) but not line breaks. Every line, including an empty one, is a
 * record: an empty line is a record with one empty field.
 *
 * <p>Not thread-safe: one reader per input, used from one thread.
 */
final class CsvLineReader {
    /** Upper bound on one line, so that a file without newlines cannot exhaust the heap. */
    static final int DEFAULT_MAX_LINE_BYTES = 64 << 20;

    private static final int INITIAL_BUFFER_BYTES = 1 << 16;
    /** Exact powers of ten as doubles: 10^22 is the largest one a double holds exactly. */
    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
        1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    /** Significant digits the fast path accepts: 10^15 - 1 &lt; 2^53, so the significand is an exact double. */
    private static final int MAX_FAST_DIGITS = 15;
    /** The 29 low significand bits a double loses when rounded to a (normal) float. */
    private static final long FLOAT_ROUNDING_BITS = (1L << 29) - 1;
    /** Those bits in a double that lies exactly halfway between two adjacent floats. */
    private static final long FLOAT_MIDPOINT_BITS = 1L << 28;
    private static final int FLAG_QUOTED = 1;
    private static final int FLAG_ESCAPED_QUOTES = 2;

    private final InputStream in;
    private final String source;
    private final int maxLineBytes;
    private byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    private long lineNumber;
    private int lineStart;
    private int lineEnd;

    private int[] fieldStart = new int[16];
    private int[] fieldEnd = new int[16];
    private int[] fieldFlags = new int[16];

    /**
     * @param in the input; read sequentially, never closed by this class
     * @param source the input's name for error messages
     * @param maxLineBytes the longest line accepted, in bytes
     */
    CsvLineReader(InputStream in, String source, int maxLineBytes) {
        this.in = in;
        this.source = source;
        this.maxLineBytes = maxLineBytes;
        this.buf = new byte[Math.min(INITIAL_BUFFER_BYTES, Math.max(16, maxLineBytes))];
    }

    /** @return the 1-based number of the current line (0 before the first {@link #nextLine()}) */
    long lineNumber() {
        return lineNumber;
    }

    /**
     * Advances to the next line.
     *
     * @return {@code false} at the end of the input
     * @throws IOException if reading fails
     * @throws CsvInputException if the line is longer than the limit
     */
    boolean nextLine() throws IOException {
        int searched = pos;
        for (;;) {
            for (int i = searched; i < limit; i++) {
                if (buf[i] == '\n') {
                    setLine(pos, i);
                    pos = i + 1;
                    return true;
                }
            }
            searched = limit;
            if (eof) {
                if (pos < limit) {
                    setLine(pos, limit);
                    pos = limit;
                    return true;
                }
                return false;
            }
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                searched -= pos;
                limit -= pos;
                pos = 0;
            }
            if (limit == buf.length) {
                if (buf.length >= maxLineBytes) {
                    for (int i = pos; i < limit; i++) {
                        if (buf[i] == '\r') {
                            throw FeatureCsvReader.crOnly(source, lineNumber + 1);
                        }
                    }
                    throw new CsvInputException(source, lineNumber + 1,
                            "line is longer than " + maxLineBytes + " bytes (is this a CSV file?)");
                }
                buf = Arrays.copyOf(buf, (int) Math.min(2L * buf.length, maxLineBytes));
            }
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                eof = true;
            } else {
                limit += n;
            }
        }
    }

    private void setLine(int start, int newline) {
        int end = newline;
        if (end > start && buf[end - 1] == '\r') {
            end--;
        }
        if (lineNumber == 0 && end - start >= 3 && buf[start] == (byte) 0xEF && buf[start + 1] == (byte) 0xBB
                && buf[start + 2] == (byte) 0xBF) {
            start += 3;
        }
        lineNumber++;
        lineStart = start;
        lineEnd = end;
    }

    /** @return whether the current line has no characters (after removing its line terminator) */
    boolean lineIsEmpty() {
        return lineEnd == lineStart;
    }

    /**
     * Splits the current line into fields. Offsets of the first {@code maxRecorded} fields are kept for
     * {@link #text(int)} and {@link #parseFloat(int)}; further fields are only counted, so an absurdly wide line
     * costs no memory.
     *
     * @param maxRecorded how many fields to record
     * @return the number of fields on the line (at least 1)
     * @throws CsvInputException if a quoted field is not terminated on this line or is followed by other text
     */
    int split(int maxRecorded) {
        if (fieldStart.length < maxRecorded) {
            fieldStart = Arrays.copyOf(fieldStart, maxRecorded);
            fieldEnd = Arrays.copyOf(fieldEnd, maxRecorded);
            fieldFlags = Arrays.copyOf(fieldFlags, maxRecorded);
        }
        final byte[] b = buf;
        final int end = lineEnd;
        int p = lineStart;
        int n = 0;
        for (;;) {
            int s = p;
            while (s < end && isBlank(b[s])) {
                s++;
            }
            int next;
            if (s < end && b[s] == '"') {
                int flags = FLAG_QUOTED;
                int q = s + 1;
                for (;;) {
                    if (q >= end) {
                        throw new CsvInputException(source, lineNumber, "field " + (n + 1)
                                + " has an opening quote but no closing quote (quoted fields cannot span lines)");
                    }
                    if (b[q] == '"') {
                        if (q + 1 < end && b[q + 1] == '"') {
                            flags |= FLAG_ESCAPED_QUOTES;
                            q += 2;
                            continue;
                        }
                        break;
                    }
                    q++;
                }
                next = q + 1;
                while (next < end && isBlank(b[next])) {
                    next++;
                }
                if (next < end && b[next] != ',') {
                    throw new CsvInputException(source, lineNumber, "field " + (n + 1)
                            + " has text after its closing quote; expected ',' or the end of the line");
                }
                record(n, s + 1, q, flags, maxRecorded);
            } else {
                next = s;
                while (next < end && b[next] != ',') {
                    next++;
                }
                int t = next;
                while (t > s && isBlank(b[t - 1])) {
                    t--;
                }
                record(n, s, t, 0, maxRecorded);
            }
            n++;
            if (next >= end) {
                return n;
            }
            p = next + 1;
        }
    }

    private void record(int n, int start, int end, int flags, int maxRecorded) {
        if (n < maxRecorded) {
            fieldStart[n] = start;
            fieldEnd[n] = end;
            fieldFlags[n] = flags;
        }
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t';
    }

    /**
     * @param field a recorded field of the current line
     * @return its text, UTF-8 decoded, without enclosing quotes and with {@code ""} unescaped
     */
    String text(int field) {
        String s = new String(buf, fieldStart[field], fieldEnd[field] - fieldStart[field], StandardCharsets.UTF_8);
        return (fieldFlags[field] & FLAG_ESCAPED_QUOTES) != 0 ? s.replace("\"\"", "\"") : s;
    }

    /**
     * @param field a recorded field of the current line
     * @return whether the field was enclosed in quotes
     */
    boolean quoted(int field) {
        return (fieldFlags[field] & FLAG_QUOTED) != 0;
    }

    /**
     * Parses a recorded field as a float with {@link Float#parseFloat(String)}'s syntax and rounding, after trimming
     * blanks. An empty field is {@code NaN} (missing). Plain decimals of up to 15 significant digits (see
     * {@link #parseDecimal}) and {@code NaN} are converted without creating a string; everything else goes through
     * {@code Float.parseFloat}.
     *
     * @param field a recorded field of the current line
     * @return the value
     * @throws NumberFormatException if the text is not a Java float literal
     */
    float parseFloat(int field) {
        final byte[] b = buf;
        int s = fieldStart[field];
        int e = fieldEnd[field];
        while (s < e && isBlank(b[s])) {
            s++;
        }
        while (e > s && isBlank(b[e - 1])) {
            e--;
        }
        int len = e - s;
        if (len == 0) {
            return Float.NaN;
        }
        if ((fieldFlags[field] & FLAG_ESCAPED_QUOTES) != 0) {
            // A quote is never part of a number; let parseFloat produce the error.
            return Float.parseFloat(text(field).trim());
        }
        float fast = parseDecimal(b, s, e);
        if (fast == fast) {
            return fast;
        }
        if (len == 3 && b[s] == 'N' && b[s + 1] == 'a' && b[s + 2] == 'N') {
            return Float.NaN;
        }
        // ISO-8859-1 maps bytes 1:1 to chars (cheap, no decoding); any non-ASCII byte makes the text invalid anyway.
        return Float.parseFloat(new String(b, s, len, StandardCharsets.ISO_8859_1));
    }

    /**
     * Converts the common decimal forms ({@code [+-]digits[.digits][(e|E)[+-]digits]}, at most 15 significant
     * digits, decimal exponent within ±22) without creating a string, and returns {@code NaN} for anything else so
     * that the caller falls back to {@link Float#parseFloat(String)}.
     *
     * <p>Exactness: the value is {@code x = m · 10^q} with {@code m < 2^53} and {@code |q| <= 22}, so {@code m} and
     * {@code 10^|q|} are exact doubles and one multiplication or division gives {@code d}, the double nearest to
     * {@code x}. Every float midpoint (the value halfway between two adjacent floats) is itself a double, and
     * rounding to the nearest double is monotonic, so {@code d} lies on the same side of every float midpoint as
     * {@code x} unless {@code d} <em>is</em> a midpoint. Hence {@code (float) d} is the float nearest to {@code x},
     * i.e. {@code Float.parseFloat}'s result, except when {@code d} is a float midpoint: those rare inputs take the
     * slow path. Results stay within {@code 1e-22 <= |x| < 1e38}, inside float's normal range, so subnormal
     * spacing and overflow never come into play.
     *
     * @param b the bytes
     * @param s the first byte of the trimmed field
     * @param e one past its last byte
     * @return the value, or {@code NaN} if the fast path does not apply (including invalid text)
     */
    static float parseDecimal(byte[] b, int s, int e) {
        int i = s;
        boolean negative = false;
        if (b[i] == '-' || b[i] == '+') {
            negative = b[i] == '-';
            i++;
        }
        long m = 0;
        int significant = 0;
        int fractionDigits = 0;
        int digits = 0;
        boolean point = false;
        for (; i < e; i++) {
            int c = b[i];
            if (c >= '0' && c <= '9') {
                digits++;
                if (point) {
                    fractionDigits++;
                }
                if (m != 0 || c != '0') {
                    if (++significant > MAX_FAST_DIGITS) {
                        return Float.NaN;
                    }
                    m = m * 10 + (c - '0');
                }
            } else if (c == '.' && !point) {
                point = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            return Float.NaN;
        }
        int exponent = 0;
        if (i < e) {
            if (b[i] != 'e' && b[i] != 'E') {
                return Float.NaN;
            }
            i++;
            boolean negativeExponent = false;
            if (i < e && (b[i] == '-' || b[i] == '+')) {
                negativeExponent = b[i] == '-';
                i++;
            }
            int expDigits = 0;
            for (; i < e; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9 || ++expDigits > 3) {
                    return Float.NaN;
                }
                exponent = exponent * 10 + d;
            }
            if (expDigits == 0) {
                return Float.NaN;
            }
            if (negativeExponent) {
                exponent = -exponent;
            }
        }
        int q = exponent - fractionDigits;
        double v;
        if (m == 0) {
            v = 0.0;
        } else if (q >= 0 && q <= 22) {
            v = m * POW10[q];
        } else if (q < 0 && q >= -22) {
            v = m / POW10[-q];
        } else {
            return Float.NaN;
        }
        // A double exactly halfway between two floats has its 29 bits below float precision equal to 1000…0.
        if ((Double.doubleToRawLongBits(v) & FLOAT_ROUNDING_BITS) == FLOAT_MIDPOINT_BITS) {
            return Float.NaN;
        }
        float f = (float) v;
        return negative ? -f : f;
    }
}
