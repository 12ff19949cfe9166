package dev.hotpath.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.formats.lightgbm.LightgbmOptions;
import dev.hotpath.formats.onnx.OnnxLogLevel;
import dev.hotpath.formats.onnx.OnnxOptions;
import dev.hotpath.formats.onnx.OnnxTestModels;
import dev.hotpath.formats.testing.ChildJvm;
import dev.hotpath.formats.xgboost.XgboostOptions;
import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LoadOptions#withChildJvmCheck}: a model is loaded and scored in a child JVM first (issue #20 item 2). A
 * model that crashes ONNX Runtime kills only the child and is refused here; a good model loads; refusals from the
 * child are rethrown exactly; the options reach the child; a hanging child is killed; a file that changes
 * between the check and the load is refused; nothing is left behind.
 */
class ChildJvmCheckTest {
    @TempDir
    Path tmp;

    private ChildJvmCheck.Builder check() throws IOException {
        return ChildJvmCheck.builder().workDirectory(Files.createDirectories(tmp.resolve("work")));
    }

    private LoadOptions checked(ChildJvmCheck check) {
        return LoadOptions.defaults().withChildJvmCheck(check);
    }

    private static Path fixture(String path) {
        return Path.of("src/test/resources/" + path);
    }

    private void assertNothingLeftBehind() throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("work"))) {
            assertEquals(List.of(), s.toList(), "the child's working directories are deleted");
        }
    }

    @Test
    void shouldRefuseAModelThatCrashesOnnxRuntimeWhileThisJvmKeepsRunning() throws Exception {
        // A LinearRegressor with 3 coefficients for 1,000 features x 100 targets: ONNX Runtime reads far past the
        // coefficient array and segfaults. Hotpath validates tree ensembles only, so only the child check helps.
        Path model = tmp.resolve("linear-crash.onnx");
        Files.write(model, OnnxTestModels.shortLinearRegressor(1000, 100));
        ChildJvm.Result raw = ChildJvm.run(tmp, ChildJvm.testClassPath(), List.of(),
                "dev.hotpath.formats.onnx.RawOrtProbeMain", List.of(model.toString()), Duration.ofSeconds(120));
        assertTrue(raw.crashed(), "the model must really crash ONNX Runtime; exit " + raw.exitCode() + ":\n"
                + raw.output());

        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ModelLoader.load(model, checked(check().build())));
        assertEquals(model.toString(), e.source());
        assertTrue(e.expectation().contains("a model that loads and scores in a child JVM"), e.getMessage());
        assertTrue(e.expectation().contains("crashed the child JVM in native code")
                || e.expectation().contains("killed the child JVM"), e.getMessage());
        assertTrue(e.expectation().contains("so it was not loaded into this JVM"), e.getMessage());
        assertTrue(e.expectation().contains("libonnxruntime"), "names the native library: " + e.getMessage());
        assertNothingLeftBehind();
    }

    @Test
    void shouldLoadAGoodModelOnlyAfterTheChildScoredItAndScoreItAsWithoutTheCheck() throws Exception {
        float[][] golden = {{1f, 2f, Float.NaN, 0f, -1f, 3f}, {0f, 0f, 0f, 0f, 0f, 0f}};
        List<String> names = List.of("f0", "f1", "f2", "f3", "f4", "f5");
        ChildJvmCheck check = check().rows(names, golden).build();
        for (String file : List.of("xgboost/legacy/2.1.4/binary_logistic.ubj", "onnx/logreg.onnx")) {
            Path p = fixture(file);
            try (Model direct = ModelLoader.load(p); Model viaChild = ModelLoader.load(p, checked(check))) {
                assertEquals(direct.info().checksum(), viaChild.info().checksum());
                float[] row = new float[direct.numFeatures()];
                Arrays.fill(row, 0.5f);
                assertEquals(Float.floatToIntBits(direct.score(row)), Float.floatToIntBits(viaChild.score(row)));
            }
        }
        assertNothingLeftBehind();
    }

    @Test
    void shouldRethrowTheChildsRefusalExactlyAsAnInProcessLoadWouldThrowIt() throws Exception {
        byte[] json = Files.readAllBytes(fixture("xgboost/legacy/2.1.4/binary_logistic.json"));
        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, new String(json, StandardCharsets.UTF_8).replace("\"num_feature\":\"6\"",
                "\"num_feature\":\"x\""));
        ModelFormatException inProcess = assertThrows(ModelFormatException.class, () -> ModelLoader.load(broken));
        ModelFormatException viaChild = assertThrows(ModelFormatException.class,
                () -> ModelLoader.load(broken, checked(check().build())));
        assertEquals(inProcess.getMessage(), viaChild.getMessage());
        assertEquals(inProcess.location(), viaChild.location());
    }

    @Test
    void shouldLoadInTheChildWithTheSameOptions() throws Exception {
        ChildJvmCheck check = check().build();
        // Each option below makes the load fail; a child that ignored the options would accept the model.
        LoadOptions badOutput = checked(check).withOnnx(OnnxOptions.builder().outputName("no_such_output").build());
        ConfigurationException c = assertThrows(ConfigurationException.class,
                () -> ModelLoader.load(fixture("onnx/logreg.onnx"), badOutput));
        assertTrue(c.getMessage().contains("'no_such_output' is not an output"), c.getMessage());

        LoadOptions badRange = checked(check).withXgboost(XgboostOptions.defaults().withIterationRange(0, 999));
        c = assertThrows(ConfigurationException.class,
                () -> ModelLoader.load(fixture("xgboost/legacy/2.1.4/binary_logistic.json"), badRange));
        assertTrue(c.getMessage().contains("iteration range [0, 999)"), c.getMessage());

        LoadOptions tiny = checked(check).withLimits(ModelLimits.defaults().withMaxFileBytes(100));
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ModelLoader.load(fixture("xgboost/legacy/2.1.4/binary_logistic.json"), tiny));
        assertTrue(e.getMessage().contains("maxFileBytes"), e.getMessage());
    }

    @Test
    void shouldRoundTripEveryOptionThroughTheRequest() throws IOException {
        LoadOptions options = new LoadOptions(
                XgboostOptions.defaults().withLimits(ModelLimits.defaults().withMaxTrees(7)).withIterationRange(1, 3),
                OnnxOptions.builder().intraOpThreads(2).interOpThreads(3).outputName("p").inputNames("a", "b")
                        .maxBatchRows(17).closeTimeout(Duration.ofMillis(1234)).cpuArenaAllocator(false)
                        .maxFileBytes(999).nativeLogLevel(OnnxLogLevel.FATAL).build())
                .withLightgbm(LightgbmOptions.defaults().withLimits(ModelLimits.defaults().withMaxTrees(5))
                        .withIterations(2, 4));
        ChildJvmCheckProtocol.Request in = new ChildJvmCheckProtocol.Request(Path.of("m.onnx"), options,
                List.of("x", "y"), new float[][] {{1f, Float.NaN}, {-0f, 3f}});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ChildJvmCheckProtocol.writeRequest(new DataOutputStream(bytes), in);
        ChildJvmCheckProtocol.Request out = ChildJvmCheckProtocol.readRequest(new DataInputStream(
                new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(in.file(), out.file());
        assertEquals(options.xgboost(), out.options().xgboost());
        assertEquals(options.onnx().toString(), out.options().onnx().toString());
        assertEquals(options.lightgbm(), out.options().lightgbm());
        assertEquals(in.featureNames(), out.featureNames());
        assertTrue(Arrays.deepEquals(in.rows(), out.rows()));
    }

    @Test
    void shouldKillAChildThatDoesNotFinishInTime() throws Exception {
        Path sleeper = script("sleeper.sh", "exec sleep 60");
        ChildJvmCheck check = check().javaExecutable(sleeper).timeout(Duration.ofSeconds(1)).build();
        long start = System.nanoTime();
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ModelLoader.load(fixture("onnx/logreg.onnx"), checked(check)));
        assertTrue(e.expectation().contains("the child did not finish and was killed"), e.getMessage());
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "killed at the timeout, not after the sleep");
        assertNothingLeftBehind();
    }

    @Test
    void shouldRefuseAFileThatChangedBetweenTheCheckAndTheLoad() throws Exception {
        Path model = tmp.resolve("model.json");
        Files.copy(fixture("xgboost/legacy/2.1.4/binary_logistic.json"), model);
        Path other = fixture("xgboost/legacy/2.1.4/dart.json").toAbsolutePath();
        // Runs the real child, then swaps the file after it exited and before the parent loads it.
        Path swapper = script("swapper.sh", "\"" + ChildJvm.java() + "\" \"$@\"; rc=$?; cp \"" + other + "\" \""
                + model.toAbsolutePath() + "\"; exit $rc");
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ModelLoader.load(model, checked(check().javaExecutable(swapper).build())));
        assertTrue(e.expectation().contains("it changed before it was loaded here"), e.getMessage());
    }

    @Test
    void shouldRejectInvalidSettings() {
        assertThrows(ConfigurationException.class, () -> ChildJvmCheck.builder().timeout(Duration.ZERO));
        assertThrows(ConfigurationException.class, () -> ChildJvmCheck.builder().maxHeapBytes(1000));
        assertThrows(ConfigurationException.class, () -> ChildJvmCheck.builder().classPath(" "));
        assertThrows(ConfigurationException.class, () -> ChildJvmCheck.builder().javaExecutable(tmp.resolve("no")));
        assertThrows(ConfigurationException.class,
                () -> ChildJvmCheck.builder().rows(List.of("a", "b"), new float[][] {{1f}}));
        assertThrows(ConfigurationException.class,
                () -> ChildJvmCheck.builder().rows(List.of("a", "a"), new float[][] {{1f, 2f}}));
    }

    private Path script(String name, String body) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }
}
