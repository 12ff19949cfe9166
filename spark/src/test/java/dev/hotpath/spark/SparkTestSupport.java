package dev.hotpath.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.apache.spark.sql.SparkSession;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Shared test helpers: a local-mode SparkSession (one per test class), models trained by real XGBoost4J in the test
 * itself, evaluation rows with NaN, ±Infinity, zeros and ±0, and bit-level comparison.
 */
final class SparkTestSupport {
    /** Feature names of the trained models; the DataFrames name their columns the same way. */
    static final String[] FEATURES = {"amount", "velocity", "account_age", "risk", "hour", "card_present"};
    static final int NF = FEATURES.length;

    private SparkTestSupport() {
    }

    /** A local-mode session on loopback, no UI, two partitions per shuffle. */
    static SparkSession session(String app) {
        return SparkSession.builder()
                .master("local[2]")
                .appName(app)
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate();
    }

    /**
     * Rows with ~10 % NaN, some exact zeros and ±0, and (when {@code specials}) ±Infinity, row-major.
     */
    static float[] rows(long seed, int n, boolean specials) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n * NF];
        for (int i = 0; i < x.length; i++) {
            double u = rnd.nextDouble();
            float v;
            if (u < 0.10) {
                v = Float.NaN;
            } else if (u < 0.20) {
                v = 0f;
            } else if (specials && u < 0.23) {
                v = Float.POSITIVE_INFINITY;
            } else if (specials && u < 0.26) {
                v = Float.NEGATIVE_INFINITY;
            } else if (specials && u < 0.28) {
                v = -0f;
            } else {
                v = (float) (rnd.nextDouble() * 4.0 - 2.0);
            }
            x[i] = v;
        }
        return x;
    }

    static float[] labels(float[] x, int n, int classes) {
        float[] y = new float[n];
        for (int r = 0; r < n; r++) {
            double z = nz(x[r * NF]) - 0.7 * nz(x[r * NF + 1]) + 0.5 * nz(x[r * NF + 3]) * nz(x[r * NF + 4])
                    + (x[r * NF + 5] > 0 ? 0.4 : -0.2);
            if (classes == 2) {
                y[r] = z > 0.1 ? 1f : 0f;
            } else {
                y[r] = z < -0.6 ? 0f : (z < 0.6 ? 1f : 2f);
            }
        }
        return y;
    }

    private static double nz(float v) {
        return Float.isFinite(v) ? v : 0.0;
    }

    /**
     * Trains with XGBoost4J and saves the model.
     *
     * @param classes 2 for binary:logistic, more for multi:softprob
     * @param file where to save ({@code .json} or {@code .ubj} decides the format)
     */
    static Booster train(int classes, Path file) throws XGBoostError {
        int n = 1500;
        float[] x = rows(7 + classes, n, false);
        DMatrix m = new DMatrix(x, n, NF, Float.NaN);
        try {
            m.setLabel(labels(x, n, classes));
            m.setFeatureNames(FEATURES.clone());
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("objective", classes == 2 ? "binary:logistic" : "multi:softprob");
            if (classes > 2) {
                p.put("num_class", classes);
            }
            p.put("nthread", 1);
            p.put("seed", 5);
            p.put("max_depth", 4);
            p.put("eta", 0.3);
            p.put("tree_method", "hist");
            Booster b = XGBoost.train(m, p, 12, new HashMap<>(), null, null);
            b.saveModel(file.toString());
            return b;
        } finally {
            m.dispose();
        }
    }

    /** XGBoost4J's own prediction (inplace: accepts ±Infinity; NaN is missing), row-major. */
    static float[] xgb(Booster b, float[] rows, int n, boolean margin) throws XGBoostError {
        float[][] p = b.inplace_predict(rows, n, NF, Float.NaN, new int[] {0, 0},
                margin ? Booster.PredictionType.kMargin : Booster.PredictionType.kValue, null);
        int k = p[0].length;
        float[] out = new float[n * k];
        for (int r = 0; r < n; r++) {
            System.arraycopy(p[r], 0, out, r * k, k);
        }
        return out;
    }

    static void assertBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": value " + i + " expected " + expected[i] + " (0x"
                        + Integer.toHexString(Float.floatToRawIntBits(expected[i])) + ") but was " + actual[i]
                        + " (0x" + Integer.toHexString(Float.floatToRawIntBits(actual[i])) + ")");
            }
        }
    }
}
