package dev.hotpath.formats.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Our outputs against (a) a straightforward raw ONNX Runtime call on the same file, which must agree bit for bit,
 * and (b) the reference values PyTorch / python-xgboost produced when the fixtures were generated, which agree
 * within stated tolerances (different kernels, different summation order).
 */
class OnnxModelScoringTest {

    private static final int RANDOM_ROWS = 1_000;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "logreg.onnx, input, probability",
        "mlp.onnx, input, probability",
        "softmax3.onnx, features, probabilities",
        "xgb_tree_ensemble.onnx, input, probability",
        "xgb_classifier.onnx, input, probabilities",
    })
    void shouldMatchRawOnnxRuntimeBitForBitRowByRow(String file, String input, String output) throws Exception {
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model(file)); RawOrt raw = new RawOrt(OnnxFixtures.model(file))) {
            float[][] rows = OnnxFixtures.randomRows(file.hashCode(), RANDOM_ROWS, m.numFeatures());
            float[] out = new float[m.numOutputs()];
            int nanRows = 0;
            for (int r = 0; r < rows.length; r++) {
                float[] expected = raw.run(input, new float[][] {rows[r]}, output)[0];
                m.score(rows[r], out);
                assertBitsEqual(expected, out, file + " row " + r);
                if (Float.isNaN(out[0])) {
                    nanRows++;
                }
                if (m.numOutputs() == 1) {
                    assertTrue(OnnxFixtures.sameFloat(expected[0], m.score(rows[r])), file + " row " + r);
                }
            }
            // Sanity: the rows exercise the model (not all NaN, not all one value).
            assertTrue(nanRows < rows.length / 2, file + ": " + nanRows + " NaN rows");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "logreg.onnx, input, probability",
        "mlp.onnx, input, probability",
        "softmax3.onnx, features, probabilities",
        "xgb_tree_ensemble.onnx, input, probability",
    })
    void shouldMatchRawOnnxRuntimeBitForBitInBatches(String file, String input, String output) throws Exception {
        // Chunks of 64 rows on our side; the raw call runs the same 64-row chunks.
        OnnxOptions opts = OnnxOptions.builder().maxBatchRows(64).build();
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model(file), opts);
             RawOrt raw = new RawOrt(OnnxFixtures.model(file))) {
            assertTrue(m.batchesInOneCall());
            int n = 300; // 4 full chunks and a 44-row remainder
            float[][] rows = OnnxFixtures.randomRows(file.hashCode() + 1, n, m.numFeatures());
            float[] out = new float[n * m.numOutputs()];
            m.score(OnnxFixtures.flatten(rows), n, out);
            for (int start = 0; start < n; start += 64) {
                float[][] chunk = Arrays.copyOfRange(rows, start, Math.min(n, start + 64));
                float[][] expected = raw.run(input, chunk, output);
                for (int r = 0; r < chunk.length; r++) {
                    float[] got = Arrays.copyOfRange(out, (start + r) * m.numOutputs(),
                            (start + r + 1) * m.numOutputs());
                    assertBitsEqual(expected[r], got, file + " row " + (start + r));
                }
            }
            float[] margins = new float[n * m.numOutputs()];
            m.scoreMargin(OnnxFixtures.flatten(rows), n, margins);
            assertBitsEqual(out, margins, file + " scoreMargin batch");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "logreg, 2.5e-7",
        "mlp, 2.5e-7",
        "softmax3, 2.5e-7",
    })
    void shouldMatchPyTorchReferenceValues(String name, float tolerance) {
        float[][] rows = OnnxFixtures.csv(name + "_inputs.csv");
        float[][] expected = OnnxFixtures.csv(name + "_expected.csv");
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model(name + ".onnx"))) {
            float[] out = new float[m.numOutputs()];
            float worst = 0;
            for (int r = 0; r < rows.length; r++) {
                m.score(rows[r], out);
                for (int k = 0; k < out.length; k++) {
                    if (Float.isNaN(expected[r][k])) {
                        assertTrue(Float.isNaN(out[k]), name + " row " + r + ": expected NaN, got " + out[k]);
                        continue;
                    }
                    worst = Math.max(worst, Math.abs(expected[r][k] - out[k]));
                }
            }
            System.out.printf("%s: max |torch - ours| = %.3g over %d rows%n", name, worst, rows.length);
            // PyTorch and ONNX Runtime use different GEMM kernels and summation orders: equal within a few ulps.
            assertTrue(worst <= tolerance, name + ": max |torch - ours| = " + worst);
        }
    }

    @Test
    void shouldPropagateMissingValuesAsNaNInANeuralNet() {
        // Row 5 of the logistic-regression reference has a NaN feature; PyTorch's reference output is NaN too.
        float[][] rows = OnnxFixtures.csv("logreg_inputs.csv");
        assertTrue(Float.isNaN(rows[5][3]));
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("logreg.onnx"))) {
            assertTrue(Float.isNaN(m.score(rows[5])));
        }
    }

    @Test
    void shouldMatchPythonXgboostOnTheTreeEnsemble() {
        // Columns: xgboost margin, xgboost probability. Both sum the 20 leaf values in float (ONNX Runtime adds
        // base_values last); measured: margins identical on all 200 rows, probabilities within 1.2e-7 (the two
        // sigmoid implementations differ by an ulp). The bounds leave a little room for summation order.
        float[][] rows = OnnxFixtures.csv("xgb_tree_ensemble_inputs.csv");
        float[][] expected = OnnxFixtures.csv("xgb_tree_ensemble_expected.csv");
        OnnxOptions marginOpts = OnnxOptions.builder().outputName("margin").build();
        try (OnnxModel prob = OnnxReader.read(OnnxFixtures.model("xgb_tree_ensemble.onnx"));
             OnnxModel margin = OnnxReader.read(OnnxFixtures.model("xgb_tree_ensemble.onnx"), marginOpts);
             OnnxModel classifier = OnnxReader.read(OnnxFixtures.model("xgb_classifier.onnx"))) {
            float worstMargin = 0;
            float worstProb = 0;
            float[] two = new float[2];
            for (int r = 0; r < rows.length; r++) {
                worstMargin = Math.max(worstMargin, Math.abs(expected[r][0] - margin.score(rows[r])));
                worstProb = Math.max(worstProb, Math.abs(expected[r][1] - prob.score(rows[r])));
                classifier.score(rows[r], two);
                worstProb = Math.max(worstProb, Math.abs(expected[r][1] - two[1]));
                assertEquals(1.0f, two[0] + two[1], 1e-6f, "row " + r);
            }
            System.out.printf("xgb_tree_ensemble: max |xgboost - ORT| margin %.3g, probability %.3g over %d rows%n",
                    worstMargin, worstProb, rows.length);
            assertTrue(worstMargin <= 1e-6f, "max |xgboost margin - ORT margin| = " + worstMargin);
            assertTrue(worstProb <= 2.5e-7f, "max |xgboost prob - ORT prob| = " + worstProb);
        }
    }

    @Test
    void shouldScoreAFixedBatchOfOneModelRowByRowInBatches() throws Exception {
        try (OnnxModel fixed = OnnxReader.read(OnnxFixtures.model("logreg_fixed_batch.onnx"));
             RawOrt raw = new RawOrt(OnnxFixtures.model("logreg_fixed_batch.onnx"))) {
            assertFalse(fixed.batchesInOneCall());
            assertTrue(fixed.info().properties().get("batch").startsWith("row by row"));
            assertEquals("input:float[1,10]", fixed.inputs().get(0).describe());
            float[][] rows = OnnxFixtures.randomRows(3, 40, 10);
            float[] out = new float[40];
            fixed.score(OnnxFixtures.flatten(rows), 40, out);
            for (int r = 0; r < 40; r++) {
                float expected = raw.run("input", new float[][] {rows[r]}, "probability")[0][0];
                assertTrue(OnnxFixtures.sameFloat(expected, out[r]), "row " + r);
            }
        }
    }

    @Test
    void shouldScoreBatchesOfEverySizeUpToAndBeyondMaxBatchRows() throws Exception {
        OnnxOptions opts = OnnxOptions.builder().maxBatchRows(7).build();
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("softmax3.onnx"), opts);
             RawOrt raw = new RawOrt(OnnxFixtures.model("softmax3.onnx"))) {
            float[][] all = OnnxFixtures.randomRows(99, 20, 12);
            for (int n = 0; n <= 20; n++) {
                float[][] rows = Arrays.copyOf(all, n);
                float[] out = new float[n * 3 + 1];
                out[n * 3] = 42f; // must not be touched
                m.score(OnnxFixtures.flatten(rows), n, out);
                for (int start = 0; start < n; start += 7) {
                    float[][] chunk = Arrays.copyOfRange(rows, start, Math.min(n, start + 7));
                    float[][] expected = raw.run("features", chunk, "probabilities");
                    for (int r = 0; r < chunk.length; r++) {
                        assertBitsEqual(expected[r], Arrays.copyOfRange(out, (start + r) * 3, (start + r) * 3 + 3),
                                "n=" + n + " row " + (start + r));
                    }
                }
                assertEquals(42f, out[n * 3]);
            }
        }
    }

    @Test
    void shouldScoreSeveralInputsInBatchesLikeRowByRow() throws Exception {
        OnnxOptions opts = OnnxOptions.builder().inputNames("b", "a").build();
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("two_inputs.onnx"), opts);
             RawOrt raw = new RawOrt(OnnxFixtures.model("two_inputs.onnx"))) {
            // Row layout is b (2 features) then a (3 features), as mapped.
            float[][] rows = OnnxFixtures.randomRows(5, 30, 5);
            float[][] a = new float[30][];
            float[][] b = new float[30][];
            for (int r = 0; r < 30; r++) {
                b[r] = Arrays.copyOfRange(rows[r], 0, 2);
                a[r] = Arrays.copyOfRange(rows[r], 2, 5);
            }
            float[][] expected = raw.run(Map.of("a", a, "b", b), "score");
            float[] out = new float[30];
            m.score(OnnxFixtures.flatten(rows), 30, out);
            for (int r = 0; r < 30; r++) {
                assertTrue(OnnxFixtures.sameFloat(expected[r][0], out[r]), "row " + r);
                float[][] one = raw.run(Map.of("a", new float[][] {a[r]}, "b", new float[][] {b[r]}), "score");
                assertTrue(OnnxFixtures.sameFloat(one[0][0], m.score(rows[r])), "row " + r);
            }
        }
    }

    @Test
    void shouldIgnoreValuesBeyondNumFeatures() {
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("logreg.onnx"))) {
            float[] row = OnnxFixtures.randomRows(1, 1, 10)[0];
            float[] longer = Arrays.copyOf(row, 15);
            Arrays.fill(longer, 10, 15, 1e9f);
            assertTrue(OnnxFixtures.sameFloat(m.score(row), m.score(longer)));
        }
    }

    @Test
    void shouldReturnTheSameValuesFromScoreMarginAsFromScore() {
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("softmax3.onnx"))) {
            float[] row = OnnxFixtures.randomRows(2, 1, 12)[0];
            float[] a = new float[3];
            float[] b = new float[3];
            m.score(row, a);
            m.scoreMargin(row, b);
            assertBitsEqual(a, b, "softmax3");
            assertEquals(1f, a[0] + a[1] + a[2], 1e-6f);
        }
    }

    @Test
    void shouldRejectArraysThatAreTooShortAndSingleValueCallsOnMultiOutputModels() {
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("softmax3.onnx"))) {
            assertThrows(IllegalArgumentException.class, () -> m.score(new float[11], new float[3]));
            assertThrows(IllegalArgumentException.class, () -> m.score(new float[12], new float[2]));
            assertThrows(IllegalArgumentException.class, () -> m.score(new float[12]));
            assertThrows(IllegalArgumentException.class, () -> m.scoreMargin(new float[12]));
            assertThrows(IllegalArgumentException.class, () -> m.score(new float[23], 2, new float[6]));
            assertThrows(IllegalArgumentException.class, () -> m.score(new float[24], 2, new float[5]));
            assertThrows(IllegalArgumentException.class, () -> m.score(new float[24], -1, new float[6]));
        }
    }

    static void assertBitsEqual(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (!OnnxFixtures.sameFloat(expected[i], actual[i])) {
                fail(what + "[" + i + "]: expected " + expected[i] + " (0x" + Integer.toHexString(
                        Float.floatToIntBits(expected[i])) + ") but was " + actual[i] + " (0x"
                        + Integer.toHexString(Float.floatToIntBits(actual[i])) + ")");
            }
        }
    }
}
