package dev.hotpath.scoring.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hotpath.scoring.ModelFormatException;
import org.junit.jupiter.api.Test;

class LinearModelTest {

    @Test
    void shouldSumBiasBaseAndPresentFeaturesPerGroup() {
        // 2 features, 2 groups. w[f*2+g]; biases at [4], [5].
        float[] w = {1f, 10f, 2f, 20f, 0.5f, -0.5f};
        LinearModel m = LinearModel.builder(2, 2).weights(w).baseMargin(0.25f).build();
        float[] out = new float[2];
        m.scoreMargin(new float[] {3f, 4f}, out);
        assertEquals(0.5f + 0.25f + 3f + 8f, out[0]);
        assertEquals(-0.5f + 0.25f + 30f + 80f, out[1]);
        m.scoreMargin(new float[] {Float.NaN, 4f}, out); // missing contributes nothing
        assertEquals(0.75f + 8f, out[0]);
        assertEquals(-0.25f + 80f, out[1]);
    }

    @Test
    void shouldRejectWrongWeightCount() {
        assertThrows(ModelFormatException.class, () -> LinearModel.builder(2, 2).weights(new float[5]));
    }
}
