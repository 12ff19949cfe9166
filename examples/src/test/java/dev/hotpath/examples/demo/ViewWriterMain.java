package dev.hotpath.examples.demo;

import dev.hotpath.cache.FeatureView;
import dev.hotpath.cache.FeatureWriter;
import dev.hotpath.cache.WriterOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The "feature pipeline" of {@link EndToEndScorerTest}, run as a separate JVM: creates the card and merchant views,
 * writes every entity's values ({@link EntityValues}), publishes both generations, then touches
 * {@code <dir>/ready}.
 */
public final class ViewWriterMain {
    private ViewWriterMain() {
    }

    static FeatureView view(String name, List<String> features) {
        FeatureView.Builder b = FeatureView.builder(name).ttl(java.time.Duration.ofHours(1));
        for (String f : features) {
            b.feature(f);
        }
        return b.build();
    }

    /**
     * @param args the cache directory
     * @throws Exception on failure (exit code 1)
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long now = System.currentTimeMillis();
        try (FeatureWriter cards = FeatureWriter.createGeneration(dir, view("card", EntityValues.CARD_FEATURES),
                EntityValues.CARDS, WriterOptions.defaults())) {
            float[] v = new float[EntityValues.CARD_FEATURES.size()];
            for (int c = 0; c < EntityValues.CARDS; c++) {
                for (int j = 0; j < v.length; j++) {
                    v[j] = EntityValues.card(c, j);
                }
                cards.upsert(EntityValues.cardId(c), now, v, 0);
            }
            cards.publish();
        }
        try (FeatureWriter merchants = FeatureWriter.createGeneration(dir,
                view("merchant", EntityValues.MERCHANT_FEATURES), EntityValues.MERCHANTS, WriterOptions.defaults())) {
            float[] v = new float[EntityValues.MERCHANT_FEATURES.size()];
            for (int m = 0; m < EntityValues.MERCHANTS; m++) {
                for (int j = 0; j < v.length; j++) {
                    v[j] = EntityValues.merchant(m, j);
                }
                merchants.upsert(EntityValues.merchantId(m), now, v, 0);
            }
            merchants.publish();
        }
        Files.writeString(dir.resolve("ready"), "ok");
    }
}
