package dev.hotpath.bench.data;

import dev.hotpath.bench.onnx.OnnxTreeEnsembleWriter;
import dev.hotpath.cli.FeatureCsvReader;
import dev.hotpath.formats.ModelFormat;
import dev.hotpath.formats.ModelLoader;
import dev.hotpath.formats.onnx.OnnxModel;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The input of {@code OwnModelBenchmark}: a model file in any format Hotpath loads ({@link ModelLoader}) and a CSV
 * of rows read with {@code hotpath score}'s rules ({@link FeatureCsvReader}), plus which peers can score the same
 * model. The rows become a pool cycled by the benchmarks: the first {@value #MAX_ROWS} rows of the file (fewer for
 * very wide models, at most {@value #MAX_POOL_FLOATS} floats), repeated to a multiple of {@value #POOL_MULTIPLE}
 * rows so that XGBoost's batch benchmark always scores {@value #POOL_MULTIPLE} distinct pool positions.
 *
 * <p>Peers: {@link Peer#XGBOOST4J} for XGBoost models (any of its formats); {@link Peer#ONNX_RUNTIME} for ONNX
 * models (the file itself) and for XGBoost {@code binary:logistic} tree models (exported to an ONNX
 * {@code TreeEnsembleClassifier}, as the suite's tree benchmark does). Other formats are measured without peers.
 *
 * <p>A relative path is resolved against the working directory, then against the repository the benchmarks jar
 * was built in, so the defaults ({@value #SAMPLE_MODEL}, {@value #SAMPLE_ROWS}) work from anywhere.
 *
 * <p>Not thread-safe; set-up code, allocates freely. Closing closes the model.
 */
public final class OwnModelInput implements AutoCloseable {
    /** The repository's sample model, the default. */
    public static final String SAMPLE_MODEL = "examples/sample/fraud-sample.json";
    /** The repository's sample rows, the default. */
    public static final String SAMPLE_ROWS = "examples/sample/transactions.csv";
    /** The pool is a whole number of these rows (XGBoost's batch benchmark scores this many per call). */
    public static final int POOL_MULTIPLE = 4096;
    /** At most this many rows are read from the file. */
    static final int MAX_ROWS = 65_536;
    /** At most this many floats are read from the file (bounds the memory of very wide models). */
    static final int MAX_POOL_FLOATS = 1 << 24;

    /** A library that scores the same model in the same run. */
    public enum Peer {
        /** XGBoost4J's own predictor on the same file. */
        XGBOOST4J,
        /** ONNX Runtime, on the ONNX file or on the XGBoost trees exported to ONNX. */
        ONNX_RUNTIME
    }

    private final Path modelFile;
    private final Path rowsFile;
    private final ModelFormat format;
    private final Model model;
    private final float[] pool;
    private final int poolRows;
    private final int fileRows;
    private final boolean truncated;
    private byte[] onnx;
    private String onnxUnavailable;

    private OwnModelInput(Path modelFile, Path rowsFile, ModelFormat format, Model model, float[] pool, int poolRows,
                          int fileRows, boolean truncated) {
        this.modelFile = modelFile;
        this.rowsFile = rowsFile;
        this.format = format;
        this.model = model;
        this.pool = pool;
        this.poolRows = poolRows;
        this.fileRows = fileRows;
        this.truncated = truncated;
    }

    /**
     * Loads the model and the rows, checking both.
     *
     * @param modelFile the model file (a path, see the class comment)
     * @param rowsFile the CSV file
     * @param allowMissingColumns as {@code hotpath score --allow-missing-columns}
     * @return the input
     * @throws dev.hotpath.scoring.HotpathException if the model or the CSV is invalid (the message names the file)
     * @throws UncheckedIOException if a file cannot be read
     */
    public static OwnModelInput load(String modelFile, String rowsFile, boolean allowMissingColumns) {
        Path m = resolve(modelFile);
        Path csv = resolve(rowsFile);
        ModelFormat format = ModelLoader.detect(m);
        Model model = ModelLoader.load(m);
        try {
            int nf = model.numFeatures();
            int maxRows = Math.max(1, Math.min(MAX_ROWS, MAX_POOL_FLOATS / Math.max(1, nf)));
            FeatureCsvReader.Rows rows = FeatureCsvReader.readRows(csv, model, allowMissingColumns, maxRows);
            if (rows.numRows() == 0) {
                throw new IllegalArgumentException(csv + ": no data rows after the header; the benchmark needs rows"
                        + " to score");
            }
            int poolRows = (rows.numRows() + POOL_MULTIPLE - 1) / POOL_MULTIPLE * POOL_MULTIPLE;
            float[] pool = new float[poolRows * nf];
            for (int r = 0; r < poolRows; r++) {
                System.arraycopy(rows.values(), (r % rows.numRows()) * nf, pool, r * nf, nf);
            }
            return new OwnModelInput(m, csv, format, model, pool, poolRows, rows.numRows(), rows.truncated());
        } catch (IOException e) {
            model.close();
            throw new UncheckedIOException("cannot read " + csv, e);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * @param file a path as given
     * @return the file: as given if it exists or is absolute, else relative to the repository if it exists there
     */
    static Path resolve(String file) {
        Path p = Path.of(file);
        if (p.isAbsolute() || Files.exists(p)) {
            return p.toAbsolutePath();
        }
        Path repo = repositoryRoot();
        if (repo != null && Files.exists(repo.resolve(p))) {
            return repo.resolve(p);
        }
        return p.toAbsolutePath(); // the loader's error names it
    }

    /** @return the repository the code was built in ({@code jmh/target/benchmarks.jar} or {@code jmh/target/classes}) */
    private static Path repositoryRoot() {
        try {
            Path code = Path.of(OwnModelInput.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path jmh = code.toAbsolutePath().getParent().getParent();
            return jmh == null ? null : jmh.getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** @return the model file, absolute */
    public Path modelFile() {
        return modelFile;
    }

    /** @return the CSV file, absolute */
    public Path rowsFile() {
        return rowsFile;
    }

    /** @return the model's file format */
    public ModelFormat format() {
        return format;
    }

    /** @return the model as Hotpath loaded it */
    public Model model() {
        return model;
    }

    /** @return {@link #poolRows()} rows of {@code model().numFeatures()} floats, row-major; do not modify */
    public float[] pool() {
        return pool;
    }

    /** @return the rows in the pool, a multiple of {@value #POOL_MULTIPLE} */
    public int poolRows() {
        return poolRows;
    }

    /** @return the distinct rows read from the file */
    public int fileRows() {
        return fileRows;
    }

    /** @return the peers that can score this model, in a fixed order */
    public List<Peer> peers() {
        List<Peer> peers = new ArrayList<>();
        for (Peer p : Peer.values()) {
            if (applies(p)) {
                peers.add(p);
            }
        }
        return peers;
    }

    /**
     * @param peer a peer
     * @return whether it can score this model (for ONNX Runtime on an XGBoost model this exports the trees, once)
     */
    public boolean applies(Peer peer) {
        return peer == Peer.XGBOOST4J ? format == ModelFormat.XGBOOST : onnxUnavailableReason() == null;
    }

    /**
     * The model as ONNX Runtime scores it: the file itself for an ONNX model, else the XGBoost trees exported as an
     * ONNX {@code TreeEnsembleClassifier}.
     *
     * @return the ONNX bytes
     * @throws IllegalStateException if ONNX Runtime cannot score this model (the message says why)
     */
    public byte[] onnx() {
        String why = onnxUnavailableReason();
        if (why != null) {
            throw new IllegalStateException("ONNX Runtime cannot score " + modelFile + ": " + why);
        }
        return onnx;
    }

    /** @return the float output of {@link #onnx()} whose last value is the score compared with Hotpath's */
    public String onnxScoredOutput() {
        return model instanceof OnnxModel o ? o.scoredOutputName() : OnnxTreeEnsembleWriter.PROBABILITIES;
    }

    /** @return whether ONNX Runtime runs the very file Hotpath loaded (else an export of its trees) */
    public boolean onnxIsTheFile() {
        return format == ModelFormat.ONNX;
    }

    private String onnxUnavailableReason() {
        if (onnx == null && onnxUnavailable == null) {
            try {
                onnx = exportOnnx();
            } catch (IOException | XGBoostError | RuntimeException e) {
                onnxUnavailable = e.getMessage();
            }
        }
        return onnxUnavailable;
    }

    private byte[] exportOnnx() throws IOException, XGBoostError {
        if (format == ModelFormat.ONNX) {
            return Files.readAllBytes(modelFile);
        }
        if (format != ModelFormat.XGBOOST) {
            throw new IllegalArgumentException("no ONNX export for " + format + " models");
        }
        Booster booster = XGBoost.loadModel(modelFile.toString());
        byte[] json;
        try {
            json = booster.toByteArray("json");
        } finally {
            booster.dispose();
        }
        XgboostJsonTrees trees = XgboostJsonTrees.read(new ByteArrayInputStream(json), modelFile.toString());
        if (!trees.objective().equals("binary:logistic")) {
            throw new IllegalArgumentException("the ONNX export handles binary:logistic tree models only; this one is "
                    + trees.objective());
        }
        return OnnxTreeEnsembleWriter.write(trees);
    }

    /** @return a few lines describing the model, the rows and the peers, for the run's header */
    public String describe() {
        ModelInfo info = model.info();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "# model: %s (%s%s%s, %,d features, %d output%s)%n", modelFile,
                info.format(), info.objective().isEmpty() ? "" : ", " + info.objective(),
                info.numTrees() == 0 ? "" : String.format(Locale.ROOT, ", %,d trees, max depth %d", info.numTrees(),
                        info.maxDepth()),
                model.numFeatures(), model.numOutputs(), model.numOutputs() == 1 ? "" : "s"));
        sb.append(String.format(Locale.ROOT, "# rows: %,d from %s%s, cycled as a pool of %,d%n", fileRows, rowsFile,
                truncated ? " (the first ones; the file has more)" : "", poolRows));
        if (fileRows < POOL_MULTIPLE) {
            sb.append(String.format(Locale.ROOT, "# note: only %,d distinct rows: branch predictors and caches may"
                    + " learn them, so single-row figures can be optimistic; %,d or more rows give realistic"
                    + " ones%n", fileRows, POOL_MULTIPLE));
        }
        List<Peer> peers = peers();
        sb.append("# peers: ");
        sb.append(peers.contains(Peer.XGBOOST4J) ? "XGBoost4J (xgboost4jInplacePredict, xgboost4jBatch4096)"
                : "no XGBoost4J (" + format + " model)");
        sb.append("; ");
        sb.append(peers.contains(Peer.ONNX_RUNTIME)
                ? "ONNX Runtime (onnxRuntime" + (onnxIsTheFile() ? "" : ", on the trees exported to ONNX") + ")"
                : "no ONNX Runtime (" + onnxUnavailable + ")");
        return sb.append(System.lineSeparator()).toString();
    }

    @Override
    public void close() {
        model.close();
    }
}
