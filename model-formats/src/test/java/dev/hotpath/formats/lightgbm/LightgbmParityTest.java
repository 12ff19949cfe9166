package dev.hotpath.formats.lightgbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.formats.lightgbm.LgbmData.Label;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.testing.BatchParity;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Models trained here by LightGBM 4.3 (lightgbm4j) against Hotpath's reading of the same text: on every test row —
 * fresh rows, every edge value (NaN, ±0, tiny values, ±Infinity, negative and non-integer categories, huge values)
 * in every feature, and the floats at and around every numerical threshold — Hotpath's margins are LightGBM's raw
 * scores rounded to float and its outputs LightGBM's predictions rounded to float, bit for bit, on the single-row,
 * multi-output and batch entry points, on the evaluator Hotpath chooses (a fast layout wherever the trees allow) and on
 * the reference walker; and the batch entry points equal the single-row ones in batches of 1, 3, 64 and 257 rows
 * ({@link BatchParity}). One case per model kind the reader supports.
 */
class LightgbmParityTest {
    private static final int TRAIN_ROWS = 2000;
    private static final int TEST_ROWS = 600;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("binary, NaN and None missing types", Label.BINARY, "", "objective=binary", 30),
                Arguments.of("binary with sigmoid 2", Label.BINARY, "", "objective=binary sigmoid=2", 20),
                Arguments.of("binary with sigmoid 1.23456789 (written as 1.23457)", Label.BINARY, "",
                        "objective=binary sigmoid=1.23456789", 20),
                Arguments.of("zero_as_missing", Label.BINARY, "zero_as_missing=true",
                        "objective=binary zero_as_missing=true", 25),
                Arguments.of("use_missing=false", Label.BINARY, "use_missing=false",
                        "objective=binary use_missing=false", 25),
                Arguments.of("categorical bitsets", Label.BINARY, "categorical_feature=2,7",
                        "objective=binary max_cat_to_onehot=2 min_data_per_group=10 cat_smooth=1 cat_l2=1", 30),
                Arguments.of("categorical one-hot", Label.BINARY, "categorical_feature=2,7",
                        "objective=binary max_cat_to_onehot=64", 20),
                Arguments.of("linear trees", Label.REGRESSION, "linear_tree=true",
                        "objective=regression linear_tree=true linear_lambda=0.01", 20),
                Arguments.of("random forest", Label.BINARY, "",
                        "objective=binary boosting=rf bagging_freq=1 bagging_fraction=0.7 feature_fraction=0.8", 15),
                Arguments.of("dart", Label.BINARY, "", "objective=binary boosting=dart drop_rate=0.3", 25),
                Arguments.of("goss", Label.BINARY, "", "objective=binary data_sample_strategy=goss", 20),
                Arguments.of("multiclass softmax", Label.MULTICLASS, "", "objective=multiclass num_class=3", 20),
                Arguments.of("multiclass one-vs-all", Label.MULTICLASS, "", "objective=multiclassova num_class=3",
                        20),
                Arguments.of("multiclass random forest", Label.MULTICLASS, "categorical_feature=2",
                        "objective=multiclass num_class=3 boosting=rf bagging_freq=1 bagging_fraction=0.6", 10),
                Arguments.of("regression l2", Label.REGRESSION, "", "objective=regression", 25),
                Arguments.of("regression with reg_sqrt", Label.POSITIVE, "", "objective=regression reg_sqrt=true",
                        20),
                Arguments.of("regression_l1", Label.REGRESSION, "", "objective=regression_l1", 20),
                Arguments.of("huber", Label.REGRESSION, "", "objective=huber alpha=0.9", 20),
                Arguments.of("fair", Label.REGRESSION, "", "objective=fair", 20),
                Arguments.of("quantile", Label.REGRESSION, "", "objective=quantile alpha=0.7", 20),
                Arguments.of("mape", Label.POSITIVE, "", "objective=mape", 20),
                Arguments.of("poisson", Label.POSITIVE, "", "objective=poisson", 25),
                Arguments.of("gamma", Label.POSITIVE, "", "objective=gamma", 25),
                Arguments.of("tweedie", Label.POSITIVE, "", "objective=tweedie tweedie_variance_power=1.4", 25),
                Arguments.of("cross_entropy", Label.PROBABILITY, "", "objective=cross_entropy", 20),
                Arguments.of("cross_entropy_lambda", Label.PROBABILITY, "", "objective=cross_entropy_lambda", 20),
                Arguments.of("lambdarank", Label.RELEVANCE, "", "objective=lambdarank", 15),
                Arguments.of("rank_xendcg", Label.RELEVANCE, "", "objective=rank_xendcg", 15),
                Arguments.of("single-leaf tree", Label.BINARY, "", "objective=binary min_data_in_leaf=5000", 5),
                Arguments.of("linear single-leaf tree", Label.REGRESSION, "linear_tree=true",
                        "objective=regression linear_tree=true min_data_in_leaf=5000", 3),
                Arguments.of("deep leaf-wise trees", Label.REGRESSION, "max_bin=1023",
                        "objective=regression num_leaves=255 min_data_in_leaf=2 learning_rate=0.3", 8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void shouldEqualLightgbmOnEveryRow(String name, Label label, String datasetParams, String params,
                                       int iterations) {
        Lgbm.Data train = LgbmData.data(TRAIN_ROWS, 17, label);
        String text = Lgbm.train(train, datasetParams, params, iterations);
        String evaluator = assertParity(name, text, LightgbmOptions.defaults(), 0, -1);
        if (!datasetParams.contains("categorical") && !params.contains("linear")) {
            assertTrue(!evaluator.equals("reference"), name + " should use a fast evaluator, uses " + evaluator);
        }
    }

    @ParameterizedTest(name = "custom objective")
    @MethodSource("customObjective")
    void shouldScoreRawWhenTheObjectiveIsCustom(int iterations) {
        String text = Lgbm.trainCustom(LgbmData.data(TRAIN_ROWS, 17, Label.REGRESSION), "", iterations);
        assertTrue(!text.contains("\nobjective="), "a custom objective writes no objective line");
        assertParity("custom objective", text, LightgbmOptions.defaults(), 0, -1);
    }

    static Stream<Integer> customObjective() {
        return Stream.of(12);
    }

    /**
     * Compares Hotpath's model read from {@code text} with LightGBM's predictions of the same iterations, on the
     * evaluator Hotpath chose and on the reference walker.
     *
     * @return the evaluator Hotpath chose
     */
    static String assertParity(String name, String text, LightgbmOptions options, int startIteration,
                               int numIteration) {
        float[] rows = LgbmData.testRows(TEST_ROWS, 99, text);
        int n = rows.length / LgbmData.F;
        double[] raw = Lgbm.predict(text, rows, n, LgbmData.F, true, startIteration, numIteration);
        double[] normal = Lgbm.predict(text, rows, n, LgbmData.F, false, startIteration, numIteration);
        TreeEnsemble model = (TreeEnsemble) LightgbmReader.read(text.getBytes(StandardCharsets.UTF_8), name, options);
        assertParity(name + " (" + model.evaluator() + ")", model, rows, n, raw, normal);
        BatchParity.assertBatchesEqualSingleRows(name + " (" + model.evaluator() + ")", model, rows, n);
        if (!model.evaluator().equals("reference")) {
            assertParity(name + " (reference)", model.withReferenceEvaluator(), rows, n, raw, normal);
        }
        return model.evaluator();
    }

    private static void assertParity(String name, Model model, float[] rows, int n, double[] raw, double[] normal) {
        int k = model.numOutputs();
        assertEquals(n * k, raw.length, name + ": LightGBM's raw score count");
        assertEquals(k, model.numMarginOutputs(), name);
        float[] margins = new float[k];
        float[] outputs = new float[k];
        float[] row = new float[LgbmData.F];
        for (int r = 0; r < n; r++) {
            System.arraycopy(rows, r * LgbmData.F, row, 0, LgbmData.F);
            model.scoreMargin(row, margins);
            model.score(row, outputs);
            for (int c = 0; c < k; c++) {
                int i = r * k + c;
                assertBits((float) raw[i], margins[c], name, "raw score", r, c, row, raw[i]);
                assertBits((float) normal[i], outputs[c], name, "prediction", r, c, row, normal[i]);
            }
            if (k == 1) {
                assertBits((float) raw[r], model.scoreMargin(row), name, "scoreMargin(float[])", r, 0, row, raw[r]);
                assertBits((float) normal[r], model.score(row), name, "score(float[])", r, 0, row, normal[r]);
            }
        }
        float[] batch = new float[n * k];
        model.score(rows, n, batch);
        for (int i = 0; i < n * k; i++) {
            assertBits((float) normal[i], batch[i], name, "batch prediction", i / k, i % k, null, normal[i]);
        }
        model.scoreMargin(rows, n, batch);
        for (int i = 0; i < n * k; i++) {
            assertBits((float) raw[i], batch[i], name, "batch raw score", i / k, i % k, null, raw[i]);
        }
    }

    private static void assertBits(float expected, float actual, String name, String what, int row, int output,
                                   float[] values, double lightgbm) {
        if (Float.floatToIntBits(expected) != Float.floatToIntBits(actual)) {
            throw new AssertionError(name + ": " + what + " of row " + row + " output " + output + " is " + actual
                    + ", LightGBM's is " + lightgbm + " (as float " + expected + ")"
                    + (values == null ? "" : "; row " + java.util.Arrays.toString(values)));
        }
    }
}
