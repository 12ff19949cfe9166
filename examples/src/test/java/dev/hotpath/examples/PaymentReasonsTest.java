package dev.hotpath.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.explain.TopReasons;
import dev.hotpath.scoring.explain.TreeExplainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link PaymentReasons} (the README's reason-code example) on the sample model and transactions: every row's codes
 * are positive, ranked, never the excluded feature, and each code's amount is the sum of its features' columns of
 * the full contributions.
 */
class PaymentReasonsTest {
    private static final Map<String, List<String>> CODES = Map.of(
            "VELOCITY", List.of("card.txn_count_1h", "card.txn_count_24h", "card.distinct_merchants_24h",
                    "card.minutes_since_last"),
            "AMOUNT", List.of("amount", "amount_vs_category", "card.amount_sum_24h", "card.avg_amount_30d"),
            "MERCHANT_RISK", List.of("merchant.fraud_rate", "merchant.cnp_rate", "merchant.txn_count_24h",
                    "merchant.avg_amount_30d"));

    @Test
    void shouldExplainEverySampleTransaction() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("sample", "transactions.csv"), StandardCharsets.UTF_8);
        try (PaymentReasons reasons = new PaymentReasons(Path.of("sample", "fraud-sample.json"), 3)) {
            List<String> names = reasons.model().featureNames();
            assertEquals(List.of(lines.get(0).split(",")), names, "the sample CSV is in model order");
            TreeExplainer explainer = TreeExplainer.of(reasons.model());
            double[] phi = new double[explainer.width()];
            int explained = 0;
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.split(",", -1);
                float[] row = new float[names.size()];
                for (int f = 0; f < row.length; f++) {
                    row[f] = fields[f].isEmpty() ? Float.NaN : Float.parseFloat(fields[f]);
                }
                TopReasons top = reasons.explain(row);
                explainer.contributions(row, phi);
                assertTrue(top.count() <= 3);
                for (int i = 0; i < top.count(); i++) {
                    assertTrue(top.contribution(i) > 0, top.toString());
                    assertTrue(i == 0 || top.contribution(i) <= top.contribution(i - 1), top.toString());
                    String code = top.code(i);
                    assertTrue(!code.equals("hour"), "excluded feature cited: " + top);
                    List<String> features = CODES.getOrDefault(code, List.of(code));
                    double sum = features.stream().mapToDouble(f -> phi[names.indexOf(f)]).sum();
                    assertEquals(sum, top.contribution(i), 1e-9, code + " in " + top);
                }
                assertEquals(phi[names.size()], top.bias());
                explained += top.count() > 0 ? 1 : 0;
            }
            assertTrue(explained > 100, "rows with at least one reason: " + explained);
        }
    }
}
