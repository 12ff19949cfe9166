package dev.hotpath.formats.lightgbm;

import dev.hotpath.scoring.ModelFormatException;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over the lines of a text model held as bytes ({@code \n}, {@code \r\n} and {@code \r} all end a line, as
 * in LightGBM's reader), and the number parsing of LightGBM's text format: space-separated tokens, {@code inf} and
 * {@code nan} spelled as C's {@code printf} spells them.
 *
 * <p>Load-time only; not thread-safe; package-private.
 */
final class TextLines {
    private final byte[] b;
    private final String source;
    private final int maxLineBytes;
    private int pos;
    private int lineNumber;
    /** The current line: {@code [start, end)}. */
    int start;
    int end;

    TextLines(byte[] bytes, String source, int maxLineBytes) {
        this.b = bytes;
        this.source = source;
        this.maxLineBytes = maxLineBytes;
    }

    /** @return whether a line was read (then {@link #start}/{@link #end} delimit it), false at the end */
    boolean next() {
        if (pos >= b.length) {
            return false;
        }
        start = pos;
        int i = pos;
        while (i < b.length && b[i] != '\n' && b[i] != '\r') {
            i++;
        }
        end = i;
        if (end - start > maxLineBytes) {
            throw new ModelFormatException(source, "line " + (lineNumber + 1), "the line is " + (end - start)
                    + " bytes long, more than ModelLimits.maxStringBytes = " + maxLineBytes);
        }
        if (i < b.length && b[i] == '\r') {
            i++;
        }
        if (i < b.length && b[i] == '\n' && (i == end || b[i - 1] == '\r')) {
            i++;
        }
        pos = i;
        lineNumber++;
        return true;
    }

    /** @return the 1-based number of the current line */
    int lineNumber() {
        return lineNumber;
    }

    boolean isEmpty() {
        return start == end;
    }

    String line() {
        return new String(b, start, end - start, StandardCharsets.UTF_8);
    }

    boolean startsWith(String prefix) {
        if (end - start < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (b[start + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    boolean is(String text) {
        return end - start == text.length() && startsWith(text);
    }

    /** @return the index of the first {@code '='} in the current line, or -1 */
    int indexOfEquals() {
        for (int i = start; i < end; i++) {
            if (b[i] == '=') {
                return i;
            }
        }
        return -1;
    }

    String text(int from, int to) {
        return new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    // ---- tokens of a value ---------------------------------------------------------------------------------------

    /** A value: the bytes {@code [from, to)} of a {@code key=value} line, and where it came from for errors. */
    final class Value {
        final String where;
        final int from;
        final int to;

        Value(String where, int from, int to) {
            this.where = where;
            this.from = from;
            this.to = to;
        }

        /** @return the number of space-separated tokens */
        int count() {
            int n = 0;
            int i = from;
            while (i < to) {
                while (i < to && isSpace(b[i])) {
                    i++;
                }
                if (i < to) {
                    n++;
                }
                while (i < to && !isSpace(b[i])) {
                    i++;
                }
            }
            return n;
        }

        String text() {
            return TextLines.this.text(from, to);
        }

        int[] ints(int expected, String what) {
            return ints(expected, what, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }

        /** Unsigned 32-bit words ({@code cat_threshold}), stored in ints. */
        int[] words(int expected, String what) {
            return ints(expected, what, 0, 0xFFFFFFFFL);
        }

        /** Integers in {@code [min, max]}, narrowed to int (unsigned words keep their bits). */
        int[] ints(int expected, String what, long min, long max) {
            requireCount(expected, what);
            int[] out = new int[expected];
            Tokens t = new Tokens(this);
            for (int k = 0; k < expected; k++) {
                out[k] = (int) t.nextLong(k, min, max);
            }
            return out;
        }

        double[] doubles(int expected, String what) {
            requireCount(expected, what);
            double[] out = new double[expected];
            Tokens t = new Tokens(this);
            for (int k = 0; k < expected; k++) {
                out[k] = t.nextDouble(k);
            }
            return out;
        }

        int singleInt(long min, long max) {
            requireCount(1, "one integer");
            return (int) new Tokens(this).nextLong(-1, min, max);
        }

        void requireCount(int expected, String what) {
            int n = count();
            if (n != expected) {
                throw error(-1, "expected " + expected + " value" + (expected == 1 ? "" : "s") + " (" + what
                        + "), found " + n);
            }
        }

        ModelFormatException error(int index, String expectation) {
            return new ModelFormatException(source, where + (index >= 0 ? "[" + index + "]" : "") + " (line "
                    + lineOf(from) + ")", expectation);
        }
    }

    /** Sequential tokens of a value. */
    private final class Tokens {
        private final Value v;
        private int i;
        /** The current token: {@code [s, e)}. */
        private int s;
        private int e;

        Tokens(Value v) {
            this.v = v;
            this.i = v.from;
        }

        private void next() {
            while (i < v.to && isSpace(b[i])) {
                i++;
            }
            s = i;
            while (i < v.to && !isSpace(b[i])) {
                i++;
            }
            e = i;
        }

        long nextLong(int index, long min, long max) {
            next();
            boolean negative = s < e && b[s] == '-';
            int d = s < e && (b[s] == '-' || b[s] == '+') ? s + 1 : s;
            if (d == e || e - d > 19) {
                throw v.error(index, "expected an integer, found '" + shorten(s, e) + "'");
            }
            long value = 0;
            for (int k = d; k < e; k++) {
                int c = b[k] - '0';
                if (c < 0 || c > 9) {
                    throw v.error(index, "expected an integer, found '" + shorten(s, e) + "'");
                }
                value = value * 10 + c;
            }
            value = negative ? -value : value;
            if (value < min || value > max) {
                throw v.error(index, "expected an integer in [" + min + ", " + max + "], found " + value);
            }
            return value;
        }

        double nextDouble(int index) {
            next();
            String token = new String(b, s, e - s, StandardCharsets.US_ASCII);
            Double special = special(token);
            if (special != null) {
                return special;
            }
            for (int k = s; k < e; k++) {
                byte c = b[k];
                if (!(c >= '0' && c <= '9') && c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+') {
                    throw v.error(index, "expected a number, found '" + shorten(s, e) + "'");
                }
            }
            try {
                return Double.parseDouble(token);
            } catch (NumberFormatException ex) {
                throw v.error(index, "expected a number, found '" + shorten(s, e) + "'");
            }
        }
    }

    /** {@code inf}, {@code nan} and their variants as C's printf writes them and strtod reads them. */
    private static Double special(String token) {
        String t = token.toLowerCase(java.util.Locale.ROOT);
        boolean negative = t.startsWith("-");
        if (negative || t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.equals("inf") || t.equals("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (t.equals("nan") || t.startsWith("nan(")) {
            return Double.NaN;
        }
        return null;
    }

    private String shorten(int s, int e) {
        return e - s > 40 ? text(s, s + 40) + "..." : text(s, e);
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t';
    }

    /** @return the 1-based line number of byte offset {@code offset} (only for error messages: counts from 0) */
    int lineOf(int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < b.length; i++) {
            if (b[i] == '\n' || (b[i] == '\r' && (i + 1 >= b.length || b[i + 1] != '\n'))) {
                line++;
            }
        }
        return line;
    }

    /** @return a value covering {@code [from, to)} of the current line */
    Value value(String where, int from, int to) {
        return new Value(where, from, to);
    }
}
