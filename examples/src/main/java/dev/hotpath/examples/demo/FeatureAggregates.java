package dev.hotpath.examples.demo;

import java.util.Arrays;
import java.util.List;

/**
 * The feature pipeline's logic: per-card and per-merchant aggregates maintained event by event over the payment
 * stream. The training job and the pipeline process run exactly this code, so the features a model is trained on are
 * the features the service reads (computed <em>before</em> each transaction is added: point in time, no leakage).
 *
 * <p>Card view {@code card}: counts and amounts over the last hour / day, the card's usual amount, distinct merchants
 * in the last day, minutes since the previous transaction. Merchant view {@code merchant}: volume in the last day,
 * usual amount, card-not-present share, and the fraud (chargeback) rate from labels that arrive three days late.
 *
 * <p>Not thread-safe: one instance per pipeline.
 */
final class FeatureAggregates {
    static final List<String> CARD_FEATURES = List.of("txn_count_1h", "txn_count_24h", "amount_sum_24h",
            "avg_amount_30d", "distinct_merchants_24h", "minutes_since_last");
    static final List<String> MERCHANT_FEATURES = List.of("txn_count_24h", "avg_amount_30d", "cnp_rate",
            "fraud_rate");
    /** Request-time features the payment service knows itself. */
    static final List<String> REQUEST_FEATURES = List.of("amount", "amount_vs_category", "hour", "card_present",
            "country_mismatch", "new_device");

    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;
    private static final long LABEL_DELAY = 3 * DAY;
    private static final int RING = 32;

    private final PaymentStream s;
    // Per card: a ring of the last RING transactions (time, amount, merchant).
    private final long[] cardTime;
    private final float[] cardAmount;
    private final int[] cardMerchant;
    private final int[] cardCount;
    private final int[][] cardDevices;
    // Per merchant: hourly buckets for the last 24 h, EWMAs, delayed fraud labels.
    private final int[][] merchantBuckets;
    private final long[] merchantBucketHour;
    private final float[] merchantAvgAmount;
    private final float[] merchantCnp;
    private final float[] merchantFraud;
    private final boolean[] merchantSeen;
    private int labelCursor;

    FeatureAggregates(PaymentStream stream) {
        this.s = stream;
        this.cardTime = new long[stream.numCards * RING];
        this.cardAmount = new float[stream.numCards * RING];
        this.cardMerchant = new int[stream.numCards * RING];
        this.cardCount = new int[stream.numCards];
        this.cardDevices = new int[stream.numCards][];
        this.merchantBuckets = new int[stream.numMerchants][24];
        this.merchantBucketHour = new long[stream.numMerchants];
        this.merchantAvgAmount = new float[stream.numMerchants];
        this.merchantCnp = new float[stream.numMerchants];
        this.merchantFraud = new float[stream.numMerchants];
        this.merchantSeen = new boolean[stream.numMerchants];
    }

    /** Writes the card view's features for {@code card} as of {@code now} into {@code dst[off..]}. */
    void cardFeatures(int card, long now, float[] dst, int off) {
        int n = Math.min(cardCount[card], RING);
        int c1h = 0;
        int c24h = 0;
        float sum24h = 0;
        float sum30d = 0;
        int n30d = 0;
        long last = Long.MIN_VALUE;
        int distinct = 0;
        int[] seen = new int[RING];
        for (int k = 0; k < n; k++) {
            int slot = card * RING + k;
            long age = now - cardTime[slot];
            if (age < 0) {
                continue;
            }
            last = Math.max(last, cardTime[slot]);
            if (age <= HOUR) {
                c1h++;
            }
            if (age <= DAY) {
                c24h++;
                sum24h += cardAmount[slot];
                int m = cardMerchant[slot];
                boolean dup = false;
                for (int j = 0; j < distinct; j++) {
                    dup |= seen[j] == m;
                }
                if (!dup) {
                    seen[distinct++] = m;
                }
            }
            if (age <= 30 * DAY) {
                sum30d += cardAmount[slot];
                n30d++;
            }
        }
        dst[off] = c1h;
        dst[off + 1] = c24h;
        dst[off + 2] = sum24h;
        dst[off + 3] = n30d == 0 ? Float.NaN : sum30d / n30d;
        dst[off + 4] = distinct;
        dst[off + 5] = last == Long.MIN_VALUE ? Float.NaN : (now - last) / 60_000f;
    }

    /** Writes the merchant view's features for {@code merchant} as of {@code now} into {@code dst[off..]}. */
    void merchantFeatures(int merchant, long now, float[] dst, int off) {
        rollBuckets(merchant, now / HOUR);
        int count = 0;
        for (int b : merchantBuckets[merchant]) {
            count += b;
        }
        boolean seen = merchantSeen[merchant];
        dst[off] = count;
        dst[off + 1] = seen ? merchantAvgAmount[merchant] : Float.NaN;
        dst[off + 2] = seen ? merchantCnp[merchant] : Float.NaN;
        dst[off + 3] = seen ? merchantFraud[merchant] : Float.NaN;
    }

    /**
     * Request-time features of transaction {@code i} (known to the service without any store).
     * {@code new_device} is whether the card has not used this device before; NaN when the request has no device.
     */
    void requestFeatures(int i, float[] dst, int off) {
        int cat = s.merchantCategory[s.merchant[i]];
        dst[off] = s.amount[i];
        dst[off + 1] = s.amount[i] / PaymentStream.categoryMedian(cat);
        dst[off + 2] = s.hourOfDay(i);
        dst[off + 3] = s.cardPresent[i] ? 1f : 0f;
        dst[off + 4] = s.countryMismatch[i] < 0 ? Float.NaN : s.countryMismatch[i];
        int d = s.device[i];
        dst[off + 5] = d < 0 ? Float.NaN : knownDevice(s.card[i], d) ? 0f : 1f;
    }

    private boolean knownDevice(int card, int device) {
        int[] devices = cardDevices[card];
        if (devices == null) {
            return false;
        }
        for (int d : devices) {
            if (d == device) {
                return true;
            }
        }
        return false;
    }

    /** Adds transaction {@code i} to the aggregates (after its features were taken). */
    void add(int i) {
        long now = s.time[i];
        int card = s.card[i];
        int slot = card * RING + (cardCount[card] % RING);
        cardTime[slot] = now;
        cardAmount[slot] = s.amount[i];
        cardMerchant[slot] = s.merchant[i];
        cardCount[card]++;
        int d = s.device[i];
        if (d >= 0 && !knownDevice(card, d)) {
            int[] old = cardDevices[card];
            int[] grown = old == null ? new int[1] : Arrays.copyOf(old, Math.min(old.length + 1, 8));
            grown[grown.length - 1] = d;
            cardDevices[card] = grown;
        }
        int m = s.merchant[i];
        rollBuckets(m, now / HOUR);
        merchantBuckets[m][(int) ((now / HOUR) % 24)]++;
        float alpha = merchantSeen[m] ? 0.02f : 1f;
        merchantAvgAmount[m] += alpha * (s.amount[i] - merchantAvgAmount[m]);
        merchantCnp[m] += alpha * ((s.cardPresent[i] ? 0f : 1f) - merchantCnp[m]);
        merchantSeen[m] = true;
        // Labels (chargebacks) arrive three days after the transaction.
        while (labelCursor < i && s.time[labelCursor] + LABEL_DELAY <= now) {
            int lm = s.merchant[labelCursor];
            merchantFraud[lm] += 0.01f * ((s.fraud[labelCursor] ? 1f : 0f) - merchantFraud[lm]);
            labelCursor++;
        }
    }

    /** @return the merchants whose aggregates {@link #add(int)} changed (the one of transaction i) */
    int merchantOf(int i) {
        return s.merchant[i];
    }

    private void rollBuckets(int m, long hour) {
        long last = merchantBucketHour[m];
        if (hour <= last) {
            return;
        }
        int[] b = merchantBuckets[m];
        long gap = Math.min(24, hour - last);
        for (long h = 1; h <= gap; h++) {
            b[(int) ((last + h) % 24)] = 0;
        }
        merchantBucketHour[m] = hour;
    }
}
