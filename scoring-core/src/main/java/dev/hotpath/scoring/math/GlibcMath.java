package dev.hotpath.scoring.math;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * {@code expf}, {@code logf}, {@code log1pf} and the double-precision {@code exp} that return the same bits as glibc
 * 2.27 and later (2.28 for {@code exp}) on x86-64.
 *
 * <p><b>Why:</b> XGBoost computes its output transforms (sigmoid, softmax, exp) and its {@code base_score} link
 * (logit, log) in {@code float} with the host's glibc {@code expf}/{@code logf}. Those are not correctly rounded
 * (≤ 0.502 and ≤ 0.818 ulp), so {@code (float) Math.exp(x)} disagrees with them on roughly 0.03–0.06 % of
 * inputs. A base margin off by one ulp would shift every margin of a model, so Hotpath reproduces glibc's
 * algorithms exactly: both evaluate a short polynomial in {@code double} around a table point and round once.
 * LightGBM's transforms (sigmoid, softmax, exp) call the double-precision {@code exp}, which {@code Math.exp}
 * matches on only about 99.8 % of inputs; {@link #exp(double)} matches it on all.
 *
 * <p>The algorithms and the {@code logf} table and polynomial coefficients are those of Arm's optimized-routines
 * ({@code math/expf.c}, {@code math/exp2f_data.c}, {@code math/logf.c}, {@code math/logf_data.c}, {@code math/exp.c},
 * {@code math/exp_data.c}; Copyright (c) 2017-2018 Arm Limited; SPDX-License-Identifier: MIT), which glibc ships
 * since 2.27 (2.28 for {@code exp}). The {@code expf} table ({@code 2^(i/32)} as doubles) and the {@code exp} table
 * ({@code 2^(i/128)} as a double and its relative tail) are computed here at class initialisation with exact decimal
 * arithmetic. Older glibc (before 2.27) used other algorithms; against such hosts expect ≤ 1 ulp differences in
 * transformed outputs.
 *
 * <p>Thread-safe, allocation-free, no branches on data beyond the special-value checks.
 */
public final class GlibcMath {
    private GlibcMath() {
    }

    // ---------------------------------------------------------------- expf (EXP2F_TABLE_BITS = 5, order 3)
    private static final int EXP_TABLE_BITS = 5;
    private static final int EXP_N = 1 << EXP_TABLE_BITS;
    /** {@code tab[i] = bits(2^(i/N)) - (i << (52 - 5))}, so {@code 2^(k/N) = asdouble(tab[k%N] + (k << 47))}. */
    private static final long[] EXP_TAB = new long[EXP_N];
    private static final double EXP_INV_LN2_N = 0x1.71547652b82fep+0 * EXP_N;
    private static final double EXP_C0 = 0x1.c6af84b912394p-5 / EXP_N / EXP_N / EXP_N;
    private static final double EXP_C1 = 0x1.ebfce50fac4f3p-3 / EXP_N / EXP_N;
    private static final double EXP_C2 = 0x1.62e42ff0c52d6p-1 / EXP_N;
    private static final double EXP_SHIFT = 0x1.8p+52;

    static {
        MathContext mc = new MathContext(60);
        for (int i = 0; i < EXP_N; i++) {
            // 2^(i/32) is the fifth iterated square root of 2^i; 60 digits then one rounding to double.
            BigDecimal v = new BigDecimal(1L << i);
            for (int s = 0; s < 5; s++) {
                v = v.sqrt(mc);
            }
            EXP_TAB[i] = Double.doubleToRawLongBits(v.doubleValue()) - ((long) i << (52 - EXP_TABLE_BITS));
        }
    }

    /**
     * {@code e^x} in single precision, bit-identical to glibc's {@code expf}.
     *
     * @param x the exponent
     * @return {@code e^x}; {@code +Inf} on overflow, {@code 0} on underflow, {@code NaN} for {@code NaN}
     */
    public static float expf(float x) {
        int abstop = (Float.floatToRawIntBits(x) >>> 20) & 0x7ff;
        if (abstop >= 0x42b) { // top12(88.0f): |x| >= 88 or x is NaN
            if (Float.floatToRawIntBits(x) == 0xff800000) { // -Inf
                return 0.0f;
            }
            if (abstop >= 0x7f8) { // +Inf or NaN
                return x + x;
            }
            if (x > 0x1.62e42ep6f) { // x > log(0x1p128)
                return Float.POSITIVE_INFINITY;
            }
            if (x < -0x1.9fe368p6f) { // x < log(0x1p-150)
                return 0.0f;
            }
        }
        double z = EXP_INV_LN2_N * x;
        // Round z to an integer with ties to even, as the C code's "z + SHIFT" trick does.
        double kd = z + EXP_SHIFT;
        long ki = Double.doubleToRawLongBits(kd);
        kd -= EXP_SHIFT;
        double r = z - kd;
        long t = EXP_TAB[(int) (ki & (EXP_N - 1))];
        t += ki << (52 - EXP_TABLE_BITS);
        double s = Double.longBitsToDouble(t);
        double p = EXP_C0 * r + EXP_C1;
        double r2 = r * r;
        double y = EXP_C2 * r + 1;
        y = p * r2 + y;
        y = y * s;
        return (float) y;
    }

    // ---------------------------------------------------------------- logf (LOGF_TABLE_BITS = 4, order 4)
    private static final int LOG_TABLE_BITS = 4;
    private static final int LOG_N = 1 << LOG_TABLE_BITS;
    private static final int LOG_OFF = 0x3f330000;
    private static final double[] LOG_INVC = {
        0x1.661ec79f8f3bep+0, 0x1.571ed4aaf883dp+0, 0x1.49539f0f010bp+0, 0x1.3c995b0b80385p+0,
        0x1.30d190c8864a5p+0, 0x1.25e227b0b8eap+0, 0x1.1bb4a4a1a343fp+0, 0x1.12358f08ae5bap+0,
        0x1.0953f419900a7p+0, 0x1p+0, 0x1.e608cfd9a47acp-1, 0x1.ca4b31f026aap-1,
        0x1.b2036576afce6p-1, 0x1.9c2d163a1aa2dp-1, 0x1.886e6037841edp-1, 0x1.767dcf5534862p-1,
    };
    private static final double[] LOG_LOGC = {
        -0x1.57bf7808caadep-2, -0x1.2bef0a7c06ddbp-2, -0x1.01eae7f513a67p-2, -0x1.b31d8a68224e9p-3,
        -0x1.6574f0ac07758p-3, -0x1.1aa2bc79c81p-3, -0x1.a4e76ce8c0e5ep-4, -0x1.1973c5a611cccp-4,
        -0x1.252f438e10c1ep-5, 0x0p+0, 0x1.aa5aa5df25984p-5, 0x1.c5e53aa362eb4p-4,
        0x1.526e57720db08p-3, 0x1.bc2860d22477p-3, 0x1.1058bc8a07ee1p-2, 0x1.4043057b6ee09p-2,
    };
    private static final double LOG_LN2 = 0x1.62e42fefa39efp-1;
    private static final double LOG_A0 = -0x1.00ea348b88334p-2;
    private static final double LOG_A1 = 0x1.5575b0be00b6ap-2;
    private static final double LOG_A2 = -0x1.ffffef20a4123p-2;

    /**
     * Natural logarithm in single precision, bit-identical to glibc's {@code logf}.
     *
     * @param x the argument
     * @return {@code ln x}; {@code -Inf} for {@code ±0}, {@code NaN} for negative or {@code NaN} input
     */
    public static float logf(float x) {
        int ix = Float.floatToRawIntBits(x);
        if (ix == 0x3f800000) {
            return 0.0f;
        }
        if (Integer.compareUnsigned(ix - 0x00800000, 0x7f800000 - 0x00800000) >= 0) {
            // x < 0x1p-126 or inf or nan.
            if (ix << 1 == 0) {
                return Float.NEGATIVE_INFINITY;
            }
            if (ix == 0x7f800000) {
                return x;
            }
            if ((ix & 0x80000000) != 0 || Integer.compareUnsigned(ix << 1, 0xff000000) >= 0) {
                return Float.NaN;
            }
            // Subnormal: normalise.
            ix = Float.floatToRawIntBits(x * 0x1p23f);
            ix -= 23 << 23;
        }
        int tmp = ix - LOG_OFF;
        int i = (tmp >>> (23 - LOG_TABLE_BITS)) % LOG_N;
        int k = tmp >> 23; // arithmetic shift
        int iz = ix - (tmp & 0xff800000);
        double invc = LOG_INVC[i];
        double logc = LOG_LOGC[i];
        double z = Float.intBitsToFloat(iz);
        double r = z * invc - 1;
        double y0 = logc + (double) k * LOG_LN2;
        double r2 = r * r;
        double y = LOG_A1 * r + LOG_A2;
        y = LOG_A0 * r2 + y;
        y = y * r2 + (y0 + r);
        return (float) y;
    }

    // ---------------------------------------------------------------- log1pf (fdlibm)

    /**
     * {@code ln(1 + x)} in single precision, bit-identical to glibc's {@code log1pf} (2.27 – at least 2.36), which
     * XGBoost's {@code SoftPlus} uses: a float port of fdlibm's {@code s_log1pf.c}
     * (Sun Microsystems, "Permission to use, copy, modify, and distribute this software is freely granted,
     * provided that this notice is preserved"; float conversion by Ian Lance Taylor). Not correctly rounded, which
     * is why {@code (float) Math.log1p(x)} differs from it.
     *
     * @param x the argument
     * @return {@code ln(1 + x)}; {@code -Inf} for {@code -1}, {@code NaN} below {@code -1}
     */
    public static float log1pf(float x) {
        final float ln2Hi = 6.9313812256e-01f;
        final float ln2Lo = 9.0580006145e-06f;
        final float lp1 = 6.6666668653e-01f;
        final float lp2 = 4.0000000596e-01f;
        final float lp3 = 2.8571429849e-01f;
        final float lp4 = 2.2222198546e-01f;
        final float lp5 = 1.8183572590e-01f;
        final float lp6 = 1.5313838422e-01f;
        final float lp7 = 1.4798198640e-01f;
        int hx = Float.floatToRawIntBits(x);
        int ax = hx & 0x7fffffff;
        float f = 0;
        float c = 0;
        int hu = 0;
        int k = 1;
        if (hx < 0x3ed413d7) { // x < 0.41422
            if (ax >= 0x3f800000) { // x <= -1
                return x == -1.0f ? Float.NEGATIVE_INFINITY : Float.NaN;
            }
            if (ax < 0x31000000) { // |x| < 2^-29
                return ax < 0x24800000 ? x : x - x * x * 0.5f;
            }
            if (hx > 0 || hx <= 0xbe95f61f) { // -0.2929 < x < 0.41422
                k = 0;
                f = x;
                hu = 1;
            }
        } else if (hx >= 0x7f800000) {
            return x + x;
        }
        if (k != 0) {
            float u;
            if (hx < 0x5a000000) {
                u = 1.0f + x;
                hu = Float.floatToRawIntBits(u);
                k = (hu >> 23) - 127;
                c = k > 0 ? 1.0f - (u - x) : x - (u - 1.0f); // correction term
                c /= u;
            } else {
                u = x;
                hu = Float.floatToRawIntBits(u);
                k = (hu >> 23) - 127;
                c = 0;
            }
            hu &= 0x007fffff;
            if (hu < 0x3504f7) {
                u = Float.intBitsToFloat(hu | 0x3f800000); // normalize u
            } else {
                k += 1;
                u = Float.intBitsToFloat(hu | 0x3f000000); // normalize u/2
                hu = (0x00800000 - hu) >> 2;
            }
            f = u - 1.0f;
        }
        float hfsq = 0.5f * f * f;
        if (hu == 0) { // |f| < 2^-20
            if (f == 0f) {
                if (k == 0) {
                    return 0f;
                }
                c += k * ln2Lo;
                return k * ln2Hi + c;
            }
            float r = hfsq * (1.0f - 0.66666666666666666f * f);
            return k == 0 ? f - r : k * ln2Hi - ((r - (k * ln2Lo + c)) - f);
        }
        float s = f / (2.0f + f);
        float z = s * s;
        float r = z * (lp1 + z * (lp2 + z * (lp3 + z * (lp4 + z * (lp5 + z * (lp6 + z * lp7))))));
        return k == 0 ? f - (hfsq - s * (hfsq + r)) : k * ln2Hi - ((hfsq - (s * (hfsq + r) + (k * ln2Lo + c))) - f);
    }

    // ---------------------------------------------------------------- exp (double; EXP_TABLE_BITS = 7, order 5)

    /**
     * {@code e^x} in double precision, bit-identical to glibc's {@code exp} (2.28 and later) on this CPU.
     *
     * <p>glibc on x86-64 picks one of two builds of the same C code at load time: with FMA and AVX2 it runs a build
     * compiled with {@code -mfma -mavx2}, where GCC fused four multiply-adds; without, plain arithmetic. The two
     * differ in the last bit on about 0.05 % of inputs. This method follows the JVM's choice ({@code -XX:+UseFMA},
     * on by default exactly on CPUs with FMA), which is also what keeps it allocation-free: {@link Math#fma} is an
     * intrinsic only when the JVM uses FMA.
     *
     * @param x the exponent
     * @return {@code e^x}; {@code +Inf} on overflow, {@code 0} on underflow, {@code NaN} for {@code NaN}
     */
    public static double exp(double x) {
        return exp(x, Exp.FUSED);
    }

    /**
     * glibc's {@code exp} as compiled with ({@code fused}) or without FMA; see {@link #exp(double)}. Both variants
     * are tested against glibc (the unfused one with FMA masked off through {@code GLIBC_TUNABLES}).
     */
    static double exp(double x, boolean fused) {
        int abstop = (int) (Double.doubleToRawLongBits(x) >>> 52) & 0x7ff;
        if (abstop - EXP_TOP_TINY >= EXP_TOP_512 - EXP_TOP_TINY || abstop < EXP_TOP_TINY) {
            if (abstop < EXP_TOP_TINY) {
                return 1.0 + x; // |x| < 2^-54, including 0 and subnormals
            }
            if (abstop >= EXP_TOP_1024) {
                if (Double.doubleToRawLongBits(x) == Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY)) {
                    return 0.0;
                }
                if (abstop >= 0x7ff) {
                    return 1.0 + x; // +Inf or NaN
                }
                return x < 0 ? 0.0 : Double.POSITIVE_INFINITY;
            }
            abstop = 0; // 512 <= |x| < 1024: the result may over- or underflow, handled below
        }
        // exp(x) = 2^(k/N) * exp(r), with x = ln2/N*k + r and |r| <= ln2/2N.
        double z = EXP_INV_LN2_N128 * x;
        double kd = z + EXP_SHIFT;
        long ki = Double.doubleToRawLongBits(kd);
        kd -= EXP_SHIFT;
        double r = fused ? Math.fma(kd, EXP_NEG_LN2_LO_N, Math.fma(kd, EXP_NEG_LN2_HI_N, x))
                : x + kd * EXP_NEG_LN2_HI_N + kd * EXP_NEG_LN2_LO_N;
        int idx = 2 * (int) (ki & (EXP_N128 - 1));
        long top = ki << (52 - EXP128_TABLE_BITS);
        double tail = Double.longBitsToDouble(Exp.TAB[idx]);
        long sbits = Exp.TAB[idx + 1] + top;
        double r2 = r * r;
        double tmp = fused
                ? Math.fma(r2 * r2, Math.fma(r, EXP_P5, EXP_P4), Math.fma(r2, Math.fma(r, EXP_P3, EXP_P2), tail + r))
                : tail + r + r2 * (EXP_P2 + r * EXP_P3) + r2 * r2 * (EXP_P4 + r * EXP_P5);
        if (abstop == 0) {
            return expSpecialCase(tmp, sbits, ki, fused);
        }
        double scale = Double.longBitsToDouble(sbits);
        return fused ? Math.fma(scale, tmp, scale) : scale + scale * tmp;
    }

    /** {@code scale * (1 + tmp)} when {@code scale}'s exponent over- or underflowed (|x| >= 512). */
    private static double expSpecialCase(double tmp, long sbits, long ki, boolean fused) {
        if ((ki & 0x80000000L) == 0) {
            // k > 0: the exponent of scale might have overflowed by <= 460.
            double scale = Double.longBitsToDouble(sbits - (1009L << 52));
            return 0x1p1009 * (fused ? Math.fma(scale, tmp, scale) : scale + scale * tmp);
        }
        // k < 0: care in the subnormal range. glibc's FMA build does not fuse here: the product scale * tmp has a
        // second use in another basic block, and GCC fuses only multiplications whose uses all sit in one.
        double scale = Double.longBitsToDouble(sbits + (1022L << 52));
        double y = scale + scale * tmp;
        if (y < 1.0) {
            // Round y to the right precision before scaling it into the subnormal range (no double rounding).
            double lo = scale - y + scale * tmp;
            double hi = 1.0 + y;
            lo = 1.0 - hi + y + lo;
            y = (hi + lo) - 1.0;
            if (y == 0.0) {
                y = 0.0; // never -0
            }
        }
        return 0x1p-1022 * y;
    }

    private static final int EXP128_TABLE_BITS = 7;
    private static final int EXP_N128 = 1 << EXP128_TABLE_BITS;
    private static final int EXP_TOP_TINY = 0x3c9;  // top12(0x1p-54)
    private static final int EXP_TOP_512 = 0x408;   // top12(512.0)
    private static final int EXP_TOP_1024 = 0x409;  // top12(1024.0)
    private static final double EXP_INV_LN2_N128 = 0x1.71547652b82fep0 * EXP_N128;
    private static final double EXP_NEG_LN2_HI_N = -0x1.62e42fefa0000p-8;
    private static final double EXP_NEG_LN2_LO_N = -0x1.cf79abc9e3b3ap-47;
    private static final double EXP_P2 = 0x1.ffffffffffdbdp-2;
    private static final double EXP_P3 = 0x1.555555555543cp-3;
    private static final double EXP_P4 = 0x1.55555cf172b91p-5;
    private static final double EXP_P5 = 0x1.1111167a4d017p-7;
    /**
     * The {@code exp} table and the FMA choice, initialised on the first call of {@link #exp(double)} (not by the
     * float functions, which XGBoost models use alone).
     */
    static final class Exp {
        static final boolean FUSED = jvmUsesFma();
        /**
         * {@code 2^(k/128) ~= H[k] * (1 + T[k])}: {@code TAB[2k] = bits(T[k])},
         * {@code TAB[2k+1] = bits(H[k]) - (k << 45)}. Equal, entry for entry, to optimized-routines'
         * {@code __exp_data.tab} (compared once when the port was written; {@code GlibcMathTest} compares the
         * results with glibc's {@code exp} on a million inputs).
         */
        static final long[] TAB = new long[2 * EXP_N128];

        static {
            MathContext mc = new MathContext(80);
            for (int k = 0; k < EXP_N128; k++) {
                // 2^(k/128) is the seventh iterated square root of 2^k; 80 digits, then H rounded once, T from it.
                BigDecimal v = new BigDecimal(java.math.BigInteger.ONE.shiftLeft(k));
                for (int s = 0; s < EXP128_TABLE_BITS; s++) {
                    v = v.sqrt(mc);
                }
                double h = v.doubleValue();
                BigDecimal hb = new BigDecimal(h);
                double t = v.subtract(hb).divide(hb, mc).doubleValue();
                TAB[2 * k] = Double.doubleToRawLongBits(t);
                TAB[2 * k + 1] = Double.doubleToRawLongBits(h) - (((long) k << 52) / EXP_N128);
            }
        }

        private Exp() {
        }

        /** Whether the JVM fuses multiply-adds ({@code -XX:+UseFMA}); false when that cannot be found out. */
        private static boolean jvmUsesFma() {
            try {
                com.sun.management.HotSpotDiagnosticMXBean bean = java.lang.management.ManagementFactory
                        .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
                return bean != null && Boolean.parseBoolean(bean.getVMOption("UseFMA").getValue());
            } catch (RuntimeException | LinkageError e) {
                // Not HotSpot, or no such flag: without a known FMA intrinsic Math.fma would be slow and allocate.
                return false;
            }
        }
    }
}
