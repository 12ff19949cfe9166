package dev.hotpath.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.hotpath.bench.data.BenchData;
import dev.hotpath.bench.data.ModelSpec;
import dev.hotpath.bench.data.UsesModels;
import dev.hotpath.formats.onnx.OnnxModel;
import dev.hotpath.formats.onnx.OnnxReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ONNX models scored through Hotpath's {@link OnnxModel} and through raw ONNX Runtime, in the same run.
 *
 * <p>Graphs: {@code mlp}, a 200 → 64 → 1 network (Gemm, Relu, Gemm, Sigmoid; {@code OnnxMlpWriter}), and
 * {@code trees}, the {@code fraud} XGBoost model as an {@code ai.onnx.ml} TreeEnsembleClassifier. Rows: 4,096
 * distinct rows cycled (for the network: imputed and log-compressed, see {@link BenchData#networkRowPool}).
 *
 * <ul>
 *   <li>{@code hotpath}: {@code OnnxModel.score(row, out)};</li>
 *   <li>{@code rawOrtBestPractice}: one reused direct input buffer and tensor, every output pinned, one thread,
 *       spinning off, all graph optimisations;</li>
 *   <li>{@code rawOrtNaive}: {@code OnnxTensor.createTensor(env, float[][])} per call and {@code getValue()} on the
 *       result, as most examples do.</li>
 * </ul>
 * ONNX Runtime's public Java API allocates a few hundred bytes per {@code run} that no caller can avoid, so
 * {@code hotpath} is gated to allocate no more than {@code rawOrtBestPractice} rather than 0 B/op. Set-up checks
 * that all three give identical floats.
 */
@UsesModels(value = "fraud", when = "graph=trees")
@UsesModels(value = "mlp", when = "graph=mlp")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class OnnxBenchmark {
    static final int POOL = 4096;

    /** {@code mlp} or {@code trees}. */
    @Param({"mlp", "trees"})
    public String graph;

    private int numFeatures;
    private float[][] rows;
    private int next;

    private OnnxModel hotpath;
    private float[] hotpathOut;

    private OrtEnvironment env;
    private PinnedOrtSession raw;
    private String scoredOutput;
    private float[][] naiveInput;

    /**
     * Loads the graph into Hotpath and into a raw session and checks they agree.
     *
     * @throws OrtException if ONNX Runtime fails
     */
    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        Path file;
        float[] pool;
        if (graph.equals("mlp")) {
            file = BenchData.mlp();
            pool = BenchData.networkRowPool(POOL);
            numFeatures = 200;
        } else {
            file = BenchData.model(ModelSpec.FRAUD).onnx();
            pool = BenchData.rowPool(ModelSpec.FRAUD, POOL);
            numFeatures = ModelSpec.FRAUD.features();
        }
        rows = new float[POOL][numFeatures];
        for (int r = 0; r < POOL; r++) {
            System.arraycopy(pool, r * numFeatures, rows[r], 0, numFeatures);
        }

        hotpath = OnnxReader.read(file);
        hotpathOut = new float[hotpath.numOutputs()];

        env = OrtEnvironment.getEnvironment();
        scoredOutput = hotpath.scoredOutputName();
        try {
            raw = new PinnedOrtSession(env, Files.readAllBytes(file), numFeatures, scoredOutput);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        naiveInput = new float[1][];

        for (int r = 0; r < 512; r++) {
            float best = rawOrtBestPractice(rows[r]);
            float naive = rawOrtNaive(rows[r]);
            hotpath.score(rows[r], hotpathOut);
            float h = hotpathOut[hotpathOut.length - 1];
            if (Float.floatToRawIntBits(h) != Float.floatToRawIntBits(best)
                    || Float.floatToRawIntBits(naive) != Float.floatToRawIntBits(best)) {
                throw new IllegalStateException(graph + " row " + r + ": Hotpath " + h + ", raw best practice "
                        + best + ", raw naive " + naive + " differ");
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
        raw.close();
        hotpath.close();
    }

    private float[] nextRow() {
        return rows[next++ & (POOL - 1)];
    }

    /** @return Hotpath's scores for one row ({@code OnnxModel.score(float[], float[])}) */
    @Benchmark
    @AllocatesNoMoreThan("rawOrtBestPractice")
    public float[] hotpath() {
        hotpath.score(nextRow(), hotpathOut);
        return hotpathOut;
    }

    /**
     * @return the scored output for one row through a reused direct input tensor and pinned outputs
     * @throws OrtException never in practice
     */
    @Benchmark
    @ComparedTo("hotpath")
    public float rawOrtBestPractice() throws OrtException {
        return rawOrtBestPractice(nextRow());
    }

    private float rawOrtBestPractice(float[] row) throws OrtException {
        return raw.run(row);
    }

    /**
     * @return the scored output for one row, the way most examples call ONNX Runtime
     * @throws OrtException never in practice
     */
    @Benchmark
    @ComparedTo("hotpath")
    public float rawOrtNaive() throws OrtException {
        return rawOrtNaive(nextRow());
    }

    private float rawOrtNaive(float[] row) throws OrtException {
        naiveInput[0] = row;
        try (OnnxTensor t = OnnxTensor.createTensor(env, naiveInput);
             OrtSession.Result r = raw.session().run(Map.of(raw.inputName(), t))) {
            float[][] v = (float[][]) r.get(scoredOutput).orElseThrow().getValue();
            return v[0][v[0].length - 1];
        }
    }
}
