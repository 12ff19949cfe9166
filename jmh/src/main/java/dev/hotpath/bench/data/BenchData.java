package dev.hotpath.bench.data;

import dev.hotpath.bench.onnx.OnnxMlpWriter;
import dev.hotpath.bench.onnx.OnnxTreeEnsembleWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Generates the benchmark models on first use and caches them: for each {@link ModelSpec} an XGBoost JSON model
 * trained with XGBoost4J and the same trees as an ONNX {@code TreeEnsembleClassifier}, under
 * {@code jmh/target/bench-data/<model>-<trees>x<depth>-<features>f-<rows>r-v<version>/}. Generation is deterministic (seeded data, seeded
 * {@code hist} training, whose result does not depend on the thread count) and guarded by a file lock, so
 * concurrent JMH forks wait for one another.
 *
 * <p>The directory is the system property {@code hotpath.bench.dir} if set, else {@code bench-data} next to the
 * benchmarks jar (or next to {@code target/classes} when run from an IDE).
 *
 * <p>Thread-safe (file locks and atomic renames). Allocates freely: set-up code, never measured.
 */
public final class BenchData {
    /** Bump when the data generator or training parameters change, so stale caches are not reused. */
    static final int VERSION = 1;
    /** Seed of the training data. */
    static final long TRAIN_SEED = 20_240_601L;
    /** Seed of the benchmark input rows (a different stream than the training rows). */
    static final long POOL_SEED = 7_777L;

    private BenchData() {
    }

    /** The generated files of one model. */
    public record ModelFiles(Path xgboostJson, Path onnx) {
    }

    /** @return the cache directory */
    public static Path dir() {
        String prop = System.getProperty("hotpath.bench.dir");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath();
        }
        try {
            Path code = Path.of(BenchData.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // target/benchmarks.jar -> target/bench-data; target/classes -> target/bench-data
            return code.toAbsolutePath().getParent().resolve("bench-data");
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("target", "bench-data").toAbsolutePath();
        }
    }

    /**
     * Returns the model files, generating them first if they are missing.
     *
     * @param spec the model
     * @return its files
     */
    public static ModelFiles model(ModelSpec spec) {
        ModelFiles files = files(spec);
        Path json = files.xgboostJson();
        Path onnx = files.onnx();
        if (Files.exists(json) && Files.exists(onnx)) {
            return files;
        }
        Path d = json.getParent();
        try {
            Files.createDirectories(d);
            try (FileChannel ch = FileChannel.open(d.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 FileLock lock = lock(ch, spec, d)) {
                if (!lock.isValid()) {
                    throw new IOException("lost the lock on " + d);
                }
                if (!Files.exists(json)) {
                    train(spec, json);
                }
                if (!Files.exists(onnx)) {
                    Path tmp = d.resolve("model.onnx.tmp");
                    Files.write(tmp, OnnxTreeEnsembleWriter.write(XgboostJsonTrees.read(json)));
                    Files.move(tmp, onnx, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate the " + spec.id() + " benchmark model in " + d, e);
        }
        return files;
    }

    /** Takes the cache directory's lock, saying so when another process holds it (it is generating the model). */
    private static FileLock lock(FileChannel ch, ModelSpec spec, Path d) throws IOException {
        FileLock lock = ch.tryLock();
        if (lock != null) {
            return lock;
        }
        System.err.println("[hotpath-jmh] waiting for another process to finish generating " + spec.id() + " in "
                + d);
        return ch.lock();
    }

    /**
     * @param spec the model
     * @return where its files are cached, whether or not they exist yet
     */
    static ModelFiles files(ModelSpec spec) {
        Path d = dir().resolve(cacheKey(spec));
        return new ModelFiles(d.resolve("model.json"), d.resolve("model.onnx"));
    }

    /** @return where the MLP benchmark model is cached, whether or not it exists yet */
    static Path mlpFile() {
        return dir().resolve("mlp-200x64x1-v" + VERSION).resolve("model.onnx");
    }

    /**
     * Returns the MLP benchmark model (200 → 64 → 1, {@link OnnxMlpWriter}), generating it first if it is missing.
     *
     * @return the {@code .onnx} file
     */
    public static Path mlp() {
        Path onnx = mlpFile();
        Path d = onnx.getParent();
        if (Files.exists(onnx)) {
            return onnx;
        }
        try {
            Files.createDirectories(d);
            Path tmp = Files.createTempFile(d, "model", ".tmp");
            Files.write(tmp, OnnxMlpWriter.write(SyntheticFraudData.MAX_FEATURES, 64, 42));
            Files.move(tmp, onnx, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the MLP benchmark model in " + d, e);
        }
        return onnx;
    }

    /**
     * Rows for a neural network: the fraud rows with missing values imputed as 0 and magnitudes compressed with
     * {@code sign(x) * log1p(|x|)}, the kind of preprocessing a network is trained with.
     *
     * @param n rows
     * @return {@code n × 200} floats, row-major
     */
    public static float[] networkRowPool(int n) {
        float[] rows = SyntheticFraudData.generate(n, SyntheticFraudData.MAX_FEATURES, POOL_SEED).rows();
        for (int i = 0; i < rows.length; i++) {
            float v = rows[i];
            rows[i] = v != v ? 0f : (float) (Math.signum(v) * Math.log1p(Math.abs(v)));
        }
        return rows;
    }

    /**
     * The cache directory name: changes whenever the model's definition does, so stale caches are never reused.
     *
     * @param spec the model
     * @return e.g. {@code fraud-500x6-200f-30000r-v1}
     */
    static String cacheKey(ModelSpec spec) {
        return spec.id() + "-" + spec.trees() + "x" + spec.depth() + "-" + spec.features() + "f-"
                + spec.trainingRows() + "r-v" + VERSION;
    }

    /**
     * The benchmark input rows: {@code n} distinct rows from the same generator as the training data (another
     * seed), row-major.
     *
     * @param spec the model, for its width
     * @param n rows
     * @return the rows
     */
    public static float[] rowPool(ModelSpec spec, int n) {
        return SyntheticFraudData.generate(n, spec.features(), POOL_SEED).rows();
    }

    private static void train(ModelSpec spec, Path json) throws IOException {
        Path tmp = json.resolveSibling("model.tmp.json");
        try {
            Booster booster = train(spec,
                    new TrainingProgress(spec, System.err, TrainingProgress.DEFAULT_INTERVAL_NANOS));
            try {
                booster.saveModel(tmp.toString());
            } finally {
                booster.dispose();
            }
        } catch (XGBoostError e) {
            throw new IOException("XGBoost4J training failed for " + spec.id() + ": " + e.getMessage(), e);
        }
        Files.move(tmp, json, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.err.println("[hotpath-jmh] saved " + spec.id() + " -> " + json);
    }

    /**
     * Trains a model one boosting round at a time, so that progress can be reported: {@code XGBoost.train} with
     * zero rounds only creates and configures the booster, and each {@link Booster#update(DMatrix, int)} adds one
     * tree, exactly the loop {@code XGBoost.train} runs itself (no watches, no custom objective), so the trees are
     * the same as from one {@code XGBoost.train(…, trees, …)} call (see {@code BenchDataTest}).
     *
     * @param spec the model
     * @param progress told after every tree
     * @return the trained booster; the caller disposes it
     * @throws XGBoostError if XGBoost4J fails
     */
    static Booster train(ModelSpec spec, TrainingProgress progress) throws XGBoostError {
        SyntheticFraudData.Dataset data = SyntheticFraudData.generate(spec.trainingRows(), spec.features(),
                TRAIN_SEED);
        DMatrix train = new DMatrix(data.rows(), data.numRows(), data.numFeatures(), Float.NaN);
        try {
            train.setLabel(data.labels());
            progress.start();
            Booster booster = XGBoost.train(train, trainingParams(spec), 0, new HashMap<>(), null, null);
            try {
                for (int round = 0; round < spec.trees(); round++) {
                    booster.update(train, round);
                    progress.treeDone(round + 1);
                }
            } catch (XGBoostError | RuntimeException e) {
                booster.dispose();
                throw e;
            }
            return booster;
        } finally {
            train.dispose();
        }
    }

    /**
     * @param spec the model
     * @return the XGBoost parameters the benchmark models are trained with
     */
    static Map<String, Object> trainingParams(ModelSpec spec) {
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("max_depth", spec.depth());
        params.put("eta", 0.1);
        params.put("subsample", 0.8);
        params.put("colsample_bytree", 0.8);
        // Small enough that trees grow to (nearly) full depth, as production fraud models with lots of data do.
        params.put("min_child_weight", 0.01);
        params.put("tree_method", "hist");
        params.put("seed", 7);
        params.put("nthread", 2);
        return params;
    }

    /**
     * Generates the models named on the command line (default: all) so that benchmark forks start fast.
     *
     * @param args model ids ({@code small}, {@code fraud}, {@code large}, {@code mlp}); none means all. Tree models
     *     come with their LightGBM counterparts ({@link LightgbmBenchModels}).
     */
    public static void main(String[] args) {
        String[] ids = args.length > 0 ? args : new String[] {"small", "fraud", "large", "mlp"};
        for (String a : ids) {
            System.out.println(a + ": " + (a.equals("mlp") ? mlp() : model(ModelSpec.of(a))));
            if (!a.equals("mlp")) {
                System.out.println(a + " (LightGBM): " + LightgbmBenchModels.model(ModelSpec.of(a)));
            }
        }
    }
}
