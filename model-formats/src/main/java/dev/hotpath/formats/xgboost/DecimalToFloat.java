package dev.hotpath.formats.xgboost;

import java.nio.charset.StandardCharsets;

/**
 * Converts a decimal number, already split into its digits and exponent, to the float32 nearest to its exact value
 * (ties to even): the result {@link Float#parseFloat} gives for the same text, without building a {@code String}.
 *
 * <h2>Why the fast path is exact</h2>
 * The value is {@code m × 10^e}. When {@code m < 2^53} and {@code |e| <= 22}, both {@code m} and {@code 10^|e|} are
 * exact doubles, so {@code m * 10^e} (or {@code m / 10^-e}) is one IEEE operation: the double {@code d} nearest to
 * the exact value. Rounding {@code d} to float is then the correctly rounded float unless {@code d} lies exactly
 * halfway between two floats: every such midpoint is itself a double, so no midpoint can lie strictly between the
 * exact value and {@code d} (it would be a closer double), and the two round the same way. The midpoint case and
 * results outside the normal float range (where the float's precision changes) take the slow path, as do mantissas
 * of more than 19 digits and larger exponents. XGBoost writes the shortest round-trip form of each float (at most
 * nine digits, e.g. {@code -1.0318696E-1}), so nearly every token takes the fast path.
 *
 * <p>Stateless and thread-safe; allocates only on the slow path.
 */
final class DecimalToFloat {
    /** Largest mantissa the fast path accepts: every integer below 2^53 is an exact double. */
    static final long MAX_EXACT_MANTISSA = 1L << 53;
    /** Powers of ten that are exact doubles (10^22 = 2^22 × 5^22 and 5^22 < 2^53). */
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    };
    /** The double bits below a normal float's 24-bit significand: 29 of them. */
    private static final long BELOW_FLOAT_MASK = (1L << 29) - 1;
    private static final long HALF_FLOAT_ULP = 1L << 28;

    private DecimalToFloat() {
    }

    /**
     * @param negative whether the number has a minus sign
     * @param mantissa the decimal digits as an integer ({@code 1.25E-1}: 125); only meaningful when {@code exact}
     * @param exponent the power of ten to apply to the mantissa ({@code 1.25E-1}: -3)
     * @param exact whether {@code mantissa} holds every digit (false when there were too many for a long)
     * @param text the token's bytes (ASCII), used by the slow path
     * @param start the token's first byte
     * @param end one past the token's last byte
     * @return the float nearest to the token's value, exactly as {@link Float#parseFloat} rounds it
     */
    static float convert(boolean negative, long mantissa, int exponent, boolean exact, byte[] text, int start,
                         int end) {
        if (exact && mantissa == 0) {
            return negative ? -0.0f : 0.0f;
        }
        if (exact && mantissa < MAX_EXACT_MANTISSA && exponent >= -22 && exponent <= 22) {
            double d = exponent >= 0 ? mantissa * POW10[exponent] : mantissa / POW10[-exponent];
            if (d >= Float.MIN_NORMAL && d <= Float.MAX_VALUE
                    && (Double.doubleToRawLongBits(d) & BELOW_FLOAT_MASK) != HALF_FLOAT_ULP) {
                float f = (float) d;
                return negative ? -f : f;
            }
        }
        return Float.parseFloat(new String(text, start, end - start, StandardCharsets.ISO_8859_1));
    }
}
