package dev.hotpath.examples.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Turns a {@link PaymentStream} into model-ready rows: for every transaction, the request-time features, the card
 * view's and the merchant view's features as of just before it, and its label. Feature names are spelled the way a
 * {@code Scorer} binds them automatically: request fields by their own name, view features as {@code view.feature}.
 */
final class DemoData {
    /** All model features in the order of the rows built here. */
    static final List<String> FEATURES;

    static {
        List<String> names = new ArrayList<>(FeatureAggregates.REQUEST_FEATURES);
        for (String f : FeatureAggregates.CARD_FEATURES) {
            names.add("card." + f);
        }
        for (String f : FeatureAggregates.MERCHANT_FEATURES) {
            names.add("merchant." + f);
        }
        FEATURES = Collections.unmodifiableList(names);
    }

    static final int WIDTH = FEATURES.size();
    static final int CARD_OFFSET = FeatureAggregates.REQUEST_FEATURES.size();
    static final int MERCHANT_OFFSET = CARD_OFFSET + FeatureAggregates.CARD_FEATURES.size();

    final float[] rows;
    final float[] labels;
    final int n;

    private DemoData(float[] rows, float[] labels, int n) {
        this.rows = rows;
        this.labels = labels;
        this.n = n;
    }

    /**
     * Replays transactions {@code [0, end)} through fresh aggregates and keeps the rows of {@code [start, end)}.
     */
    static DemoData build(PaymentStream s, int start, int end) {
        FeatureAggregates agg = new FeatureAggregates(s);
        int n = end - start;
        float[] rows = new float[n * WIDTH];
        float[] labels = new float[n];
        for (int i = 0; i < end; i++) {
            if (i >= start) {
                int off = (i - start) * WIDTH;
                agg.requestFeatures(i, rows, off);
                agg.cardFeatures(s.card[i], s.time[i], rows, off + CARD_OFFSET);
                agg.merchantFeatures(s.merchant[i], s.time[i], rows, off + MERCHANT_OFFSET);
                labels[i - start] = s.fraud[i] ? 1f : 0f;
            }
            agg.add(i);
        }
        return new DemoData(rows, labels, n);
    }
}
