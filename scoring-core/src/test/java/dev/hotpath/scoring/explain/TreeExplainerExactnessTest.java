package dev.hotpath.scoring.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hotpath.scoring.model.OutputTransform;
import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.model.TreeEnsembleBuilder;
import dev.hotpath.scoring.model.TreeNodes;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The explainer against the definition: Shapley values of the path-dependent game enumerated coalition by coalition
 * ({@link BruteForceShapley}), on random ensembles covering what the algorithm has special cases for — repeated
 * splits on one feature along a path, deep trees (more quadrature points), categorical splits, missing and infinite
 * values, float-rounded covers, several output groups, DART weights, vector leaves, single-leaf trees.
 */
class TreeExplainerExactnessTest {
    private static final float[] THRESHOLDS = {-1f, 0f, 0.5f, 1f, 2.5f, 4f};

    record Case(String name, int features, int depth, int trees, int groups, boolean categorical, boolean sloppy,
                boolean dart, int leafSize) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(new Case("shallow, distinct features", 10, 3, 6, 1, false, false, false, 1)),
                Arguments.of(new Case("depth 6, few features (repeats)", 6, 6, 6, 1, false, false, false, 1)),
                Arguments.of(new Case("depth 10, 10 features (5 points)", 10, 10, 3, 1, false, false, false, 1)),
                Arguments.of(new Case("depth 16, 9 features", 9, 16, 2, 1, false, true, false, 1)),
                Arguments.of(new Case("categorical", 8, 5, 6, 1, true, false, false, 1)),
                Arguments.of(new Case("float-rounded covers", 8, 6, 6, 1, false, true, false, 1)),
                Arguments.of(new Case("three groups", 7, 5, 9, 3, true, false, false, 1)),
                Arguments.of(new Case("dart weights", 8, 5, 6, 1, false, false, true, 1)),
                Arguments.of(new Case("vector leaves", 7, 5, 4, 3, false, false, false, 3)));
    }

    static TreeEnsemble ensemble(Case c, long seed) {
        Random rnd = new Random(seed);
        float[] base = new float[c.groups()];
        for (int g = 0; g < base.length; g++) {
            base[g] = (float) rnd.nextGaussian();
        }
        TreeEnsembleBuilder b = TreeEnsemble.builder(c.features(), c.groups())
                .transform(c.groups() == 1 ? OutputTransform.LOGISTIC : OutputTransform.SOFTMAX).baseMargins(base);
        for (int t = 0; t < c.trees(); t++) {
            TreeNodes nodes = ShapTrees.random(rnd, c.features(), c.depth(), THRESHOLDS, c.categorical(),
                    c.sloppy(), c.leafSize());
            float weight = c.dart() ? (float) (0.2 + rnd.nextDouble()) : 1f;
            b.addTree(nodes, c.leafSize() > 1 ? 0 : t % c.groups(), weight);
        }
        // a single-leaf tree contributes its value to the bias only
        b.addTree(new TreeNodes(new int[] {-1}, new int[] {-1}, new int[] {0}, new float[] {0.25f},
                new boolean[] {false}, null, new float[] {0.25f, -0.5f, 0.75f}, c.leafSize(), new float[] {3f}),
                0, 1f);
        return b.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldEqualTheShapleyValuesOfThePathDependentGame(Case c) {
        TreeEnsemble model = ensemble(c, c.name().hashCode());
        TreeExplainer explainer = TreeExplainer.of(model);
        Random rnd = new Random(5);
        int f = c.features();
        double[] got = new double[explainer.width()];
        float[] base = model.baseMargins();
        double worst = 0;
        for (int r = 0; r < 60; r++) {
            float[] x = ShapTrees.row(rnd, f, THRESHOLDS);
            double[] want = BruteForceShapley.contributions(model.trees(), f, c.groups(), x);
            for (int g = 0; g < c.groups(); g++) {
                want[g * (f + 1) + f] += base[g];
            }
            explainer.contributions(x, got);
            double scale = 0;
            for (double v : want) {
                scale += Math.abs(v);
            }
            for (int i = 0; i < want.length; i++) {
                double err = Math.abs(got[i] - want[i]) / Math.max(1, scale);
                worst = Math.max(worst, err);
                if (err > 1e-12) {
                    fail(c + ": column " + explainer.columnNames().get(i) + " of row " + Arrays.toString(x)
                            + ": explainer " + got[i] + ", brute force " + want[i]);
                }
            }
        }
        assertTrue(worst < 1e-12, c + ": worst relative error " + worst);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldSumToTheMarginOnEveryRow(Case c) {
        TreeEnsemble model = ensemble(c, c.name().hashCode() + 1);
        TreeExplainer explainer = TreeExplainer.of(model);
        Random rnd = new Random(6);
        int f = c.features();
        double[] phi = new double[explainer.width()];
        float[] margins = new float[c.groups()];
        for (int r = 0; r < 500; r++) {
            float[] x = ShapTrees.row(rnd, f, THRESHOLDS);
            explainer.contributions(x, phi);
            model.scoreMargin(x, margins);
            for (int g = 0; g < c.groups(); g++) {
                double sum = 0;
                double abs = 0;
                for (int j = 0; j <= f; j++) {
                    sum += phi[g * (f + 1) + j];
                    abs += Math.abs(phi[g * (f + 1) + j]);
                }
                // The model's margin is a float sum; the contributions are double.
                assertEquals(margins[g], sum, 1e-6 * Math.max(1, abs), c + " group " + g + " row " + r);
            }
        }
    }

    @Test
    void shouldReproduceTheReferenceWorkedExample() {
        // The one-tree example of the TreeSHAP reference (§3): LightGBM's `amount <= 1.5000000000000002`, NaN left,
        // then merchant_cat in {2, 4} left; as an XGBoost tree: amount < nextUp(1.5f) left, NaN left; the category
        // set {2, 4} goes right, so the children swap sides (other codes and NaN reach the 0.5 leaf).
        TreeNodes tree = new TreeNodes(
                new int[] {1, -1, 3, -1, -1},
                new int[] {2, -1, 4, -1, -1},
                new int[] {0, 0, 2, 0, 0},
                new float[] {Math.nextUp(1.5f), 0.25f, Float.NaN, 0.5f, -0.125f},
                new boolean[] {true, false, true, false, false},
                new int[][] {null, null, {2, 4}, null, null},
                new float[] {0f, 0.25f, 0f, 0.5f, -0.125f},
                1,
                new float[] {100f, 40f, 60f, 30f, 30f});
        TreeEnsemble model = TreeEnsemble.builder(3, 1).addTree(tree, 0, 1f).build();
        TreeExplainer explainer = TreeExplainer.of(model);
        double[] phi = new double[4];
        // rows and LightGBM 4.3's pred_contrib as recorded in the reference: amount, channel, merchant_cat, expected
        Object[][] rows = {
            {new float[] {Float.NaN, 0, 4}, new double[] {0.13124999999999998, 0, -0.09375, 0.2125}},
            {new float[] {1.5f, 0, 4}, new double[] {0.13124999999999998, 0, -0.09375, 0.2125}},
            {new float[] {2.0f, 0, 4}, new double[] {-0.08750000000000001, 0, -0.25, 0.2125}},
            {new float[] {2.0f, 0, 3.7f}, new double[] {0.037500000000000006, 0, 0.25, 0.2125}},
            {new float[] {2.0f, 0, Float.NaN}, new double[] {0.037500000000000006, 0, 0.25, 0.2125}},
        };
        for (Object[] row : rows) {
            explainer.contributions((float[]) row[0], phi);
            double[] want = (double[]) row[1];
            for (int j = 0; j < 4; j++) {
                // covers ratios are float32 (0.6f), LightGBM's are double: agreement to float rounding
                assertEquals(want[j], phi[j], 1e-7, Arrays.toString((float[]) row[0]) + " column " + j);
            }
        }
    }

    @Test
    void shouldGiveExactlyZeroToFeaturesNoTreeUses() {
        Case c = new Case("unused", 10, 4, 5, 1, false, false, false, 1);
        Random rnd = new Random(3);
        TreeEnsembleBuilder b = TreeEnsemble.builder(12, 1);
        for (int t = 0; t < 5; t++) {
            b.addTree(ShapTrees.random(rnd, c.features(), c.depth(), THRESHOLDS, false, false, 1), 0, 1f);
        }
        TreeExplainer explainer = TreeExplainer.of(b.build());
        double[] phi = new double[explainer.width()];
        for (int r = 0; r < 100; r++) {
            explainer.contributions(ShapTrees.row(rnd, 12, THRESHOLDS), phi);
            assertEquals(0.0, phi[10]);
            assertEquals(0.0, phi[11]);
        }
        assertEquals(List.of("f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "bias"),
                explainer.columnNames());
    }
}
