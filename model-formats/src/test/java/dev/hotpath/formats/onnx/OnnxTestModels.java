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

    /**
     * A {@code LinearRegressor} over 3 features that computes 2 targets but declares its output {@code [N, 1]}:
     * ONNX Runtime logs a native warning ("Expected shape from model of {-1,1} does not match actual shape") when
     * it runs, and Hotpath refuses the model.
     *
     * @return the model file's bytes
     */
    public static byte[] misdeclaredLinearRegressor() {
        byte[] node = OnnxProtoWriter.node("LinearRegressor", "ai.onnx.ml", List.of("input"), List.of("y"),
                List.of(OnnxProtoWriter.floats("coefficients", 1f, 2f, 3f, 4f, 5f, 6f),
                        OnnxProtoWriter.integer("targets", 2)));
        return OnnxProtoWriter.model(List.of(node),
                List.of(OnnxProtoWriter.valueInfo("input", OnnxProtoWriter.FLOAT, "N", 3)),
                List.of(OnnxProtoWriter.valueInfo("y", OnnxProtoWriter.FLOAT, "N", 1)), OnnxProtoWriter.opsets(17, 3));
    }

    /**
     * A valid {@code Relu} over 3 features carrying an initializer no node uses: ONNX Runtime loads it and logs a
     * native warning ("Removing initializer … It is not used by any node").
     *
     * @return the model file's bytes
     */
    public static byte[] reluWithUnusedInitializer() {
        byte[] relu = OnnxProtoWriter.node("Relu", "", List.of("input"), List.of("y"), List.of());
        OnnxProtoWriter.Msg unused = new OnnxProtoWriter.Msg()
                .raw(OnnxProtoWriter.floatTensor(new long[] {3}, 1f, 2f, 3f)).string(8, "unused_weights");
        byte[] graph = new OnnxProtoWriter.Msg().bytes(1, relu).string(2, "relu").bytes(5, unused.toBytes())
                .bytes(11, OnnxProtoWriter.valueInfo("input", OnnxProtoWriter.FLOAT, "N", 3))
                .bytes(12, OnnxProtoWriter.valueInfo("y", OnnxProtoWriter.FLOAT, "N", 3)).toBytes();
        return new OnnxProtoWriter.Msg().varint(1, 8).bytes(7, graph)
                .bytes(8, new OnnxProtoWriter.Msg().varint(2, 17).toBytes()).toBytes();
    }

    /** @return a valid 2-class {@code TreeEnsembleClassifier} over 3 features (see {@link OnnxProtoWriter}) */
    public static byte[] treeClassifier() {
        return OnnxProtoWriter.treeClassifier(OnnxProtoWriter.treeAttributes("class_"));
    }

    /** @return a valid 2-target {@code TreeEnsembleRegressor} over 3 features */
    public static byte[] treeRegressor() {
        return OnnxProtoWriter.treeRegressor(OnnxProtoWriter.treeAttributes("target_"));
    }

    /** @return a valid 2-target v5 {@code TreeEnsemble} (ai.onnx.ml opset 5) over 3 features */
    public static byte[] treeEnsembleV5() {
        return OnnxProtoWriter.treeEnsembleV5();
    }
}
