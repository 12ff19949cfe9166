package dev.hotpath.scoring.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batch scoring through the fast layouts' batch path (rows prepared sixteen at a time, blocks of trees run over all
 * of them) against the reference walker row by row, bit for bit, for batch sizes below, at and around the chunk
 * size, and with arrays longer than the batch (nothing past it may be read as a row or written).
 */
class BatchScoringParityTest {
    private static final float[] EDGE = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, 1e-30f, -1f, 0.5f, 1f, 2.75f, 1e30f, -3.5f, Float.MAX_VALUE, -Float.MAX_VALUE};

    static Stream<Arguments> layoutsAndSizes() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String layout : new String[] {"perfect", "interleaved"}) {
            for (int n : new int[] {0, 1, 15, 16, 17, 63, 64, 65, 100}) {
                b.add(Arguments.of(layout, n));
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0}, {1} rows")
    @MethodSource("layoutsAndSizes")
    void shouldScoreBatchesOfAnySizeExactlyLikeTheReferenceRowByRow(String layout, int nRows) {
        assumeTrue(!layout.equals("perfect") || PerfectTreeLayout.available(), "sun.misc.Unsafe is not usable");
        // 45 trees: five full blocks of eight and a partial one, so chunks of blocks end inside and at the edge.
        Random rnd = new Random(77 + nRows);
        int f = 13;
        TreeEnsembleBuilder b = TreeEnsemble.builder(f, 1).transform(OutputTransform.LOGISTIC)
                .baseMargins(new float[] {0.25f});
        for (int t = 0; t < 45; t++) {
            b.addTree(PerfectLayoutParityTest.dense(rnd, f, 1 + t % 6), 0, 1f);
        }
        TreeEnsemble built = b.build();
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
        }
        assertEquals(42f, margins[nRows], "wrote past the batch");
        assertEquals(42f, scores[nRows], "wrote past the batch");
    }
}
