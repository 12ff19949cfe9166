package dev.hotpath.bench;

import dev.hotpath.bench.data.BenchData;
import dev.hotpath.bench.data.ModelSpec;
import dev.hotpath.bench.data.UsesModels;
import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading the {@code large} model (2,000 trees of depth 8, a 19.7 MB JSON file, issue #19 item 2) with Hotpath's
 * {@link ModelLoader#load(Path)} and with XGBoost4J's own {@link XGBoost#loadModel(String)}, from the same file, in
 * the same run: the JSON file {@link BenchData} trains, and the same booster saved as UBJSON.
 *
 * <p>Single-shot: each measurement is one load. The {@code cold…} methods run one load per fresh JVM fork (no
 * warm-up), which is what a service pays at start-up and {@code hotpath score}/{@code inspect} pay on every call:
 * class loading, interpretation and, for XGBoost4J, extracting and loading its native library. The {@code warm…} methods load
 * repeatedly in one JVM, which is what a hot swap in a running service pays. Nothing in a fork's set-up touches
 * either loader, so the cold figures stay cold; the UBJSON file is written once by a child JVM ({@link #main}).
 *
 * <p>Cold: {@code java -jar jmh/target/benchmarks.jar 'ModelLoadBenchmark.cold' -prof gc -prof
 * dev.hotpath.bench.ProcessCpuProfiler} (10 forks × 1 load each); warm: {@code 'ModelLoadBenchmark.warm'}. The
 * methods are named {@code cold…}/{@code warm…}, not {@code hotpath…}: a load allocates by design, so the
 * zero-allocation gate does not apply. Memory during a load: {@link ModelLoadMemory}.
 */
@UsesModels(param = "model")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ModelLoadBenchmark {
    /** Which benchmark model ({@link ModelSpec}); the figure is {@code large}. */
    @Param({"large"})
    public String model;

    /** The file format: XGBoost JSON or UBJSON, the same trees. */
    @Param({"json", "ubj"})
    public String format;

    private Path file;
    private Model loaded;
    private Booster booster;

    /** Finds (or has a child JVM write) the model file; loads nothing. */
    @Setup(Level.Trial)
    public void setUp() {
        Path json = BenchData.model(ModelSpec.of(model)).xgboostJson();
        file = "ubj".equals(format) ? ubj(json) : json;
    }

    /** @return Hotpath's model, loaded in a fresh JVM */
    @Benchmark
    @Fork(value = 10, jvmArgsAppend = "-Xmx1g")
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public Model coldHotpath() {
        return loadHotpath();
    }

    /**
     * @return XGBoost4J's booster, loaded in a fresh JVM
     * @throws XGBoostError if XGBoost cannot load it
     */
    @Benchmark
    @ComparedTo("coldHotpath")
    @Fork(value = 10, jvmArgsAppend = "-Xmx1g")
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public Booster coldXgboost4j() throws XGBoostError {
        return loadXgboost4j();
    }

    /** @return Hotpath's model, loaded again in a warm JVM */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-Xmx1g")
    @Warmup(iterations = 5)
    @Measurement(iterations = 10)
    public Model warmHotpath() {
        return loadHotpath();
    }

    /**
     * @return XGBoost4J's booster, loaded again in a warm JVM
     * @throws XGBoostError if XGBoost cannot load it
     */
    @Benchmark
    @ComparedTo("warmHotpath")
    @Fork(value = 1, jvmArgsAppend = "-Xmx1g")
    @Warmup(iterations = 5)
    @Measurement(iterations = 10)
    public Booster warmXgboost4j() throws XGBoostError {
        return loadXgboost4j();
    }

    private Model loadHotpath() {
        release(); // nothing to release in single-shot mode; avgt runs (jmh/smoke.sh) load many per iteration
        return loaded = ModelLoader.load(file);
    }

    private Booster loadXgboost4j() throws XGBoostError {
        release();
        return booster = XGBoost.loadModel(file.toString());
    }

    /** Releases the loaded model (a booster holds native memory); in single-shot mode outside the measurement. */
    @TearDown(Level.Iteration)
    public void release() {
        if (loaded != null) {
            loaded.close();
            loaded = null;
        }
        if (booster != null) {
            booster.dispose();
            booster = null;
        }
    }

    /** The UBJSON copy of {@code json}, written by a child JVM the first time so that no fork loads XGBoost early. */
    static Path ubj(Path json) {
        Path ubj = json.resolveSibling("model.ubj");
        if (Files.exists(ubj)) {
            return ubj;
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                ModelLoadBenchmark.class.getName(), json.toString(), ubj.toString()).inheritIO();
        try {
            int exit = pb.start().waitFor();
            if (exit != 0 || !Files.exists(ubj)) {
                throw new IllegalStateException("writing " + ubj + " failed (exit " + exit + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing " + ubj, e);
        }
        return ubj;
    }

    /**
     * Saves an XGBoost model file as UBJSON with XGBoost4J (the same trees, XGBoost's own writer).
     *
     * @param args the source model file and the {@code .ubj} file to write
     * @throws Exception if XGBoost cannot load or save it
     */
    public static void main(String[] args) throws Exception {
        Booster b = XGBoost.loadModel(args[0]);
        Path target = Path.of(args[1]);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, b.toByteArray("ubj"));
        b.dispose();
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
