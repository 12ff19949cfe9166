package dev.hotpath.examples.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a logistic-regression scorer as an ONNX model, so the demo can ship an ONNX shadow without Python:
 * {@code probability = Sigmoid(MatMul(Where(IsNaN(x), fill, x), W) + b)} over a {@code float[N, F]} input, with the
 * feature names in the {@code feature_names} metadata entry (the key Hotpath's ONNX reader reads).
 *
 * <p>The protobuf encoding is written by hand with the public field numbers of {@code onnx.proto} (IR version 8,
 * opset 17); it is the same file PyTorch's exporter would produce for this graph.
 */
final class OnnxLogisticExport {
    private OnnxLogisticExport() {
    }

    static void write(Path file, List<String> featureNames, float[] fill, float[] weights, float bias)
            throws IOException {
        int f = featureNames.size();
        Proto graph = new Proto()
                .message(1, node(List.of("input"), "is_missing", "IsNaN"))
                .message(1, node(List.of("is_missing", "fill", "input"), "imputed", "Where"))
                .message(1, node(List.of("imputed", "weights"), "logit_raw", "MatMul"))
                .message(1, node(List.of("logit_raw", "bias"), "logit", "Add"))
                .message(1, node(List.of("logit"), "probability", "Sigmoid"))
                .string(2, "hotpath_demo_logistic")
                .message(5, tensor("fill", new long[] {f}, fill))
                .message(5, tensor("weights", new long[] {f, 1}, weights))
                .message(5, tensor("bias", new long[] {1}, new float[] {bias}))
                .message(11, valueInfo("input", f))
                .message(12, valueInfo("probability", 1));
        Proto model = new Proto()
                .varint(1, 8)                                            // ir_version
                .string(2, "hotpath-demo")                               // producer_name
                .string(3, "1.0")                                        // producer_version
                .message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, 17))     // opset_import ai.onnx 17
                .message(14, new Proto().string(1, "feature_names").string(2, String.join(",", featureNames)))
                .message(14, new Proto().string(1, "objective").string(2, "binary:logistic"));
        Files.write(file, model.bytes());
    }

    private static Proto node(List<String> inputs, String output, String op) {
        Proto p = new Proto();
        for (String in : inputs) {
            p.string(1, in);
        }
        return p.string(2, output).string(3, op + "_" + output).string(4, op);
    }

    private static Proto tensor(String name, long[] dims, float[] values) {
        Proto p = new Proto();
        for (long d : dims) {
            p.varint(1, d);
        }
        p.varint(2, 1); // FLOAT
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (float v : values) {
            int bits = Float.floatToRawIntBits(v);
            raw.write(bits);
            raw.write(bits >>> 8);
            raw.write(bits >>> 16);
            raw.write(bits >>> 24);
        }
        return p.string(8, name).bytes(9, raw.toByteArray()); // raw_data is little-endian
    }

    private static Proto valueInfo(String name, int width) {
        Proto shape = new Proto()
                .message(1, new Proto().string(2, "N"))                  // dim_param
                .message(1, new Proto().varint(1, width));               // dim_value
        Proto tensorType = new Proto().varint(1, 1).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** A protobuf message under construction. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            tag(field, 0);
            writeVarint(value);
            return this;
        }

        Proto string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto m) {
            return bytes(field, m.bytes());
        }

        Proto bytes(int field, byte[] b) {
            tag(field, 2);
            writeVarint(b.length);
            out.writeBytes(b);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void tag(int field, int wireType) {
            writeVarint(((long) field << 3) | wireType);
        }

        private void writeVarint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
