package dev.hotpath.formats.xgboost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotpath.scoring.ModelLimits;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The JSON reader's number tokens against the JDK's {@link Float#parseFloat} (correctly rounded, the same rounding as
 * XGBoost's own reader): XGBoost-style shortest strings of random floats of every magnitude, random decimals with up
 * to 25 digits and large exponents (the slow path), and decimals next to and exactly on the midpoint between two
 * floats, where a conversion through {@code double} could round twice. Each token goes through the whole reader, so
 * the digit scanning is covered along with {@link DecimalToFloat}.
 */
class DecimalToFloatTest {
    private static final int TOKENS_PER_DOCUMENT = 20_000;

    /** Reads the tokens as one JSON array and compares every element's bits with {@code Float.parseFloat}. */
    private static void assertParsesLikeTheJdk(List<String> tokens) {
        for (int from = 0; from < tokens.size(); from += TOKENS_PER_DOCUMENT) {
            List<String> part = tokens.subList(from, Math.min(tokens.size(), from + TOKENS_PER_DOCUMENT));
            String json = "{\"version\": [" + String.join(",", part) + "]}";
            float[] read = JsonDocReader.read(json.getBytes(StandardCharsets.US_ASCII), "t.json",
                    ModelLimits.defaults()).numArray("t", "version").floats();
            assertEquals(part.size(), read.length);
            for (int i = 0; i < part.size(); i++) {
                float expected = Float.parseFloat(part.get(i));
                if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(read[i])) {
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(read[i]),
                            "token " + part.get(i) + ": JDK " + expected + ", reader " + read[i]);
                }
            }
        }
    }

    /** XGBoost's notation: the shortest round-trip digits as {@code d.dddE-n}. */
    private static String xgboostStyle(float f) {
        BigDecimal d = new BigDecimal(Float.toString(f)).stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (f < 0 ? "-" : "") + mantissa + "E" + exponent;
    }

    @Test
    void shouldReadShortestFloatStringsOfEveryMagnitudeExactly() {
        SplittableRandom rnd = new SplittableRandom(1);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            if (Float.isFinite(f) && f != 0) {
                tokens.add(xgboostStyle(f));
                tokens.add(Float.toString(f)); // Java's own notation, e.g. 1.0E-5 and 123.456
            }
        }
        // Typical split thresholds and leaf values: magnitudes around 1.
        for (int i = 0; i < 100_000; i++) {
            tokens.add(xgboostStyle((float) ((rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(-6, 6)))));
        }
        assertParsesLikeTheJdk(tokens);
    }

    @Test
    void shouldReadLongDecimalsAndExtremeExponentsExactly() {
        SplittableRandom rnd = new SplittableRandom(2);
        List<String> tokens = new ArrayList<>(List.of("0E0", "-0E0", "0.0", "-0.0", "1E-46", "-1E-46", "1.4E-45",
                "7E-46", "1.1754942E-38", "1.17549435E-38", "3.4028235E38", "3.4028236E38", "3.40282357E38",
                "1E39", "-1E39", "1E400", "1E-400", "0.000000000000000000000000000001", "1e5", "1E+5", "2.5e-3",
                "123456789012345678901234567890.5", "1.00000017881393432617187499", "16777217.0", "9007199254740993.0",
                "1E22", "1E23", "1E-22", "1E-23", "4.7019774E-38", "1.0000000000000000000001"));
        for (int i = 0; i < 100_000; i++) {
            int digits = rnd.nextInt(1, 26);
            StringBuilder sb = new StringBuilder(rnd.nextBoolean() ? "-" : "");
            sb.append((char) ('1' + rnd.nextInt(9)));
            int point = rnd.nextInt(1, digits + 1);
            for (int k = 1; k < digits; k++) {
                if (k == point) {
                    sb.append('.');
                }
                sb.append((char) ('0' + rnd.nextInt(10)));
            }
            if (rnd.nextBoolean()) {
                sb.append(rnd.nextBoolean() ? 'E' : 'e').append(rnd.nextInt(-60, 60));
            } else if (point == digits) {
                sb.append(".0"); // keep it a floating-point token
            }
            tokens.add(sb.toString());
        }
        assertParsesLikeTheJdk(tokens);
    }

    @Test
    void shouldRoundDecimalsNextToAndOnTheMidpointBetweenTwoFloatsOnce() {
        SplittableRandom rnd = new SplittableRandom(3);
        List<String> tokens = new ArrayList<>();
        BigDecimal nudge = new BigDecimal("1E-60");
        for (int i = 0; i < 20_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt(0x00800000, 0x7f000000)); // normal, with a finite successor
            BigDecimal mid = new BigDecimal(f).add(new BigDecimal(Math.nextUp(f))).divide(BigDecimal.valueOf(2));
            tokens.add(mid.toString()); // exactly halfway: ties to even
            tokens.add(mid.add(mid.ulp().max(nudge)).toString());
            tokens.add(mid.subtract(mid.ulp().max(nudge)).toString());
            for (int precision : new int[] {9, 12, 15, 16, 17, 18, 20}) {
                tokens.add(mid.round(new MathContext(precision, RoundingMode.UP)).toString());
                tokens.add(mid.round(new MathContext(precision, RoundingMode.DOWN)).toString());
            }
        }
        tokens.replaceAll(t -> t.contains(".") || t.contains("E") ? t : t + ".0");
        assertParsesLikeTheJdk(tokens);
    }
}
