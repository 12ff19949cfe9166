package dev.hotpath.bench;

import dev.hotpath.bench.data.BenchData;
import dev.hotpath.bench.data.ModelSpec;
import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.explain.ReasonCodeExplainer;
import dev.hotpath.scoring.explain.TopReasons;
import dev.hotpath.scoring.explain.TreeExplainer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The CPU time one explanation costs, on one thread: the companion of {@link ExplainBenchmark} for a machine that
 * other work keeps busy. Wall-clock time there measures the scheduler's share; a thread's CPU time counts only while
 * it runs. Blocks of full contributions, top-5 reason codes (the benchmark's codes) and, as the peer measured in the
 * same run, plain scoring ({@code scoreMargin}) alternate over the benchmark's 1,024-row pool; the thread's CPU clock
 * is read around each block, and the best and median block are printed in µs per row. CPU time still includes what
 * other processes cost this thread through the shared caches, so compare the explainer with the scoring peer of the
 * same run.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar dev.hotpath.bench.ExplainCpuCost [model] [blocks]
 * </pre>
 * ({@code model}: {@code fraud} (default) or {@code small}, generated into {@code jmh/target/bench-data} if absent).
 */
public final class ExplainCpuCost {
    private static volatile double sink;

    private ExplainCpuCost() {
    }

    /**
     * @param args model (default {@code fraud}), blocks per kind (default 9)
     * @throws Exception if the model cannot be generated or loaded
     */
    public static void main(String[] args) throws Exception {
        ModelSpec spec = ModelSpec.of(args.length > 0 ? args[0] : "fraud");
        int blocks = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        int nf = spec.features();
        float[] pool = BenchData.rowPool(spec, ExplainBenchmark.POOL);
        float[][] rows = new float[ExplainBenchmark.POOL][nf];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(pool, r * nf, rows[r], 0, nf);
        }
        Model model = ModelLoader.load(BenchData.model(spec).xgboostJson());
        TreeExplainer explainer = TreeExplainer.of(model);
        TreeExplainer.Scratch scratch = explainer.newScratch();
        double[] out = new double[explainer.width()];
        ReasonCodeExplainer reasons = explainer.reasons(ExplainBenchmark.reasonCodes(model.featureNames()));
        TopReasons top = reasons.newResult(ExplainBenchmark.TOP);
        float[] margin = new float[model.numMarginOutputs()];
        System.out.println(explainer + ", scratch " + explainer.scratchBytes() + " B");

        String[] kinds = {"contributions", "topReasons", "scoreMargin (peer)"};
        // about 0.2 s of work per explanation block at ~1 ms per row; scoring is ~200x cheaper, so 100x the rows
        int rowsPerBlock = spec.trees() >= 500 ? 200 : 2_000;
        int[] perBlock = {rowsPerBlock, rowsPerBlock, rowsPerBlock * 100};
        double[][] usPerRow = new double[kinds.length][blocks];
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int next = 0;
        for (int b = -2; b < blocks; b++) { // two warm-up rounds
            for (int k = 0; k < kinds.length; k++) {
                long t0 = mx.getCurrentThreadCpuTime();
                double acc = 0;
                for (int i = 0; i < perBlock[k]; i++) {
                    float[] row = rows[next++ & (ExplainBenchmark.POOL - 1)];
                    if (k == 0) {
                        explainer.contributions(row, 0, scratch, out, 0);
                        acc += out[0];
                    } else if (k == 1) {
                        reasons.explain(row, top);
                        acc += top.count();
                    } else {
                        model.scoreMargin(row, margin);
                        acc += margin[0];
                    }
                }
                long ns = mx.getCurrentThreadCpuTime() - t0;
                sink += acc;
                if (b >= 0) {
                    usPerRow[k][b] = ns / 1000.0 / perBlock[k];
                }
            }
        }
        for (int k = 0; k < kinds.length; k++) {
            double[] v = usPerRow[k];
            Arrays.sort(v);
            System.out.println(String.format(Locale.ROOT, "%-20s CPU µs per row: best %9.2f  median %9.2f  (%d blocks"
                    + " of %d rows)", kinds[k], v[0], v[v.length / 2], blocks, perBlock[k]));
        }
    }
}
