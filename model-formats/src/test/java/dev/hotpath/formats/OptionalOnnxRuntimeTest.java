package dev.hotpath.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import dev.hotpath.formats.onnx.OnnxRuntimeSupport;
import dev.hotpath.formats.testing.ChildJvm;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime is an optional dependency (issue #21 item 3): with a class path that lacks it, XGBoost models load
 * and score, files of unknown format are still refused with a {@code ModelFormatException}, and an ONNX file is
 * refused with a {@code ConfigurationException} that names the dependency to add, never a
 * {@code NoClassDefFoundError}. Checked in a child JVM whose class path is this one minus the onnxruntime jar.
 */
class OptionalOnnxRuntimeTest {
    @TempDir
    Path tmp;

    @Test
    void shouldLoadXgboostAndRefuseOnnxClearlyWithoutOnnxRuntimeOnTheClassPath() throws Exception {
        String full = ChildJvm.testClassPath();
        String withoutOrt = Arrays.stream(full.split(File.pathSeparator))
                .filter(e -> !Path.of(e).getFileName().toString().startsWith("onnxruntime"))
                .collect(Collectors.joining(File.pathSeparator));
        assertTrue(withoutOrt.length() < full.length(), "the test class path holds the onnxruntime jar: " + full);
        Path unknown = Files.writeString(tmp.resolve("notes.txt"), "not a model at all\n");
        Path xgboost = Path.of("src/test/resources/xgboost/legacy/2.1.4/binary_logistic.json").toAbsolutePath();
        Path onnxModel = Path.of("src/test/resources/onnx/logreg.onnx").toAbsolutePath();
        ChildJvm.Result r = ChildJvm.run(tmp, withoutOrt, List.of(), WithoutOnnxRuntimeMain.class.getName(),
                List.of(xgboost.toString(), onnxModel.toString(), unknown.toString()), Duration.ofSeconds(120));
        assertEquals(0, r.exitCode(), r.output());
        Map<String, String> steps = r.out().lines().filter(l -> l.contains(": "))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(": ")), l -> l.substring(l.indexOf(": ") + 2),
                        (a, b) -> a));
        assertEquals("false", steps.get("available"), r.output());
        assertEquals("absent", steps.get("ort-class"), r.output());
        assertTrue(steps.get("xgboost").startsWith("scored "), r.output());
        for (String step : List.of("onnx", "onnx-checked")) {
            String onnx = steps.get(step);
            assertTrue(onnx.startsWith("ConfigurationException "), step + ": " + r.output());
            assertTrue(onnx.contains("ONNX Runtime is not on the class path")
                    && onnx.contains(OnnxRuntimeSupport.DEPENDENCY) && onnx.contains("README-onnx.md"), onnx);
        }
        assertTrue(steps.get("unknown").startsWith("ModelFormatException not a model format Hotpath recognises"),
                r.output());
    }

    @Test
    void shouldNameTheOnnxRuntimeVersionHotpathIsBuiltWith() {
        assertTrue(OnnxRuntimeSupport.isAvailable());
        assertTrue(OnnxRuntimeSupport.DEPENDENCY.endsWith(":" + OrtEnvironment.getEnvironment().getVersion()),
                OnnxRuntimeSupport.DEPENDENCY);
    }
}
