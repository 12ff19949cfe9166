package dev.hotpath.formats;

import dev.hotpath.formats.onnx.OnnxRuntimeSupport;
import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;
import java.nio.file.Path;

/**
 * Run by {@link OptionalOnnxRuntimeTest} in a child JVM whose class path lacks ONNX Runtime: prints one line per
 * step, {@code <step>: <outcome>}. Arguments: an XGBoost model, an ONNX model, a file that is neither.
 */
final class WithoutOnnxRuntimeMain {

    private WithoutOnnxRuntimeMain() {
    }

    public static void main(String[] args) {
        System.out.println("available: " + OnnxRuntimeSupport.isAvailable());
        try {
            Class.forName("ai.onnxruntime.OrtEnvironment");
            System.out.println("ort-class: present");
        } catch (ClassNotFoundException e) {
            System.out.println("ort-class: absent");
        }
        try (Model m = ModelLoader.load(Path.of(args[0]))) {
            System.out.println("xgboost: scored " + m.score(new float[m.numFeatures()]));
        } catch (RuntimeException | LinkageError e) {
            System.out.println("xgboost: " + e);
        }
        for (String step : new String[] {"onnx", "onnx-checked"}) {
            LoadOptions options = step.equals("onnx") ? LoadOptions.defaults()
                    : LoadOptions.defaults().withChildJvmCheck(ChildJvmCheck.defaults());
            try (Model m = ModelLoader.load(Path.of(args[1]), options)) {
                System.out.println(step + ": loaded " + m);
            } catch (ConfigurationException e) {
                System.out.println(step + ": ConfigurationException " + e.getMessage());
            } catch (RuntimeException | LinkageError e) {
                System.out.println(step + ": " + e);
            }
        }
        try {
            ModelLoader.load(Path.of(args[2]));
            System.out.println("unknown: loaded");
        } catch (ModelFormatException e) {
            System.out.println("unknown: ModelFormatException " + e.expectation());
        } catch (RuntimeException | LinkageError e) {
            System.out.println("unknown: " + e);
        }
    }
}
