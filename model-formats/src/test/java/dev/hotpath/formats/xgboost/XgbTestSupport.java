package dev.hotpath.formats.xgboost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelLimits;
import dev.hotpath.scoring.model.TreeNodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import ml.dmlc.xgboost4j.java.XGBoostJNI;

/**
 * Shared helpers for the XGBoost tests: deterministic synthetic data (with ~10% missing values and categorical
 * columns), training through real XGBoost4J 3.4.0, evaluation rows with edge values (±0, ±Inf, NaN, exact split
 * thresholds taken from the model, odd category codes), and bit-level comparison against XGBoost's own predictions.
 */
final class XgbTestSupport {
    /** Features: 0-8 continuous, 9-10 category codes 0..7, 11 small integers. */
    static final int NF = 12;
    static final int[] CAT_COLS = {9, 10};
    static final int TRAIN_ROWS = 2000;
    static final int RANDOM_EVAL_ROWS = 3000;

    private XgbTestSupport() {
    }

    enum Labels { BINARY, UNIT, REGRESSION, POSITIVE, COUNT, GT_MINUS_ONE, MULTI3, MULTI4, RANK, RANK_BINARY, COX, AFT }

    /** Row-major training data plus labels (and ranking groups / survival bounds when needed). */
    static final class Data {
        final float[] x;
        final int rows;
        final float[] y;
        int[] groups;
        float[] lower;
        float[] upper;

        Data(float[] x, int rows, float[] y) {
            this.x = x;
            this.rows = rows;
            this.y = y;
        }
    }

    static float[] features(SplittableRandom rnd, int rows, double missingRate) {
        float[] x = new float[rows * NF];
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < NF; f++) {
                float v;
                if (f == 9 || f == 10) {
                    v = rnd.nextInt(8);
                } else if (f == 11) {
                    v = rnd.nextInt(5);
                } else if (f % 3 == 0) {
                    v = (float) (rnd.nextDouble() * 20.0 - 10.0);
                } else {
                    v = (float) gaussian(rnd);
                }
                if (rnd.nextDouble() < missingRate) {
                    v = Float.NaN;
                }
                x[r * NF + f] = v;
            }
        }
        return x;
    }

    static double gaussian(SplittableRandom rnd) {
        double u = Math.max(rnd.nextDouble(), 1e-12);
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * rnd.nextDouble());
    }

    private static double v(float[] x, int r, int f) {
        float a = x[r * NF + f];
        return Float.isNaN(a) ? 0.0 : a;
    }

    static Data trainingData(long seed, Labels kind) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = features(rnd, TRAIN_ROWS, 0.10);
        float[] y = new float[TRAIN_ROWS];
        Data d = new Data(x, TRAIN_ROWS, y);
        for (int r = 0; r < TRAIN_ROWS; r++) {
            double c1 = v(x, r, 9);
            double c2 = v(x, r, 10);
            double z = 0.9 * v(x, r, 0) / 5.0 - v(x, r, 1) + 0.7 * v(x, r, 2) * v(x, r, 4)
                    + Math.sin(v(x, r, 3)) + (c1 == 2 || c1 == 5 || c1 == 6 ? 1.1 : -0.4) + 0.3 * (c2 % 3)
                    + 0.2 * v(x, r, 11) + 0.4 * gaussian(rnd);
            switch (kind) {
                case BINARY:
                case RANK:
                case RANK_BINARY:
                    y[r] = z > 0.3 ? 1f : 0f;
                    break;
                case UNIT:
                    y[r] = (float) (1.0 / (1.0 + Math.exp(-z)));
                    break;
                case REGRESSION:
                    y[r] = (float) (3.0 * z + 1.5);
                    break;
                case POSITIVE:
                    y[r] = (float) Math.exp(0.5 * z) + 0.01f;
                    break;
                case COUNT:
                    y[r] = (float) Math.floor(Math.exp(Math.min(0.6 * z, 3.0)) + rnd.nextInt(2));
                    break;
                case GT_MINUS_ONE:
                    y[r] = (float) Math.max(-0.5, z + 1.0);
                    break;
                case MULTI3:
                    y[r] = z < -0.5 ? 0f : (z < 0.9 ? 1f : 2f);
                    break;
                case MULTI4:
                    y[r] = z < -0.8 ? 0f : (z < 0.2 ? 1f : (z < 1.2 ? 2f : 3f));
                    break;
                case COX: {
                    float t = (float) Math.exp(-0.5 * z) + 0.05f;
                    y[r] = rnd.nextInt(4) == 0 ? -t : t;
                    break;
                }
                case AFT: {
                    float t = (float) Math.exp(0.5 * z) + 0.05f;
                    y[r] = t;
                    break;
                }
                default:
                    throw new IllegalArgumentException(kind.toString());
            }
        }
        if (kind == Labels.RANK || kind == Labels.RANK_BINARY) {
            int groupSize = 20;
            d.groups = new int[TRAIN_ROWS / groupSize];
            Arrays.fill(d.groups, groupSize);
            for (int r = 0; r < TRAIN_ROWS; r++) {
                // graded relevance 0..3 for ndcg/pairwise; rank:map reads > 0 as relevant
                double z = v(x, r, 0) / 5.0 - v(x, r, 1) + v(x, r, 2);
                y[r] = z < -0.5 ? 0f : (z < 0.5 ? 1f : (z < 1.5 ? 2f : 3f));
                if (kind == Labels.RANK_BINARY) {
                    y[r] = y[r] >= 2f ? 1f : 0f;
                }
            }
        }
        if (kind == Labels.AFT) {
            d.lower = y.clone();
            d.upper = y.clone();
            for (int r = 0; r < TRAIN_ROWS; r += 5) {
                d.upper[r] = Float.POSITIVE_INFINITY; // right-censored
            }
        }
        return d;
    }

    static Map<String, Object> params(String objective, Object... kv) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("objective", objective);
        p.put("nthread", 1);
        p.put("seed", 11);
        p.put("max_depth", 4);
        p.put("eta", 0.3);
        p.put("tree_method", "hist");
        for (int i = 0; i < kv.length; i += 2) {
            p.put((String) kv[i], kv[i + 1]);
        }
        return p;
    }

    static DMatrix dmatrix(Data d, boolean categorical, boolean names) throws XGBoostError {
        DMatrix m = new DMatrix(d.x, d.rows, NF, Float.NaN);
        m.setLabel(d.y);
        if (d.groups != null) {
            m.setGroup(d.groups);
        }
        if (d.lower != null) {
            check(XGBoostJNI.XGDMatrixSetFloatInfo(m.getHandle(), "label_lower_bound", d.lower));
            check(XGBoostJNI.XGDMatrixSetFloatInfo(m.getHandle(), "label_upper_bound", d.upper));
        }
        if (categorical) {
            String[] types = new String[NF];
            Arrays.fill(types, "q");
            for (int c : CAT_COLS) {
                types[c] = "c";
            }
            types[11] = "int";
            m.setFeatureTypes(types);
        }
        if (names) {
            String[] n = new String[NF];
            for (int f = 0; f < NF; f++) {
                n[f] = "feat_" + f;
            }
            m.setFeatureNames(n);
        }
        return m;
    }

    private static void check(int rc) throws XGBoostError {
        if (rc != 0) {
            throw new XGBoostError(XGBoostJNI.XGBGetLastError());
        }
    }

    static Booster train(Map<String, Object> params, Data d, int rounds, boolean categorical, boolean names)
            throws XGBoostError {
        DMatrix m = dmatrix(d, categorical, names);
        try {
            return XGBoost.train(m, params, rounds, new HashMap<>(), null, null);
        } finally {
            m.dispose();
        }
    }

    /** Trains with a validation set and early stopping so that the booster carries {@code best_iteration}. */
    static Booster trainEarlyStopping(Map<String, Object> params, Data train, Data valid, int rounds, int patience)
            throws XGBoostError {
        DMatrix t = dmatrix(train, false, false);
        DMatrix v = dmatrix(valid, false, false);
        try {
            Map<String, DMatrix> watches = new LinkedHashMap<>();
            watches.put("valid", v);
            return XGBoost.train(t, params, rounds, watches, null, null, null, patience);
        } finally {
            t.dispose();
            v.dispose();
        }
    }

    // ------------------------------------------------------------------------------------------ evaluation rows

    /**
     * Random rows (10% missing) plus edge rows: every feature set in turn to ±0, ±Inf, NaN, ±Float.MAX_VALUE and
     * the smallest subnormal; each split threshold of the model exactly, one ulp below and one ulp above; and odd
     * category codes (negative, fractional, 2^24 - 1, 2^24, 3e9, unseen) in the categorical columns.
     */
    static float[] evalRows(long seed, ParsedModel model) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<float[]> rows = new ArrayList<>();
        float[] random = features(rnd, RANDOM_EVAL_ROWS, 0.10);
        for (int r = 0; r < RANDOM_EVAL_ROWS; r++) {
            rows.add(Arrays.copyOfRange(random, r * NF, r * NF + NF));
        }
        float[] specials = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MAX_VALUE,
            -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE};
        for (int f = 0; f < NF; f++) {
            for (float s : specials) {
                float[] row = randomRow(rnd);
                row[f] = s;
                rows.add(row);
            }
        }
        float[] cats = {-1f, -0.5f, -0f, 0.5f, 2.7f, 3.99f, 7f, 8f, 9f, 100f, 1e7f, 16777215f, 16777216f, 3e9f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 2f, 5f, 6f};
        for (int c : CAT_COLS) {
            for (float v : cats) {
                for (int rep = 0; rep < 3; rep++) {
                    float[] row = randomRow(rnd);
                    row[c] = v;
                    rows.add(row);
                }
            }
        }
        float[] all = new float[NF];
        Arrays.fill(all, Float.NaN);
        rows.add(all);
        if (model != null) {
            List<long[]> splits = new ArrayList<>();
            for (TreeNodes t : model.trees) {
                for (int n = 0; n < t.left().length; n++) {
                    boolean categorical = t.categories() != null && t.categories()[n] != null;
                    if (t.left()[n] != -1 && !categorical) {
                        splits.add(new long[] {t.feature()[n], Float.floatToRawIntBits(t.threshold()[n])});
                    }
                }
            }
            int take = Math.min(splits.size(), 700);
            for (int i = 0; i < take; i++) {
                long[] s = splits.get(splits.size() <= 700 ? i : rnd.nextInt(splits.size()));
                float thr = Float.intBitsToFloat((int) s[1]);
                for (float v : new float[] {thr, Math.nextDown(thr), Math.nextUp(thr)}) {
                    float[] row = randomRow(rnd);
                    row[(int) s[0]] = v;
                    rows.add(row);
                }
            }
        }
        float[] out = new float[rows.size() * NF];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, out, r * NF, NF);
        }
        return out;
    }

    private static float[] randomRow(SplittableRandom rnd) {
        return features(rnd, 1, 0.10);
    }

    // ------------------------------------------------------------------------------------------ comparison

    /** XGBoost4J's inplace prediction (accepts ±Inf); {@code iterationRange} may be null for all iterations. */
    static float[][] xgbPredict(Booster b, float[] rows, int n, boolean margin, int[] iterationRange)
            throws XGBoostError {
        return b.inplace_predict(rows, n, NF, Float.NaN, iterationRange == null ? new int[] {0, 0} : iterationRange,
                margin ? Booster.PredictionType.kMargin : Booster.PredictionType.kValue, null);
    }

    /**
     * XGBoost4J's DMatrix prediction ({@code predict(dm, outputMargin)}), the only path gblinear supports. A DMatrix
     * rejects infinite values when {@code missing} is NaN, so callers pass rows without ±Inf.
     */
    static float[][] xgbPredictDMatrix(Booster b, float[] rows, int n, boolean margin) throws XGBoostError {
        DMatrix m = new DMatrix(rows, n, NF, Float.NaN);
        try {
            return b.predict(m, margin);
        } finally {
            m.dispose();
        }
    }

    /** @return the rows of {@code rows} that contain no infinite value */
    static float[] withoutInfinities(float[] rows) {
        int n = rows.length / NF;
        float[] out = new float[rows.length];
        int kept = 0;
        for (int r = 0; r < n; r++) {
            boolean finite = true;
            for (int f = 0; f < NF; f++) {
                finite &= !Float.isInfinite(rows[r * NF + f]);
            }
            if (finite) {
                System.arraycopy(rows, r * NF, out, kept * NF, NF);
                kept++;
            }
        }
        return Arrays.copyOf(out, kept * NF);
    }

    /** Distance in units in the last place between two floats (0 for equal bits or two NaNs). */
    static long ulps(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
        }
        return Math.abs(ordered(a) - ordered(b));
    }

    private static long ordered(float f) {
        int bits = Float.floatToIntBits(f);
        return bits < 0 ? (long) Integer.MIN_VALUE - bits : bits;
    }

    /** Statistics of one comparison, for the parity report. */
    static final class Comparison {
        long values;
        long exact;
        long maxUlps;

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d values, %d bit-exact, max %d ulp", values, exact, maxUlps);
        }
    }

    /**
     * Asserts that every margin is bit-identical ({@link Float#floatToIntBits}) to XGBoost's.
     *
     * @return comparison statistics
     */
    static Comparison assertMarginsBitExact(String what, Model model, float[] rows, int n, float[][] expected) {
        int k = model.numMarginOutputs();
        float[] out = new float[n * k];
        model.scoreMargin(rows, n, out);
        Comparison c = new Comparison();
        assertEquals(n, expected.length, what + ": XGBoost rows");
        for (int r = 0; r < n; r++) {
            assertEquals(k, expected[r].length, what + ": XGBoost margin columns");
            for (int j = 0; j < k; j++) {
                c.values++;
                float e = expected[r][j];
                float a = out[r * k + j];
                if (Float.floatToIntBits(e) != Float.floatToIntBits(a)) {
                    fail(what + ": margin mismatch at row " + r + " output " + j + ": XGBoost " + e + " (0x"
                            + Integer.toHexString(Float.floatToRawIntBits(e)) + "), Hotpath " + a + " (0x"
                            + Integer.toHexString(Float.floatToRawIntBits(a)) + "); row = "
                            + Arrays.toString(Arrays.copyOfRange(rows, r * NF, r * NF + NF)));
                }
                c.exact++;
            }
        }
        return c;
    }

    /**
     * Asserts that every transformed output is within {@code maxUlps} of XGBoost's.
     *
     * @return comparison statistics
     */
    static Comparison assertOutputsClose(String what, Model model, float[] rows, int n, float[][] expected,
            long maxUlps) {
        int k = model.numOutputs();
        float[] out = new float[n * k];
        model.score(rows, n, out);
        Comparison c = new Comparison();
        for (int r = 0; r < n; r++) {
            assertEquals(k, expected[r].length, what + ": XGBoost output columns");
            for (int j = 0; j < k; j++) {
                c.values++;
                long d = ulps(expected[r][j], out[r * k + j]);
                if (d > maxUlps) {
                    fail(what + ": output mismatch at row " + r + " output " + j + ": XGBoost " + expected[r][j]
                            + ", Hotpath " + out[r * k + j] + " (" + d + " ulp); row = "
                            + Arrays.toString(Arrays.copyOfRange(rows, r * NF, r * NF + NF)));
                }
                if (d == 0) {
                    c.exact++;
                }
                c.maxUlps = Math.max(c.maxUlps, d);
            }
        }
        return c;
    }

    // ------------------------------------------------------------------------------------------ files

    static ParsedModel parse(Path file) throws IOException {
        return XgboostReader.parse(Files.readAllBytes(file), file.toString(), ModelLimits.defaults());
    }

    /** Reads the hex-bit CSV files written by the legacy fixture generator. */
    static float[][] readHexCsv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        float[][] out = new float[lines.size()][];
        for (int i = 0; i < lines.size(); i++) {
            String[] parts = lines.get(i).split(",");
            out[i] = new float[parts.length];
            for (int j = 0; j < parts.length; j++) {
                out[i][j] = Float.intBitsToFloat(Integer.parseUnsignedInt(parts[j].trim(), 16));
            }
        }
        return out;
    }

    static float[] flatten(float[][] m) {
        int cols = m.length == 0 ? 0 : m[0].length;
        float[] out = new float[m.length * cols];
        for (int r = 0; r < m.length; r++) {
            System.arraycopy(m[r], 0, out, r * cols, cols);
        }
        return out;
    }
}
