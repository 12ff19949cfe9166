package dev.hotpath.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hotpath.formats.onnx.OnnxTestModels;
import dev.hotpath.formats.testing.ChildJvm;
import dev.hotpath.formats.testing.Mutator;
import dev.hotpath.formats.xgboost.XgboostOptions;
import dev.hotpath.formats.xgboost.XgboostReader;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.testing.AllocationProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes every model format Hotpath reads (issue #20): valid files are mutated (bit flips, byte changes,
 * truncation, slices deleted or duplicated, and lengths/counts replaced by hostile values, see {@link Mutator}) and
 * loaded. The only acceptable outcomes are a model that then scores (single rows, NaN rows, batches) without
 * throwing, or a {@link ModelFormatException}; anything else fails the test and leaves the mutated file under
 * {@code target/fuzz-failures/}. XGBoost loads also must not allocate more than {@value #ALLOCATION_LIMIT_MB} MB.
 *
 * <p>ONNX mutations run in a child JVM ({@link OnnxFuzzChildMain}): one that reached ONNX Runtime's native code
 * could abort the JVM, which is reported as a failure naming the mutation.
 *
 * <p>CI runs {@value #DEFAULT_ITERATIONS} mutations per format. For a longer run:
 * {@code mvn -pl model-formats test -Dtest=ModelFileFuzzTest -Dhotpath.fuzz.iterations=100000}; another corpus:
 * {@code -Dhotpath.fuzz.seed=N}. A failure prints the seed and iteration, which reproduce it.
 */
class ModelFileFuzzTest {
    static final int DEFAULT_ITERATIONS = 3000;
    static final int ITERATIONS = Integer.getInteger("hotpath.fuzz.iterations", DEFAULT_ITERATIONS);
    static final long SEED = Long.getLong("hotpath.fuzz.seed", 20_260_120L);
    private static final long ALLOCATION_LIMIT_MB = 256;
    private static final Path FIXTURES = Path.of("src/test/resources");
    private static final Path FAILURES = Path.of("target/fuzz-failures");

    @TempDir
    Path tmp;

    private static List<byte[]> files(String... paths) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String p : paths) {
            out.add(Files.readAllBytes(FIXTURES.resolve(p)));
        }
        return out;
    }

    @Test
    void xgboostJsonShouldOnlyLoadOrRefuse() throws IOException {
        fuzzXgboost("json", files("xgboost/legacy/2.1.4/binary_logistic.json", "xgboost/legacy/2.1.4/dart.json",
                "xgboost/legacy/2.1.4/vector_leaf.json", "xgboost/legacy/2.1.4/categorical.json",
                "xgboost/legacy/2.1.4/gblinear_multi.json", "xgboost/legacy/1.7.6/multi_softprob.json"),
                Mutator::jsonIntegers);
    }

    @Test
    void xgboostUbjShouldOnlyLoadOrRefuse() throws IOException {
        fuzzXgboost("ubj", files("xgboost/legacy/2.1.4/rf_multi.ubj", "xgboost/legacy/2.1.4/dart.ubj",
                "xgboost/legacy/2.1.4/vector_leaf.ubj", "xgboost/legacy/2.1.4/categorical.ubj",
                "xgboost/legacy/2.1.4/gblinear.ubj", "xgboost/legacy/2.1.4/quantile.ubj"), Mutator::ubjLengths);
    }

    @Test
    void xgboostLegacyBinaryShouldOnlyLoadOrRefuse() throws IOException {
        fuzzXgboost("bin", files("xgboost/legacy/2.1.4/binary_logistic.bin", "xgboost/legacy/2.1.4/dart.bin",
                "xgboost/legacy/2.1.4/gblinear.bin", "xgboost/legacy/2.1.4/multi_softprob.bin",
                "xgboost/legacy/1.7.6/exact_pruned.bin", "xgboost/legacy/2.1.4/quantile.bin"),
                Mutator::legacyLengths);
    }

    @Test
    void onnxShouldOnlyLoadOrRefuseWithoutCrashingTheJvm() throws Exception {
        List<String> seeds = new ArrayList<>();
        for (String f : List.of("logreg.onnx", "softmax3.onnx", "xgb_classifier.onnx", "xgb_tree_ensemble.onnx")) {
            seeds.add(FIXTURES.resolve("onnx/" + f).toAbsolutePath().toString());
        }
        for (String name : List.of("classifier", "regressor", "v5")) {
            Path p = tmp.resolve(name + ".onnx");
            Files.write(p, switch (name) {
                case "classifier" -> OnnxTestModels.treeClassifier();
                case "regressor" -> OnnxTestModels.treeRegressor();
                default -> OnnxTestModels.treeEnsembleV5();
            });
            seeds.add(p.toString());
        }
        List<String> args = new ArrayList<>(List.of(Long.toString(SEED), Integer.toString(ITERATIONS),
                tmp.toString()));
        args.addAll(seeds);
        ChildJvm.Result r = ChildJvm.run(tmp, ChildJvm.testClassPath(), List.of("-Xmx512m"),
                OnnxFuzzChildMain.class.getName(), args, Duration.ofSeconds(Math.max(300, ITERATIONS / 10)));
        List<String> lines = r.out().lines().toList();
        String summary = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        if (r.exitCode() != 0 || !summary.startsWith("summary")) {
            String last = lines.stream().filter(l -> l.startsWith("start ")).reduce((a, b) -> b).orElse("none");
            Path saved = save("onnx-crash", Files.readAllBytes(tmp.resolve("current.onnx")));
            fail("the child JVM died (exit " + r.exitCode() + ") on mutation '" + last + "' (seed " + SEED + "), "
                    + "saved as " + saved + ":\n" + tail(r.output()));
        }
        List<String> failures = lines.stream().filter(l -> l.startsWith("FAIL ")).toList();
        for (String f : failures) {
            String i = f.split(" ")[1];
            save("onnx-" + i, Files.readAllBytes(tmp.resolve("fail-" + i + ".onnx")));
        }
        assertEquals(List.of(), failures, "mutations that neither loaded nor failed with a ModelFormatException "
                + "(seed " + SEED + "); saved under " + FAILURES.toAbsolutePath());
        int loaded = Integer.parseInt(summary.replaceAll(".*loaded=(\\d+).*", "$1"));
        int refused = Integer.parseInt(summary.replaceAll(".*refused=(\\d+).*", "$1"));
        System.out.println("fuzz onnx: " + ITERATIONS + " mutations, " + loaded + " loaded, " + refused
                + " refused");
        assertEquals(ITERATIONS, loaded + refused);
        assertTrue(loaded > 0 && refused > 0, summary);
    }

    private void fuzzXgboost(String format, List<byte[]> seeds, Function<byte[], List<Mutator.LengthField>> locate) {
        List<List<Mutator.LengthField>> fields = new ArrayList<>();
        for (byte[] s : seeds) {
            XgboostReader.read(s, "seed", XgboostOptions.defaults()); // every seed is valid
            fields.add(locate.apply(s));
            assertTrue(!fields.get(fields.size() - 1).isEmpty(), format + ": the locator found no length fields");
        }
        Mutator mutator = new Mutator(SEED ^ format.hashCode());
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(Math.max(120, ITERATIONS / 25)), () -> {
            for (int i = 0; i < ITERATIONS; i++) {
                int s = i % seeds.size();
                Mutator.Mutation m = mutator.mutate(seeds.get(s), fields.get(s));
                String source = "fuzz-" + format + "-" + i;
                long before = AllocationProbe.allocatedBytes();
                try {
                    Model model = XgboostReader.read(m.bytes(), source, XgboostOptions.defaults());
                    scoreAll(model);
                    outcomes[0]++;
                } catch (ModelFormatException e) {
                    assertEquals(source, e.source(), e.getMessage());
                    outcomes[1]++;
                } catch (Throwable t) {
                    Path saved = save(source, m.bytes());
                    throw new AssertionError(source + " (seed " + SEED + ", seed file " + s + ", " + m.description()
                            + ", saved as " + saved + "): expected a loaded model or a ModelFormatException, got "
                            + t, t);
                }
                long allocatedMb = (AllocationProbe.allocatedBytes() - before) >> 20;
                if (allocatedMb > ALLOCATION_LIMIT_MB) {
                    Path saved = save(source, m.bytes());
                    fail(source + " (" + m.description() + ", saved as " + saved + ") allocated " + allocatedMb
                            + " MB for a " + m.bytes().length + "-byte file");
                }
            }
        });
        System.out.println("fuzz " + format + ": " + ITERATIONS + " mutations, " + outcomes[0] + " loaded, "
                + outcomes[1] + " refused");
        assertTrue(outcomes[0] > 0, "some mutations (e.g. of a leaf value) must still load");
        assertTrue(outcomes[1] > 0, "some mutations must be refused");
    }

    /** Scores rows of every kind, one at a time and as a batch, through both output spaces; must not throw. */
    static void scoreAll(Model model) {
        int f = model.numFeatures();
        SplittableRandom rnd = new SplittableRandom(f);
        float[][] rows = new float[5][f];
        Arrays.fill(rows[1], Float.NaN);
        Arrays.fill(rows[2], Float.MAX_VALUE);
        Arrays.fill(rows[3], Float.NEGATIVE_INFINITY);
        for (int j = 0; j < f; j++) {
            rows[4][j] = (float) rnd.nextGaussian();
        }
        float[] out = new float[model.numOutputs()];
        float[] margins = new float[model.numMarginOutputs()];
        float[] flat = new float[rows.length * f];
        for (int r = 0; r < rows.length; r++) {
            model.score(rows[r], out);
            model.scoreMargin(rows[r], margins);
            System.arraycopy(rows[r], 0, flat, r * f, f);
        }
        model.score(flat, rows.length, new float[rows.length * model.numOutputs()]);
        model.scoreMargin(flat, rows.length, new float[rows.length * model.numMarginOutputs()]);
    }

    private static Path save(String name, byte[] bytes) {
        try {
            Files.createDirectories(FAILURES);
            Path p = FAILURES.resolve(name + ".model");
            Files.write(p, bytes);
            return p.toAbsolutePath();
        } catch (IOException e) {
            return Path.of("(not saved: " + e + ")");
        }
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }
}
