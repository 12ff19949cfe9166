package dev.hotpath.formats.xgboost;

import static dev.hotpath.formats.xgboost.XgbTestSupport.NF;
import static dev.hotpath.formats.xgboost.XgbTestSupport.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.formats.xgboost.XgbTestSupport.Data;
import dev.hotpath.formats.xgboost.XgbTestSupport.Labels;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.explain.ReasonCodes;
import dev.hotpath.scoring.scorer.ExplainWhen;
import dev.hotpath.scoring.scorer.RequestField;
import dev.hotpath.scoring.scorer.ScoreRequest;
import dev.hotpath.scoring.scorer.ScoreResult;
import dev.hotpath.scoring.scorer.Scorer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Scorer's reason codes against XGBoost4J's own {@code predictContrib}: for a model trained in the test, the
 * top-k codes the scorer fills into each result are the codes ranked from XGBoost's contributions summed per code
 * (the same features, the same exclusion, the same risk direction), with the same contributions to float rounding.
 */
class ScorerReasonsXgboostTest {
    private static final int K = 3;
    private static final int ROWS = 400;

    @Test
    void shouldGiveTheTopKCodesOfXgboostsPredictContrib(@TempDir Path dir) throws Exception {
        Data d = XgbTestSupport.trainingData(4242, Labels.BINARY);
        Booster booster = XgbTestSupport.train(params("binary:logistic", "max_depth", 5), d, 40, false, false);
        try {
            Path json = dir.resolve("fraud.json");
            booster.saveModel(json.toString());
            Model model = XgboostReader.read(json, XgboostOptions.defaults());
            List<String> names = model.featureNames();
            // f0+f1 make one code, f2 is never cited, the rest are codes of their own (model order)
            ReasonCodes codes = ReasonCodes.builder().code("PAIR", names.get(0), names.get(1)).exclude(names.get(2))
                    .build();
            List<String> catalogue = new ArrayList<>();
            catalogue.add("PAIR");
            catalogue.addAll(names.subList(3, NF));
            Scorer.Builder b = Scorer.builder().primary("xgb", model).reasons(K, ExplainWhen.always())
                    .reasonCodes(codes);
            names.forEach(b::requestField);
            try (Scorer scorer = b.build()) {
                assertEquals(catalogue, scorer.reasonCodeNames());
                float[] rows = Arrays.copyOf(XgbTestSupport.evalRows(17, XgbTestSupport.parse(json)), ROWS * NF);
                float[][] expected = XgboostContributionParityTest.xgbContributions(booster, rows, ROWS);
                RequestField[] fields = new RequestField[NF];
                for (int f = 0; f < NF; f++) {
                    fields[f] = scorer.requestField(names.get(f));
                }
                ScoreRequest req = scorer.newRequest();
                ScoreResult res = scorer.newResult();
                int full = 0;
                int nearTies = 0;
                for (int r = 0; r < ROWS; r++) {
                    req.clear();
                    for (int f = 0; f < NF; f++) {
                        req.set(fields[f], rows[r * NF + f]);
                    }
                    scorer.score(req, res);
                    assertTrue(res.hasFlag(ScoreResult.EXPLAINED));
                    nearTies += compare("row " + r, expected[r], res);
                    full += res.reasonCount() == K ? 1 : 0;
                }
                assertTrue(full > ROWS / 2, "most rows have " + K + " positive codes: " + full);
                assertTrue(nearTies < ROWS / 20, "near ties decide few ranks: " + nearTies);
            }
        } finally {
            booster.dispose();
        }
    }

    /**
     * Ranks XGBoost's contributions per code and compares rank by rank; two codes whose XGBoost sums are within
     * float tolerance may come in either order (counted and returned).
     */
    private static int compare(String what, float[] xgb, ScoreResult res) {
        double total = 0;
        for (float v : xgb) {
            total += Math.abs(v);
        }
        double tol = 1e-5 * total + 1e-7;
        double[] byCode = new double[1 + NF - 3];
        byCode[0] = (double) xgb[0] + xgb[1];
        for (int f = 3; f < NF; f++) {
            byCode[f - 2] = xgb[f];
        }
        Integer[] order = new Integer[byCode.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, c) -> Double.compare(byCode[c], byCode[a])); // stable: ties keep catalogue order
        int positive = 0;
        while (positive < order.length && byCode[order[positive]] > 0) {
            positive++;
        }
        int n = Math.min(K, positive);
        int ties = 0;
        if (res.reasonCount() != n) {
            // only a code whose XGBoost sum is within tolerance of 0 may be in one list and not the other
            int edge = Math.min(res.reasonCount(), n);
            assertTrue(Math.abs(res.reasonCount() - n) == 1 && byCode[order[edge]] <= tol,
                    what + ": " + res.reasonCount() + " codes, XGBoost gives " + n + " " + Arrays.toString(byCode));
            ties++;
            n = edge;
        }
        for (int i = 0; i < n; i++) {
            int ours = res.reasonCodeId(i);
            double expectedValue = byCode[order[i]];
            assertEquals(expectedValue, res.reasonContribution(i), tol, what + ": contribution at rank " + i);
            if (ours != order[i]) {
                assertEquals(byCode[order[i]], byCode[ours], 2 * tol, what + ": rank " + i + " is "
                        + res.reasonCode(i) + ", XGBoost ranks code " + order[i] + " there "
                        + Arrays.toString(byCode));
                ties++;
            }
        }
        return ties;
    }
}
