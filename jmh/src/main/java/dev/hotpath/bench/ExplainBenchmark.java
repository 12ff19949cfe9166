package dev.hotpath.bench;

import dev.hotpath.bench.data.BenchData;
import dev.hotpath.bench.data.ModelSpec;
import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.explain.ReasonCodeExplainer;
import dev.hotpath.scoring.explain.ReasonCodes;
import dev.hotpath.scoring.explain.TopReasons;
import dev.hotpath.scoring.explain.TreeExplainer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
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
 * Explaining one row of an XGBoost model: Hotpath's exact TreeSHAP ({@link TreeExplainer}, full contributions),
 * Hotpath's top-5 reason codes ({@link ReasonCodeExplainer}), and XGBoost4J's own {@code predictContrib} for one row
 * and for a batch, in the same run.
 *
 * <p>Models ({@link ModelSpec}): {@code fraud} 500 trees of depth 6 over 200 features (the headline), {@code small}
 * 100 trees of depth 4 over 30. Inputs: a pool of 1,024 distinct rows (about 5 % NaN) cycled per invocation. Reason
 * codes: the features grouped five by five into codes {@code G0, G1, …}, the last five excluded, positive
 * contributions count. Set-up checks Hotpath's contributions against XGBoost's {@code predictContrib} on 64 rows
 * (within 1e-6 of each row's total absolute contribution), so a fast but wrong explainer cannot be measured.
 *
 * <p>{@code xgboost4jPredictContribSingleRow} builds a one-row DMatrix per call, as a request path would;
 * {@code xgboost4jPredictContribBatch256} explains a prebuilt 256-row DMatrix per call (DMatrix construction not
 * timed), its score is per row.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ExplainBenchmark {
    static final int POOL = 1024;
    static final int BATCH = 256;
    static final int TOP = 5;

    /** Which model, see {@link ModelSpec}. */
    @Param({"fraud", "small"})
    public String model;

    private int numFeatures;
    private float[][] rows;
    private float[] pool;
    private int next;

    private Model hotpath;
    private TreeExplainer explainer;
    private TreeExplainer.Scratch scratch;
    private double[] contributions;
    private ReasonCodeExplainer reasons;
    private TopReasons top;

    private Booster booster;
    private DMatrix batch;

    /**
     * Loads the model into Hotpath and XGBoost4J and checks the contributions agree.
     *
     * @throws Exception if a model cannot be loaded or the explainers disagree
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
        hotpath = ModelLoader.load(files.xgboostJson());
        explainer = TreeExplainer.of(hotpath);
        scratch = explainer.newScratch();
        contributions = new double[explainer.width()];
        reasons = explainer.reasons(reasonCodes(hotpath.featureNames()));
        top = reasons.newResult(TOP);

        booster = XGBoost.loadModel(files.xgboostJson().toString());
        booster.setParam("nthread", "1");
        float[] first = new float[BATCH * numFeatures];
        System.arraycopy(pool, 0, first, 0, first.length);
        batch = new DMatrix(first, BATCH, numFeatures, Float.NaN);
        checkAgreement();
    }

    /** Codes {@code G0, G1, …} of five consecutive features each; the last five features excluded. */
    static ReasonCodes reasonCodes(List<String> features) {
        ReasonCodes.Builder b = ReasonCodes.builder();
        int cited = features.size() - 5;
        for (int start = 0; start < cited; start += 5) {
            b.code("G" + start / 5, new ArrayList<>(features.subList(start, Math.min(cited, start + 5))));
        }
        return b.exclude(features.subList(cited, features.size())).build();
    }

    private void checkAgreement() throws XGBoostError {
        float[][] expected = booster.predictContrib(batch, 0);
        for (int r = 0; r < 64; r++) {
            explainer.contributions(rows[r], 0, scratch, contributions, 0);
            double total = 0;
            for (float v : expected[r]) {
                total += Math.abs(v);
            }
            for (int j = 0; j < contributions.length; j++) {
                if (!(Math.abs(contributions[j] - expected[r][j]) <= 1e-6 * total)) {
                    throw new IllegalStateException(model + " row " + r + " column " + j + ": Hotpath "
                            + contributions[j] + " != XGBoost " + expected[r][j]);
                }
            }
        }
    }

    /**
     * Releases the native resources.
     *
     * @throws XGBoostError never in practice
     */
    @TearDown(Level.Trial)
    public void tearDown() throws XGBoostError {
        batch.dispose();
        booster.dispose();
    }

    private float[] nextRow() {
        return rows[next++ & (POOL - 1)];
    }

    /** @return every contribution of one row (features and bias): {@code TreeExplainer.contributions} */
    @Benchmark
    @ZeroAllocation
    public double[] hotpathContributions() {
        explainer.contributions(nextRow(), 0, scratch, contributions, 0);
        return contributions;
    }

    /** @return the top-5 reason codes of one row: {@code ReasonCodeExplainer.explain} */
    @Benchmark
    @ZeroAllocation
    @ComparedTo("hotpathContributions")
    public TopReasons hotpathTopReasons() {
        reasons.explain(nextRow(), top);
        return top;
    }

    /**
     * @return XGBoost4J's contributions of one row: a one-row DMatrix and {@code predictContrib}, one thread
     * @throws XGBoostError never in practice
     */
    @Benchmark
    @ComparedTo("hotpathContributions")
    public float[][] xgboost4jPredictContribSingleRow() throws XGBoostError {
        DMatrix d = new DMatrix(nextRow(), 1, numFeatures, Float.NaN);
        try {
            return booster.predictContrib(d, 0);
        } finally {
            d.dispose();
        }
    }

    /**
     * @return XGBoost4J's contributions of a prebuilt 256-row DMatrix, one thread; the score is per row
     * @throws XGBoostError never in practice
     */
    @Benchmark
    @ComparedTo("hotpathContributions")
    @OperationsPerInvocation(BATCH)
    public float[][] xgboost4jPredictContribBatch256() throws XGBoostError {
        return booster.predictContrib(batch, 0);
    }
}
