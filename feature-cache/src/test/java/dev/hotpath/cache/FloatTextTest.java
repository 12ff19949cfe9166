package dev.hotpath.cache;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FloatTextTest {
    private static float parse(String s) {
        return FloatText.parse(s, 0, s.length());
    }

    private static void assertSameAsJdk(String s) {
        assertEquals(Float.floatToIntBits(Float.parseFloat(s)), Float.floatToIntBits(parse(s)), s);
    }

    @Test
    void shouldParseExactlyLikeTheJdkForRandomDecimals() {
        Random rnd = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            String s;
            switch (i % 5) {
                case 0:
                    s = Float.toString(Float.intBitsToFloat(rnd.nextInt()));
                    if (s.contains("N") || s.contains("I")) {
                        continue;
                    }
                    break;
                case 1:
                    s = Long.toString(rnd.nextLong() % 100_000_000L) + "." + (rnd.nextInt(100_000_000));
                    break;
                case 2:
                    s = (rnd.nextInt(2_000_000) - 1_000_000) + "e" + (rnd.nextInt(30) - 15);
                    break;
                case 3:
                    s = String.format("%.7f", rnd.nextGaussian() * 1000);
                    break;
                default:
                    s = Double.toString(rnd.nextDouble() * Math.pow(10, rnd.nextInt(20) - 10));
                    break;
            }
            assertSameAsJdk(s);
        }
    }

    @Test
    void shouldParseEdgeCases() {
        for (String s : new String[] {"0", "-0", "+1", "1.", ".5", "16777216", "16777217", "1e10", "1e-10",
                "3.4028235e38", "3.4028236e38", "1e39", "1.4e-45", "1e-46", "0.000000000001", "9999999.5",
                "123456789012345678901234567890", "-7.0E-3"}) {
            assertSameAsJdk(s);
        }
        assertTrue(Float.isNaN(parse("")), "an empty cell is missing");
        assertTrue(Float.isNaN(parse("NaN")));
        assertTrue(Float.isNaN(parse("nan")));
        assertEquals(Float.NEGATIVE_INFINITY, parse("-Infinity"));
        assertEquals(Float.POSITIVE_INFINITY, parse("inf"));
    }

    @Test
    void shouldRejectJavaOnlyAndMalformedSyntax() {
        for (String s : new String[] {"1.5f", "2d", " 1", "1 ", "0x1p3", "1e", "1e+", "--1", "abc", ".", "-",
                "1,5", "1.2.3", "NaNx"}) {
            assertThrows(NumberFormatException.class, () -> parse(s), s);
        }
    }
}
