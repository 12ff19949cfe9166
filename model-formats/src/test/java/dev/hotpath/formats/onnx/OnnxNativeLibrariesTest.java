package dev.hotpath.formats.onnx;

import dev.hotpath.formats.testing.ChildJvm;
import dev.hotpath.scoring.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pre-extracted native libraries, checked in child JVMs with a private {@code java.io.tmpdir}: with
 * {@code onnxruntime.native.path} ONNX Runtime loads from our directory and extracts nothing; without it (the
 * control) it leaves an {@code onnxruntime-java*} directory behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OnnxNativeLibrariesTest {

    @TempDir
    Path tmp;

    @Test
    void shouldExtractTheRuntimeAndJniLibrariesForThisPlatform() throws IOException {
        Path dir = OnnxNativeLibraries.extractTo(tmp.resolve("lib"));
        List<String> names = OnnxNativeLibraries.libraryFileNames();
        assertEquals(2, names.size());
        for (String n : names) {
            assertTrue(Files.size(dir.resolve(n)) > 10_000, n);
        }
        assertTrue(List.of("linux-x64", "linux-aarch64", "osx-x64", "osx-aarch64", "win-x64")
                .contains(OnnxNativeLibraries.platformId()));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void shouldLoadFromTheNativePathPropertyWithoutExtractingToTmp() throws Exception {
        Path lib = OnnxNativeLibraries.extractTo(tmp.resolve("lib"));
        Path childTmp = Files.createDirectories(tmp.resolve("child-tmp"));
        String out = runChild(childTmp, List.of("-Donnxruntime.native.path=" + lib), "plain");
        assertEquals(expectedScore(), out);
        assertEquals(List.of(), onnxruntimeDirs(childTmp), "ONNX Runtime extracted nothing");
    }

    @Test
    void shouldLoadFromTheDirectoryGivenInOptionsWithoutExtractingToTmp() throws Exception {
        Path lib = OnnxNativeLibraries.extractTo(tmp.resolve("lib"));
        Path childTmp = Files.createDirectories(tmp.resolve("child-tmp"));
        String out = runChild(childTmp, List.of(), "builder:" + lib);
        assertEquals(expectedScore(), out);
        assertEquals(List.of(), onnxruntimeDirs(childTmp), "ONNX Runtime extracted nothing");
    }

    @Test
    void controlShouldSeeOnnxRuntimeExtractToTmpWithoutTheProperty() throws Exception {
        Path childTmp = Files.createDirectories(tmp.resolve("child-tmp"));
        String out = runChild(childTmp, List.of(), "plain");
        assertEquals(expectedScore(), out);
        assertFalse(onnxruntimeDirs(childTmp).isEmpty(), "the default loader extracts into java.io.tmpdir");
    }

    @Test
    void shouldRefuseANativeDirectoryOnceOnnxRuntimeIsLoadedFromElsewhere() {
        OnnxReader.read(OnnxFixtures.model("logreg.onnx")).close(); // ONNX Runtime is loaded in this JVM now
        Path lib = OnnxNativeLibraries.extractTo(tmp.resolve("lib"));
        OnnxOptions opts = OnnxOptions.builder().nativeLibraryDirectory(lib).build();
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> OnnxReader.read(OnnxFixtures.model("logreg.onnx"), opts));
        assertTrue(e.getMessage().contains("-Donnxruntime.native.path=" + lib), e.getMessage());
    }

    @Test
    void shouldRejectANativeDirectoryWithoutTheLibraries() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> OnnxOptions.builder().nativeLibraryDirectory(empty));
        assertTrue(e.getMessage().contains(OnnxNativeLibraries.libraryFileNames().get(0)), e.getMessage());
        assertThrows(ConfigurationException.class,
                () -> OnnxOptions.builder().nativeLibraryDirectory(tmp.resolve("missing")));
    }

    private static String expectedScore() {
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("logreg.onnx"))) {
            float[] row = new float[m.numFeatures()];
            Arrays.fill(row, 1f);
            return "score=" + Integer.toHexString(Float.floatToIntBits(m.score(row)));
        }
    }

    private String runChild(Path childTmp, List<String> jvmArgs, String mode) throws Exception {
        List<String> args = new ArrayList<>();
        args.add("-Djava.io.tmpdir=" + childTmp);
        args.addAll(jvmArgs);
        ChildJvm.Result r = ChildJvm.run(tmp, ChildJvm.testClassPath(), args, NativeLibraryProbeMain.class.getName(),
                List.of(OnnxFixtures.model("logreg.onnx").toString(), mode), Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), "child JVM failed:\n" + r.output());
        return r.out().lines().filter(l -> l.startsWith("score=")).findFirst()
                .orElseThrow(() -> new AssertionError("no score in child output:\n" + r.output()));
    }

    private static List<String> onnxruntimeDirs(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("onnxruntime-java")).toList();
        }
    }
}
