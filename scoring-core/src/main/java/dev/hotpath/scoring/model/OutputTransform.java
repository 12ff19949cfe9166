package dev.hotpath.scoring.model;

import dev.hotpath.scoring.math.GlibcMath;

/**
 * The function that turns a row's raw margins into the model's outputs, computed in {@code float} exactly as
 * XGBoost does (with glibc-identical {@code expf}, see {@link GlibcMath}).
 *
 * <p>Thread-safe and allocation-free.
 */
public enum OutputTransform {
    /** Outputs are the margins ({@code reg:squarederror}, {@code binary:logitraw}, {@code rank:*}, …). */
    IDENTITY,
    /** XGBoost's sigmoid: {@code 1 / (expf(min(-m, 88.7f)) + 1 + 1e-16f)} ({@code binary:logistic}). */
    LOGISTIC,
    /** Softmax over the K margins ({@code multi:softprob}); the sum is accumulated in double like XGBoost. */
    SOFTMAX,
    /** The index of the first largest margin as a float, one output ({@code multi:softmax}). */
    ARGMAX,
    /** {@code expf(m)} ({@code count:poisson}, {@code reg:gamma}, {@code reg:tweedie}, {@code survival:cox}). */
    EXP,
    /** {@code (float) exp((double) m)} ({@code survival:aft}, whose C++ code binds the double {@code exp}). */
    EXP_DOUBLE,
    /** {@code m > 0 ? 1 : 0} ({@code binary:hinge}). */
    HINGE,
    /** Each row's K outputs sorted ascending so quantiles never cross ({@code reg:quantileerror}, XGBoost 3.4). */
    SORT_ASCENDING,
    /** Cumulative: {@code p = m0}, then {@code p += 1e-6f + softplus(m_j)} ({@code reg:expectileerror}). */
    EXPECTILE;

    /**
     * @param numMargins the model's number of margins K
     * @return how many outputs this transform produces from K margins
     */
    public int numOutputs(int numMargins) {
        return this == ARGMAX ? 1 : numMargins;
    }

    /**
     * Transforms a single margin (K = 1).
     *
     * @param m the margin
     * @return the output
     */
    public float applyScalar(float m) {
        switch (this) {
            case LOGISTIC:
                return logistic(m);
            case EXP:
                return GlibcMath.expf(m);
            case EXP_DOUBLE:
                return (float) Math.exp(m);
            case HINGE:
                return m > 0 ? 1.0f : 0.0f;
            case ARGMAX:
                return 0.0f;
            case SOFTMAX:
                // XGBoost's softmax of a single value: expf(m - m) / expf(m - m), i.e. 1 (or NaN for NaN).
                float e = GlibcMath.expf(m - m);
                return e / e;
            default:
                return m; // IDENTITY, SORT_ASCENDING and EXPECTILE of one value
        }
    }

    /**
     * Transforms K margins into {@link #numOutputs(int)} outputs. {@code out} may be the same array as {@code m}
     * only when {@code outOff == mOff}.
     *
     * @param m margins
     * @param mOff first margin
     * @param k number of margins
     * @param out receives the outputs
     * @param outOff first output index
     */
    public void apply(float[] m, int mOff, int k, float[] out, int outOff) {
        switch (this) {
            case LOGISTIC:
                for (int j = 0; j < k; j++) {
                    out[outOff + j] = logistic(m[mOff + j]);
                }
                return;
            case EXP:
                for (int j = 0; j < k; j++) {
                    out[outOff + j] = GlibcMath.expf(m[mOff + j]);
                }
                return;
            case EXP_DOUBLE:
                for (int j = 0; j < k; j++) {
                    out[outOff + j] = (float) Math.exp(m[mOff + j]);
                }
                return;
            case HINGE:
                for (int j = 0; j < k; j++) {
                    out[outOff + j] = m[mOff + j] > 0 ? 1.0f : 0.0f;
                }
                return;
            case SOFTMAX:
                softmax(m, mOff, k, out, outOff);
                return;
            case ARGMAX:
                out[outOff] = argmax(m, mOff, k);
                return;
            case SORT_ASCENDING:
                sortAscending(m, mOff, k, out, outOff);
                return;
            case EXPECTILE:
                expectile(m, mOff, k, out, outOff);
                return;
            default:
                if (out != m || outOff != mOff) {
                    System.arraycopy(m, mOff, out, outOff, k);
                }
        }
    }

    private static float logistic(float m) {
        return 1.0f / (GlibcMath.expf(Math.min(-m, 88.7f)) + 1.0f + 1e-16f);
    }

    private static void softmax(float[] m, int mOff, int k, float[] out, int outOff) {
        float wmax = m[mOff];
        for (int j = 1; j < k; j++) {
            wmax = fmaxf(m[mOff + j], wmax);
        }
        double wsum = 0.0;
        for (int j = 0; j < k; j++) {
            wsum += GlibcMath.expf(m[mOff + j] - wmax);
        }
        float sum = (float) wsum;
        for (int j = 0; j < k; j++) {
            out[outOff + j] = GlibcMath.expf(m[mOff + j] - wmax) / sum;
        }
    }

    /** C's fmaxf: a NaN operand is ignored in favour of the other. */
    private static float fmaxf(float a, float b) {
        if (a != a) {
            return b;
        }
        if (b != b) {
            return a;
        }
        return a > b ? a : b;
    }

    private static float argmax(float[] m, int mOff, int k) {
        int best = 0;
        float bestValue = m[mOff];
        for (int j = 1; j < k; j++) {
            if (m[mOff + j] > bestValue) {
                bestValue = m[mOff + j];
                best = j;
            }
        }
        return best;
    }

    private static void sortAscending(float[] m, int mOff, int k, float[] out, int outOff) {
        if (out != m || outOff != mOff) {
            System.arraycopy(m, mOff, out, outOff, k);
        }
        // Insertion sort, as XGBoost 3.4 does; K is tiny (number of quantiles).
        for (int i = 1; i < k; i++) {
            float v = out[outOff + i];
            int j = i - 1;
            while (j >= 0 && out[outOff + j] > v) {
                out[outOff + j + 1] = out[outOff + j];
                j--;
            }
            out[outOff + j + 1] = v;
        }
    }

    private static void expectile(float[] m, int mOff, int k, float[] out, int outOff) {
        float p = m[mOff];
        out[outOff] = p;
        for (int j = 1; j < k; j++) {
            p += 1e-6f + softPlus(m[mOff + j]);
            out[outOff + j] = p;
        }
    }

    /** XGBoost's {@code common::SoftPlus}, split on the sign for accuracy, with glibc's float functions. */
    private static float softPlus(float x) {
        return x > 0 ? x + GlibcMath.log1pf(GlibcMath.expf(-x)) : GlibcMath.log1pf(GlibcMath.expf(x));
    }
}
