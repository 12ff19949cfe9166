package dev.hotpath.shadow.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Every expected value here is worked out by hand from the formula (the arithmetic is written out), never by
 * calling the code under test.
 */
class ShadowMetricsTest {
    private static final double EPS = 1e-12;

    private static final float[] PRIMARY_TENTHS = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1.0f};

    @Test
    void shouldPlaceQuantileEdgesAtTheReferenceDecilesAndDropTiedEdges() {
        // n = 10, 2 bins: the edge is sorted[floor(1 * 10 / 2)] = sorted[5] = 0.6
        assertArrayEquals(new double[] {0.6f}, ShadowMetrics.quantileBinEdges(PRIMARY_TENTHS, 2), EPS);
        // 5 bins over {0,0,0,0,0,0,1,2,3,4}: indices 2,4,6,8 -> 0,0,1,3; 0 equals the minimum and is dropped
        float[] ties = {3, 0, 0, 1, 0, 4, 0, 2, 0, 0};
        assertArrayEquals(new double[] {1, 3}, ShadowMetrics.quantileBinEdges(ties, 5), EPS);
    }

    @Test
    void shouldComputePsiFromBinSharesByHand() {
        // Edge 0.6 from the primary: primary shares (5/10, 5/10); shadow has 3 below 0.6 and 7 at or above.
        float[] shadow = {0.1f, 0.2f, 0.3f, 0.6f, 0.7f, 0.8f, 0.85f, 0.9f, 0.95f, 0.99f};
        double expected = (0.3 - 0.5) * Math.log(0.3 / 0.5) + (0.7 - 0.5) * Math.log(0.7 / 0.5);
        assertEquals(0.16945957207744, expected, 1e-12, "hand arithmetic");
        assertEquals(expected, ShadowMetrics.psi(PRIMARY_TENTHS, shadow, 2), 1e-9);
    }

    @Test
    void shouldSmoothAnEmptyPsiBinWithOneInTenThousand() {
        float[] shadow = {0.7f, 0.7f, 0.8f, 0.9f};
        double expected = (1e-4 - 0.5) * Math.log(1e-4 / 0.5) + (1.0 - 0.5) * Math.log(1.0 / 0.5);
        assertEquals(expected, ShadowMetrics.psi(PRIMARY_TENTHS, shadow, 2), 1e-9);
        assertEquals(0.0, ShadowMetrics.psi(PRIMARY_TENTHS, PRIMARY_TENTHS, 10), EPS, "identical samples");
    }

    @Test
    void shouldComputeJensenShannonDistanceInBaseTwo() {
        // P = (0.5, 0.5), Q = (0.3, 0.7), M = (0.4, 0.6)
        double l2 = Math.log(2);
        double jsd = 0.5 * (0.5 * Math.log(0.5 / 0.4) / l2 + 0.5 * Math.log(0.5 / 0.6) / l2)
                + 0.5 * (0.3 * Math.log(0.3 / 0.4) / l2 + 0.7 * Math.log(0.7 / 0.6) / l2);
        float[] shadow = {0.1f, 0.2f, 0.3f, 0.6f, 0.7f, 0.8f, 0.85f, 0.9f, 0.95f, 0.99f};
        assertEquals(Math.sqrt(jsd), ShadowMetrics.jsDistance(PRIMARY_TENTHS, shadow, 2), 1e-9);
        // Disjoint supports: JSD = 1, distance 1.
        assertEquals(1.0, Math.sqrt(ShadowMetrics.jsDivergenceFromShares(new double[] {1, 0}, new double[] {0, 1})),
                EPS);
    }

    @Test
    void shouldComputeKolmogorovSmirnovAsLargestCdfGapIncludingTies() {
        // a: F = 1/3 at 1, 2/3 at 2, 1 at 3; b: 1/4 at 1.5, 1/2 at 2.5, ... largest gap 1 - 1/2 at x = 3
        assertEquals(0.5, ShadowMetrics.ks(new float[] {1, 2, 3}, new float[] {1.5f, 2.5f, 3.5f, 4.5f}), EPS);
        // ties across samples: at x=1 F_a = 2/3, F_b = 1/3; at x=2 both 1
        assertEquals(1.0 / 3, ShadowMetrics.ks(new float[] {1, 1, 2}, new float[] {1, 2, 2}), EPS);
        assertEquals(0.0, ShadowMetrics.ks(PRIMARY_TENTHS, PRIMARY_TENTHS), EPS);
    }

    @Test
    void shouldComputeSpearmanWithAverageRanksForTies() {
        // x ranks (1, 2.5, 2.5, 4), y ranks (1, 3, 2, 4); deviations from 2.5:
        // dx = (-1.5, 0, 0, 1.5), dy = (-1.5, .5, -.5, 1.5); sxy = 4.5, sxx = 4.5, syy = 5
        float[] x = {1, 2, 2, 3};
        float[] y = {1, 3, 2, 4};
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, ShadowMetrics.averageRanks(x), EPS);
        assertEquals(4.5 / Math.sqrt(4.5 * 5), ShadowMetrics.spearman(x, y), EPS);
        assertEquals(-1.0, ShadowMetrics.spearman(new float[] {1, 2, 3}, new float[] {3, 2, 1}), EPS);
        assertTrue(Double.isNaN(ShadowMetrics.spearman(new float[] {1, 1, 1}, new float[] {1, 2, 3})));
    }

    @Test
    void shouldComputeKendallTauBWithTiesByHand() {
        // pairs of {1,2,2,3} x {1,3,2,4}: 5 concordant, 0 discordant, 1 tied in x; n0 = 6, n1 = 1, n2 = 0
        assertEquals(5 / Math.sqrt(5.0 * 6.0),
                ShadowMetrics.kendallTauB(new float[] {1, 2, 2, 3}, new float[] {1, 3, 2, 4}), EPS);
        // x = 1..5, y = (3,1,2,5,4): discordant pairs (1,2), (1,3), (4,5) -> (7 - 3) / 10
        assertEquals(0.4, ShadowMetrics.kendallTauB(new float[] {1, 2, 3, 4, 5}, new float[] {3, 1, 2, 5, 4}), EPS);
        // ties in both, including a joint tie: x = (1,1,2,2), y = (1,1,1,2)
        // pairs: (1,2) tied in both; (1,3) x< y= -> tied y; (1,4) C; (2,3) tied y; (2,4) C; (3,4) x= y< tied x
        // nc = 2, nd = 0, n0 = 6, n1 = 2 (pairs 1-2, 3-4), n2 = 3 (1-2, 1-3, 2-3)
        assertEquals(2 / Math.sqrt((6.0 - 2) * (6.0 - 3)),
                ShadowMetrics.kendallTauB(new float[] {1, 1, 2, 2}, new float[] {1, 1, 1, 2}), EPS);
    }

    @Test
    void shouldMatchAQuadraticReferenceKendallOnRandomDataWithTies() {
        Random rnd = new Random(7);
        for (int round = 0; round < 20; round++) {
            int n = 2 + rnd.nextInt(300);
            float[] x = new float[n];
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = rnd.nextInt(12) / 4f;
                y[i] = rnd.nextInt(9) / 3f - (rnd.nextBoolean() ? 0f : -0f);
            }
            assertEquals(naiveTauB(x, y), ShadowMetrics.kendallTauB(x, y), 1e-12, "round " + round);
        }
    }

    /** The textbook definition, O(n^2), written independently of the implementation. */
    private static double naiveTauB(float[] x, float[] y) {
        long nc = 0;
        long nd = 0;
        long tx = 0;
        long ty = 0;
        long n0 = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = i + 1; j < x.length; j++) {
                n0++;
                int sx = Float.compare(x[i] + 0f, x[j] + 0f);
                int sy = Float.compare(y[i] + 0f, y[j] + 0f);
                if (sx == 0) {
                    tx++;
                }
                if (sy == 0) {
                    ty++;
                }
                if (sx != 0 && sy != 0) {
                    if (sx == sy) {
                        nc++;
                    } else {
                        nd++;
                    }
                }
            }
        }
        double denom = Math.sqrt((double) (n0 - tx) * (n0 - ty));
        return denom == 0 ? Double.NaN : (nc - nd) / denom;
    }

    @Test
    void shouldComputeCohensKappaFromTheTwoByTwoTable() {
        // n = 100, p_o = 0.85, b_p = 0.50, b_s = 0.55, p_e = 0.5 * 0.55 + 0.5 * 0.45 = 0.5 -> (0.85 - 0.5) / 0.5
        assertEquals(0.7, ShadowMetrics.cohenKappa(40, 10, 5, 45), 1e-12);
        assertEquals(1.0, ShadowMetrics.cohenKappa(90, 0, 0, 10), EPS, "perfect agreement");
        assertTrue(Double.isNaN(ShadowMetrics.cohenKappa(100, 0, 0, 0)), "both raters constant");
    }

    @Test
    void shouldDeriveDecisionTableRatesByHand() {
        float[] p = {0.1f, 0.2f, 0.9f, 0.95f, 0.3f};
        float[] s = {0.1f, 0.85f, 0.2f, 0.99f, 0.4f};
        DecisionTable t = DecisionTable.of(p, s, 0.8f, 0.8f);
        assertEquals(2, t.bothAllow());
        assertEquals(1, t.newBlocks());
        assertEquals(1, t.releases());
        assertEquals(1, t.bothBlock());
        assertEquals(0.6, t.agreement(), EPS);
        assertEquals(0.4, t.flipRate(), EPS);
        assertEquals(0.4, t.primaryBlockRate(), EPS);
        assertEquals(0.4, t.shadowBlockRate(), EPS);
        assertEquals(0.0, t.deltaBlockRate(), EPS);
        // p_o = 0.6, p_e = 0.4*0.4 + 0.6*0.6 = 0.52 -> (0.6 - 0.52) / 0.48
        assertEquals((0.6 - 0.52) / 0.48, t.kappa(), 1e-12);
    }

    @Test
    void shouldComputeAveragePrecisionStepwiseWithTiesEnteringTogether() {
        // ranks: 0.9(+) P=1 R=1/3; 0.8(-); 0.7(+) P=2/3 R=2/3; 0.6(-); 0.5(+) P=3/5 R=1
        // AP = 1/3 * 1 + 1/3 * 2/3 + 1/3 * 3/5 = 34/45
        float[] scores = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f};
        boolean[] labels = {true, false, true, false, true};
        assertEquals(34.0 / 45.0, ShadowMetrics.averagePrecision(scores, labels), 1e-12);
        // tie at 0.9 holding one positive and one negative: P = 1/2 at R = 1/2, then P = 2/3 at R = 1
        assertEquals(0.5 * 0.5 + 0.5 * 2.0 / 3.0,
                ShadowMetrics.averagePrecision(new float[] {0.9f, 0.9f, 0.5f}, new boolean[] {true, false, true}),
                1e-12);
        assertTrue(Double.isNaN(ShadowMetrics.averagePrecision(new float[] {0.3f}, new boolean[] {false})));
    }

    @Test
    void shouldComputeRocAucAsTheShareOfCorrectlyOrderedPairs() {
        // positives 0.9, 0.7, 0.5 vs negatives 0.8, 0.6: pairs won 2 + 1 + 0 = 3 of 6
        float[] scores = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f};
        boolean[] labels = {true, false, true, false, true};
        assertEquals(0.5, ShadowMetrics.rocAuc(scores, labels), EPS);
        // a tie between a positive and a negative counts half
        assertEquals(0.5, ShadowMetrics.rocAuc(new float[] {0.4f, 0.4f}, new boolean[] {true, false}), EPS);
    }

    @Test
    void shouldComputeBrierOnlyForProbabilities() {
        // ((0.9 - 1)^2 + (0.2 - 0)^2) / 2 = (0.01 + 0.04) / 2
        assertEquals(0.025, ShadowMetrics.brier(new float[] {0.9f, 0.2f}, new boolean[] {true, false}), 1e-7);
        assertTrue(Double.isNaN(ShadowMetrics.brier(new float[] {1.5f}, new boolean[] {true})));
    }

    @Test
    void shouldInterpolateQuantilesLinearly() {
        float[] s = {1, 2, 3, 4};
        assertEquals(2.5, ShadowMetrics.quantile(s, 0.5), EPS); // h = 1.5
        assertEquals(3.7, ShadowMetrics.quantile(s, 0.9), 1e-9); // h = 2.7
        assertEquals(4.0, ShadowMetrics.quantile(s, 1.0), EPS);
    }

    @Test
    void shouldMatchTheBlockRateWithTheKthLargestShadowScore() {
        // block rate 0.3 of 10 -> k = 3 -> third largest = 0.8
        assertEquals(0.8f, ShadowMetrics.blockRateMatchedThreshold(PRIMARY_TENTHS, 0.3));
        assertEquals(Float.POSITIVE_INFINITY, ShadowMetrics.blockRateMatchedThreshold(PRIMARY_TENTHS, 0.0));
    }

    @Test
    void shouldMeasureTopKOverlapOfTheRiskiestRequests() {
        // top-2 by p: {0, 1}; top-2 by s: {2, 1} -> one in common
        float[] p = {0.9f, 0.8f, 0.7f, 0.1f};
        float[] s = {0.1f, 0.8f, 0.9f, 0.7f};
        assertEquals(0.5, ShadowMetrics.topKOverlap(p, s, 2), EPS);
        assertEquals(1.0, ShadowMetrics.topKOverlap(p, p, 3), EPS);
    }
}
