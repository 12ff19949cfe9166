package dev.hotpath.bench.data;

import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import io.github.metarank.lightgbm4j.LGBMException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The LightGBM counterparts of the {@link ModelSpec} models: trained by LightGBM 4.3 (lightgbm4j) on the same
 * {@link SyntheticFraudData} rows, with the same number of trees and maximum depth ({@code max_depth = D},
 * {@code num_leaves = 2^D}, so leaf-wise growth can fill the same shape), cached as {@code model.lightgbm.txt} next
 * to the XGBoost model and guarded by the same kind of file lock.
 *
 * <p>lightgbm4j extracts its native libraries to {@code java.io.tmpdir/lib_lightgbm.so}, a path every JVM on the
 * machine shares (another JVM overwriting it while this one has it mapped crashes this one), so {@link #loadNative()}
 * extracts them into a directory of this JVM's own.
 *
 * <p>Thread-safe (file locks and atomic renames). Set-up code, never measured.
 */
public final class LightgbmBenchModels {
    private static final String FILE = "model.lightgbm.txt";
    private static boolean nativeLoaded;

    private LightgbmBenchModels() {
    }

    /**
     * Loads lightgbm4j's native libraries from a private temporary directory, once per JVM. Call it before any other
     * use of lightgbm4j: its classes load the libraries from {@code java.io.tmpdir} when they are initialised.
     */
    public static synchronized void loadNative() {
        if (nativeLoaded) {
            return;
        }
        String previous = System.getProperty("java.io.tmpdir");
        try {
            Path dir = Files.createTempDirectory("hotpath-lightgbm4j-");
            System.setProperty("java.io.tmpdir", dir.toString());
            try {
                LGBMBooster.loadNative(); // the class initialiser extracts and loads into the directory
            } finally {
                System.setProperty("java.io.tmpdir", previous);
            }
            if (!LGBMBooster.isNativeLoaded()) {
                throw new IllegalStateException("lightgbm4j's native LightGBM library did not load");
            }
            nativeLoaded = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract lightgbm4j's native libraries", e);
        }
    }

    /**
     * Returns the LightGBM model of {@code spec}, training it first if it is missing.
     *
     * @param spec the model shape
     * @return the LightGBM text model file
     */
    public static Path model(ModelSpec spec) {
        Path d = BenchData.dir().resolve(BenchData.cacheKey(spec));
        Path file = d.resolve(FILE);
        if (Files.exists(file)) {
            return file;
        }
        try {
            Files.createDirectories(d);
            try (FileChannel ch = FileChannel.open(d.resolve(".lock-lightgbm"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 FileLock lock = ch.lock()) {
                if (!lock.isValid()) {
                    throw new IOException("lost the lock on " + d);
                }
                if (!Files.exists(file)) {
                    Path tmp = d.resolve(FILE + ".tmp");
                    Files.writeString(tmp, train(spec), StandardCharsets.UTF_8);
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate the " + spec.id() + " LightGBM model in " + d, e);
        }
        return file;
    }

    private static String train(ModelSpec spec) throws IOException {
        loadNative();
        long start = System.nanoTime();
        SyntheticFraudData.Dataset data = SyntheticFraudData.generate(spec.trainingRows(), spec.features(),
                BenchData.TRAIN_SEED);
        // The XGBoost model's settings where LightGBM has them: eta 0.1, subsample 0.8, colsample 0.8,
        // min_child_weight 0.01, lambda 1.
        String params = "objective=binary max_depth=" + spec.depth() + " num_leaves=" + (1 << spec.depth())
                + " learning_rate=0.1 bagging_fraction=0.8 bagging_freq=1 feature_fraction=0.8"
                + " min_sum_hessian_in_leaf=0.01 min_data_in_leaf=1 lambda_l2=1 max_bin=255"
                + " num_threads=1 deterministic=true force_row_wise=true seed=7 verbose=-1";
        try (LGBMDataset ds = LGBMDataset.createFromMat(data.rows(), data.numRows(), data.numFeatures(), true,
                "max_bin=255 verbose=-1", null)) {
            ds.setField("label", data.labels());
            try (LGBMBooster booster = LGBMBooster.create(ds, params)) {
                for (int i = 0; i < spec.trees(); i++) {
                    booster.updateOneIter();
                }
                String text = booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
                System.err.printf("[hotpath-jmh] trained LightGBM %s (%d trees, depth %d) in %.1f s%n", spec.id(),
                        spec.trees(), spec.depth(), (System.nanoTime() - start) / 1e9);
                return text;
            }
        } catch (LGBMException e) {
            throw new IOException("LightGBM training failed for " + spec.id() + ": " + e.getMessage(), e);
        }
    }
}
