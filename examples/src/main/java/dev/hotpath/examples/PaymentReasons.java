package dev.hotpath.examples;

import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.explain.ReasonCodeExplainer;
import dev.hotpath.scoring.explain.ReasonCodes;
import dev.hotpath.scoring.explain.TopReasons;
import dev.hotpath.scoring.explain.TreeExplainer;
import java.nio.file.Path;

/**
 * Why was this payment blocked: the code the README's section of that name shows (kept identical by
 * {@code ReadmeSnippetTest}, run by {@code PaymentReasonsTest}) — reason codes for the sample fraud model. Build one
 * at start-up; call {@link #explain} from any number of request threads. Thread-safe; {@code explain} allocates
 * nothing after each thread's first call.
 */
public final class PaymentReasons implements AutoCloseable {
    // README:reasons:begin
    private final Model model;
    private final ReasonCodeExplainer reasons;
    private final ThreadLocal<TopReasons> top;

    public PaymentReasons(Path modelFile, int k) {
        model = ModelLoader.load(modelFile);
        ReasonCodes codes = ReasonCodes.builder()
                .code("VELOCITY", "card.txn_count_1h", "card.txn_count_24h", "card.distinct_merchants_24h",
                        "card.minutes_since_last")
                .code("AMOUNT", "amount", "amount_vs_category", "card.amount_sum_24h", "card.avg_amount_30d")
                .code("MERCHANT_RISK", "merchant.fraud_rate", "merchant.cnp_rate", "merchant.txn_count_24h",
                        "merchant.avg_amount_30d")
                .exclude("hour")                                   // never cited; other features: own codes
                .build();
        reasons = TreeExplainer.of(model).reasons(codes);          // load time: checks names, precomputes
        top = ThreadLocal.withInitial(() -> reasons.newResult(k));
    }

    /** Request path: the k codes that raised the log-odds most; 0 bytes allocated after a thread's first call. */
    public TopReasons explain(float[] features) {
        TopReasons t = top.get();
        reasons.explain(features, t);           // t.count(), t.code(i), t.contribution(i) in log-odds, t.bias()
        return t;
    }
    // README:reasons:end

    /** @return the model explained */
    public Model model() {
        return model;
    }

    @Override
    public void close() {
        model.close();
    }
}
