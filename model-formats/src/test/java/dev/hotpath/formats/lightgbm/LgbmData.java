package dev.hotpath.formats.lightgbm;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeded, fraud-like training and test data for the LightGBM parity tests, and the edge rows every model is checked
 * on. Eight features, chosen so LightGBM gives them different missing types and split kinds:
 * <ol start="0">
 *   <li>{@code amount}: log-normal, 8 % NaN (missing type NaN);</li>
 *   <li>{@code velocity}: Gaussian, never NaN in training (missing type None: NaN reads as 0);</li>
 *   <li>{@code merchant_cat}: category codes 0–40, some -1 and NaN (categorical when declared so);</li>
 *   <li>{@code balance}: exponential with 25 % exact zeros (missing type Zero under {@code zero_as_missing});</li>
 *   <li>{@code score}: uniform in [-1, 1], 5 % NaN;</li>
 *   <li>{@code count}: small integers 0–5;</li>
 *   <li>{@code age_days}: Gaussian × 1000;</li>
 *   <li>{@code channel}: category codes 0–3, 3 % NaN (one-hot splits).</li>
 * </ol>
 */
final class LgbmData {
    static final int F = 8;
    static final String NAMES = "amount velocity merchant_cat balance score count age_days channel";

    /** Values where LightGBM's rules are decided; each is put into every feature of a base row. */
    static final float[] EDGE = {Float.NaN, 0f, -0f, 1e-36f, -1e-36f, 1e-35f, -1e-35f, Math.nextUp(1e-35f), 1e-34f,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1f, -0.5f, -0.999f, 0.5f, 0.999f, 1f, 2.9f, 3.5f, 31f, 32f,
        33f, 40f, 63f, 64f, 1e9f, 3e9f, -3e9f, 1e10f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE};

    enum Label { BINARY, REGRESSION, POSITIVE, PROBABILITY, MULTICLASS, RELEVANCE }

    private LgbmData() {
    }

    static float[] features(int rows, long seed) {
        Random r = new Random(seed);
        float[] x = new float[rows * F];
        for (int i = 0; i < rows; i++) {
            int o = i * F;
            x[o] = r.nextInt(100) < 8 ? Float.NaN : (float) Math.exp(r.nextGaussian() * 1.5 + 3);
            x[o + 1] = (float) r.nextGaussian();
            int cat = r.nextInt(100);
            x[o + 2] = cat < 3 ? Float.NaN : cat < 6 ? -1f : r.nextInt(41);
            x[o + 3] = r.nextInt(100) < 25 ? 0f : (float) -Math.log(1 - r.nextDouble()) * 50;
            x[o + 4] = r.nextInt(100) < 5 ? Float.NaN : (float) (r.nextDouble() * 2 - 1);
            x[o + 5] = r.nextInt(6);
            x[o + 6] = (float) (r.nextGaussian() * 1000);
            x[o + 7] = r.nextInt(100) < 3 ? Float.NaN : r.nextInt(4);
        }
        return x;
    }

    /** A latent score every label is derived from; uses most features, categorical ones non-monotonically. */
    private static double latent(float[] x, int i, Random noise) {
        int o = i * F;
        double amount = Float.isNaN(x[o]) ? 2.0 : Math.log1p(x[o]) - 3;
        double cat = Float.isNaN(x[o + 2]) || x[o + 2] < 0 ? 0.3 : ((int) x[o + 2] % 7 == 3 ? 1.5 : -0.2);
        double score = Float.isNaN(x[o + 4]) ? -0.5 : x[o + 4];
        return 0.8 * amount + 0.6 * x[o + 1] + cat + (x[o + 3] == 0 ? 0.7 : -0.01 * x[o + 3]) + score
                + 0.2 * x[o + 5] + 0.0003 * x[o + 6] + (x[o + 7] == 2 ? 0.8 : 0) + noise.nextGaussian() * 0.5;
    }

    static Lgbm.Data data(int rows, long seed, Label label) {
        float[] x = features(rows, seed);
        Random noise = new Random(seed + 1);
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            double z = latent(x, i, noise);
            switch (label) {
                case BINARY -> y[i] = z > 0.5 ? 1 : 0;
                case REGRESSION -> y[i] = (float) z;
                case POSITIVE -> y[i] = (float) Math.exp(0.5 * z) + 0.01f;
                case PROBABILITY -> y[i] = (float) (1 / (1 + Math.exp(-z)));
                case MULTICLASS -> y[i] = z < -0.3 ? 0 : z < 1.2 ? 1 : 2;
                default -> y[i] = z < 0 ? 0 : z < 1 ? 1 : z < 2 ? 2 : 3;
            }
        }
        int[] groups = null;
        if (label == Label.RELEVANCE) {
            groups = new int[rows / 20];
            java.util.Arrays.fill(groups, 20);
        }
        return new Lgbm.Data(x, rows, F, y, groups, NAMES.split(" "));
    }

    /**
     * Rows to compare on: {@code n} fresh rows, then every {@link #EDGE} value in every feature of the first row,
     * then for every numerical threshold in {@code model} (at most 400) the floats at, just below and just above it.
     */
    static float[] testRows(int n, long seed, String model) {
        List<float[]> rows = new ArrayList<>();
        float[] fresh = features(n, seed);
        for (int i = 0; i < n; i++) {
            rows.add(java.util.Arrays.copyOfRange(fresh, i * F, (i + 1) * F));
        }
        float[] base = rows.get(0);
        for (int f = 0; f < F; f++) {
            for (float v : EDGE) {
                float[] row = base.clone();
                row[f] = v;
                rows.add(row);
            }
        }
        int added = 0;
        for (double[] split : thresholds(model)) {
            if (added >= 400) {
                break;
            }
            int f = (int) split[0];
            float t = (float) split[1];
            for (float v : new float[] {t, Math.nextDown(t), Math.nextUp(t)}) {
                float[] row = rows.get(1 + added % (n - 1)).clone();
                row[f] = v;
                rows.add(row);
            }
            added++;
        }
        float[] out = new float[rows.size() * F];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, out, i * F, F);
        }
        return out;
    }

    private static final Pattern FEATURES = Pattern.compile("(?m)^split_feature=(.*)$");
    private static final Pattern THRESHOLDS = Pattern.compile("(?m)^threshold=(.*)$");
    private static final Pattern DECISIONS = Pattern.compile("(?m)^decision_type=(.*)$");

    /** {@code {feature, threshold}} of the numerical splits, read from the model text with regular expressions. */
    static List<double[]> thresholds(String model) {
        List<double[]> out = new ArrayList<>();
        Matcher f = FEATURES.matcher(model);
        Matcher t = THRESHOLDS.matcher(model);
        Matcher d = DECISIONS.matcher(model);
        while (f.find() && t.find() && d.find()) {
            String[] fs = f.group(1).trim().split(" ");
            String[] ts = t.group(1).trim().split(" ");
            String[] ds = d.group(1).trim().split(" ");
            for (int i = 0; i < fs.length && !fs[i].isEmpty(); i++) {
                if ((Integer.parseInt(ds[i]) & 1) == 0 && !ts[i].contains("inf")) {
                    out.add(new double[] {Integer.parseInt(fs[i]), Double.parseDouble(ts[i])});
                }
            }
        }
        return out;
    }
}
