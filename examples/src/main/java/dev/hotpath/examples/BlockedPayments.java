package dev.hotpath.examples;

import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.explain.ReasonCodes;
import dev.hotpath.scoring.scorer.ExplainWhen;
import dev.hotpath.scoring.scorer.RequestField;
import dev.hotpath.scoring.scorer.ScoreRequest;
import dev.hotpath.scoring.scorer.ScoreResult;
import dev.hotpath.scoring.scorer.Scorer;
import java.nio.file.Path;
import java.util.List;

/**
 * Reason codes through the {@link Scorer}: the code the README's "Why was this payment blocked?" section shows (kept
 * identical by {@code ReadmeSnippetTest}, run by {@code BlockedPaymentsTest}). Only the payments scoring at or above
 * the decline threshold are explained. Thread-safe; {@link #score} allocates nothing after warm-up with one
 * {@link ScoreRequest} and {@link ScoreResult} per thread.
 */
public final class BlockedPayments implements AutoCloseable {
    // README:scorer-reasons:begin
    private final Scorer scorer;
    private final RequestField[] fields;

    public BlockedPayments(Path modelFile, float declineAt, int k) {
        Model model = ModelLoader.load(modelFile);
        Scorer.Builder b = Scorer.builder().primary("fraud-v7", model)
                .reasons(k, ExplainWhen.scoreAtLeast(declineAt))  // explain only what we decline
                .reasonCodes(codes());                            // checked against the model's features here
        model.featureNames().forEach(b::requestField);           // in this example every feature is sent along
        scorer = b.build();
        fields = model.featureNames().stream().map(scorer::requestField).toArray(RequestField[]::new);
    }

    public static ReasonCodes codes() {
        return ReasonCodes.builder()
                .code("VELOCITY", "card.txn_count_1h", "card.txn_count_24h", "card.minutes_since_last")
                .code("DEVICE", "new_device", "card_present")
                .exclude("hour")
                .build();
    }

    /** Request path, with this thread's request and result: declined payments come back with their reasons. */
    public ScoreResult score(float[] features, ScoreRequest req, ScoreResult res) {
        req.clear();
        for (int f = 0; f < fields.length; f++) {
            req.set(fields[f], features[f]);
        }
        scorer.score(req, res);   // res.hasFlag(EXPLAINED): res.reasonCode(i), res.reasonContribution(i) in log-odds
        return res;
    }
    // README:scorer-reasons:end

    /** @return the scorer (for its {@code newRequest()}, {@code newResult()}, metrics and swaps) */
    public Scorer scorer() {
        return scorer;
    }

    /** @return the reason-code catalogue of the serving model */
    public List<String> codeNames() {
        return scorer.reasonCodeNames();
    }

    @Override
    public void close() {
        scorer.close();
    }
}
