package dev.hotpath.scoring.model;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.math.GlibcMath;
import java.util.Locale;

/**
 * The function that turns the raw scores of an ensemble summed in {@code double} (LightGBM) into its outputs,
 * computed in {@code double} exactly as LightGBM's {@code ConvertOutput} does and rounded to {@code float} once, at
 * the end. {@code exp} is glibc's ({@link GlibcMath#exp(double)}), so outputs equal LightGBM's on glibc hosts.
 *
 * <p>For random forests ({@code average_output}) the raw sums are first divided by the number of iterations
 * ({@link #averagedOver(int)}); like LightGBM, raw-score prediction ({@code scoreMargin}) is not divided.
 *
 * <p>Immutable and thread-safe; {@code apply} methods allocate nothing.
 */
public final class DoubleOutputTransform {
    /** The output functions LightGBM's objectives use. */
    public enum Kind {
        /** The raw score ({@code regression}, {@code huber}, {@code lambdarank}, no objective, …). */
        IDENTITY,
        /** {@code 1 / (1 + exp(-s * m))} per output ({@code binary}, {@code multiclassova}, {@code cross_entropy}). */
        SIGMOID,
        /** Softmax over the outputs, maximum subtracted first ({@code multiclass}). */
        SOFTMAX,
        /** {@code exp(m)} ({@code poisson}, {@code gamma}, {@code tweedie}). */
        EXP,
        /** {@code log1p(exp(m))} ({@code cross_entropy_lambda}). */
        LOG1P_EXP,
        /** {@code sign(m) * m * m} (regression objectives trained with {@code reg_sqrt}). */
        SIGNED_SQUARE
    }

    private static final DoubleOutputTransform IDENTITY_TRANSFORM = new DoubleOutputTransform(Kind.IDENTITY, 1.0, 0);

    static {
        // Initialises glibc's exp table and FMA choice at model build time, not on a scoring call.
        GlibcMath.exp(0.0);
    }

    private final Kind kind;
    private final double sigmoidScale;
    /** Number of iterations the raw sums are divided by, or 0 for none. */
    private final int averagedOver;

    private DoubleOutputTransform(Kind kind, double sigmoidScale, int averagedOver) {
        this.kind = kind;
        this.sigmoidScale = sigmoidScale;
        this.averagedOver = averagedOver;
    }

    /** @return the identity: outputs are the raw sums */
    public static DoubleOutputTransform identity() {
        return IDENTITY_TRANSFORM;
    }

    /**
     * @param scale LightGBM's {@code sigmoid} parameter, finite and {@code > 0}
     * @return {@code 1 / (1 + exp(-scale * m))}, applied to every output
     * @throws ConfigurationException if {@code scale} is not finite and positive
     */
    public static DoubleOutputTransform sigmoid(double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new ConfigurationException("sigmoid scale must be finite and > 0, was " + scale);
        }
        return new DoubleOutputTransform(Kind.SIGMOID, scale, 0);
    }

    /**
     * @param kind any kind but {@link Kind#SIGMOID} (which needs a scale, see {@link #sigmoid(double)})
     * @return that transform
     * @throws ConfigurationException for {@link Kind#SIGMOID}
     */
    public static DoubleOutputTransform of(Kind kind) {
        if (kind == Kind.SIGMOID) {
            throw new ConfigurationException("a sigmoid needs its scale: use DoubleOutputTransform.sigmoid(scale)");
        }
        return kind == Kind.IDENTITY ? IDENTITY_TRANSFORM : new DoubleOutputTransform(kind, 1.0, 0);
    }

    /**
     * @param iterations the number of boosting iterations scored, {@code >= 1}
     * @return this transform applied to the raw sums divided by {@code iterations} ({@code average_output})
     * @throws ConfigurationException if {@code iterations < 1}
     */
    public DoubleOutputTransform averagedOver(int iterations) {
        if (iterations < 1) {
            throw new ConfigurationException("average_output needs at least one iteration, was " + iterations);
        }
        return new DoubleOutputTransform(kind, sigmoidScale, iterations);
    }

    /** @return the output function */
    public Kind kind() {
        return kind;
    }

    /** @return the sigmoid scale ({@code 1.0} unless {@link Kind#SIGMOID}) */
    public double sigmoidScale() {
        return sigmoidScale;
    }

    /** @return the number of iterations the raw sums are divided by, or 0 when they are not averaged */
    public int averagedOver() {
        return averagedOver;
    }

    /**
     * The output of a single-output model.
     *
     * @param raw the raw sum
     * @return the output, in double
     */
    public double applyScalar(double raw) {
        double m = averagedOver == 0 ? raw : raw / averagedOver;
        switch (kind) {
            case SIGMOID:
                return logistic(m);
            case SOFTMAX:
                double e = GlibcMath.exp(m - m);
                return e / e; // softmax of one value: 1, or NaN
            case EXP:
                return GlibcMath.exp(m);
            case LOG1P_EXP:
                return StrictMath.log1p(GlibcMath.exp(m));
            case SIGNED_SQUARE:
                // Common::Sign is an int (0 for NaN and ±0), so -0 squares to +0 and NaN stays NaN.
                double sign = m > 0 ? 1 : m < 0 ? -1 : 0;
                return sign * m * m;
            default:
                return m;
        }
    }

    /**
     * Transforms {@code k} raw sums and writes the outputs rounded to {@code float}.
     *
     * @param raw raw sums; overwritten with the (averaged) outputs in double
     * @param rawOff first raw sum
     * @param k number of outputs
     * @param out receives the outputs
     * @param outOff first output index
     */
    public void apply(double[] raw, int rawOff, int k, float[] out, int outOff) {
        if (kind == Kind.SOFTMAX && k > 1) {
            if (averagedOver != 0) {
                for (int j = 0; j < k; j++) {
                    raw[rawOff + j] /= averagedOver;
                }
            }
            softmax(raw, rawOff, k);
            for (int j = 0; j < k; j++) {
                out[outOff + j] = (float) raw[rawOff + j];
            }
            return;
        }
        for (int j = 0; j < k; j++) {
            out[outOff + j] = (float) applyScalar(raw[rawOff + j]);
        }
    }

    private double logistic(double m) {
        return 1.0 / (1.0 + GlibcMath.exp(-sigmoidScale * m));
    }

    /** LightGBM's {@code Common::Softmax}: {@code std::max} scan from the first value, exp, sum in order, divide. */
    private static void softmax(double[] v, int off, int k) {
        double wmax = v[off];
        for (int j = 1; j < k; j++) {
            double x = v[off + j];
            wmax = x < wmax ? wmax : x; // std::max(x, wmax)
        }
        double wsum = 0.0;
        for (int j = 0; j < k; j++) {
            double e = GlibcMath.exp(v[off + j] - wmax);
            v[off + j] = e;
            wsum += e;
        }
        for (int j = 0; j < k; j++) {
            v[off + j] /= wsum;
        }
    }

    @Override
    public String toString() {
        String name = kind.name().toLowerCase(Locale.ROOT);
        String s = kind == Kind.SIGMOID ? name + "(" + sigmoidScale + ")" : name;
        return averagedOver == 0 ? s : s + " of the average over " + averagedOver + " iterations";
    }
}
