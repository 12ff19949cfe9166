package dev.hotpath.formats.onnx;

import java.util.List;

/** ONNX models for tests outside this package, built with {@link OnnxProtoWriter}. Test code. */
public final class OnnxTestModels {

    private OnnxTestModels() {
    }

    /**
     * An {@code ai.onnx.ml LinearRegressor} over {@code features} inputs and {@code targets} outputs with only 3
     * coefficients instead of {@code features x targets}: ONNX Runtime 1.23.2 accepts it and reads past the array
     * when it scores, which crashes the JVM (SIGSEGV) at 1,000 x 100. Hotpath's validation does not cover linear
     * operators, so this is the case the child-JVM check exists for.
     *
     * @param features input width
     * @param targets outputs
     * @return the model file's bytes
     */
    public static byte[] shortLinearRegressor(int features, int targets) {
        byte[] node = OnnxProtoWriter.node("LinearRegressor", "ai.onnx.ml", List.of("input"), List.of("y"),
                List.of(OnnxProtoWriter.floats("coefficients", 1f, 2f, 3f),
                        OnnxProtoWriter.integer("targets", targets)));
        return OnnxProtoWriter.model(List.of(node),
                List.of(OnnxProtoWriter.valueInfo("input", OnnxProtoWriter.FLOAT, "N", features)),
                List.of(OnnxProtoWriter.valueInfo("y", OnnxProtoWriter.FLOAT, "N", targets)),
                OnnxProtoWriter.opsets(17, 3));
    }

    /** @return a valid 2-class {@code TreeEnsembleClassifier} over 3 features (see {@link OnnxProtoWriter}) */
    public static byte[] treeClassifier() {
        return OnnxProtoWriter.treeClassifier(OnnxProtoWriter.treeAttributes("class_"));
    }
}
