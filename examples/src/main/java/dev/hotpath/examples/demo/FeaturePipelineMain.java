package dev.hotpath.examples.demo;

import dev.hotpath.cache.FeatureView;
import dev.hotpath.cache.FeatureWriter;
import dev.hotpath.cache.WriterOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The demo's feature pipeline, run as its own JVM: regenerates the same payment stream from the seed, computes the
 * per-card and per-merchant aggregates ({@link FeatureAggregates}), bulk-writes the state at the end of the history
 * into fresh {@code card} and {@code merchant} views, publishes them, signals {@code ready}, then follows the live
 * stream at the service's arrival rate, upserting the card and merchant of every transaction — while the service
 * reads the same memory-mapped files. Stops at the end of the stream or when {@code <cache>/stop} appears.
 *
 * <p>Arguments: {@code cacheDir seed history live ratePerSecond}.
 */
public final class FeaturePipelineMain {
    private FeaturePipelineMain() {
    }

    static FeatureView view(String name, List<String> features) {
        FeatureView.Builder b = FeatureView.builder(name).ttl(Duration.ofHours(6));
        for (String f : features) {
            b.feature(f);
        }
        return b.build();
    }

    /**
     * @param args {@code cacheDir seed history live ratePerSecond}
     * @throws Exception on failure (exit code 1)
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int history = Integer.parseInt(args[2]);
        int live = Integer.parseInt(args[3]);
        double rate = Double.parseDouble(args[4]);
        PaymentStream s = PaymentStream.generate(history + live, seed);
        FeatureAggregates agg = new FeatureAggregates(s);
        for (int i = 0; i < history; i++) {
            agg.add(i);
        }
        long asOf = s.time[history - 1];
        long now = System.currentTimeMillis();
        float[] card = new float[FeatureAggregates.CARD_FEATURES.size()];
        float[] merchant = new float[FeatureAggregates.MERCHANT_FEATURES.size()];
        StringBuilder id = new StringBuilder();
        try (FeatureWriter cards = FeatureWriter.createGeneration(dir, view("card", FeatureAggregates.CARD_FEATURES),
                s.numCards, WriterOptions.defaults());
             FeatureWriter merchants = FeatureWriter.createGeneration(dir,
                     view("merchant", FeatureAggregates.MERCHANT_FEATURES), s.numMerchants, WriterOptions.defaults())) {
            for (int c = 0; c < s.numCards; c++) {
                agg.cardFeatures(c, asOf, card, 0);
                cards.upsert(cardId(id, c), now, card, 0);
            }
            for (int m = 0; m < s.numMerchants; m++) {
                agg.merchantFeatures(m, asOf, merchant, 0);
                merchants.upsert(merchantId(id, m), now, merchant, 0);
            }
            cards.publish();
            merchants.publish();
            Files.writeString(dir.resolve("ready"), "ready");
            System.out.println("pipeline: published " + s.numCards + " cards and " + s.numMerchants
                    + " merchants; following the live stream");

            long start = System.nanoTime();
            Path stop = dir.resolve("stop");
            for (int i = history; i < history + live; i++) {
                long due = start + (long) ((i - history) * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if ((i & 1023) == 0 && Files.exists(stop)) {
                    break;
                }
                agg.add(i);
                long t = System.currentTimeMillis();
                agg.cardFeatures(s.card[i], s.time[i], card, 0);
                cards.upsert(cardId(id, s.card[i]), t, card, 0);
                agg.merchantFeatures(s.merchant[i], s.time[i], merchant, 0);
                merchants.upsert(merchantId(id, s.merchant[i]), t, merchant, 0);
            }
            System.out.println("pipeline: done");
        }
    }

    static CharSequence cardId(StringBuilder sb, int card) {
        sb.setLength(0);
        return sb.append("card-").append(card);
    }

    static CharSequence merchantId(StringBuilder sb, int merchant) {
        sb.setLength(0);
        return sb.append("merchant-").append(merchant);
    }
}
