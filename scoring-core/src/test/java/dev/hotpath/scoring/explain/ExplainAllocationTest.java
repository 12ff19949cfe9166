package dev.hotpath.scoring.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.model.TreeEnsembleBuilder;
import dev.hotpath.scoring.testing.AllocationProbe;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Explaining a row allocates 0 bytes after warm-up — full contributions (thread-local and caller-owned scratch), top
 * reason codes — on models that take both kernels (distinct features only, repeated features on a path) and on a
 * multi-class model; the control proves the probe sees allocation. The suite runs this class a second time with
 * {@code -XX:-DoEscapeAnalysis}.
 */
@Tag("allocation")
class ExplainAllocationTest {
    private static final float[] THRESHOLDS = {-1f, 0f, 0.5f, 1f, 2.5f};
    static double sink;
    static Object objectSink;

    private static TreeEnsemble model(int features, int groups, long seed) {
        Random rnd = new Random(seed);
        TreeEnsembleBuilder b = TreeEnsemble.builder(features, groups);
        for (int t = 0; t < 6; t++) {
            b.addTree(ShapTrees.random(rnd, features, 6, THRESHOLDS, t % 3 == 0, false, 1), t % groups, 1f);
        }
        return b.build();
    }

    private static float[][] rows(int n, int f) {
        Random rnd = new Random(9);
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = ShapTrees.row(rnd, f, THRESHOLDS);
        }
        return rows;
    }

    /** Calls per measured round: an explanation costs microseconds, so fewer calls than scoring's probe. */
    private static final int CALLS = 10_000;

    private static void assertZero(String what, Runnable body) {
        long bytes = AllocationProbe.bytesAllocated(AllocationProbe.DEFAULT_WARMUP, CALLS, body);
        assertEquals(0, bytes, what + " allocated " + bytes + " bytes over " + CALLS + " calls");
    }

    @Test
    void contributionsAllocateNothing() {
        // 200 features: few repeats; 6 features: nearly every path repeats one (the general kernel)
        for (TreeEnsemble m : new TreeEnsemble[] {model(200, 1, 1), model(6, 1, 2), model(20, 3, 3)}) {
            TreeExplainer e = TreeExplainer.of(m);
            float[][] rows = rows(1024, m.numFeatures());
            double[] out = new double[e.width()];
            float[] outFloat = new float[e.width()];
            TreeExplainer.Scratch scratch = e.newScratch();
            int[] i = {0};
            assertZero("contributions(float[], double[]) on " + m, () -> {
                e.contributions(rows[i[0]++ & 1023], out);
                sink += out[0];
            });
            assertZero("contributions(float[], float[]) on " + m, () -> {
                e.contributions(rows[i[0]++ & 1023], outFloat);
                sink += outFloat[0];
            });
            assertZero("contributions with caller-owned scratch on " + m, () -> {
                e.contributions(rows[i[0]++ & 1023], 0, scratch, out, 0);
                sink += out[1];
            });
        }
    }

    @Test
    void topReasonsAllocateNothing() {
        for (TreeEnsemble m : new TreeEnsemble[] {model(200, 1, 4), model(6, 1, 5), model(20, 3, 6)}) {
            TreeExplainer e = TreeExplainer.of(m);
            ReasonCodeExplainer reasons = e.reasons(ReasonCodes.builder().code("FIRST", "f0", "f1", "f2")
                    .exclude("f3").outputGroup(m.numMarginOutputs() - 1).build());
            TopReasons top = reasons.newResult(5);
            float[][] rows = rows(1024, m.numFeatures());
            int[] i = {0};
            assertZero("top reasons on " + m, () -> {
                reasons.explain(rows[i[0]++ & 1023], top);
                sink += top.count() > 0 ? top.contribution(0) + top.codeId(0) + top.bias() : 0;
            });
        }
    }

    @Test
    void controlBoxingIsSeenByTheProbe() {
        TreeExplainer e = TreeExplainer.of(model(20, 1, 7));
        float[][] rows = rows(1024, 20);
        double[] out = new double[e.width()];
        int[] i = {0};
        double perCall = AllocationProbe.bytesPerCall(CALLS, () -> {
            e.contributions(rows[i[0]++ & 1023], out);
            objectSink = Double.valueOf(out[0]);
        });
        assertTrue(perCall >= 16, "boxing the contribution must be seen as >= 16 B/call, saw " + perCall);
    }
}
