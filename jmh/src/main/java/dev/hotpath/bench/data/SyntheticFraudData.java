package dev.hotpath.bench.data;

import java.util.SplittableRandom;

/**
 * Deterministic, fraud-like tabular data: skewed amounts, counts, scores in [0, 1], binary flags and correlated
 * continuous features with ties and clipping, about 5 % missing values (NaN, at per-feature rates from 2 % to 20 %)
 * and about 5 % positive labels driven by a few latent risk factors.
 *
 * <p>Why not Gaussian noise: real fraud features are skewed, correlated and full of repeated values, which changes
 * both the trees XGBoost grows and how predictable a tree walk's branches are. The generator is pure Java and seeded,
 * so a given {@code (rows, features, seed)} always produces the same bits.
 *
 * <p>Immutable and thread-safe; generation allocates the returned arrays.
 */
public final class SyntheticFraudData {
    /** The widest row the generator produces; narrower data sets are prefixes of it. */
    public static final int MAX_FEATURES = 200;

    private SyntheticFraudData() {
    }

    /** Rows in row-major order plus one 0/1 label per row. */
    public record Dataset(float[] rows, float[] labels, int numRows, int numFeatures) {
        /** @return a copy of row {@code r} */
        public float[] row(int r) {
            float[] out = new float[numFeatures];
            System.arraycopy(rows, r * numFeatures, out, 0, numFeatures);
            return out;
        }

        /** @return the fraction of NaN values */
        public double missingRate() {
            long n = 0;
            for (float v : rows) {
                if (v != v) {
                    n++;
                }
            }
            return (double) n / rows.length;
        }

        /** @return the fraction of positive labels */
        public double positiveRate() {
            double s = 0;
            for (float l : labels) {
                s += l;
            }
            return s / labels.length;
        }
    }

    /**
     * Generates a data set.
     *
     * @param numRows rows to generate
     * @param numFeatures row width, 1 to {@link #MAX_FEATURES}
     * @param seed the seed; equal arguments give equal data
     * @return the data set
     */
    public static Dataset generate(int numRows, int numFeatures, long seed) {
        if (numFeatures < 1 || numFeatures > MAX_FEATURES) {
            throw new IllegalArgumentException("numFeatures must be in [1, " + MAX_FEATURES + "], was " + numFeatures);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] rows = new float[numRows * numFeatures];
        float[] labels = new float[numRows];
        float[] full = new float[MAX_FEATURES];
        double[] z = new double[10];
        for (int r = 0; r < numRows; r++) {
            labels[r] = fillRow(rnd, full, z);
            System.arraycopy(full, 0, rows, r * numFeatures, numFeatures);
        }
        return new Dataset(rows, labels, numRows, numFeatures);
    }

    private static float fillRow(SplittableRandom rnd, float[] f, double[] z) {
        double customer = gauss(rnd);
        double merchant = gauss(rnd);
        double session = gauss(rnd);
        for (int k = 0; k < z.length; k++) {
            z[k] = gauss(rnd);
        }
        double amountLog = 3.5 + 1.1 * gauss(rnd) + 0.35 * customer;
        double logit = -4.1 + 0.9 * customer + 0.8 * merchant + 0.7 * session
                + 0.6 * (amountLog > 5.2 ? 1 : 0) + 0.5 * Math.max(0, customer * merchant) + 0.3 * z[0] * z[1]
                + 0.4 * gauss(rnd);
        float label = rnd.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1f : 0f;

        f[0] = (float) (Math.round(Math.exp(amountLog) * 100) / 100.0);
        f[1] = (float) Math.floorMod((int) Math.round(14 + 5 * gauss(rnd) - 3 * session), 24);
        for (int j = 2; j < 10; j++) {
            f[j] = (float) Math.round(Math.exp(0.4 + 0.15 * j + 0.5 * gauss(rnd) + 0.4 * session));
        }
        for (int j = 10; j < 20; j++) {
            double s = 1 / (1 + Math.exp(-(0.8 * merchant + 0.7 * gauss(rnd) + 0.1 * (j - 15))));
            f[j] = (float) (Math.round(s * 1000) / 1000.0);
        }
        for (int j = 20; j < 30; j++) {
            f[j] = gauss(rnd) + 0.5 * customer + 0.05 * (j - 20) > 1.2 ? 1f : 0f;
        }
        for (int j = 30; j < MAX_FEATURES; j++) {
            double risk = (j % 3 == 0 ? customer : j % 3 == 1 ? merchant : session);
            double v = 0.7 * z[j % 10] + 0.3 * risk + 0.5 * gauss(rnd);
            switch (j % 4) {
                case 0 -> f[j] = (float) Math.exp(v);
                case 1 -> f[j] = (float) (Math.round(v * 10) / 10.0);
                case 2 -> f[j] = (float) v;
                default -> f[j] = (float) Math.max(-1.5, Math.min(1.5, v));
            }
        }
        for (int j = 0; j < MAX_FEATURES; j++) {
            double rate = j % 10 == 0 ? 0.20 : (j % 10 == 1 || j % 10 == 2) ? 0.08 : 0.02;
            if (rnd.nextDouble() < rate) {
                f[j] = Float.NaN;
            }
        }
        return label;
    }

    private static double gauss(SplittableRandom rnd) {
        // Box-Muller on two uniforms: SplittableRandom has no nextGaussian on JDK 17.
        double u1 = 1.0 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
