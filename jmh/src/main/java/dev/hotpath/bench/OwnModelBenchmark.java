package dev.hotpath.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.hotpath.bench.data.OwnModelInput;
import dev.hotpath.scoring.Model;
import java.util.Arrays;
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
 * Your model and your rows: the tree benchmarks and the peers that apply, run on a model file of any format
 * Hotpath loads and a CSV of rows with {@code hotpath score}'s rules (see {@link OwnModelInput}). Run it with
 * {@code jmh/run.sh model MODEL ROWS.csv}, which checks both files first and selects the methods whose peer applies;
 * the defaults are the repository's sample model and rows.
 *
 * <ul>
 *   <li>{@code hotpathSingleRow}: {@code Model.score(row, out)}, one row per call;</li>
 *   <li>{@code hotpathBatch64}: {@code Model.score(rows, 64, out)}; the score is per row;</li>
 *   <li>{@code xgboost4jInplacePredict}, {@code xgboost4jBatch4096} (XGBoost models): XGBoost4J's
 *       {@code inplace_predict} for one row, and for 4,096 rows per call (per row), one thread;</li>
 *   <li>{@code onnxRuntime}: ONNX Runtime with pinned outputs, one thread ({@link PinnedOrtSession}), on the ONNX
 *       file, or for an XGBoost {@code binary:logistic} model on its trees exported to ONNX.</li>
 * </ul>
 *
 * <p>Set-up checks the peers against Hotpath on every pooled row before anything is measured: XGBoost4J bit for bit
 * on every output, ONNX Runtime bit for bit on the ONNX file's scored output, within 1e-5 on an export. A peer that
 * does not apply to the model fails its set-up with the reason. The rows are cycled, one per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class OwnModelBenchmark {
    static final int BATCH = 64;
    static final int PEER_BATCH = OwnModelInput.POOL_MULTIPLE;
    /** How far an ONNX export of XGBoost trees may be from XGBoost (it sums the trees in another order). */
    static final float EXPORT_TOLERANCE = 1e-5f;

    /** The model and rows under test, Hotpath's model and the pool. */
    @State(Scope.Thread)
    public static class Input {
        /** The model file: any format Hotpath loads. */
        @Param({OwnModelInput.SAMPLE_MODEL})
        public String modelFile;

        /** The CSV of rows: a header naming the model's features, one row per line. */
        @Param({OwnModelInput.SAMPLE_ROWS})
        public String rowsFile;

        /** As {@code hotpath score --allow-missing-columns}: features without a column are missing in every row. */
        @Param({"false"})
        public boolean allowMissingColumns;

        OwnModelInput input;
        Model model;
        int numFeatures;
        float[][] rows;
        float[][] batches;
        float[] out;
        float[] batchOut;
        private int nextRow;
        private int nextBatch;

        /** Loads and checks the model and the rows. */
        @Setup(Level.Trial)
        public void setUp() {
            input = OwnModelInput.load(modelFile, rowsFile, allowMissingColumns);
            model = input.model();
            numFeatures = model.numFeatures();
            float[] pool = input.pool();
            rows = new float[input.poolRows()][];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = Arrays.copyOfRange(pool, r * numFeatures, (r + 1) * numFeatures);
            }
            batches = new float[input.poolRows() / BATCH][];
            for (int b = 0; b < batches.length; b++) {
                batches[b] = Arrays.copyOfRange(pool, b * BATCH * numFeatures,
                        (b + 1) * BATCH * numFeatures);
            }
            out = new float[model.numOutputs()];
            batchOut = new float[BATCH * model.numOutputs()];
        }

        /** Closes the model. */
        @TearDown(Level.Trial)
        public void tearDown() {
            input.close();
        }

        float[] nextRow() {
            int i = nextRow;
            nextRow = i + 1 == rows.length ? 0 : i + 1;
            return rows[i];
        }

        float[] nextBatch() {
            int i = nextBatch;
            nextBatch = i + 1 == batches.length ? 0 : i + 1;
            return batches[i];
        }
    }

    /** XGBoost4J on the same file, for XGBoost models. */
    @State(Scope.Thread)
    public static class Xgboost {
        Booster booster;
        float[][] peerBatches;
        private int next;

        /**
         * Loads the model into XGBoost4J and checks it scores every pooled row exactly as Hotpath does.
         *
         * @param in the input
         * @throws XGBoostError if XGBoost4J cannot load the model
         */
        @Setup(Level.Trial)
        public void setUp(Input in) throws XGBoostError {
            if (!in.input.applies(OwnModelInput.Peer.XGBOOST4J)) {
                throw new IllegalStateException("xgboost4j benchmarks need an XGBoost model; " + in.input.modelFile()
                        + " is " + in.input.format());
            }
            booster = XGBoost.loadModel(in.input.modelFile().toString());
            booster.setParam("nthread", "1");
            float[] pool = in.input.pool();
            int nf = in.numFeatures;
            peerBatches = new float[in.input.poolRows() / PEER_BATCH][];
            for (int b = 0; b < peerBatches.length; b++) {
                peerBatches[b] = Arrays.copyOfRange(pool, b * PEER_BATCH * nf, (b + 1) * PEER_BATCH * nf);
            }
            float[] hotpath = new float[in.model.numOutputs()];
            for (int b = 0; b < peerBatches.length; b++) {
                float[][] expected = booster.inplace_predict(peerBatches[b], PEER_BATCH, nf, Float.NaN);
                for (int r = 0; r < PEER_BATCH; r++) {
                    int row = b * PEER_BATCH + r;
                    in.model.score(in.rows[row], hotpath);
                    if (expected[r].length != hotpath.length) {
                        throw new IllegalStateException("XGBoost4J gives " + expected[r].length
                                + " outputs per row, Hotpath " + hotpath.length);
                    }
                    for (int j = 0; j < hotpath.length; j++) {
                        if (Float.floatToRawIntBits(hotpath[j]) != Float.floatToRawIntBits(expected[r][j])) {
                            throw new IllegalStateException("pool row " + row + " output " + j + ": Hotpath "
                                    + hotpath[j] + " != XGBoost4J " + expected[r][j] + "; Hotpath must equal"
                                    + " XGBoost bit for bit: please report this with the model");
                        }
                    }
                }
            }
        }

        /** Releases XGBoost's native booster. */
        @TearDown(Level.Trial)
        public void tearDown() {
            booster.dispose();
        }

        float[] nextBatch() {
            int i = next;
            next = i + 1 == peerBatches.length ? 0 : i + 1;
            return peerBatches[i];
        }
    }

    /** ONNX Runtime on the ONNX file, or on the XGBoost trees exported to ONNX. */
    @State(Scope.Thread)
    public static class OnnxRuntime {
        PinnedOrtSession session;

        /**
         * Opens the session and checks it agrees with Hotpath on every pooled row.
         *
         * @param in the input
         * @throws OrtException if ONNX Runtime rejects the model
         */
        @Setup(Level.Trial)
        public void setUp(Input in) throws OrtException {
            session = new PinnedOrtSession(OrtEnvironment.getEnvironment(), in.input.onnx(), in.numFeatures,
                    in.input.onnxScoredOutput());
            boolean exact = in.input.onnxIsTheFile();
            float[] hotpath = new float[in.model.numOutputs()];
            for (int r = 0; r < in.rows.length; r++) {
                float ort = session.run(in.rows[r]);
                in.model.score(in.rows[r], hotpath);
                float h = hotpath[hotpath.length - 1];
                boolean same = exact ? Float.floatToRawIntBits(ort) == Float.floatToRawIntBits(h)
                        : Math.abs(ort - h) <= EXPORT_TOLERANCE;
                if (!same) {
                    throw new IllegalStateException("pool row " + r + ": ONNX Runtime " + ort + ", Hotpath " + h
                            + (exact ? " (the same ONNX file must give the same bits)"
                            : " (differ by more than " + EXPORT_TOLERANCE + ")"));
                }
            }
        }

        /**
         * Releases the session.
         *
         * @throws OrtException if ONNX Runtime fails to close
         */
        @TearDown(Level.Trial)
        public void tearDown() throws OrtException {
            session.close();
        }
    }

    /**
     * @param in the input
     * @return the outputs of one row ({@code Model.score(float[], float[])})
     */
    @Benchmark
    public float[] hotpathSingleRow(Input in) {
        in.model.score(in.nextRow(), in.out);
        return in.out;
    }

    /**
     * @param in the input
     * @return the outputs of 64 rows from one {@code Model.score(rows, 64, out)} call; the score is per row
     */
    @Benchmark
    @ComparedTo("hotpathSingleRow")
    @OperationsPerInvocation(BATCH)
    public float[] hotpathBatch64(Input in) {
        in.model.score(in.nextBatch(), BATCH, in.batchOut);
        return in.batchOut;
    }

    /**
     * @param in the input
     * @param x XGBoost4J
     * @return XGBoost4J's prediction for one row ({@code inplace_predict}, one thread)
     * @throws XGBoostError never in practice
     */
    @Benchmark
    @ComparedTo("hotpathSingleRow")
    public float[][] xgboost4jInplacePredict(Input in, Xgboost x) throws XGBoostError {
        return x.booster.inplace_predict(in.nextRow(), 1, in.numFeatures, Float.NaN);
    }

    /**
     * @param in the input
     * @param x XGBoost4J
     * @return XGBoost4J's predictions for 4,096 rows per call, one thread; the score is per row
     * @throws XGBoostError never in practice
     */
    @Benchmark
    @ComparedTo("hotpathSingleRow")
    @OperationsPerInvocation(PEER_BATCH)
    public float[][] xgboost4jBatch4096(Input in, Xgboost x) throws XGBoostError {
        return x.booster.inplace_predict(x.nextBatch(), PEER_BATCH, in.numFeatures, Float.NaN);
    }

    /**
     * @param in the input
     * @param o ONNX Runtime
     * @return ONNX Runtime's score for one row
     * @throws OrtException never in practice
     */
    @Benchmark
    @ComparedTo("hotpathSingleRow")
    public float onnxRuntime(Input in, OnnxRuntime o) throws OrtException {
        return o.session.run(in.nextRow());
    }
}
