package dev.hotpath.scoring.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Output transforms on values worked out by hand. */
class OutputTransformTest {

    @Test
    void logisticOfZeroIsOneHalf() {
        assertEquals(0.5f, OutputTransform.LOGISTIC.applyScalar(0f));
        assertEquals(0.5f, OutputTransform.LOGISTIC.applyScalar(-0f));
    }

    @Test
    void logisticSaturatesLikeXgboost() {
        // min(-m, 88.7) caps the exponent: very negative margins give 1/(expf(88.7)+1) > 0, never NaN.
        float tiny = OutputTransform.LOGISTIC.applyScalar(-1000f);
        assertEquals(1f / ((float) Math.exp(88.7f) + 1f), tiny, Math.ulp(tiny) * 2);
        assertEquals(1f, OutputTransform.LOGISTIC.applyScalar(1000f));
    }

    @Test
    void hingeIsOneOnlyForPositiveMargins() {
        assertEquals(0f, OutputTransform.HINGE.applyScalar(0f));
        assertEquals(1f, OutputTransform.HINGE.applyScalar(Float.MIN_VALUE));
        assertEquals(0f, OutputTransform.HINGE.applyScalar(-3f));
    }

    @Test
    void expOfLnTwoIsTwo() {
        assertEquals(2f, OutputTransform.EXP.applyScalar(0.6931472f), Math.ulp(2f));
        assertEquals(1f, OutputTransform.EXP.applyScalar(0f));
    }

    @Test
    void softmaxOfEqualMarginsIsUniform() {
        float[] out = new float[4];
        OutputTransform.SOFTMAX.apply(new float[] {2f, 2f, 2f, 2f}, 0, 4, out, 0);
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, out);
    }

    @Test
    void sortAscendingOrdersQuantiles() {
        float[] m = {3f, -1f, 2f};
        float[] out = new float[3];
        OutputTransform.SORT_ASCENDING.apply(m, 0, 3, out, 0);
        assertArrayEquals(new float[] {-1f, 2f, 3f}, out);
        assertArrayEquals(new float[] {3f, -1f, 2f}, m, "input untouched");
    }

    @Test
    void expectileAccumulatesSoftplusIncrements() {
        float[] out = new float[2];
        OutputTransform.EXPECTILE.apply(new float[] {1f, 0f}, 0, 2, out, 0);
        assertEquals(1f, out[0]);
        assertEquals(1f + 1e-6f + (float) Math.log(2), out[1], 1e-6f);
    }

    @Test
    void argmaxProducesOneOutput() {
        assertEquals(1, OutputTransform.ARGMAX.numOutputs(5));
        assertEquals(5, OutputTransform.SOFTMAX.numOutputs(5));
    }
}
