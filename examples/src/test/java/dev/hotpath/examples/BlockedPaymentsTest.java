package dev.hotpath.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.explain.ReasonCodeExplainer;
import dev.hotpath.scoring.explain.TopReasons;
import dev.hotpath.scoring.explain.TreeExplainer;
import dev.hotpath.scoring.scorer.ScoreRequest;
import dev.hotpath.scoring.scorer.ScoreResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link BlockedPayments} (the README's Scorer reason-code example) on the sample model and transactions: payments
 * at or above the decline threshold (here the sample's 90th score percentile) carry the explainer's own top-k codes
 * for their row, the others none.
 */
class BlockedPaymentsTest {
    @Test
    void shouldExplainTheDeclinedSampleTransactionsOnly() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("sample", "transactions.csv"), StandardCharsets.UTF_8);
        Path file = Path.of("sample", "fraud-sample.json");
        List<float[]> rows = new java.util.ArrayList<>();
        try (Model model = ModelLoader.load(file)) {
            float[] scores = new float[lines.size() - 1];
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.split(",", -1);
                float[] row = new float[model.numFeatures()];
                for (int f = 0; f < row.length; f++) {
                    row[f] = fields[f].isEmpty() ? Float.NaN : Float.parseFloat(fields[f]);
                }
                scores[rows.size()] = model.score(row);
                rows.add(row);
            }
            java.util.Arrays.sort(scores);
            assertDeclinedExplained(file, model, rows, scores[scores.length * 9 / 10]);
        }
    }

    private static void assertDeclinedExplained(Path file, Model model, List<float[]> rows, float declineAt) {
        try (BlockedPayments blocked = new BlockedPayments(file, declineAt, 3)) {
            ReasonCodeExplainer reference = TreeExplainer.of(model).reasons(BlockedPayments.codes());
            TopReasons top = reference.newResult(3);
            ScoreRequest req = blocked.scorer().newRequest();
            ScoreResult res = blocked.scorer().newResult();
            int declined = 0;
            for (float[] row : rows) {
                String line = java.util.Arrays.toString(row);
                blocked.score(row, req, res);
                assertEquals(model.score(row), res.score());
                boolean decline = res.score() >= declineAt;
                assertEquals(decline, res.hasFlag(ScoreResult.EXPLAINED), line);
                int n = decline ? reference.explain(row, top) : 0;
                assertEquals(n, res.reasonCount(), line);
                for (int i = 0; i < n; i++) {
                    assertEquals(top.code(i), res.reasonCode(i));
                    assertEquals((float) top.contribution(i), res.reasonContribution(i));
                }
                declined += decline ? 1 : 0;
            }
            assertTrue(declined >= rows.size() / 20 && declined <= rows.size() / 5, "declined: " + declined);
            assertEquals(declined, blocked.scorer().metrics().explained());
            assertEquals(reference.codeNames(), blocked.codeNames());
        }
    }
}
