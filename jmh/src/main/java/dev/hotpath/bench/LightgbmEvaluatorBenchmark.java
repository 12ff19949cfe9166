package dev.hotpath.bench;

import dev.hotpath.bench.data.BenchData;
import dev.hotpath.bench.data.LightgbmBenchModels;
import dev.hotpath.bench.data.ModelSpec;
import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.model.TreeEnsemble;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What deciding LightGBM's double thresholds costs, on the LightGBM counterpart of a {@link ModelSpec} model:
 * {@code hotpathFastLayout} compares floats with strict float thresholds derived at load (the evaluator Hotpath
 * uses); {@code hotpathReferenceDouble} walks the same trees node by node comparing in double (after LightGBM's
 * input preparation, with double sums), the alternative the derived thresholds replace; and
 * {@code hotpathReferenceXgboost} walks the XGBoost model of the same shape node by node in float, the control that
 * separates the cost of double semantics from the cost of walking node by node.
 *
 * <p>Inputs as in {@link TreeEnsembleBenchmark}: 4,096 distinct rows cycled.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LightgbmEvaluatorBenchmark {
    /** Which model shape, see {@link ModelSpec}. */
    @Param({"fraud"})
    public String model;

    private TreeEnsemble fast;
    private TreeEnsemble referenceDouble;
    private TreeEnsemble referenceXgboost;
    private float[][] rows;
    private int next;

    /** Loads the LightGBM and XGBoost models and checks that both LightGBM evaluators agree on every row. */
    @Setup(Level.Trial)
    public void setUp() {
        ModelSpec spec = ModelSpec.of(model);
        LightgbmBenchModels.loadNative();
        fast = (TreeEnsemble) ModelLoader.load(LightgbmBenchModels.model(spec));
        referenceDouble = fast.withReferenceEvaluator();
        referenceXgboost = ((TreeEnsemble) ModelLoader.load(BenchData.model(spec).xgboostJson()))
                .withReferenceEvaluator();
        float[] pool = BenchData.rowPool(spec, TreeEnsembleBenchmark.POOL);
        int f = spec.features();
        rows = new float[TreeEnsembleBenchmark.POOL][f];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(pool, r * f, rows[r], 0, f);
            if (Float.floatToRawIntBits(fast.score(rows[r])) != Float.floatToRawIntBits(referenceDouble.score(rows[r]))) {
                throw new IllegalStateException(model + " row " + r + ": the evaluators disagree");
            }
        }
        if (fast.evaluator().equals("reference")) {
            throw new IllegalStateException(model + ": expected a fast layout, got the reference walker");
        }
    }

    private float[] nextRow() {
        return rows[next++ & (TreeEnsembleBenchmark.POOL - 1)];
    }

    /** @return the LightGBM model's probability on its fast layout (strict float thresholds) */
    @Benchmark
    @ComparedTo("hotpathReferenceDouble")
    public float hotpathFastLayout() {
        return fast.score(nextRow());
    }

    /** @return the LightGBM model's probability from the node-by-node walker comparing in double */
    @Benchmark
    @ComparedTo("hotpathReferenceXgboost")
    public float hotpathReferenceDouble() {
        return referenceDouble.score(nextRow());
    }

    /** @return the same-shape XGBoost model's probability from the node-by-node walker comparing in float */
    @Benchmark
    public float hotpathReferenceXgboost() {
        return referenceXgboost.score(nextRow());
    }
}
