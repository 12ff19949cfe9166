package dev.hotpath.formats.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes ONNX {@code ModelProto}s in the tests, field by field (onnx/onnx.proto3 numbers), so that tests can build
 * exactly the graph they need, including ones no exporter would write: tree ensembles with out-of-range ids,
 * mismatched attribute lengths, non-finite weights. Repeated numbers are written packed, as protobuf 3 and the
 * {@code onnx} Python package do.
 *
 * <p>Not thread-safe; test code.
 */
final class OnnxProtoWriter {
    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT64 = 7;
    static final int DOUBLE = 11;

    private OnnxProtoWriter() {
    }

    // ------------------------------------------------------------------------------------------ attributes

    /** One {@code AttributeProto}, already encoded. */
    record Attr(String name, byte[] bytes) {
    }

    static Attr ints(String name, long... v) {
        Msg m = new Msg().string(1, name).varint(20, 7);
        Msg packed = new Msg();
        for (long x : v) {
            packed.rawVarint(x);
        }
        return new Attr(name, m.bytes(8, packed.toBytes()).toBytes());
    }

    static Attr floats(String name, float... v) {
        Msg m = new Msg().string(1, name).varint(20, 6);
        Msg packed = new Msg();
        for (float x : v) {
            packed.rawFixed32(Float.floatToRawIntBits(x));
        }
        return new Attr(name, m.bytes(7, packed.toBytes()).toBytes());
    }

    static Attr strings(String name, String... v) {
        Msg m = new Msg().string(1, name).varint(20, 8);
        for (String s : v) {
            m.string(9, s);
        }
        return new Attr(name, m.toBytes());
    }

    static Attr string(String name, String v) {
        return new Attr(name, new Msg().string(1, name).varint(20, 3).string(4, v).toBytes());
    }

    static Attr integer(String name, long v) {
        return new Attr(name, new Msg().string(1, name).varint(20, 2).varint(3, v).toBytes());
    }

    static Attr tensor(String name, byte[] tensorProto) {
        return new Attr(name, new Msg().string(1, name).varint(20, 4).bytes(5, tensorProto).toBytes());
    }

    /** A {@code TensorProto} of {@code dims} with float32 {@code float_data}. */
    static byte[] floatTensor(long[] dims, float... v) {
        Msg m = new Msg();
        Msg d = new Msg();
        for (long x : dims) {
            d.rawVarint(x);
        }
        m.bytes(1, d.toBytes()).varint(2, FLOAT);
        Msg packed = new Msg();
        for (float x : v) {
            packed.rawFixed32(Float.floatToRawIntBits(x));
        }
        return m.bytes(4, packed.toBytes()).toBytes();
    }

    /** A {@code TensorProto} of {@code dims} and element type {@code type} holding {@code raw} as raw_data. */
    static byte[] rawTensor(long[] dims, int type, byte[] raw) {
        Msg m = new Msg();
        Msg d = new Msg();
        for (long x : dims) {
            d.rawVarint(x);
        }
        return m.bytes(1, d.toBytes()).varint(2, type).bytes(9, raw).toBytes();
    }

    // ------------------------------------------------------------------------------------------ graph

    /** A graph input or output: a tensor of {@code elemType} whose dims are numbers or symbolic names. */
    static byte[] valueInfo(String name, int elemType, Object... dims) {
        Msg shape = new Msg();
        for (Object d : dims) {
            Msg dim = new Msg();
            if (d instanceof String) {
                dim.string(2, (String) d);
            } else {
                dim.varint(1, ((Number) d).longValue());
            }
            shape.bytes(1, dim.toBytes());
        }
        Msg tensorType = new Msg().varint(1, elemType).bytes(2, shape.toBytes());
        Msg type = new Msg().bytes(1, tensorType.toBytes());
        return new Msg().string(1, name).bytes(2, type.toBytes()).toBytes();
    }

    static byte[] node(String opType, String domain, List<String> inputs, List<String> outputs, List<Attr> attrs) {
        Msg m = new Msg();
        for (String i : inputs) {
            m.string(1, i);
        }
        for (String o : outputs) {
            m.string(2, o);
        }
        m.string(3, opType.toLowerCase() + "_0").string(4, opType);
        for (Attr a : attrs) {
            m.bytes(5, a.bytes());
        }
        if (!domain.isEmpty()) {
            m.string(7, domain);
        }
        return m.toBytes();
    }

    static byte[] model(List<byte[]> nodes, List<byte[]> inputs, List<byte[]> outputs, Map<String, Long> opsets) {
        Msg graph = new Msg();
        for (byte[] n : nodes) {
            graph.bytes(1, n);
        }
        graph.string(2, "test_graph");
        for (byte[] i : inputs) {
            graph.bytes(11, i);
        }
        for (byte[] o : outputs) {
            graph.bytes(12, o);
        }
        Msg m = new Msg().varint(1, 8).string(2, "hotpath-tests").string(3, "1.0");
        m.bytes(7, graph.toBytes());
        for (Map.Entry<String, Long> e : opsets.entrySet()) {
            Msg op = new Msg();
            if (!e.getKey().isEmpty()) {
                op.string(1, e.getKey());
            }
            op.varint(2, e.getValue());
            m.bytes(8, op.toBytes());
        }
        return m.toBytes();
    }

    static Map<String, Long> opsets(long aiOnnx, long aiOnnxMl) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("", aiOnnx);
        m.put("ai.onnx.ml", aiOnnxMl);
        return m;
    }

    // ------------------------------------------------------------------------------------------ tree ensembles

    /**
     * The attributes of a small, valid {@code ai.onnx.ml} tree ensemble over 3 features: tree 0 splits on x0 at 0.5
     * (missing goes true), tree 1 on x2 at -1 then x1 at 2. Leaves vote for class/target 0 or 1. Tests replace one
     * attribute to inject one defect. {@code prefix} is {@code class_} (classifier) or {@code target_}
     * (regressor).
     */
    static Map<String, Attr> treeAttributes(String prefix) {
        Map<String, Attr> a = new LinkedHashMap<>();
        a.put("nodes_treeids", ints("nodes_treeids", 0, 0, 0, 1, 1, 1, 1, 1));
        a.put("nodes_nodeids", ints("nodes_nodeids", 0, 1, 2, 0, 1, 2, 3, 4));
        a.put("nodes_featureids", ints("nodes_featureids", 0, 0, 0, 2, 1, 0, 0, 0));
        a.put("nodes_values", floats("nodes_values", 0.5f, 0f, 0f, -1f, 2f, 0f, 0f, 0f));
        a.put("nodes_modes", strings("nodes_modes", "BRANCH_LT", "LEAF", "LEAF", "BRANCH_LEQ", "BRANCH_LT",
                "LEAF", "LEAF", "LEAF"));
        a.put("nodes_truenodeids", ints("nodes_truenodeids", 1, 0, 0, 1, 3, 0, 0, 0));
        a.put("nodes_falsenodeids", ints("nodes_falsenodeids", 2, 0, 0, 2, 4, 0, 0, 0));
        a.put("nodes_missing_value_tracks_true", ints("nodes_missing_value_tracks_true", 1, 0, 0, 0, 1, 0, 0, 0));
        a.put(prefix + "treeids", ints(prefix + "treeids", 0, 0, 1, 1, 1, 1));
        a.put(prefix + "nodeids", ints(prefix + "nodeids", 1, 2, 2, 3, 4, 4));
        a.put(prefix + "ids", ints(prefix + "ids", 0, 1, 1, 0, 0, 1));
        a.put(prefix + "weights", floats(prefix + "weights", 0.25f, -0.5f, 1f, 0.75f, -0.25f, 0.5f));
        return a;
    }

    /** A TreeEnsembleClassifier (labels 0 and 1, LOGISTIC) with outputs {@code label} and {@code probabilities}. */
    static byte[] treeClassifier(Map<String, Attr> attributes) {
        List<Attr> attrs = new ArrayList<>(attributes.values());
        if (!attributes.containsKey("classlabels_int64s") && !attributes.containsKey("classlabels_strings")) {
            attrs.add(ints("classlabels_int64s", 0, 1));
        }
        if (!attributes.containsKey("post_transform")) {
            attrs.add(string("post_transform", "LOGISTIC"));
        }
        byte[] node = node("TreeEnsembleClassifier", "ai.onnx.ml", List.of("input"),
                List.of("label", "probabilities"), attrs);
        return model(List.of(node), List.of(valueInfo("input", FLOAT, "N", 3)),
                List.of(valueInfo("label", INT64, "N"), valueInfo("probabilities", FLOAT, "N", 2)),
                opsets(17, 3));
    }

    /** A TreeEnsembleRegressor with {@code n_targets = 2}, output {@code margin[N,2]}. */
    static byte[] treeRegressor(Map<String, Attr> attributes) {
        List<Attr> attrs = new ArrayList<>(attributes.values());
        if (!attributes.containsKey("n_targets")) {
            attrs.add(integer("n_targets", 2));
        }
        byte[] node = node("TreeEnsembleRegressor", "ai.onnx.ml", List.of("input"), List.of("margin"), attrs);
        return model(List.of(node), List.of(valueInfo("input", FLOAT, "N", 3)),
                List.of(valueInfo("margin", FLOAT, "N", 2)), opsets(17, 3));
    }

    /** The ensemble of {@link OnnxProtoWriter#treeAttributes} as one v5 {@code TreeEnsemble} with 2 targets. */
    static byte[] treeEnsembleV5(Attr... replaced) {
        Map<String, Attr> a = new LinkedHashMap<>();
        a.put("nodes_featureids", ints("nodes_featureids", 0, 2, 1));
        a.put("nodes_splits", tensor("nodes_splits", floatTensor(new long[] {3}, 0.5f, -1f, 2f)));
        a.put("nodes_modes", tensor("nodes_modes", rawTensor(new long[] {3}, UINT8, new byte[] {1, 0, 1})));
        a.put("nodes_truenodeids", ints("nodes_truenodeids", 0, 2, 3));
        a.put("nodes_trueleafs", ints("nodes_trueleafs", 1, 0, 1));
        a.put("nodes_falsenodeids", ints("nodes_falsenodeids", 1, 2, 4));
        a.put("nodes_falseleafs", ints("nodes_falseleafs", 1, 1, 1));
        a.put("nodes_missing_value_tracks_true", ints("nodes_missing_value_tracks_true", 1, 0, 1));
        a.put("tree_roots", ints("tree_roots", 0, 1));
        a.put("leaf_targetids", ints("leaf_targetids", 0, 1, 1, 0, 1));
        a.put("leaf_weights", tensor("leaf_weights", floatTensor(new long[] {5}, 0.25f, -0.5f, 1f, 0.75f, 0.5f)));
        a.put("n_targets", integer("n_targets", 2));
        a.put("aggregate_function", integer("aggregate_function", 1));
        a.put("post_transform", integer("post_transform", 0));
        for (Attr r : replaced) {
            a.put(r.name(), r);
        }
        byte[] node = node("TreeEnsemble", "ai.onnx.ml", List.of("input"), List.of("y"),
                new ArrayList<>(a.values()));
        return model(List.of(node), List.of(valueInfo("input", FLOAT, "N", 3)),
                List.of(valueInfo("y", FLOAT, "N", 2)), opsets(21, 5));
    }

    // ------------------------------------------------------------------------------------------ encoding

    /** A protobuf message under construction. */
    static final class Msg {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Msg varint(int field, long v) {
            rawVarint(((long) field << 3));
            return rawVarint(v);
        }

        Msg string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Msg bytes(int field, byte[] b) {
            rawVarint(((long) field << 3) | 2);
            rawVarint(b.length);
            out.write(b, 0, b.length);
            return this;
        }

        Msg fixed32(int field, int v) {
            rawVarint(((long) field << 3) | 5);
            return rawFixed32(v);
        }

        Msg rawVarint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
            return this;
        }

        Msg rawFixed32(int v) {
            for (int i = 0; i < 4; i++) {
                out.write((v >>> (8 * i)) & 0xFF);
            }
            return this;
        }

        Msg raw(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }
}
