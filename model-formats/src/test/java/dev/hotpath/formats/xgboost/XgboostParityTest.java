package dev.hotpath.formats.xgboost;

import static dev.hotpath.formats.xgboost.XgbTestSupport.NF;
import static dev.hotpath.formats.xgboost.XgbTestSupport.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.formats.xgboost.XgbTestSupport.Comparison;
import dev.hotpath.formats.xgboost.XgbTestSupport.Data;
import dev.hotpath.formats.xgboost.XgbTestSupport.Labels;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.model.TreeNodes;
import dev.hotpath.scoring.testing.BatchParity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity with XGBoost4J 3.4.0: each case trains a real model in-process (2,000 rows, 12 features, ~10% missing,
 * categorical columns where stated), saves it as {@code .json}, {@code .ubj} and {@code .model} (UBJSON content
 * in a file whose name says nothing), reads all three with {@link XgboostReader} and compares, over several
 * thousand rows including edge values, every margin bit for bit and every transformed output within 2 ulp against
 * XGBoost's own {@code inplace_predict}. The fast and the reference evaluator are both checked, and the batch entry
 * points against the single-row ones in batches of 1, 3, 64 and 257 rows ({@link BatchParity}).
 */
class XgboostParityTest {

    record Case(String name, String objective, Map<String, Object> params, Labels labels, int rounds, boolean categorical,
            boolean names, String expectedBooster) {
    }

    private static Arguments c(String name, Map<String, Object> params, Labels labels, int rounds) {
        return c(name, params, labels, rounds, false);
    }

    private static Arguments c(String name, Map<String, Object> params, Labels labels, int rounds,
            boolean categorical) {
        String booster = String.valueOf(params.getOrDefault("booster", "gbtree"));
        if (params.containsKey("rate_drop")) {
            booster = "dart";
        }
        return Arguments.of(Named.of(name, new Case(name, (String) params.get("objective"), params, labels, rounds,
                categorical, categorical, booster)));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                c("binary_logistic_categorical", params("binary:logistic", "max_cat_to_onehot", 1), Labels.BINARY,
                        20, true),
                c("binary_logistic_onehot", params("binary:logistic", "max_cat_to_onehot", 16), Labels.BINARY, 10,
                        true),
                c("binary_logitraw", params("binary:logitraw"), Labels.BINARY, 15),
                c("binary_hinge", params("binary:hinge"), Labels.BINARY, 15),
                c("reg_logistic", params("reg:logistic"), Labels.UNIT, 15),
                c("reg_squarederror_exact_pruned", params("reg:squarederror", "tree_method", "exact", "gamma", 3.0,
                        "max_depth", 6), Labels.REGRESSION, 12),
                c("reg_squarederror_approx", params("reg:squarederror", "tree_method", "approx"), Labels.REGRESSION,
                        10),
                c("reg_squaredlogerror", params("reg:squaredlogerror"), Labels.GT_MINUS_ONE, 15),
                c("reg_pseudohubererror", params("reg:pseudohubererror", "huber_slope", 1.5), Labels.REGRESSION, 15),
                c("reg_absoluteerror", params("reg:absoluteerror"), Labels.REGRESSION, 15),
                c("reg_quantileerror", params("reg:quantileerror", "quantile_alpha", "[0.1,0.5,0.9]"),
                        Labels.REGRESSION, 15),
                c("reg_expectileerror", params("reg:expectileerror", "expectile_alpha", "[0.2,0.5,0.8]"),
                        Labels.REGRESSION, 15),
                c("reg_gamma", params("reg:gamma"), Labels.POSITIVE, 15),
                c("reg_tweedie", params("reg:tweedie", "tweedie_variance_power", 1.3), Labels.POSITIVE, 15),
                c("count_poisson", params("count:poisson"), Labels.COUNT, 15),
                c("survival_cox", params("survival:cox"), Labels.COX, 15),
                c("survival_aft", params("survival:aft", "aft_loss_distribution", "normal",
                        "aft_loss_distribution_scale", 1.2), Labels.AFT, 15),
                c("multi_softprob_categorical", params("multi:softprob", "num_class", 4, "max_cat_to_onehot", 1),
                        Labels.MULTI4, 10, true),
                c("multi_softmax", params("multi:softmax", "num_class", 3), Labels.MULTI3, 10),
                c("rank_pairwise", params("rank:pairwise"), Labels.RANK, 10),
                c("rank_ndcg", params("rank:ndcg"), Labels.RANK, 10),
                c("rank_map", params("rank:map"), Labels.RANK_BINARY, 10),
                c("dart", params("binary:logistic", "booster", "dart", "rate_drop", 0.3, "skip_drop", 0.0),
                        Labels.BINARY, 15),
                c("gbtree_with_rate_drop", params("reg:squarederror", "rate_drop", 0.2), Labels.REGRESSION, 12),
                c("gblinear", params("reg:squarederror", "booster", "gblinear", "eta", 0.5), Labels.REGRESSION, 20),
                c("gblinear_multi_softprob", params("multi:softprob", "num_class", 3, "booster", "gblinear"),
                        Labels.MULTI3, 10),
                c("random_forest_multi", params("multi:softprob", "num_class", 3, "num_parallel_tree", 4,
                        "subsample", 0.7, "colsample_bynode", 0.7, "eta", 1.0), Labels.MULTI3, 3),
                c("vector_leaf_softprob_categorical", params("multi:softprob", "num_class", 3, "multi_strategy",
                        "multi_output_tree", "max_cat_to_onehot", 1), Labels.MULTI3, 10, true),
                c("vector_leaf_quantile", params("reg:quantileerror", "quantile_alpha", "[0.2,0.8]",
                        "multi_strategy", "multi_output_tree"), Labels.REGRESSION, 10),
                c("vector_leaf_dart", params("multi:softprob", "num_class", 3, "multi_strategy", "multi_output_tree",
                        "rate_drop", 0.3, "skip_drop", 0.0), Labels.MULTI3, 8),
                c("explicit_base_score", params("binary:logistic", "base_score", 0.3), Labels.BINARY, 10),
                c("logistic_base_score_clamped", params("binary:logistic", "base_score", 1e-8), Labels.BINARY, 5));
    }

    /** Guards the fixtures themselves: each case really contains the structure it is meant to test. */
    private static void assertExercisesWhatItsNameSays(String name, ParsedModel m) {
        int categoricalNodes = 0;
        int singleCategoryNodes = 0;
        int unreachable = 0;
        for (TreeNodes t : m.trees) {
            if (t.categories() != null) {
                for (int[] cats : t.categories()) {
                    if (cats != null) {
                        categoricalNodes++;
                        singleCategoryNodes += cats.length == 1 ? 1 : 0;
                    }
                }
            }
            for (boolean r : DocModelParser.reachable(t.left(), t.right())) {
                unreachable += r ? 0 : 1;
            }
        }
        if (name.contains("categorical")) {
            assertTrue(categoricalNodes > singleCategoryNodes, name + ": partition splits expected");
        }
        if (name.contains("onehot")) {
            assertTrue(singleCategoryNodes > 0, name + ": one-hot categorical splits expected");
        }
        if (name.startsWith("vector_leaf")) {
            assertTrue(m.trees.stream().allMatch(t -> t.leafSize() == m.numOutputs() && t.leafSize() > 1), name);
        }
        if (name.contains("exact_pruned")) {
            assertTrue(unreachable > 0, name + ": pruning should leave deleted nodes");
        }
        if (name.contains("dart") || name.contains("rate_drop")) {
            assertTrue(m.weightDrop != null && IntStream.range(0, m.weightDrop.length)
                    .anyMatch(i -> m.weightDrop[i] != 1f), name + ": DART weights expected");
        }
        if (name.startsWith("random_forest")) {
            assertEquals(4, m.numParallelTree);
        }
        if (name.equals("logistic_base_score_clamped")) {
            assertEquals(1e-8f, m.baseScore[0]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldMatchXgboost340MarginsBitForBitAndOutputsWithin2Ulp(Case c, @TempDir Path dir) throws Exception {
        Data d = XgbTestSupport.trainingData(c.objective().hashCode() * 31L + c.rounds(), c.labels());
        Booster booster = XgbTestSupport.train(c.params(), d, c.rounds(), c.categorical(), c.names());
        try {
            Path json = dir.resolve("m.json");
            Path ubj = dir.resolve("m.ubj");
            Path model = dir.resolve("m.model");
            booster.saveModel(json.toString());
            booster.saveModel(ubj.toString());
            booster.saveModel(model.toString());

            boolean linear = "gblinear".equals(c.expectedBooster());
            ParsedModel parsed = XgbTestSupport.parse(json);
            assertExercisesWhatItsNameSays(c.name(), parsed);
            float[] rows = XgbTestSupport.evalRows(99, parsed);
            if (linear) {
                rows = XgbTestSupport.withoutInfinities(rows); // gblinear has no inplace predict; DMatrix refuses Inf
            }
            int n = rows.length / NF;
            float[][] xgbMargins = linear ? XgbTestSupport.xgbPredictDMatrix(booster, rows, n, true)
                    : XgbTestSupport.xgbPredict(booster, rows, n, true, null);
            float[][] xgbOutputs = linear ? XgbTestSupport.xgbPredictDMatrix(booster, rows, n, false)
                    : XgbTestSupport.xgbPredict(booster, rows, n, false, null);
            boolean compareOutputs = true;

            for (Path file : List.of(json, ubj, model)) {
                Model m = XgboostReader.read(file, XgboostOptions.defaults());
                String what = file.getFileName().toString();
                assertEquals(file.toString().endsWith(".json") ? "xgboost-json" : "xgboost-ubj", m.info().format(),
                        what + " detected format");
                assertEquals("3.4.0", m.info().formatVersion());
                assertEquals(c.objective(), m.info().objective());
                assertEquals(c.expectedBooster(), m.info().booster());
                assertEquals(NF, m.numFeatures());
                assertEquals(c.names(), m.hasFeatureNames(), what + " feature names");
                Comparison margins = XgbTestSupport.assertMarginsBitExact(what, m, rows, n, xgbMargins);
                Comparison outputs = compareOutputs
                        ? XgbTestSupport.assertOutputsClose(what, m, rows, n, xgbOutputs, 2) : null;
                System.out.println(c.objective() + " " + what + " [" + (m instanceof TreeEnsemble
                        ? ((TreeEnsemble) m).evaluator() : "linear") + "] margins: " + margins + "; outputs: "
                        + outputs);
                if (file == json) {
                    // The batch evaluator against the single-row one on the same rows (NaN, ±Inf, ±0 included).
                    BatchParity.assertBatchesEqualSingleRows(c.name(), m, rows, n);
                }
                if (m instanceof TreeEnsemble) {
                    TreeEnsemble ref = ((TreeEnsemble) m).withReferenceEvaluator();
                    XgbTestSupport.assertMarginsBitExact(what + " (reference evaluator)", ref, rows, n, xgbMargins);
                    if (compareOutputs) {
                        XgbTestSupport.assertOutputsClose(what + " (reference evaluator)", ref, rows, n, xgbOutputs,
                                2);
                    }
                }
                assertTrue(n >= 3000, "compared thousands of rows, got " + n);
            }
        } finally {
            booster.dispose();
        }
    }
}
