package dev.hotpath.examples.demo;

import java.util.List;

/**
 * The feature values the writer process stores for each entity: a fixed function of (entity, feature), with some
 * missing values, so the test can compute every expected vector without reading the store.
 */
final class EntityValues {
    static final List<String> CARD_FEATURES = List.of("txn_count_1h", "txn_count_24h", "amount_sum_24h",
            "avg_amount_30d", "distinct_merchants_24h", "minutes_since_last");
    static final List<String> MERCHANT_FEATURES = List.of("txn_count_24h", "avg_amount_30d", "cnp_rate",
            "fraud_rate");
    static final int CARDS = 2_000;
    static final int MERCHANTS = 300;

    private EntityValues() {
    }

    static float card(int card, int feature) {
        if ((card + feature) % 17 == 0) {
            return Float.NaN;
        }
        return ((card * 31 + feature * 7) % 97) * (feature == 2 ? 25.5f : 0.5f);
    }

    static float merchant(int merchant, int feature) {
        if ((merchant * 3 + feature) % 23 == 0) {
            return Float.NaN;
        }
        return feature >= 2 ? ((merchant * 13 + feature) % 50) / 500f : ((merchant * 11 + feature * 5) % 89) * 3f;
    }

    static String cardId(int card) {
        return "card-" + card;
    }

    static String merchantId(int merchant) {
        return "m-" + merchant;
    }
}
