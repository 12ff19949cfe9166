package dev.hotpath.shadow;

import dev.hotpath.scoring.ConfigurationException;

/**
 * Deterministic, host-independent sampling on request ids, and a documented way to turn a string request id into
 * the {@code long} that {@link ShadowPublisher#offer} takes.
 *
 * <p>A request is sampled when {@code Long.remainderUnsigned(mix64(requestId ^ seed), 10_000) < rateE4}, where
 * {@code mix64} is MurmurHash3's 64-bit finaliser ({@code fmix64}). The decision depends only on the id, the seed
 * and the rate, so every host, every restart and any offline tool (this formula is easy to port) agree on which
 * requests are in the sample. Feature capture uses the same test with the seed XOR {@link #CAPTURE_SALT}, so it is
 * independent of sampling.
 *
 * <p>Stateless and thread-safe; every method is allocation-free.
 */
public final class ShadowSampling {
    /** Rates are expressed in units of 1/10,000 ({@code 10_000} = every request). */
    public static final int RATE_SCALE = 10_000;
    /** XORed into the seed for the feature-capture decision. */
    public static final long CAPTURE_SALT = 0x5DEECE66DL;

    private static final long FNV64_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV64_PRIME = 0x100000001b3L;

    private ShadowSampling() {
    }

    /**
     * MurmurHash3's {@code fmix64} finaliser: a bijective 64-bit mix with full avalanche.
     *
     * @param z input
     * @return mixed value
     */
    public static long mix64(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /**
     * @param requestId the caller's request id
     * @param seed the sampling seed (0 by default; change it to draw a different, equally deterministic sample)
     * @param rateE4 inclusion probability in 1/10,000, {@code 0..10_000}
     * @return whether the request is in the sample
     */
    public static boolean isSampled(long requestId, long seed, int rateE4) {
        if (rateE4 >= RATE_SCALE) {
            return true;
        }
        if (rateE4 <= 0) {
            return false;
        }
        return Long.remainderUnsigned(mix64(requestId ^ seed), RATE_SCALE) < rateE4;
    }

    /**
     * Maps a string request id (a transaction id, a UUID string) to a 64-bit id: 64-bit FNV-1a over the UTF-16
     * code units of {@code id}, low byte first, then {@link #mix64}. Allocation-free; use it on the request thread
     * and log the same value. Labels files may carry string ids; the report maps them with this same function.
     *
     * @param id the string id; {@code null} maps to 0
     * @return the 64-bit request id
     */
    public static long requestIdOf(CharSequence id) {
        if (id == null) {
            return 0;
        }
        long h = FNV64_OFFSET;
        for (int i = 0, n = id.length(); i < n; i++) {
            char c = id.charAt(i);
            h = (h ^ (c & 0xFF)) * FNV64_PRIME;
            h = (h ^ (c >>> 8)) * FNV64_PRIME;
        }
        return mix64(h);
    }

    /**
     * Converts a probability to the 1/10,000 units used on the hot path and in records, rounding to nearest.
     *
     * @param rate a probability in {@code [0, 1]}
     * @return the rate in 1/10,000
     * @throws ConfigurationException if {@code rate} is outside {@code [0, 1]} or NaN
     */
    public static int toRateE4(double rate) {
        if (!(rate >= 0.0 && rate <= 1.0)) {
            throw new ConfigurationException("rate must be in [0, 1], got " + rate);
        }
        return (int) Math.round(rate * RATE_SCALE);
    }
}
