package dev.hotpath.examples;

import dev.hotpath.cache.FeatureReader;
import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.scorer.EntityKey;
import dev.hotpath.scoring.scorer.RequestField;
import dev.hotpath.scoring.scorer.ScoreRequest;
import dev.hotpath.scoring.scorer.ScoreResult;
import dev.hotpath.scoring.scorer.Scorer;
import dev.hotpath.shadow.ShadowEvaluator;
import dev.hotpath.shadow.ShadowModelConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * Embedding Hotpath in a payment service: the code the README's "Embedding Hotpath" section shows (kept identical
 * by {@code ReadmeSnippetTest}, run by {@code EndToEndScorerTest}). Build one at start-up; call {@link #score} from
 * any number of request threads. Thread-safe; {@code score} allocates nothing after each thread's first call.
 */
public final class FraudScoring implements AutoCloseable {
    // README:embedding:begin
    public static final List<String> REQUEST_FIELDS = List.of("amount", "amount_vs_category", "hour",
            "card_present", "country_mismatch", "new_device");
    private final FeatureReader cards;
    private final FeatureReader merchants;
    private final ShadowEvaluator shadows;
    private final Scorer scorer;
    private final EntityKey card;
    private final EntityKey merchant;
    private final RequestField[] fields = new RequestField[REQUEST_FIELDS.size()];
    private final ThreadLocal<ScoreRequest> requests;
    private final ThreadLocal<ScoreResult> results;

    public FraudScoring(Path models, Path features, Path shadowLog) {
        cards = FeatureReader.openPinnedToCurrent(features, "card");   // Chronicle Map views the pipeline
        merchants = FeatureReader.openPinnedToCurrent(features, "merchant");   // keeps fresh
        shadows = ShadowEvaluator.builder(shadowLog)               // candidate scored off the request thread
                .addShadow(ShadowModelConfig.builder(2, "challenger",
                        ModelLoader.load(models.resolve("challenger.onnx"))).threshold(0.5f).build())
                .build();
        shadows.start();
        Scorer.Builder builder = Scorer.builder()
                .primary("fraud-v7", ModelLoader.load(models.resolve("primary.json")))
                .featureSource(cards)                              // binds model features named card.*
                .featureSource(merchants)                          // and merchant.*
                .shadow(shadows)
                .fallbackScore(0f);                                // if the model cannot score: approve, flagged
        REQUEST_FIELDS.forEach(builder::requestField);             // the rest come with the request
        scorer = builder.build();                                  // fails here, listing any unbound feature
        card = scorer.entityKey("card");
        merchant = scorer.entityKey("merchant");
        for (int i = 0; i < fields.length; i++) {
            fields[i] = scorer.requestField(REQUEST_FIELDS.get(i));
        }
        requests = ThreadLocal.withInitial(scorer::newRequest);
        results = ThreadLocal.withInitial(scorer::newResult);
    }

    /** Request path: ids as CharSequence (a reused StringBuilder is fine), values in REQUEST_FIELDS order. */
    public float score(long requestId, CharSequence cardId, CharSequence merchantId, float[] requestValues) {
        ScoreRequest req = requests.get().clear().requestId(requestId).entity(card, cardId)
                .entity(merchant, merchantId);
        for (int i = 0; i < fields.length; i++) {
            req.set(fields[i], requestValues[i]);
        }
        return scorer.score(req, results.get());                   // never throws for data; 0 bytes allocated
    }
    // README:embedding:end

    /** @return the scorer, for metrics ({@code scorer().metrics()}) and swaps ({@code scorer().swapPrimary}) */
    public Scorer scorer() {
        return scorer;
    }

    /** @return this thread's last result: statuses, flags, model version, timings */
    public ScoreResult lastResult() {
        return results.get();
    }

    @Override
    public void close() {
        scorer.close();                                            // closes the primary after in-flight requests
        shadows.close();
        shadows.shadowModels().values().forEach(dev.hotpath.scoring.Model::close);
        merchants.close();
        cards.close();
    }
}
