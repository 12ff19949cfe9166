package dev.hotpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotpath.scoring.Model;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every value {@code hotpath score} writes parses back to the identical float. The model is a lookup table whose
 * leaves are arbitrary float bit patterns (including subnormals, extremes and values whose shortest decimal form
 * is awkward), so the written scores are those exact patterns.
 */
class OutputRoundTripTest {
    private static final int DEPTH = 11;

    @Test
    void shouldWriteValuesThatParseBackToIdenticalBits() {
        int n = 1 << DEPTH;
        float[] leaves = new float[n];
        float[] special = {Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
            Math.nextDown(Float.MIN_NORMAL), 1.0E23f, 2.0E-3f, 1.0E-5f, 9.999999E-4f, 0.1f, 1f / 3f, 16777217f,
            4.4E-44f, 8.589973E9f, 1.0E7f, 9999999f, 1.0E-3f, 123456.79f, 0f};
        System.arraycopy(special, 0, leaves, 0, special.length);
        SplittableRandom rnd = new SplittableRandom(20240611);
        for (int i = special.length; i < n; i++) {
            float f;
            do {
                f = Float.intBitsToFloat(rnd.nextInt());
            } while (!Float.isFinite(f) || Float.floatToRawIntBits(f) == Float.floatToRawIntBits(-0f));
            leaves[i] = f;
        }
        Model table = TestModels.lookupTable(leaves, DEPTH);
        StringBuilder csv = new StringBuilder("x\n");
        for (int i = 0; i < n; i++) {
            csv.append(i).append(".5\n");
        }
        for (boolean margin : new boolean[] {false, true}) {
            String[] lines = CsvScorerTest.score(table, csv.toString(), margin, false).split("\n", -1);
            assertEquals(n + 2, lines.length);
            assertEquals(margin ? "margin" : "score", lines[0]);
            assertEquals("", lines[n + 1]);
            for (int i = 0; i < n; i++) {
                // The score is 0f + leaf (base margin 0), which is the leaf itself for every finite non-(-0) leaf.
                assertEquals(Float.floatToRawIntBits(leaves[i]), Float.floatToRawIntBits(Float.parseFloat(lines[i + 1])),
                        "row " + i + ": leaf " + leaves[i] + " written as " + lines[i + 1]);
            }
        }
    }

    @Test
    void shouldRoundTripRandomFloatsThroughFloatToString() {
        // The output format is Float.toString; this pins its round-trip property on the running JDK.
        SplittableRandom rnd = new SplittableRandom(99);
        for (int i = 0; i < 500_000; i++) {
            int bits = rnd.nextInt();
            float f = Float.intBitsToFloat(bits);
            if (Float.isNaN(f)) {
                continue;
            }
            assertEquals(bits, Float.floatToRawIntBits(Float.parseFloat(Float.toString(f))), Float.toString(f));
        }
    }
}
