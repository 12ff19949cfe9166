package dev.hotpath.formats.xgboost;

import static dev.hotpath.formats.xgboost.XgbTestSupport.NF;
import static dev.hotpath.formats.xgboost.XgbTestSupport.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hotpath.formats.xgboost.XgbTestSupport.Data;
import dev.hotpath.formats.xgboost.XgbTestSupport.Labels;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.explain.TreeExplainer;
import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.model.TreeNodes;
import dev.hotpath.scoring.model.TreeView;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contributions against XGBoost4J 3.4.0's own {@code predictContrib} on models trained in the test: each case trains
 * a model, saves it as JSON and UBJSON, builds a {@link TreeExplainer} from what {@link XgboostReader} reads, and
 * compares every contribution (features and bias, every output group, XGBoost's layout) on several thousand rows —
 * random rows with ~10% missing values plus every feature set in turn to ±0, ±Inf, NaN, ±MAX_VALUE, subnormals,
 * exact split thresholds and their neighbours, and odd category codes. Agreement is required within 1e-6 of the row's
 * total absolute contribution (XGBoost computes in float32), and every row's contributions must sum to Hotpath's
 * margin for that row.
 *
 * <p>XGBoost's DMatrix refuses infinite values unless {@code missing} is itself infinite, so rows holding +Inf are
 * given to XGBoost in a DMatrix whose missing value is -Inf (and the other way round); NaN stays missing in both.
 */
class XgboostContributionParityTest {

    record Case(String name, Map<String, Object> params, Labels labels, int rounds, boolean categorical, int maxRows) {
    }

    private static Arguments c(String name, Map<String, Object> params, Labels labels, int rounds,
                               boolean categorical) {
        return c(name, params, labels, rounds, categorical, Integer.MAX_VALUE);
    }

    private static Arguments c(String name, Map<String, Object> params, Labels labels, int rounds,
                               boolean categorical, int maxRows) {
        return Arguments.of(Named.of(name, new Case(name, params, labels, rounds, categorical, maxRows)));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                c("binary_logistic", params("binary:logistic", "max_depth", 6), Labels.BINARY, 20, false),
                c("binary_logistic_partition_categorical", params("binary:logistic", "max_cat_to_onehot", 1),
                        Labels.BINARY, 20, true),
                c("binary_logistic_onehot_categorical", params("binary:logistic", "max_cat_to_onehot", 16),
                        Labels.BINARY, 15, true),
                c("binary_logitraw", params("binary:logitraw"), Labels.BINARY, 15, false),
                c("explicit_base_score", params("binary:logistic", "base_score", 0.3), Labels.BINARY, 10, false),
                c("reg_squarederror", params("reg:squarederror", "max_depth", 6), Labels.REGRESSION, 20, false),
                c("reg_squarederror_exact_pruned", params("reg:squarederror", "tree_method", "exact", "gamma", 3.0,
                        "max_depth", 6), Labels.REGRESSION, 12, false),
                c("reg_pseudohubererror", params("reg:pseudohubererror", "huber_slope", 1.5), Labels.REGRESSION,
                        15, false),
                c("reg_gamma", params("reg:gamma"), Labels.POSITIVE, 15, false),
                c("count_poisson", params("count:poisson"), Labels.COUNT, 15, false),
                c("multi_softprob_categorical", params("multi:softprob", "num_class", 4, "max_cat_to_onehot", 1),
                        Labels.MULTI4, 10, true),
                c("multi_softmax", params("multi:softmax", "num_class", 3), Labels.MULTI3, 10, false),
                c("random_forest_multi", params("multi:softprob", "num_class", 3, "num_parallel_tree", 4,
                        "subsample", 0.7, "colsample_bynode", 0.7, "eta", 1.0), Labels.MULTI3, 3, false),
                c("dart", params("binary:logistic", "booster", "dart", "rate_drop", 0.3, "skip_drop", 0.0),
                        Labels.BINARY, 15, false),
                c("fraud_sized_500_trees_depth_6", params("binary:logistic", "max_depth", 6, "eta", 0.05),
                        Labels.BINARY, 500, false, 800));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldMatchXgboostPredictContribWithin1e6OfTheRowsTotal(Case c, @TempDir Path dir) throws Exception {
        Data d = XgbTestSupport.trainingData(c.name().hashCode() * 31L + c.rounds(), c.labels());
        Booster booster = XgbTestSupport.train(c.params(), d, c.rounds(), c.categorical(), c.categorical());
        try {
            Path json = dir.resolve("m.json");
            Path ubj = dir.resolve("m.ubj");
            booster.saveModel(json.toString());
            booster.saveModel(ubj.toString());
            ParsedModel parsed = XgbTestSupport.parse(json);
            assertExercisesWhatItsNameSays(c.name(), parsed);
            float[] all = XgbTestSupport.evalRows(17, parsed);
            float[] rows = c.maxRows() == Integer.MAX_VALUE ? all : edgeRowsFirst(all, c.maxRows());
            int n = rows.length / NF;
            float[][] expected = xgbContributions(booster, rows, n);
            int[] kinds = valueKinds(rows, n);
            assertTrue(kinds[0] > 10 && kinds[1] >= NF && kinds[2] >= NF, "rows with NaN, +Inf, -Inf: "
                    + Arrays.toString(kinds));
            for (Path file : new Path[] {json, ubj}) {
                Model m = XgboostReader.read(file, XgboostOptions.defaults());
                TreeExplainer explainer = TreeExplainer.of(m);
                String what = c.name() + " " + file.getFileName();
                double worst = compare(what, explainer, m, rows, n, expected);
                System.out.println(String.format(Locale.ROOT, "%s: %d rows x %d columns, worst error %.2e of the"
                        + " row's total |contribution|, %d quadrature points", what, n, explainer.width(), worst,
                        explainer.quadraturePoints()));
            }
        } finally {
            booster.dispose();
        }
    }

    /**
     * A smaller row set for big models: {@code evalRows} puts 3,000 random rows first, then the special values and
     * odd category codes (kept entirely), then three rows per split threshold; keep a third of the remaining budget
     * from the threshold rows and the rest from the random rows.
     */
    private static float[] edgeRowsFirst(float[] rows, int max) {
        int n = rows.length / NF;
        int random = XgbTestSupport.RANDOM_EVAL_ROWS;
        int specials = NF * 9 + XgbTestSupport.CAT_COLS.length * 20 * 3 + 1;
        int thresholdRows = n - random - specials;
        int takeThresholds = Math.min(thresholdRows, Math.max(0, (max - specials) / 3));
        int takeRandom = Math.min(random, Math.max(0, max - specials - takeThresholds));
        float[] out = new float[(specials + takeThresholds + takeRandom) * NF];
        System.arraycopy(rows, random * NF, out, 0, (specials + takeThresholds) * NF);
        System.arraycopy(rows, 0, out, (specials + takeThresholds) * NF, takeRandom * NF);
        return out;
    }

    /** @return how many rows hold a NaN, a +Inf, a -Inf */
    private static int[] valueKinds(float[] rows, int n) {
        int[] kinds = new int[3];
        for (int r = 0; r < n; r++) {
            boolean nan = false;
            boolean pos = false;
            boolean neg = false;
            for (int f = 0; f < NF; f++) {
                float v = rows[r * NF + f];
                nan |= v != v;
                pos |= v == Float.POSITIVE_INFINITY;
                neg |= v == Float.NEGATIVE_INFINITY;
            }
            kinds[0] += nan ? 1 : 0;
            kinds[1] += pos ? 1 : 0;
            kinds[2] += neg ? 1 : 0;
        }
        return kinds;
    }

    /**
     * XGBoost4J's {@code predictContrib}, row order preserved. Rows with +Inf go through a DMatrix whose missing
     * value is -Inf, rows with -Inf through one whose missing value is +Inf (XGBoost refuses infinities otherwise).
     */
    static float[][] xgbContributions(Booster booster, float[] rows, int n) throws XGBoostError {
        float[][] out = new float[n][];
        for (int kind = 0; kind < 3; kind++) {
            int[] index = new int[n];
            int count = 0;
            for (int r = 0; r < n; r++) {
                boolean pos = false;
                boolean neg = false;
                for (int f = 0; f < NF; f++) {
                    pos |= rows[r * NF + f] == Float.POSITIVE_INFINITY;
                    neg |= rows[r * NF + f] == Float.NEGATIVE_INFINITY;
                }
                if (pos && neg) {
                    throw new IllegalArgumentException("row " + r + " holds both infinities");
                }
                if ((kind == 0 && !pos && !neg) || (kind == 1 && pos) || (kind == 2 && neg)) {
                    index[count++] = r;
                }
            }
            if (count == 0) {
                continue;
            }
            float[] part = new float[count * NF];
            for (int i = 0; i < count; i++) {
                System.arraycopy(rows, index[i] * NF, part, i * NF, NF);
            }
            float missing = kind == 0 ? Float.NaN : kind == 1 ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
            DMatrix m = new DMatrix(part, count, NF, missing);
            try {
                float[][] contrib = booster.predictContrib(m, 0);
                for (int i = 0; i < count; i++) {
                    out[index[i]] = contrib[i];
                }
            } finally {
                m.dispose();
            }
        }
        return out;
    }

    /**
     * @return the worst error over all rows as a fraction of the row's total absolute contribution
     */
    static double compare(String what, TreeExplainer explainer, Model m, float[] rows, int n, float[][] expected) {
        int w = explainer.width();
        int groups = explainer.numGroups();
        int block = NF + 1;
        double[] got = new double[w];
        float[] row = new float[NF];
        float[] margins = new float[groups];
        double worst = 0;
        for (int r = 0; r < n; r++) {
            System.arraycopy(rows, r * NF, row, 0, NF);
            explainer.contributions(row, got);
            assertEquals(w, expected[r].length, what + ": XGBoost's columns");
            double total = 0;
            for (float v : expected[r]) {
                total += Math.abs(v);
            }
            for (int i = 0; i < w; i++) {
                double err = Math.abs(got[i] - expected[r][i]);
                worst = Math.max(worst, err / total);
                if (err > 1e-6 * total) {
                    fail(String.format(Locale.ROOT, "%s: row %d column %s: XGBoost %s, Hotpath %s (error %.3e of the"
                            + " row's total %.4f); row = %s", what, r, explainer.columnNames().get(i), expected[r][i],
                            got[i], err / total, total, Arrays.toString(row)));
                }
            }
            m.scoreMargin(row, margins);
            double[] exact = exactMargins((TreeEnsemble) m, row);
            for (int g = 0; g < groups; g++) {
                double sum = 0;
                double abs = 0;
                for (int j = 0; j < block; j++) {
                    sum += got[g * block + j];
                    abs += Math.abs(got[g * block + j]);
                }
                // Additivity holds to double rounding against the exact sum of the row's leaves; the model's float
                // margin (XGBoost's, bit for bit) carries the rounding of one float addition per tree.
                if (Math.abs(sum - exact[g]) > 1e-10 * Math.max(1, abs)) {
                    fail(what + ": row " + r + " group " + g + ": contributions sum to " + sum + ", the leaves to "
                            + exact[g]);
                }
                double floatRounding = trees(m) * (double) Math.ulp((float) Math.max(1, abs));
                if (Math.abs(sum - margins[g]) > 1e-6 * Math.max(1, abs) + floatRounding) {
                    fail(what + ": row " + r + " group " + g + ": contributions sum to " + sum + ", the margin is "
                            + margins[g]);
                }
            }
        }
        return worst;
    }

    private static int trees(Model m) {
        return ((TreeEnsemble) m).trees().size();
    }

    /** The margins as the exact (double) sum of the row's leaves times the tree weights, plus the base margins. */
    static double[] exactMargins(TreeEnsemble m, float[] row) {
        float[] base = m.baseMargins();
        double[] out = new double[base.length];
        for (int g = 0; g < base.length; g++) {
            out[g] = base[g];
        }
        for (TreeView t : m.trees()) {
            int n = 0;
            while (!t.isLeaf(n)) {
                n = t.childFor(n, row, 0);
            }
            for (int j = 0; j < t.leafSize(); j++) {
                out[t.leafSize() == 1 ? t.outputGroup() : j] += (double) t.leafValue(n, j) * t.weight();
            }
        }
        return out;
    }

    /** Guards the fixtures: each case really contains what it is meant to test. */
    private static void assertExercisesWhatItsNameSays(String name, ParsedModel m) {
        int categorical = 0;
        int single = 0;
        int unreachable = 0;
        for (TreeNodes t : m.trees) {
            if (t.categories() != null) {
                for (int[] cats : t.categories()) {
                    categorical += cats != null ? 1 : 0;
                    single += cats != null && cats.length == 1 ? 1 : 0;
                }
            }
            for (boolean r : DocModelParser.reachable(t.left(), t.right())) {
                unreachable += r ? 0 : 1;
            }
            assertTrue(t.cover() != null, name + ": sum_hessian read");
        }
        if (name.contains("partition")) {
            assertTrue(categorical > single, name + ": partition splits expected");
        }
        if (name.contains("onehot")) {
            assertTrue(single > 0, name + ": one-hot splits expected");
        }
        if (name.contains("pruned")) {
            assertTrue(unreachable > 0, name + ": deleted nodes expected");
        }
        if (name.equals("dart")) {
            assertTrue(m.weightDrop != null, name + ": DART weights expected");
        }
        if (name.startsWith("fraud_sized")) {
            assertEquals(500, m.trees.size());
        }
    }
}
