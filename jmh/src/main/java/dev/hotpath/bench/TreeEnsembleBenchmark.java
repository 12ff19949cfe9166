package dev.hotpath.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import com.microsoft.ml.lightgbm.PredictionType;
import dev.hotpath.bench.data.BenchData;
import dev.hotpath.bench.data.LightgbmBenchModels;
import dev.hotpath.bench.data.ModelSpec;
import dev.hotpath.bench.data.UsesModels;
import dev.hotpath.bench.onnx.OnnxTreeEnsembleWriter;
import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.model.TreeEnsemble;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One XGBoost model scored by Hotpath, by XGBoost4J itself and by ONNX Runtime, and its LightGBM counterpart (same
 * data, trees and depth) scored by Hotpath and by LightGBM itself (lightgbm4j), in the same run.
 *
 * <p>Models ({@link ModelSpec}): {@code small} 100 trees of depth 4 over 30 features, {@code fraud} 500 × depth 6
 * over 200 features, {@code large} 2,000 × depth 8 over 200 features, all {@code binary:logistic}, trained by
 * XGBoost4J on synthetic fraud-like data and cached by {@link BenchData}. Every method scores probabilities.
 *
 * <p>Inputs: a pool of 4,096 distinct rows (about 5 % NaN) cycled per invocation, never one constant row, so branch
 * predictors cannot learn the paths. Set-up checks that Hotpath's probabilities equal XGBoost's bit for bit and ONNX
 * Runtime's to within 1e-5 on the whole pool, and that Hotpath's LightGBM probabilities are LightGBM's rounded to
 * float, so a fast but wrong evaluator cannot be measured. {@code hotpathLightgbmSingleRow} is compared with
 * {@code hotpathSingleRow} (the same evaluator on a LightGBM model of the same shape: double thresholds, LightGBM's
 * missing-value rules and double sums), {@code lightgbm4jSingleRow} with {@code hotpathLightgbmSingleRow}.
 *
 * <p>Per-row figures: {@code hotpathBatch64}, {@code hotpathBatch256} and {@code xgboost4jBatch4096} divide by the
 * rows per call. Set-up also checks that the batch path's probabilities equal the single-row path's bit for bit.
 */
@UsesModels(param = "model")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TreeEnsembleBenchmark {
    static final int POOL = 4096;
    static final int BATCH = 64;
    static final int BATCH_256 = 256;

    /** Which model, see {@link ModelSpec}. */
    @Param({"small", "fraud", "large"})
    public String model;

    private int numFeatures;
    private Model hotpath;
    private float[][] rows;
    private float[][] batches;
    private float[][] batches256;
    private float[] batchOut;
    private float[] batchOut256;
    private float[] pool;
    private int next;

    private Booster booster;

    private PinnedOrtSession ort;

    /**
     * Loads the model three ways and checks they agree on every pooled row.
     *
     * @throws Exception if a model cannot be loaded or the scorers disagree
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ModelSpec spec = ModelSpec.of(model);
        BenchData.ModelFiles files = BenchData.model(spec);
        numFeatures = spec.features();
        pool = BenchData.rowPool(spec, POOL);
        rows = new float[POOL][numFeatures];
        for (int r = 0; r < POOL; r++) {
            System.arraycopy(pool, r * numFeatures, rows[r], 0, numFeatures);
        }
        batches = new float[POOL / BATCH][BATCH * numFeatures];
        for (int b = 0; b < batches.length; b++) {
            System.arraycopy(pool, b * BATCH * numFeatures, batches[b], 0, BATCH * numFeatures);
        }
        batches256 = new float[POOL / BATCH_256][BATCH_256 * numFeatures];
        for (int b = 0; b < batches256.length; b++) {
            System.arraycopy(pool, b * BATCH_256 * numFeatures, batches256[b], 0, BATCH_256 * numFeatures);
        }
        batchOut = new float[BATCH];
        batchOut256 = new float[BATCH_256];

        hotpath = ModelLoader.load(files.xgboostJson());

        booster = XGBoost.loadModel(files.xgboostJson().toString());
        booster.setParam("nthread", "1");

        ort = new PinnedOrtSession(OrtEnvironment.getEnvironment(), Files.readAllBytes(files.onnx()), numFeatures,
                OnnxTreeEnsembleWriter.PROBABILITIES);

        checkAgreement();
    }

    /**
     * The LightGBM counterpart of the model, scored by Hotpath and by lightgbm4j. A separate state, so that only the
     * LightGBM benchmarks load it: the XGBoost benchmarks' JVMs never run LightGBM code, as in a service that serves
     * XGBoost models only.
     */
    @State(Scope.Thread)
    public static class LightgbmModels {
        Model hotpath;
        LGBMBooster lightgbm;

        /**
         * Loads the LightGBM model both ways and checks that Hotpath's probabilities are LightGBM's rounded to float.
         *
         * @param b the benchmark's own state (model, rows)
         * @throws Exception if a model cannot be loaded or the scorers disagree
         */
        @Setup(Level.Trial)
        public void setUp(TreeEnsembleBenchmark b) throws Exception {
            ModelSpec spec = ModelSpec.of(b.model);
            LightgbmBenchModels.loadNative();
            Path file = LightgbmBenchModels.model(spec);
            hotpath = ModelLoader.load(file);
            lightgbm = LGBMBooster.createFromModelfile(file.toString());
            // Single-output model: lightgbm4j's predictForMat buffer (two values per row) is large enough.
            double[] expected = lightgbm.predictForMat(b.pool, POOL, b.numFeatures, true,
                    PredictionType.C_API_PREDICT_NORMAL);
            for (int r = 0; r < POOL; r++) {
                float hp = hotpath.score(b.rows[r]);
                if (Float.floatToRawIntBits(hp) != Float.floatToRawIntBits((float) expected[r])) {
                    throw new IllegalStateException(b.model + " LightGBM row " + r + ": Hotpath " + hp
                            + " != LightGBM " + expected[r]);
                }
            }
            long lightgbmLeaves = Files.readAllLines(file).stream().filter(l -> l.startsWith("num_leaves="))
                    .mapToLong(l -> Long.parseLong(l.substring("num_leaves=".length()))).sum();
            long xgboostLeaves = dev.hotpath.bench.data.XgboostJsonTrees.read(BenchData.model(spec).xgboostJson())
                    .trees().stream().mapToLong(t -> (t.size() + 1) / 2).sum();
            System.err.printf("[hotpath-jmh] %s shapes: XGBoost %d trees, %d leaves, depth %d, %s evaluator;"
                            + " LightGBM %d trees, %d leaves, depth %d, %s evaluator%n", b.model,
                    b.hotpath.info().numTrees(), xgboostLeaves, b.hotpath.info().maxDepth(), evaluator(b.hotpath),
                    hotpath.info().numTrees(), lightgbmLeaves, hotpath.info().maxDepth(), evaluator(hotpath));
        }

        private static String evaluator(Model m) {
            return m instanceof TreeEnsemble t ? t.evaluator() : m.getClass().getSimpleName();
        }

        /**
         * Frees LightGBM's booster.
         *
         * @throws LGBMException if LightGBM fails to free it
         */
        @TearDown(Level.Trial)
        public void tearDown() throws LGBMException {
            lightgbm.close();
        }
    }

    private void checkAgreement() throws XGBoostError, OrtException {
        float[][] expected = booster.inplace_predict(pool, POOL, numFeatures, Float.NaN);
        for (int r = 0; r < POOL; r++) {
            float xgb = expected[r][0];
            float hp = hotpath.score(rows[r]);
            if (Float.floatToRawIntBits(hp) != Float.floatToRawIntBits(xgb)) {
                throw new IllegalStateException(model + " row " + r + ": Hotpath " + hp + " != XGBoost " + xgb);
            }
            float ort = onnxRuntimeTreeEnsemble(rows[r]);
            if (!(Math.abs(ort - xgb) <= 1e-5f)) {
                throw new IllegalStateException(model + " row " + r + ": ONNX Runtime " + ort + " vs XGBoost " + xgb);
            }
        }
        // The batch path must give the single-row path's scores bit for bit (which equal XGBoost's, checked above).
        for (int b = 0; b < batches256.length; b++) {
            hotpath.score(batches256[b], BATCH_256, batchOut256);
            for (int r = 0; r < BATCH_256; r++) {
                float single = hotpath.score(rows[b * BATCH_256 + r]);
                if (Float.floatToRawIntBits(batchOut256[r]) != Float.floatToRawIntBits(single)) {
                    throw new IllegalStateException(model + " batch row " + (b * BATCH_256 + r) + ": "
                            + batchOut256[r] + " != single row " + single);
                }
            }
        }
    }

    /**
     * Releases the native resources.
     *
     * @throws OrtException if ONNX Runtime fails to close
     */
    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        ort.close();
        booster.dispose();
    }

    private float[] nextRow() {
        return rows[next++ & (POOL - 1)];
    }

    /** @return the probability of one row: {@code Model.score(float[])} */
    @Benchmark
    @ZeroAllocation
    public float hotpathSingleRow() {
        return hotpath.score(nextRow());
    }

    /** @return 64 probabilities from one {@code Model.score(rows, 64, out)} call; the score is per row */
    @Benchmark
    @ZeroAllocation
    @ComparedTo("hotpathSingleRow")
    @OperationsPerInvocation(BATCH)
    public float[] hotpathBatch64() {
        hotpath.score(batches[next++ & (POOL / BATCH - 1)], BATCH, batchOut);
        return batchOut;
    }

    /** @return 256 probabilities from one {@code Model.score(rows, 256, out)} call; the score is per row */
    @Benchmark
    @ZeroAllocation
    @ComparedTo("hotpathSingleRow")
    @OperationsPerInvocation(BATCH_256)
    public float[] hotpathBatch256() {
        hotpath.score(batches256[next++ & (POOL / BATCH_256 - 1)], BATCH_256, batchOut256);
        return batchOut256;
    }

    /**
     * @param lgbm the LightGBM counterpart model
     * @return the probability of one row from the LightGBM counterpart model: {@code Model.score(float[])}
     */
    @Benchmark
    @ZeroAllocation
    @ComparedTo("hotpathSingleRow")
    public float hotpathLightgbmSingleRow(LightgbmModels lgbm) {
        return lgbm.hotpath.score(nextRow());
    }

    /**
     * @param lgbm the LightGBM counterpart model
     * @return LightGBM's prediction for one row through lightgbm4j's {@code predictForMatSingleRow} (float32 input,
     *     the LightGBM C API's single-row path)
     * @throws LGBMException never in practice
     */
    @Benchmark
    @ComparedTo("hotpathLightgbmSingleRow")
    public double lightgbm4jSingleRow(LightgbmModels lgbm) throws LGBMException {
        return lgbm.lightgbm.predictForMatSingleRow(nextRow(), PredictionType.C_API_PREDICT_NORMAL);
    }

    /**
     * @return XGBoost4J's prediction for one row: {@code inplace_predict}, one thread, the best single-row use of
     *     XGBoost4J
     * @throws XGBoostError never in practice
     */
    @Benchmark
    @ComparedTo("hotpathSingleRow")
    public float[][] xgboost4jInplacePredict() throws XGBoostError {
        return booster.inplace_predict(nextRow(), 1, numFeatures, Float.NaN);
    }

    /**
     * @return XGBoost's native batch predictor over the whole 4,096-row pool, one thread; the score is per row
     * @throws XGBoostError never in practice
     */
    @Benchmark
    @ComparedTo("hotpathSingleRow")
    @OperationsPerInvocation(POOL)
    public float[][] xgboost4jBatch4096() throws XGBoostError {
        return booster.inplace_predict(pool, POOL, numFeatures, Float.NaN);
    }

    /**
     * @return ONNX Runtime's probability for one row: the same trees as an {@code ai.onnx.ml} TreeEnsembleClassifier,
     *     one reused direct input buffer, pinned outputs, one thread, spinning off, all graph optimisations
     * @throws OrtException never in practice
     */
    @Benchmark
    @ComparedTo("hotpathSingleRow")
    public float onnxRuntimeTreeEnsemble() throws OrtException {
        return onnxRuntimeTreeEnsemble(nextRow());
    }

    private float onnxRuntimeTreeEnsemble(float[] row) throws OrtException {
        return ort.run(row); // probabilities[1], the positive class
    }
}
