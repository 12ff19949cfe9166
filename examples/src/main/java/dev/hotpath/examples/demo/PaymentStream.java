package dev.hotpath.examples.demo;

import java.util.SplittableRandom;

/**
 * A deterministic synthetic card-payments stream, realistic enough that fraud models behave like real ones.
 *
 * <p>What it contains (all seeded; the same seed gives the same stream on every machine):
 * <ul>
 *   <li><b>Entities:</b> cards, merchants and devices with skewed (power-law) popularity; each card has a home
 *       country and one or two usual devices; each merchant a category and a country.</li>
 *   <li><b>Amounts:</b> log-normal per merchant category (groceries small, travel and jewellery large).</li>
 *   <li><b>Time:</b> 30 days, arrivals follow a day/night cycle.</li>
 *   <li><b>Channel:</b> card-present probability by category (online categories are mostly card-not-present).</li>
 *   <li><b>Signals:</b> country mismatch between card and merchant, new devices, bursts of activity.</li>
 *   <li><b>Fraud (~0.5–1 %):</b> a hidden logistic mix of these signals plus noise, and compromised cards whose
 *       later transactions come in fast, foreign, card-not-present bursts at risky merchants. The intercept is
 *       calibrated so the fraud rate is close to {@link #TARGET_FRAUD_RATE}.</li>
 *   <li><b>Missing values:</b> ~3 % of requests carry no device id; ~1 % of merchants have no known country.</li>
 * </ul>
 * Stored as parallel primitive arrays, in time order.
 */
final class PaymentStream {
    static final double TARGET_FRAUD_RATE = 0.007;

    /** Category: name, log-normal mu/sigma of the amount, card-present probability, risk. */
    static final String[] CATEGORY = {"grocery", "fuel", "restaurant", "electronics", "travel", "digital_goods",
        "jewellery", "gaming"};
    private static final double[] AMOUNT_MU = {3.2, 3.8, 3.4, 5.2, 6.0, 2.8, 6.3, 3.0};
    private static final double[] AMOUNT_SIGMA = {0.6, 0.4, 0.5, 0.9, 0.8, 0.9, 1.0, 0.8};
    private static final double[] CARD_PRESENT = {0.92, 0.95, 0.85, 0.45, 0.15, 0.02, 0.55, 0.03};
    private static final double[] CATEGORY_RISK = {-0.8, -0.6, -0.7, 0.6, 0.4, 0.9, 0.8, 0.7};
    private static final long DAY = 86_400_000L;

    final int size;
    final long[] time;
    final int[] card;
    final int[] merchant;
    final int[] device;
    final float[] amount;
    final boolean[] cardPresent;
    final byte[] countryMismatch; // 0/1, -1 unknown
    final boolean[] fraud;
    final int numCards;
    final int numMerchants;
    final int[] merchantCategory;

    private PaymentStream(int n, int numCards, int numMerchants) {
        this.size = n;
        this.time = new long[n];
        this.card = new int[n];
        this.merchant = new int[n];
        this.device = new int[n];
        this.amount = new float[n];
        this.cardPresent = new boolean[n];
        this.countryMismatch = new byte[n];
        this.fraud = new boolean[n];
        this.numCards = numCards;
        this.numMerchants = numMerchants;
        this.merchantCategory = new int[numMerchants];
    }

    /**
     * @param n number of transactions
     * @param seed random seed
     * @return the stream, in time order
     */
    static PaymentStream generate(int n, long seed) {
        int numCards = Math.max(2_000, n / 25);
        int numMerchants = Math.max(200, n / 400);
        PaymentStream s = new PaymentStream(n, numCards, numMerchants);
        SplittableRandom rnd = new SplittableRandom(seed);

        int[] cardCountry = new int[numCards];
        int[] cardDevice = new int[numCards];
        boolean[] cardTraveller = new boolean[numCards];
        long[] compromisedAt = new long[numCards];
        for (int c = 0; c < numCards; c++) {
            cardCountry[c] = rnd.nextDouble() < 0.85 ? 0 : 1 + rnd.nextInt(20);
            cardDevice[c] = c * 4 + rnd.nextInt(2);
            cardTraveller[c] = rnd.nextDouble() < 0.05;
            compromisedAt[c] = rnd.nextDouble() < 0.004 ? (long) (rnd.nextDouble() * 30 * DAY) : Long.MAX_VALUE;
        }
        int[] merchantCountry = new int[numMerchants];
        for (int m = 0; m < numMerchants; m++) {
            s.merchantCategory[m] = pickCategory(rnd);
            merchantCountry[m] = rnd.nextDouble() < 0.01 ? -1 : rnd.nextDouble() < 0.8 ? 0 : 1 + rnd.nextInt(20);
        }

        double[] logit = new double[n];
        long t = 0;
        long meanGap = Math.max(1, 30 * DAY / n);
        for (int i = 0; i < n; i++) {
            // Day/night cycle: fewer arrivals at night.
            double hour = (t % DAY) / 3_600_000.0;
            double rate = 0.35 + 0.65 * Math.max(0, Math.sin((hour - 6) / 24 * 2 * Math.PI));
            t += (long) (-Math.log(1 - rnd.nextDouble()) * meanGap / Math.max(0.2, rate)) + 1;
            int c = skewed(rnd, numCards, 2.2);
            boolean compromised = t >= compromisedAt[c];
            int m = compromised && rnd.nextDouble() < 0.7 ? riskyMerchant(rnd, s, numMerchants)
                    : skewed(rnd, numMerchants, 1.8);
            int cat = s.merchantCategory[m];
            s.time[i] = t;
            s.card[i] = c;
            s.merchant[i] = m;
            double amountBoost = compromised ? 0.8 : 0;
            s.amount[i] = (float) Math.max(0.5,
                    Math.round(Math.exp(AMOUNT_MU[cat] + amountBoost + AMOUNT_SIGMA[cat] * rnd.nextGaussian())
                            * 100) / 100.0);
            s.cardPresent[i] = !compromised && rnd.nextDouble() < CARD_PRESENT[cat];
            boolean newDevice = compromised ? rnd.nextDouble() < 0.8 : rnd.nextDouble() < 0.04;
            s.device[i] = rnd.nextDouble() < 0.03 ? -1 : newDevice ? 1_000_000 + rnd.nextInt(1_000_000)
                    : cardDevice[c];
            int mc = merchantCountry[m];
            int cc = compromised && rnd.nextDouble() < 0.6 ? 1 + rnd.nextInt(20) : cardCountry[c];
            s.countryMismatch[i] = (byte) (mc < 0 ? -1 : (mc != cc && !(cardTraveller[c] && rnd.nextBoolean())) ? 1
                    : 0);
            boolean night = hour < 5;
            logit[i] = 1.5 * (newDevice ? 1 : 0) + 1.1 * (s.countryMismatch[i] == 1 ? 1 : 0)
                    + 0.9 * (s.cardPresent[i] ? 0 : 1) + 0.5 * Math.log(s.amount[i] / Math.exp(AMOUNT_MU[cat]))
                    + CATEGORY_RISK[cat] + 0.7 * (night ? 1 : 0) + (compromised ? 3.2 : 0)
                    + 0.6 * rnd.nextGaussian();
        }
        double intercept = calibrate(logit, TARGET_FRAUD_RATE);
        SplittableRandom labels = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < n; i++) {
            s.fraud[i] = labels.nextDouble() < 1 / (1 + Math.exp(-(logit[i] + intercept)));
        }
        return s;
    }

    private static int pickCategory(SplittableRandom rnd) {
        double u = rnd.nextDouble();
        double[] share = {0.28, 0.14, 0.2, 0.1, 0.06, 0.1, 0.04, 0.08};
        double acc = 0;
        for (int k = 0; k < share.length; k++) {
            acc += share[k];
            if (u < acc) {
                return k;
            }
        }
        return 0;
    }

    private static int riskyMerchant(SplittableRandom rnd, PaymentStream s, int numMerchants) {
        for (int tries = 0; tries < 20; tries++) {
            int m = rnd.nextInt(numMerchants);
            if (CATEGORY_RISK[s.merchantCategory[m]] > 0.5) {
                return m;
            }
        }
        return rnd.nextInt(numMerchants);
    }

    /** Power-law popularity: small indices are much more popular. */
    private static int skewed(SplittableRandom rnd, int n, double a) {
        return (int) Math.min(n - 1, n * Math.pow(rnd.nextDouble(), a));
    }

    /** Bisection on the intercept so that the mean fraud probability equals {@code rate}. */
    private static double calibrate(double[] logit, double rate) {
        double lo = -20;
        double hi = 5;
        for (int it = 0; it < 60; it++) {
            double mid = (lo + hi) / 2;
            double sum = 0;
            for (double l : logit) {
                sum += 1 / (1 + Math.exp(-(l + mid)));
            }
            if (sum / logit.length > rate) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** @return the merchant category's name for transaction i */
    String category(int i) {
        return CATEGORY[merchantCategory[merchant[i]]];
    }

    /** @return the typical (median) amount of the category of transaction i */
    static float categoryMedian(int category) {
        return (float) Math.exp(AMOUNT_MU[category]);
    }

    /** @return the hour of day of transaction i, 0..23 */
    int hourOfDay(int i) {
        return (int) ((time[i] % DAY) / 3_600_000L);
    }

    /** @return the fraction of fraudulent transactions */
    double fraudRate() {
        int f = 0;
        for (boolean b : fraud) {
            f += b ? 1 : 0;
        }
        return (double) f / size;
    }
}
