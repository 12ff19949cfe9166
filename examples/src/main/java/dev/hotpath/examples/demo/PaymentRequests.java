package dev.hotpath.examples.demo;

import dev.hotpath.scoring.scorer.EntityKey;
import dev.hotpath.scoring.scorer.RequestField;
import dev.hotpath.scoring.scorer.ScoreRequest;
import dev.hotpath.scoring.scorer.Scorer;

/**
 * Fills a {@link ScoreRequest} with payment {@code k} of the live stream: its card and merchant ids and its request
 * fields. Reuses its id buffers, so filling allocates nothing; not thread-safe: one per scoring thread.
 */
final class PaymentRequests {
    private final PaymentStream stream;
    private final int history;
    private final float[] request;
    private final EntityKey card;
    private final EntityKey merchant;
    private final RequestField[] fields;
    private final StringBuilder cardId = new StringBuilder(32);
    private final StringBuilder merchantId = new StringBuilder(32);

    /**
     * @param scorer the scorer the requests are for
     * @param stream the payments
     * @param history index of the first live payment
     * @param request the live payments' request fields, {@link FeatureAggregates#REQUEST_FEATURES} per payment
     */
    PaymentRequests(Scorer scorer, PaymentStream stream, int history, float[] request) {
        this.stream = stream;
        this.history = history;
        this.request = request;
        this.card = scorer.entityKey("card");
        this.merchant = scorer.entityKey("merchant");
        this.fields = new RequestField[FeatureAggregates.REQUEST_FEATURES.size()];
        for (int j = 0; j < fields.length; j++) {
            fields[j] = scorer.requestField(FeatureAggregates.REQUEST_FEATURES.get(j));
        }
    }

    /** Fills {@code req} with live payment {@code k}; returns it. */
    ScoreRequest fill(ScoreRequest req, int k) {
        int i = history + k;
        req.clear().requestId(i)
                .entity(card, FeaturePipelineMain.cardId(cardId, stream.card[i]))
                .entity(merchant, FeaturePipelineMain.merchantId(merchantId, stream.merchant[i]));
        for (int j = 0; j < fields.length; j++) {
            req.set(fields[j], request[k * fields.length + j]);
        }
        return req;
    }
}
