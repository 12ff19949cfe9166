package dev.hotpath.bench.onnx;

import java.util.SplittableRandom;

/**
 * Writes a small fraud-style neural network as ONNX (IR version 8, opset 17): {@code input} float {@code [N, F]} →
 * Gemm({@code F × H}) → Relu → Gemm({@code H × 1}) → Sigmoid → {@code probability} float {@code [N, 1]}, with seeded
 * random weights (He-scaled, so activations neither vanish nor saturate). The same graph a PyTorch export of a
 * 200 → 64 → 1 MLP produces.
 *
 * <p>Stateless and thread-safe; allocates the model bytes.
 */
public final class OnnxMlpWriter {
    /** Graph input name. */
    public static final String INPUT = "input";
    /** Graph output name. */
    public static final String OUTPUT = "probability";

    private static final int ELEM_FLOAT = 1;

    private OnnxMlpWriter() {
    }

    /**
     * Builds the model.
     *
     * @param inputs input width {@code F}
     * @param hidden hidden width {@code H}
     * @param seed weight seed; equal arguments give equal bytes
     * @return the ONNX {@code ModelProto} bytes
     */
    public static byte[] write(int inputs, int hidden, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w1 = gaussian(rnd, inputs * hidden, Math.sqrt(2.0 / inputs));
        float[] b1 = gaussian(rnd, hidden, 0.05);
        float[] w2 = gaussian(rnd, hidden, Math.sqrt(2.0 / hidden) * 0.5);
        float[] b2 = {-2.5f};

        ProtoWriter graph = new ProtoWriter()
                .message(1, node("Gemm", "fc1", new String[] {INPUT, "w1", "b1"}, "h1"))
                .message(1, node("Relu", "relu", new String[] {"h1"}, "a1"))
                .message(1, node("Gemm", "fc2", new String[] {"a1", "w2", "b2"}, "logit"))
                .message(1, node("Sigmoid", "sigmoid", new String[] {"logit"}, OUTPUT))
                .string(2, "mlp_" + inputs + "_" + hidden + "_1")
                .message(5, tensor("w1", new long[] {inputs, hidden}, w1))
                .message(5, tensor("b1", new long[] {hidden}, b1))
                .message(5, tensor("w2", new long[] {hidden, 1}, w2))
                .message(5, tensor("b2", new long[] {1}, b2))
                .message(11, valueInfo(INPUT, inputs))
                .message(12, valueInfo(OUTPUT, 1));
        return new ProtoWriter()
                .varint(1, 8)
                .string(2, "hotpath-jmh")
                .message(7, graph)
                .message(8, new ProtoWriter().string(1, "").varint(2, 17))
                .toByteArray();
    }

    private static float[] gaussian(SplittableRandom rnd, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double u1 = 1.0 - rnd.nextDouble();
            double u2 = rnd.nextDouble();
            v[i] = (float) (scale * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return v;
    }

    /** NodeProto: input 1, output 2, name 3, op_type 4. */
    private static ProtoWriter node(String op, String name, String[] inputs, String output) {
        ProtoWriter w = new ProtoWriter();
        for (String in : inputs) {
            w.string(1, in);
        }
        return w.string(2, output).string(3, name).string(4, op);
    }

    /** TensorProto: dims 1, data_type 2, float_data 4 (packed), name 8. */
    private static ProtoWriter tensor(String name, long[] dims, float[] values) {
        return new ProtoWriter().packedVarints(1, dims).varint(2, ELEM_FLOAT).packedFloats(4, values)
                .string(8, name);
    }

    /** ValueInfoProto with type float {@code [N, width]}. */
    private static ProtoWriter valueInfo(String name, int width) {
        ProtoWriter shape = new ProtoWriter()
                .message(1, new ProtoWriter().string(2, "N"))
                .message(1, new ProtoWriter().varint(1, width));
        ProtoWriter tensor = new ProtoWriter().varint(1, ELEM_FLOAT).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensor));
    }
}
