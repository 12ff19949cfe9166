package dev.hotpath.cache;

/**
 * Strict decimal float parsing for CSV cells, correctly rounded like {@link Float#parseFloat} (which it falls back
 * to), but rejecting Java-only syntax such as {@code 1.5f}, hex floats and surrounding whitespace. Stateless;
 * thread-safe.
 */
final class FloatText {
    /** Powers of ten that are exact floats (10^10 = 2^10 * 5^10 and 5^10 < 2^24). */
    private static final float[] POW10 = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
    private static final long EXACT_MANTISSA = 1L << 24;

    private FloatText() {
    }

    /**
     * Parses {@code s[start, end)}. Empty means NaN (missing). Accepts an optional sign, digits with an optional
     * fraction and exponent, and {@code NaN}, {@code Infinity}, {@code inf} (any case, optionally signed).
     *
     * @throws NumberFormatException if the text is not such a number
     */
    static float parse(String s, int start, int end) {
        if (start == end) {
            return Float.NaN;
        }
        int i = start;
        boolean negative = false;
        char c = s.charAt(i);
        if (c == '-' || c == '+') {
            negative = c == '-';
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int exp10 = 0;
        boolean exact = true;
        for (; i < end; i++) {
            c = s.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            digits++;
            if (exact) {
                mantissa = mantissa * 10 + (c - '0');
                exact = mantissa < EXACT_MANTISSA;
            }
        }
        if (i < end && s.charAt(i) == '.') {
            i++;
            for (; i < end; i++) {
                c = s.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                digits++;
                if (exact) {
                    mantissa = mantissa * 10 + (c - '0');
                    exp10--;
                    exact = mantissa < EXACT_MANTISSA;
                }
            }
        }
        if (digits == 0) {
            return special(s, start, end);
        }
        if (i < end && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            boolean expNegative = false;
            if (i < end && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
                expNegative = s.charAt(i) == '-';
                i++;
            }
            int expDigits = 0;
            int e = 0;
            for (; i < end; i++) {
                c = s.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                expDigits++;
                if (e < 100_000) {
                    e = e * 10 + (c - '0');
                }
            }
            if (expDigits == 0) {
                throw new NumberFormatException("missing exponent digits");
            }
            exp10 += expNegative ? -e : e;
        }
        if (i != end) {
            throw new NumberFormatException("unexpected character '" + s.charAt(i) + "'");
        }
        if (exact && exp10 >= -10 && exp10 <= 10) {
            // Both operands are exact floats, so one IEEE operation rounds correctly (Clinger's fast path).
            float f = exp10 >= 0 ? (float) mantissa * POW10[exp10] : (float) mantissa / POW10[-exp10];
            return negative ? -f : f;
        }
        return Float.parseFloat(s.substring(start, end));
    }

    private static float special(String s, int start, int end) {
        String t = s.substring(start, end);
        String u = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
        boolean negative = t.startsWith("-");
        if (u.equalsIgnoreCase("nan")) {
            return Float.NaN;
        }
        if (u.equalsIgnoreCase("infinity") || u.equalsIgnoreCase("inf")) {
            return negative ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        }
        throw new NumberFormatException("not a number");
    }
}
