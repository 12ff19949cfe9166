package dev.hotpath.scoring.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotpath.scoring.testing.BatchParity;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batch scoring through the fast layouts' batch path (rows walked eight at a time in lanes, up to 64 prepared at a
 * time, chunks of trees run over all of them) against the reference walker row by row and against the same layout's
 * single-row path, bit for bit: for XGBoost trees (float sums, with and without DART weights) and LightGBM trees
 * (double sums and transform), on both layouts, for batch sizes below, at and around a lane group and a chunk, and
 * with arrays longer than the batch (nothing past it may be read as a row or written).
 */
class BatchScoringParityTest {
    private static final float[] EDGE = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, 1e-30f, -1f, 0.5f, 1f, 2.75f, 1e30f, -3.5f, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-36f,
        -1e-36f};

    static Stream<Arguments> layoutsAndSizes() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String kind : new String[] {"xgboost", "dart", "lightgbm"}) {
            for (String layout : new String[] {"perfect", "interleaved"}) {
                for (int n : new int[] {0, 1, 3, 7, 8, 9, 63, 64, 65, 257}) {
                    b.add(Arguments.of(kind, layout, n));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0}, {1}, {2} rows")
    @MethodSource("layoutsAndSizes")
    void shouldScoreBatchesOfAnySizeExactlyLikeTheReferenceRowByRow(String kind, String layout, int nRows) {
        assumeTrue(!layout.equals("perfect") || PerfectTreeLayout.available(), "sun.misc.Unsafe is not usable");
        // 45 trees: five full blocks of eight and a partial one, so blocks and chunks end inside and at the edge.
        Random rnd = new Random(77 + nRows);
        int f = 13;
        TreeEnsemble built = ensemble(kind, rnd, f, 45);
        TreeEnsemble fast = layout.equals("perfect") ? built : built.withInterleavedEvaluator();
        assertEquals(layout, fast.evaluator());
        TreeEnsemble ref = fast.withReferenceEvaluator();
        float[] rows = new float[nRows * f + 3];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = rnd.nextInt(3) == 0 ? EDGE[rnd.nextInt(EDGE.length)] : (float) (rnd.nextGaussian() * 2);
        }
        float[] margins = new float[nRows + 1];
        float[] scores = new float[nRows + 1];
        margins[nRows] = 42f;
        scores[nRows] = 42f;
        fast.scoreMargin(rows, nRows, margins);
        fast.score(rows, nRows, scores);
        float[] row = new float[f];
        for (int r = 0; r < nRows; r++) {
            System.arraycopy(rows, r * f, row, 0, f);
            assertEquals(Float.floatToRawIntBits(ref.scoreMargin(row)), Float.floatToRawIntBits(margins[r]),
                    "margin of row " + r);
            assertEquals(Float.floatToRawIntBits(ref.score(row)), Float.floatToRawIntBits(scores[r]),
                    "score of row " + r);
            assertEquals(Float.floatToRawIntBits(fast.scoreMargin(row)), Float.floatToRawIntBits(margins[r]),
                    "margin of row " + r + " (single-row path)");
        }
        assertEquals(42f, margins[nRows], "wrote past the batch");
        assertEquals(42f, scores[nRows], "wrote past the batch");
        if (nRows > 0) {
            BatchParity.assertBatchesEqualSingleRows(kind + " " + layout, fast, rows, nRows);
        }
    }

    @Test
    void shouldBatchSingleLeafTreesAndLargeSumsExactly() {
        // Single-leaf trees (depth 0: no step at all) between deeper ones; the LightGBM ones large enough that the
        // double sums round at every later tree, so any change of order or precision shows.
        for (String kind : new String[] {"xgboost", "lightgbm"}) {
            Random rnd = new Random(5);
            int f = 6;
            TreeEnsembleBuilder b = TreeEnsemble.builder(f, 1);
            for (int t = 0; t < 21; t++) {
                if (kind.equals("xgboost")) {
                    b.addTree(t % 4 == 0 ? PerfectLayoutParityTest.dense(rnd, f, 0)
                            : PerfectLayoutParityTest.dense(rnd, f, 1 + t % 5), 0, 1f);
                } else {
                    b.addLightgbmTree(t % 4 == 0 ? LightgbmTrees.leaf(1e7 + t / 3.0)
                            : LightgbmTrees.random(rnd, f, 2 + t % 9, 0), 0);
                }
            }
            TreeEnsemble m = b.build();
            for (TreeEnsemble fast : new TreeEnsemble[] {m, m.withInterleavedEvaluator()}) {
                float[] rows = new float[70 * f];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = rnd.nextInt(4) == 0 ? EDGE[rnd.nextInt(EDGE.length)] : (float) rnd.nextGaussian();
                }
                BatchParity.assertBatchesEqualSingleRows(kind + " " + fast.evaluator(), fast, rows, 70);
                BatchParity.assertBatchesEqualSingleRows(kind + " reference", fast.withReferenceEvaluator(), rows,
                        70);
            }
        }
    }

    private static TreeEnsemble ensemble(String kind, Random rnd, int f, int trees) {
        if (kind.equals("lightgbm")) {
            TreeEnsembleBuilder b = TreeEnsemble.builder(f, 1).transform(DoubleOutputTransform.sigmoid(1.5));
            for (int t = 0; t < trees; t++) {
                b.addLightgbmTree(LightgbmTrees.random(rnd, f, 2 + t % 10, 0), 0);
            }
            return b.build();
        }
        TreeEnsembleBuilder b = TreeEnsemble.builder(f, 1).transform(OutputTransform.LOGISTIC)
                .baseMargins(new float[] {0.25f});
        for (int t = 0; t < trees; t++) {
            float weight = kind.equals("dart") ? 0.3f + t % 7 / 9f : 1f;
            b.addTree(PerfectLayoutParityTest.dense(rnd, f, 1 + t % 6), 0, weight);
        }
        return b.build();
    }
}
