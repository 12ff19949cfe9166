package dev.hotpath.scoring.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.explain.ReasonCodes.RiskDirection;
import dev.hotpath.scoring.explain.ReasonCodes.Unmapped;
import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.model.TreeEnsembleBuilder;
import dev.hotpath.scoring.model.TreeNodes;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reason codes: grouping, exclusion, direction, thresholds, ties, validation, output groups, skipped trees. */
class ReasonCodesTest {
    private static final float[] THRESHOLDS = {-1f, 0f, 0.5f, 1f, 2.5f};
    private static final List<String> NAMES = List.of("amount", "amount_z", "txn_1h", "txn_24h", "country",
            "device", "age", "hour");

    /** A stump on f: x < 0 → -leaf, else +leaf; covers 10 = 5 + 5, so E = 0 and the feature gets ±leaf. */
    private static TreeNodes stump(int f, float leaf) {
        return new TreeNodes(new int[] {1, -1, -1}, new int[] {2, -1, -1}, new int[] {f, 0, 0},
                new float[] {0f, -leaf, leaf}, new boolean[] {true, false, false}, null,
                new float[] {0f, -leaf, leaf}, 1, new float[] {10f, 5f, 5f});
    }

    private static TreeEnsemble randomModel(int groups, long seed) {
        Random rnd = new Random(seed);
        TreeEnsembleBuilder b = TreeEnsemble.builder(NAMES.size(), groups).featureNames(NAMES);
        for (int t = 0; t < 24; t++) {
            b.addTree(ShapTrees.random(rnd, NAMES.size(), 5, THRESHOLDS, false, false, 1), t % groups, 1f);
        }
        return b.build();
    }

    private static ReasonCodes.Builder velocityAndAmount() {
        return ReasonCodes.builder().code("AMOUNT", "amount", "amount_z").code("VELOCITY", "txn_1h", "txn_24h");
    }

    @Test
    void shouldReportEachCodeWithTheSumOfItsFeaturesContributions() {
        TreeEnsemble model = randomModel(1, 1);
        TreeExplainer explainer = TreeExplainer.of(model);
        ReasonCodeExplainer reasons = explainer.reasons(velocityAndAmount().direction(RiskDirection.EITHER).build());
        assertEquals(List.of("AMOUNT", "VELOCITY", "country", "device", "age", "hour"), reasons.codeNames());
        TopReasons top = reasons.newResult(6);
        Random rnd = new Random(2);
        double[] phi = new double[explainer.width()];
        for (int r = 0; r < 200; r++) {
            float[] x = ShapTrees.row(rnd, NAMES.size(), THRESHOLDS);
            explainer.contributions(x, phi);
            double[] byCode = {phi[0] + phi[1], phi[2] + phi[3], phi[4], phi[5], phi[6], phi[7]};
            int n = reasons.explain(x, top);
            double previous = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                double want = byCode[top.codeId(i)];
                assertEquals(want, top.contribution(i), 1e-12 * Math.max(1, Math.abs(want)));
                assertTrue(Math.abs(top.contribution(i)) <= previous, "ranked by |contribution|: " + top);
                previous = Math.abs(top.contribution(i));
                assertEquals(reasons.codeNames().get(top.codeId(i)), top.code(i));
            }
            long nonZero = java.util.Arrays.stream(byCode).filter(v -> v != 0).count();
            assertEquals(nonZero, n, "every code that moved the margin is reported: " + top);
            assertEquals(phi[NAMES.size()], top.bias());
        }
    }

    @Test
    void shouldReportOnlyContributionsInTheRiskDirectionAboveTheMinimum() {
        // amount pushes up by 1 (its leaf, the expected value being 0), txn_1h down by 0.5, country up by 0.2
        TreeEnsemble model = TreeEnsemble.builder(NAMES.size(), 1).featureNames(NAMES).addTree(stump(0, 1f), 0, 1f)
                .addTree(stump(2, 0.5f), 0, 1f).addTree(stump(4, 0.2f), 0, 1f).build();
        float[] x = {1f, 0f, -1f, 0f, 1f, 0f, 0f, 0f};
        TreeExplainer explainer = TreeExplainer.of(model);
        ReasonCodeExplainer positive = explainer.reasons(ReasonCodes.perFeature());
        TopReasons top = positive.newResult(5);
        assertEquals(2, positive.explain(x, top));
        assertEquals("amount", top.code(0));
        assertEquals(1.0, top.contribution(0), 1e-12);
        assertEquals("country", top.code(1));
        assertEquals(0.2, top.contribution(1), 1e-7);

        ReasonCodeExplainer negative = explainer.reasons(ReasonCodes.builder().direction(RiskDirection.NEGATIVE)
                .build());
        TopReasons down = negative.newResult(5);
        assertEquals(1, negative.explain(x, down));
        assertEquals("txn_1h", down.code(0));
        assertEquals(-0.5, down.contribution(0), 1e-12);

        ReasonCodeExplainer either = explainer.reasons(ReasonCodes.builder().direction(RiskDirection.EITHER)
                .minContribution(0.3).build());
        TopReasons big = either.newResult(5);
        assertEquals(2, either.explain(x, big));
        assertEquals("amount", big.code(0));
        assertEquals("txn_1h", big.code(1));
        assertEquals(-0.5, big.contribution(1), 1e-12);

        TopReasons one = either.newResult(1);
        assertEquals(1, either.explain(x, one));
        assertEquals("amount", one.code(0));
    }

    @Test
    void shouldBreakExactTiesByCatalogueOrder() {
        // Identical stumps on amount and txn_24h: exactly equal contributions.
        TreeEnsemble model = TreeEnsemble.builder(NAMES.size(), 1).featureNames(NAMES).addTree(stump(0, 1f), 0, 1f)
                .addTree(stump(3, 1f), 0, 1f).build();
        float[] x = {1f, 0f, 0f, 1f, 0f, 0f, 0f, 0f};
        TreeExplainer explainer = TreeExplainer.of(model);
        for (int run = 0; run < 3; run++) {
            ReasonCodeExplainer byFeature = explainer.reasons(ReasonCodes.perFeature());
            TopReasons top = byFeature.newResult(2);
            byFeature.explain(x, top);
            assertEquals(top.contribution(0), top.contribution(1));
            assertEquals(List.of("amount", "txn_24h"), List.of(top.code(0), top.code(1)));

            ReasonCodeExplainer defined = explainer.reasons(ReasonCodes.builder().code("VELOCITY", "txn_24h")
                    .code("AMOUNT", "amount").build());
            TopReasons top2 = defined.newResult(1);
            defined.explain(x, top2);
            assertEquals("VELOCITY", top2.code(0), "the code defined first wins the tie");
        }
    }

    @Test
    void shouldDropExcludedFeaturesWithoutRedistributingTheirAmount() {
        TreeEnsemble model = randomModel(1, 3);
        TreeExplainer explainer = TreeExplainer.of(model);
        ReasonCodeExplainer all = explainer.reasons(ReasonCodes.builder().direction(RiskDirection.EITHER).build());
        ReasonCodeExplainer some = explainer.reasons(ReasonCodes.builder().direction(RiskDirection.EITHER)
                .exclude("age", "country").build());
        assertEquals(-1, some.codeOf(NAMES.indexOf("age")));
        assertTrue(!some.codeNames().contains("age") && !some.codeNames().contains("country"));
        TopReasons a = all.newResult(8);
        TopReasons s = some.newResult(8);
        Random rnd = new Random(4);
        for (int r = 0; r < 100; r++) {
            float[] x = ShapTrees.row(rnd, NAMES.size(), THRESHOLDS);
            all.explain(x, a);
            some.explain(x, s);
            List<String> expected = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (int i = 0; i < a.count(); i++) {
                if (!a.code(i).equals("age") && !a.code(i).equals("country")) {
                    expected.add(a.code(i));
                    values.add(a.contribution(i));
                }
            }
            assertEquals(expected.size(), s.count());
            for (int i = 0; i < s.count(); i++) {
                assertEquals(expected.get(i), s.code(i));
                assertEquals(values.get(i), s.contribution(i), 0.0, "exact same amounts");
            }
        }
        ReasonCodeExplainer mappedOnly = explainer.reasons(velocityAndAmount().unmapped(Unmapped.EXCLUDE).build());
        assertEquals(List.of("AMOUNT", "VELOCITY"), mappedOnly.codeNames());
    }

    @Test
    void shouldSkipTreesThatSplitOnlyOnExcludedFeaturesWithoutChangingTheResult() {
        TreeEnsemble model = TreeEnsemble.builder(NAMES.size(), 1).featureNames(NAMES).addTree(stump(0, 1f), 0, 1f)
                .addTree(stump(6, 2f), 0, 1f).addTree(stump(2, 0.5f), 0, 1f).addTree(stump(6, -1f), 0, 1f).build();
        TreeExplainer explainer = TreeExplainer.of(model);
        ReasonCodeExplainer reasons = explainer.reasons(ReasonCodes.builder().exclude("age").build());
        assertEquals(2, reasons.skippedTrees());
        TopReasons top = reasons.newResult(3);
        assertEquals(2, reasons.explain(new float[] {1f, 0f, 1f, 0f, 0f, 0f, 1f, 0f}, top));
        assertEquals("amount", top.code(0));
        assertEquals(1.0, top.contribution(0), 1e-12);
        assertEquals("txn_1h", top.code(1));
        assertEquals(0.5, top.contribution(1), 1e-12);
    }

    @Test
    void shouldExplainTheConfiguredClassOfAMultiClassModel() {
        TreeEnsemble model = randomModel(3, 5);
        TreeExplainer explainer = TreeExplainer.of(model);
        ReasonCodeExplainer reasons = explainer.reasons(ReasonCodes.builder().outputGroup(2)
                .direction(RiskDirection.EITHER).build());
        assertEquals(16, reasons.skippedTrees(), "the other two classes' trees");
        TopReasons top = reasons.newResult(8);
        double[] phi = new double[explainer.width()];
        Random rnd = new Random(6);
        for (int r = 0; r < 50; r++) {
            float[] x = ShapTrees.row(rnd, NAMES.size(), THRESHOLDS);
            explainer.contributions(x, phi);
            reasons.explain(x, top);
            for (int i = 0; i < top.count(); i++) {
                assertEquals(phi[2 * (NAMES.size() + 1) + top.codeId(i)], top.contribution(i), 1e-12);
            }
            assertEquals(phi[3 * (NAMES.size() + 1) - 1], top.bias());
        }
    }

    @Test
    void shouldRejectInvalidConfigurationsWithAClearMessage() {
        TreeExplainer explainer = TreeExplainer.of(randomModel(1, 7));
        ConfigurationException unknown = assertThrows(ConfigurationException.class,
                () -> explainer.reasons(ReasonCodes.builder().code("AMOUNT", "amount", "amt").exclude("sex").build()));
        assertTrue(unknown.getMessage().contains("2 feature(s) the model does not have: amt, sex"),
                unknown.getMessage());
        assertTrue(unknown.getMessage().contains("amount, amount_z, txn_1h"), unknown.getMessage());
        assertTrue(assertThrows(ConfigurationException.class, () -> ReasonCodes.builder().code("A", "amount")
                .code("B", "amount")).getMessage().contains("'amount' is in reason code 'A' and in 'B'"));
        assertTrue(assertThrows(ConfigurationException.class, () -> ReasonCodes.builder().exclude("age")
                .code("A", "age")).getMessage().contains("excluded"));
        assertTrue(assertThrows(ConfigurationException.class, () -> ReasonCodes.builder().code(" ", "age"))
                .getMessage().contains("non-blank"));
        assertTrue(assertThrows(ConfigurationException.class, () -> explainer.reasons(ReasonCodes.builder()
                .code("age", "amount").build())).getMessage().contains("feature 'age' is in no reason code"));
        assertTrue(assertThrows(ConfigurationException.class, () -> explainer.reasons(ReasonCodes.builder()
                .outputGroup(1).build())).getMessage().contains("output group 1"));
        assertThrows(ConfigurationException.class, () -> ReasonCodes.builder().minContribution(-1));
        assertThrows(ConfigurationException.class, () -> explainer.reasons(ReasonCodes.perFeature()).newResult(0));
        ReasonCodeExplainer a = explainer.reasons(ReasonCodes.perFeature());
        ReasonCodeExplainer b = explainer.reasons(ReasonCodes.perFeature());
        assertThrows(IllegalArgumentException.class, () -> a.explain(new float[NAMES.size()], b.newResult(1)));
        assertThrows(IllegalArgumentException.class, () -> a.explain(new float[3], a.newResult(1)));
    }
}
