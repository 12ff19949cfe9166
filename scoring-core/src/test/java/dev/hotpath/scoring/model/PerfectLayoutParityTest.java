package dev.hotpath.scoring.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotpath.scoring.ModelLimits;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The perfect-heap evaluator against the reference walker, bit for bit, on seeded random ensembles (tree counts that
 * are and are not multiples of the block width, unbalanced trees, single-leaf trees, depths up to the layout's limit,
 * DART weights, multi-output groups) and rows full of edge values: NaN, ±0, ±Inf, subnormals and exact thresholds.
 * The same rows are replayed through {@code checkedMargins}, which repeats the traversal with bounds-checked reads
 * and asserts that every entry and feature offset stays inside its block level and the scratch row: the proof that
 * the unchecked reads of the fast path never leave their arrays.
 */
class PerfectLayoutParityTest {
    private static final float[] THRESHOLDS = {-3.5f, -1f, -0f, 0f, 1e-30f, 0.25f, 0.5f, 1f, 2.75f, 1e30f,
        -Float.MIN_VALUE, Float.MIN_VALUE, 100f, -Float.MAX_VALUE, Float.MAX_VALUE};
    private static final float[] EDGE = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, -1f, 0.5f, 1f, 2.75f, 1e30f, 100f, 0.24999999f, -3.5f,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.intBitsToFloat(0xFFC00001)};

    @ParameterizedTest(name = "{0} trees, depth {1}, {2} outputs, dart={3}")
    @CsvSource({"1,0,1,false", "1,1,1,false", "7,3,1,false", "8,6,1,false", "9,2,1,false", "53,6,1,true",
        "200,8,1,false", "30,5,3,false", "31,7,4,true", "20,10,1,false", "17,1,2,false"})
    void shouldMatchTheReferenceWalkerBitForBit(int nTrees, int depth, int outputs, boolean dart) {
        assumeTrue(PerfectTreeLayout.available(), "sun.misc.Unsafe is not usable on this JVM");
        Random rnd = new Random(nTrees * 131L + depth * 7L + outputs);
        int f = 19;
        TreeEnsembleBuilder b = TreeEnsemble.builder(f, outputs);
        float[] base = new float[outputs];
        for (int k = 0; k < outputs; k++) {
            base[k] = k == 0 ? -0f : (float) rnd.nextGaussian();
        }
        b.baseMargins(base);
        for (int t = 0; t < nTrees; t++) {
            float w = dart ? (float) rnd.nextDouble() : 1f;
            // Mostly full-depth trees, some shallower ones (padded to their block's depth), some single leaves.
            int d = depth == 0 || rnd.nextInt(4) != 0 ? depth : rnd.nextInt(depth + 1);
            b.addTree(d == 0 ? leafOnly((float) rnd.nextGaussian()) : dense(rnd, f, d), t % outputs, w);
        }
        TreeEnsemble fast = b.build();
        assertEquals("perfect", fast.evaluator());
        PerfectTreeLayout layout = fast.perfectLayout();
        TreeEnsemble ref = fast.withReferenceEvaluator();

        float[] row = new float[f];
        float[] a = new float[outputs];
        float[] r = new float[outputs];
        double[] checked = new double[outputs];
        int rows = 10_000;
        float[] batch = new float[rows * f];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < f; j++) {
                row[j] = rnd.nextInt(3) == 0 ? EDGE[rnd.nextInt(EDGE.length)] : (float) (rnd.nextGaussian() * 2);
            }
            System.arraycopy(row, 0, batch, i * f, f);
            fast.scoreMargin(row, a);
            ref.scoreMargin(row, r);
            for (int k = 0; k < outputs; k++) {
                checked[k] = base[k];
            }
            layout.checkedMargins(row, 0, checked, 0);
            for (int k = 0; k < outputs; k++) {
                assertEquals(Float.floatToRawIntBits(r[k]), Float.floatToRawIntBits(a[k]),
                        "row " + i + " output " + k + ": reference " + r[k] + " perfect " + a[k]);
                assertEquals(Float.floatToRawIntBits(r[k]), Float.floatToRawIntBits((float) checked[k]),
                        "row " + i + " output " + k + ": reference " + r[k] + " checked " + checked[k]);
            }
            if (outputs == 1) {
                assertEquals(Float.floatToRawIntBits(r[0]), Float.floatToRawIntBits(fast.scoreMargin(row)));
            }
        }
        float[] batchFast = new float[rows * outputs];
        float[] batchRef = new float[rows * outputs];
        fast.scoreMargin(batch, rows, batchFast);
        ref.scoreMargin(batch, rows, batchRef);
        for (int i = 0; i < batchFast.length; i++) {
            assertEquals(Float.floatToRawIntBits(batchRef[i]), Float.floatToRawIntBits(batchFast[i]), "batch " + i);
        }
    }

    @Test
    void shouldAddNonFiniteLeavesExactlyLikeTheReference() {
        assumeTrue(PerfectTreeLayout.available(), "sun.misc.Unsafe is not usable on this JVM");
        TreeEnsemble m = TreeEnsemble.builder(1, 1)
                .addTree(Trees.stump(0, 0.5f, false, Float.POSITIVE_INFINITY, 1f), 0, 1f)
                .addTree(Trees.stump(0, 0.25f, true, -1f, Float.NaN), 0, 1f)
                .addTree(leafOnly(Float.NEGATIVE_INFINITY), 0, 1f)
                .build();
        assertEquals("perfect", m.evaluator());
        TreeEnsemble ref = m.withReferenceEvaluator();
        for (float x : EDGE) {
            float[] row = {x};
            assertEquals(Float.floatToRawIntBits(ref.scoreMargin(row)), Float.floatToRawIntBits(m.scoreMargin(row)),
                    "x=" + x);
        }
    }

    @Test
    void shouldLeaveDeepTreesToTheInterleavedLayout() {
        Random rnd = new Random(3);
        TreeEnsembleBuilder b = TreeEnsemble.builder(5, 1);
        b.addTree(Trees.random(rnd, 5, PerfectTreeLayout.MAX_DEPTH + 1, THRESHOLDS, 1), 0, 1f);
        TreeEnsemble m = b.build();
        assertEquals("interleaved", m.evaluator());
        assertNull(m.perfectLayout());
    }

    @Test
    void shouldRefusePaddingThatWouldMoreThanQuadrupleTheNodes() {
        assumeTrue(PerfectTreeLayout.available(), "sun.misc.Unsafe is not usable on this JVM");
        // 80 "vines" of depth 10: 21 nodes each, but a perfect heap of depth 10 has 2047 entries (163,760 in all,
        // more than 4 x 1,680 nodes + 65,536).
        TreeEnsembleBuilder b = TreeEnsemble.builder(3, 1);
        for (int t = 0; t < 80; t++) {
            b.addTree(vine(10), 0, 1f);
        }
        TreeEnsemble m = b.build();
        assertEquals("interleaved", m.evaluator());
    }

    @Test
    void shouldLeaveLayoutsBeyondTheCacheBudgetToTheInterleavedLayout() {
        assumeTrue(PerfectTreeLayout.available(), "sun.misc.Unsafe is not usable on this JVM");
        // 70 full depth-10 trees: 70 * 2047 entries > 131,072 (1 MiB), although every tree is full.
        Random rnd = new Random(5);
        TreeEnsembleBuilder b = TreeEnsemble.builder(4, 1);
        for (int t = 0; t < 70; t++) {
            b.addTree(full(rnd, 4, 10), 0, 1f);
        }
        assertEquals("interleaved", b.build().evaluator());
        TreeEnsembleBuilder fits = TreeEnsemble.builder(4, 1);
        for (int t = 0; t < 60; t++) {
            fits.addTree(full(rnd, 4, 10), 0, 1f);
        }
        assertEquals("perfect", fits.build().evaluator());
    }

    @Test
    void shouldPadShallowTreesOfABlockToItsDeepestTree() {
        assumeTrue(PerfectTreeLayout.available(), "sun.misc.Unsafe is not usable on this JVM");
        TreeEnsembleBuilder b = TreeEnsemble.builder(3, 1);
        for (int t = 0; t < 7; t++) {
            b.addTree(Trees.stump(t % 3, 0.5f, t % 2 == 0, -t, t), 0, 1f);
        }
        b.addTree(Trees.random(new Random(1), 3, 4, THRESHOLDS, 1), 0, 1f);
        PerfectTreeLayout layout = b.build().perfectLayout();
        assertNotNull(layout);
        // One block of 8 trees padded to depth 4: 8 * (2^5 - 1) entries.
        assertTrue(layout.entries() == 8 * 31, "entries " + layout.entries());
    }

    @Test
    void shouldStillValidateTreesBeforeLayingThemOut() {
        // Limits are enforced by the builder before any layout is compiled.
        TreeEnsembleBuilder b = TreeEnsemble.builder(2, 1).limits(ModelLimits.defaults().withMaxDepth(2));
        org.junit.jupiter.api.Assertions.assertThrows(dev.hotpath.scoring.ModelFormatException.class,
                () -> b.addTree(vine(3), 0, 1f));
    }

    /**
     * A random tree that splits with probability 0.9 below depth 2 (always above), so deep trees stay full enough
     * for the perfect layout's padding limit; thresholds come from {@link #THRESHOLDS} so rows hit them exactly.
     */
    static TreeNodes dense(Random rnd, int numFeatures, int maxDepth) {
        int cap = (1 << (maxDepth + 1)) - 1;
        int[] left = new int[cap];
        int[] right = new int[cap];
        int[] feature = new int[cap];
        float[] threshold = new float[cap];
        boolean[] defaultLeft = new boolean[cap];
        int[] depthOf = new int[cap];
        int count = 1;
        for (int n = 0; n < count; n++) {
            if (depthOf[n] < maxDepth && (depthOf[n] < 2 || rnd.nextInt(10) != 0)) {
                left[n] = count;
                right[n] = count + 1;
                depthOf[count] = depthOf[n] + 1;
                depthOf[count + 1] = depthOf[n] + 1;
                count += 2;
                feature[n] = rnd.nextInt(numFeatures);
                threshold[n] = THRESHOLDS[rnd.nextInt(THRESHOLDS.length)];
                defaultLeft[n] = rnd.nextBoolean();
            } else {
                left[n] = -1;
                right[n] = -1;
                threshold[n] = (float) (rnd.nextGaussian() * 0.1);
            }
        }
        float[] t = java.util.Arrays.copyOf(threshold, count);
        return new TreeNodes(java.util.Arrays.copyOf(left, count), java.util.Arrays.copyOf(right, count),
                java.util.Arrays.copyOf(feature, count), t, java.util.Arrays.copyOf(defaultLeft, count), null,
                t.clone(), 1);
    }

    /** A perfect tree of the given depth. */
    private static TreeNodes full(Random rnd, int numFeatures, int depth) {
        int n = (2 << depth) - 1;
        int[] left = new int[n];
        int[] right = new int[n];
        int[] feature = new int[n];
        float[] thr = new float[n];
        boolean[] dl = new boolean[n];
        for (int i = 0; i < n; i++) {
            boolean internal = i < (1 << depth) - 1;
            left[i] = internal ? 2 * i + 1 : -1;
            right[i] = internal ? 2 * i + 2 : -1;
            feature[i] = rnd.nextInt(numFeatures);
            thr[i] = internal ? THRESHOLDS[rnd.nextInt(THRESHOLDS.length)] : (float) rnd.nextGaussian();
            dl[i] = rnd.nextBoolean();
        }
        return new TreeNodes(left, right, feature, thr, dl, null, thr.clone(), 1);
    }

    private static TreeNodes leafOnly(float value) {
        return new TreeNodes(new int[] {-1}, new int[] {-1}, new int[] {0}, new float[] {value},
                new boolean[] {false}, null, new float[] {value}, 1);
    }

    /** A left-leaning chain: node 2i splits, its right child is a leaf, its left child continues. */
    private static TreeNodes vine(int depth) {
        int n = 2 * depth + 1;
        int[] left = new int[n];
        int[] right = new int[n];
        int[] feature = new int[n];
        float[] thr = new float[n];
        boolean[] dl = new boolean[n];
        for (int i = 0; i < n; i++) {
            left[i] = -1;
            right[i] = -1;
            thr[i] = i * 0.125f;
        }
        int node = 0;
        int next = 1;
        for (int d = 0; d < depth; d++) {
            left[node] = next;
            right[node] = next + 1;
            feature[node] = d % 2;
            thr[node] = d * 0.5f - 1f;
            dl[node] = d % 2 == 0;
            node = next;
            next += 2;
        }
        return new TreeNodes(left, right, feature, thr, dl, null, thr.clone(), 1);
    }
}
