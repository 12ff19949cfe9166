package dev.hotpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.formats.ModelLoader;
import dev.hotpath.formats.onnx.OnnxTestModels;
import dev.hotpath.formats.testing.ChildJvm;
import dev.hotpath.shadow.report.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime's native logger writes to the process's stderr, where the CLI promises exactly one
 * {@code hotpath: error: …} line (issue #20 item 9). Run in child JVMs, because a native library's output never
 * reaches the in-process test streams: a model ONNX Runtime warns about costs one line on failure and nothing on
 * success; the control shows that ONNX Runtime does warn about these models with its default settings.
 */
class OnnxNativeLogTest {
    @TempDir
    Path tmp;

    private ChildJvm.Result cli(String... args) throws Exception {
        return ChildJvm.run(tmp, ChildJvm.testClassPath(), List.of(), HotpathCli.class.getName(), List.of(args),
                Duration.ofSeconds(120));
    }

    @Test
    void shouldPrintExactlyOneErrorLineWhenOnnxRuntimeWarnsAboutARefusedModel() throws Exception {
        Path model = tmp.resolve("misdeclared.onnx");
        Files.write(model, OnnxTestModels.misdeclaredLinearRegressor());
        ChildJvm.Result r = cli("inspect", "--model", model.toString());
        assertEquals(ExitCodes.FAILURE, r.exitCode(), r.output());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), "stderr:\n" + r.err());
        assertTrue(lines.get(0).startsWith("hotpath: error: " + model), r.err());
        assertEquals("", r.out());
    }

    @Test
    void shouldKeepStderrEmptyWhenOnnxRuntimeWarnsAboutAModelItLoads() throws Exception {
        Path model = tmp.resolve("unused-initializer.onnx");
        Files.write(model, OnnxTestModels.reluWithUnusedInitializer());
        Path input = Files.writeString(tmp.resolve("in.csv"), "f0,f1,f2\n1,-2,3\n");
        ChildJvm.Result r = cli("score", "--model", model.toString(), "--input", input.toString());
        assertEquals(ExitCodes.OK, r.exitCode(), r.output());
        assertEquals("", r.err());
        assertTrue(r.out().startsWith("y_0,y_1,y_2"), r.out());
    }

    @Test
    void controlShouldSeeOnnxRuntimeWarnAboutBothModelsWithItsDefaultLogLevel() throws Exception {
        Path misdeclared = tmp.resolve("misdeclared.onnx");
        Files.write(misdeclared, OnnxTestModels.misdeclaredLinearRegressor());
        Path unused = tmp.resolve("unused-initializer.onnx");
        Files.write(unused, OnnxTestModels.reluWithUnusedInitializer());
        ChildJvm.Result r = ChildJvm.run(tmp, ChildJvm.testClassPath(), List.of(), DefaultLoadMain.class.getName(),
                List.of(misdeclared.toString(), unused.toString()), Duration.ofSeconds(120));
        assertTrue(r.err().contains("[W:onnxruntime") && r.err().contains("does not match actual shape"),
                "stderr:\n" + r.err());
        assertTrue(r.err().contains("It is not used by any node"), "stderr:\n" + r.err());
    }

    /** Loads each file with {@link ModelLoader}'s default options, ignoring refusals. */
    static final class DefaultLoadMain {
        private DefaultLoadMain() {
        }

        public static void main(String[] args) {
            for (String a : args) {
                try {
                    ModelLoader.load(Path.of(a)).close();
                } catch (RuntimeException e) {
                    System.out.println("refused: " + e.getMessage());
                }
            }
        }
    }
}
