package dev.hotpath.scoring.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.model.DoubleOutputTransform.Kind;
import org.junit.jupiter.api.Test;

/**
 * LightGBM's {@code ConvertOutput} functions on values whose results are known exactly or to within the last bit of
 * {@code Math.exp} (the bit-exact comparison against LightGBM itself is in model-formats' LightGBM parity tests).
 */
class DoubleOutputTransformTest {

    private static void assertWithinOneUlp(double expected, double actual) {
        assertTrue(Math.abs(expected - actual) <= Math.ulp(expected), "expected " + expected + ", was " + actual);
    }

    @Test
    void shouldApplyTheSigmoidWithItsScale() {
        assertEquals(0.5, DoubleOutputTransform.sigmoid(1.0).applyScalar(0.0));
        assertEquals(0.5, DoubleOutputTransform.sigmoid(2.5).applyScalar(-0.0));
        for (double m : new double[] {-3.25, -0.1, 0.7, 12.0}) {
            assertWithinOneUlp(1.0 / (1.0 + Math.exp(-2.0 * m)), DoubleOutputTransform.sigmoid(2.0).applyScalar(m));
        }
        assertEquals(0.0, DoubleOutputTransform.sigmoid(1.0).applyScalar(-1000.0));
        assertEquals(1.0, DoubleOutputTransform.sigmoid(1.0).applyScalar(1000.0));
    }

    @Test
    void shouldApplyExpAndLog1pExp() {
        assertEquals(1.0, DoubleOutputTransform.of(Kind.EXP).applyScalar(0.0));
        assertEquals(Double.POSITIVE_INFINITY, DoubleOutputTransform.of(Kind.EXP).applyScalar(710.0));
        assertWithinOneUlp(Math.exp(1.75), DoubleOutputTransform.of(Kind.EXP).applyScalar(1.75));
        assertEquals(Math.log(2.0), DoubleOutputTransform.of(Kind.LOG1P_EXP).applyScalar(0.0));
        assertEquals(Double.POSITIVE_INFINITY, DoubleOutputTransform.of(Kind.LOG1P_EXP).applyScalar(710.0));
    }

    @Test
    void shouldSquareWithTheSignAndMapMinusZeroToPlusZero() {
        DoubleOutputTransform t = DoubleOutputTransform.of(Kind.SIGNED_SQUARE);
        assertEquals(-6.25, t.applyScalar(-2.5));
        assertEquals(6.25, t.applyScalar(2.5));
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(t.applyScalar(-0.0)));
        assertTrue(Double.isNaN(t.applyScalar(Double.NaN)));
    }

    @Test
    void shouldNormaliseSoftmaxAfterSubtractingTheMaximum() {
        DoubleOutputTransform t = DoubleOutputTransform.of(Kind.SOFTMAX);
        double[] raw = {1000.0, 1000.0, 999.0};
        float[] out = new float[3];
        t.apply(raw, 0, 3, out, 0);
        double e = Math.exp(-1.0);
        assertEquals((float) (1.0 / (2.0 + e)), out[0]);
        assertEquals(out[0], out[1]);
        assertEquals((float) (e / (2.0 + e)), out[2]);
        assertEquals(1.0, t.applyScalar(5.0), "softmax of one value is 1");
    }

    @Test
    void shouldDivideByTheIterationsBeforeTransforming() {
        assertEquals(1.5, DoubleOutputTransform.identity().averagedOver(4).applyScalar(6.0));
        assertEquals(0.5, DoubleOutputTransform.sigmoid(1.0).averagedOver(3).applyScalar(0.0));
        double[] raw = {2.0, 4.0};
        float[] out = new float[2];
        DoubleOutputTransform.of(Kind.SOFTMAX).averagedOver(2).apply(raw, 0, 2, out, 0);
        assertEquals((float) (Math.exp(-1.0) / (1.0 + Math.exp(-1.0))), out[0]);
        DoubleOutputTransform ova = DoubleOutputTransform.sigmoid(1.0).averagedOver(2);
        raw = new double[] {0.0, -0.0};
        ova.apply(raw, 0, 2, out, 0);
        assertEquals(0.5f, out[0]);
        assertEquals(0.5f, out[1]);
    }

    @Test
    void shouldRejectInvalidParameters() {
        assertThrows(ConfigurationException.class, () -> DoubleOutputTransform.sigmoid(0.0));
        assertThrows(ConfigurationException.class, () -> DoubleOutputTransform.sigmoid(Double.NaN));
        assertThrows(ConfigurationException.class, () -> DoubleOutputTransform.sigmoid(Double.POSITIVE_INFINITY));
        assertThrows(ConfigurationException.class, () -> DoubleOutputTransform.of(Kind.SIGMOID));
        assertThrows(ConfigurationException.class, () -> DoubleOutputTransform.identity().averagedOver(0));
        assertEquals("sigmoid(2.0) of the average over 3 iterations",
                DoubleOutputTransform.sigmoid(2.0).averagedOver(3).toString());
    }
}
