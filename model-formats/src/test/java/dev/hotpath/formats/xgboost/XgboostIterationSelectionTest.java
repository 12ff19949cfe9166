package dev.hotpath.formats.xgboost;

import static dev.hotpath.formats.xgboost.XgbTestSupport.NF;
import static dev.hotpath.formats.xgboost.XgbTestSupport.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.formats.xgboost.XgbTestSupport.Data;
import dev.hotpath.formats.xgboost.XgbTestSupport.Labels;
import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.Model;
import java.nio.file.Path;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Iteration selection against XGBoost4J 3.4.0's {@code inplace_predict(..., iteration_range, ...)}: early stopping
 * ({@code best_iteration}), explicit ranges, ranges over multi-class random forests (one iteration = K × P trees),
 * and the rejections.
 */
class XgboostIterationSelectionTest {
    @TempDir
    static Path dir;
    static Booster early;
    static Path earlyFile;
    static int bestIteration;
    static Booster forest;
    static Path forestFile;
    static float[] rows;
    static int n;

    @BeforeAll
    static void train() throws Exception {
        Data trainData = XgbTestSupport.trainingData(41, Labels.BINARY);
        Data valid = XgbTestSupport.trainingData(42, Labels.BINARY);
        early = XgbTestSupport.trainEarlyStopping(params("binary:logistic", "eta", 1.0, "max_depth", 6,
                "eval_metric", "logloss"), trainData, valid, 60, 3);
        bestIteration = Integer.parseInt(early.getAttr("best_iteration"));
        earlyFile = dir.resolve("early.ubj");
        early.saveModel(earlyFile.toString());

        Data multi = XgbTestSupport.trainingData(43, Labels.MULTI3);
        forest = XgbTestSupport.train(params("multi:softprob", "num_class", 3, "num_parallel_tree", 2,
                "subsample", 0.8, "eta", 0.5), multi, 5, false, false);
        forestFile = dir.resolve("forest.json");
        forest.saveModel(forestFile.toString());

        rows = XgbTestSupport.evalRows(7, null);
        n = rows.length / NF;
    }

    @AfterAll
    static void dispose() {
        early.dispose();
        forest.dispose();
    }

    @Test
    void shouldTrainAModelThatStoppedEarly() throws Exception {
        assertTrue(bestIteration + 1 < early.getNumBoostedRound(), "best " + bestIteration + " of "
                + early.getNumBoostedRound());
    }

    @Test
    void shouldScoreEveryIterationByDefaultLikeXgboostPredict() throws Exception {
        Model m = XgboostReader.read(earlyFile, XgboostOptions.defaults());
        XgbTestSupport.assertMarginsBitExact("all", m, rows, n, XgbTestSupport.xgbPredict(early, rows, n, true,
                null));
        assertEquals(Integer.toString(bestIteration), m.info().properties().get("best_iteration"));
        assertFalse(m.info().properties().containsKey("iteration_range"));
    }

    @Test
    void shouldHonourBestIterationWhenAsked() throws Exception {
        Model m = XgboostReader.read(earlyFile, XgboostOptions.defaults().withBestIteration());
        float[][] expected = XgbTestSupport.xgbPredict(early, rows, n, true, new int[] {0, bestIteration + 1});
        XgbTestSupport.assertMarginsBitExact("best", m, rows, n, expected);
        XgbTestSupport.assertOutputsClose("best", m, rows, n,
                XgbTestSupport.xgbPredict(early, rows, n, false, new int[] {0, bestIteration + 1}), 2);
        assertEquals("[0, " + (bestIteration + 1) + ")", m.info().properties().get("iteration_range"));
    }

    @Test
    void shouldScoreAnExplicitIterationRange() throws Exception {
        Model m = XgboostReader.read(earlyFile, XgboostOptions.defaults().withIterationRange(2, 5));
        XgbTestSupport.assertMarginsBitExact("[2,5)", m, rows, n,
                XgbTestSupport.xgbPredict(early, rows, n, true, new int[] {2, 5}));
        Model tail = XgboostReader.read(earlyFile, XgboostOptions.defaults().withIterationRange(3, 0));
        XgbTestSupport.assertMarginsBitExact("[3,0)", tail, rows, n,
                XgbTestSupport.xgbPredict(early, rows, n, true, new int[] {3, 0}));
    }

    @Test
    void shouldCountIterationsNotTreesForMultiClassForests() throws Exception {
        Model all = XgboostReader.read(forestFile, XgboostOptions.defaults());
        assertEquals(5 * 3 * 2, all.info().numTrees());
        Model m = XgboostReader.read(forestFile, XgboostOptions.defaults().withIterationRange(1, 3));
        assertEquals(2 * 3 * 2, m.info().numTrees(), "2 iterations x 3 classes x 2 parallel trees");
        XgbTestSupport.assertMarginsBitExact("forest [1,3)", m, rows, n,
                XgbTestSupport.xgbPredict(forest, rows, n, true, new int[] {1, 3}));
        XgbTestSupport.assertOutputsClose("forest [1,3)", m, rows, n,
                XgbTestSupport.xgbPredict(forest, rows, n, false, new int[] {1, 3}), 2);
    }

    @Test
    void shouldScoreAllIterationsWhenBestIterationIsAskedForButAbsent() throws Exception {
        Model m = XgboostReader.read(forestFile, XgboostOptions.defaults().withBestIteration());
        XgbTestSupport.assertMarginsBitExact("no best", m, rows, n,
                XgbTestSupport.xgbPredict(forest, rows, n, true, null));
    }

    @Test
    void shouldRejectRangesOutsideTheModel() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> XgboostReader.read(forestFile, XgboostOptions.defaults().withIterationRange(2, 6)));
        assertTrue(e.getMessage().contains("outside the model's 5 boosting rounds"), e.getMessage());
        assertTrue(e.getMessage().startsWith(forestFile.toString()), e.getMessage());
        assertThrows(ConfigurationException.class,
                () -> XgboostReader.read(forestFile, XgboostOptions.defaults().withIterationRange(6, 0)));
    }

    @Test
    void shouldRejectAnIterationRangeStartingAfterZeroForLinearModels() {
        TinyModel m = new TinyModel();
        m.booster().put("name", "gblinear");
        m.booster().put("model", TinyModel.map("boosted_rounds", 3, "weights", TinyModel.floats(1f, 2f, 0.5f)));
        byte[] json = m.json();
        Model all = XgboostReader.read(json, "linear", XgboostOptions.defaults().withIterationRange(0, 2));
        // weights w0 = 1, w1 = 2, bias 0.5, base margin -0.0 (logit 0.5): 0.5 + 1*2 + 2*3 = 8.5
        assertEquals(8.5f, all.scoreMargin(new float[] {2f, 3f}));
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> XgboostReader.read(json, "linear", XgboostOptions.defaults().withIterationRange(1, 2)));
        assertTrue(e.getMessage().contains("gblinear"), e.getMessage());
    }
}
