package dev.hotpath.formats.onnx;

import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelLimits;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the {@code ai.onnx.ml} tree-ensemble operators of an ONNX model <em>before</em> ONNX Runtime sees it,
 * because ONNX Runtime 1.23.2 does not check them all and aborts the whole JVM on some corrupt ones (issue #20):
 * a {@code TreeEnsembleClassifier} whose {@code nodes_values}, {@code class_ids}, {@code class_treeids} or
 * {@code class_weights} is shorter than its siblings ends in {@code std::terminate} or a libstdc++
 * {@code vector::operator[]} assertion (SIGABRT); a v5 {@code TreeEnsemble} whose child or root index is out of
 * range does the same, and one with a {@code BRANCH_MEMBER} node but no {@code membership_values} segfaults.
 * Others are accepted silently and score garbage (a negative feature id reads before the input row).
 *
 * <p>Walks the main graph, every subgraph (attributes of type {@code GRAPH}/{@code GRAPHS}, up to
 * {@value #MAX_SUBGRAPH_DEPTH} levels) and model-local functions, and checks every
 * {@code TreeEnsembleClassifier}, {@code TreeEnsembleRegressor} (opsets 1-3) and {@code TreeEnsemble} (opset 5):
 * <ul>
 *   <li>the per-node attributes have equal lengths (optional ones are absent or full length), as do the per-vote
 *       (per-leaf) attributes;</li>
 *   <li>ids are in range: tree and node ids non-negative 32-bit, each {@code (tree, node)} once, a tree's nodes
 *       contiguous; children exist in the same tree and are not the node itself; every vote names a leaf; class
 *       and target ids are below the number of classes / {@code n_targets}; v5 roots, children and leaf indices
 *       are below the array lengths;</li>
 *   <li>no cycles and no node with two parents;</li>
 *   <li>feature ids are non-negative and, when the operator reads a graph input of shape {@code [N, F]}, below
 *       {@code F};</li>
 *   <li>modes, post transforms and aggregate functions are ones ONNX defines; thresholds, weights and base values
 *       are finite; {@code BRANCH_MEMBER} nodes have their {@code membership_values};</li>
 *   <li>tree and node counts are within {@link ModelLimits}.</li>
 * </ul>
 * A violation is a {@link ModelFormatException} whose location names the node and attribute (and the element
 * index). Other operators are not inspected: see {@code README-onnx.md} for the residual risk and the child-JVM
 * check that covers it.
 *
 * <p>Stateless between calls and thread-safe; cold path only. Every length is checked through
 * {@link ProtoReader} before anything is allocated; large initializers are skipped, not decoded.
 */
final class OnnxGraphValidator {
    /** Deepest nesting of subgraphs (If/Loop/Scan bodies) walked; deeper models are refused. */
    static final int MAX_SUBGRAPH_DEPTH = 16;

    private static final String ML = "ai.onnx.ml";
    private static final Set<String> POST_TRANSFORMS = Set.of("NONE", "SOFTMAX", "LOGISTIC", "SOFTMAX_ZERO",
            "PROBIT");
    private static final Set<String> AGGREGATES = Set.of("AVERAGE", "SUM", "MIN", "MAX");
    private static final List<String> V3_MODES = List.of("BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT",
            "BRANCH_EQ", "BRANCH_NEQ", "LEAF");
    private static final int V5_MODE_MEMBER = 6;

    // AttributeProto.AttributeType
    private static final int FLOAT = 1;
    private static final int INT = 2;
    private static final int STRING = 3;
    private static final int TENSOR = 4;
    private static final int FLOATS = 6;
    private static final int INTS = 7;
    private static final int STRINGS = 8;

    private final String source;
    private final ModelLimits limits;
    private long treeNodes;
    private long trees;

    private OnnxGraphValidator(String source, ModelLimits limits) {
        this.source = source;
        this.limits = limits;
    }

    /**
     * @param model the whole {@code .onnx} file
     * @param source the file name, for messages
     * @param limits size limits
     * @throws ModelFormatException naming the node and attribute of the first violation
     */
    static void validate(byte[] model, String source, ModelLimits limits) {
        new OnnxGraphValidator(source, limits).model(new ProtoReader(model, 0, model.length, source,
                limits.maxStringBytes()));
    }

    private void model(ProtoReader r) {
        while (r.hasMore()) {
            long tag = r.tag("ModelProto");
            int field = ProtoReader.field(tag);
            int wt = ProtoReader.wireType(tag);
            if (field == 7) {
                graph(r.expectMessage(wt, field, "graph"), 0, "graph");
            } else if (field == 25) {
                function(r.expectMessage(wt, field, "functions"));
            } else {
                r.skip(wt, field);
            }
        }
    }

    private void function(ProtoReader r) {
        String name = "";
        List<ProtoReader> nodes = new ArrayList<>();
        while (r.hasMore()) {
            long tag = r.tag("FunctionProto");
            int field = ProtoReader.field(tag);
            int wt = ProtoReader.wireType(tag);
            if (field == 1) {
                name = r.expectString(wt, field, "FunctionProto.name");
            } else if (field == 7) {
                nodes.add(r.expectMessage(wt, field, "FunctionProto.node"));
            } else {
                r.skip(wt, field);
            }
        }
        String where = "function '" + name + "'";
        for (int i = 0; i < nodes.size(); i++) {
            node(nodes.get(i), i, 1, where, Map.of());
        }
    }

    private void graph(ProtoReader r, int depth, String where) {
        if (depth > MAX_SUBGRAPH_DEPTH) {
            throw new ModelFormatException(source, where, "subgraphs nested at most " + MAX_SUBGRAPH_DEPTH
                    + " levels deep");
        }
        // Nodes (field 1) come before the inputs (field 11) on the wire, so collect first, then check.
        List<ProtoReader> nodes = new ArrayList<>();
        Map<String, Long> widths = new HashMap<>();
        while (r.hasMore()) {
            long tag = r.tag("GraphProto");
            int field = ProtoReader.field(tag);
            int wt = ProtoReader.wireType(tag);
            if (field == 1) {
                nodes.add(r.expectMessage(wt, field, "GraphProto.node"));
            } else if (field == 11) {
                input(r.expectMessage(wt, field, "GraphProto.input"), widths);
            } else {
                r.skip(wt, field); // initializers and the rest: skipped by length, never decoded
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            node(nodes.get(i), i, depth, where, widths);
        }
    }

    /** Records the feature count {@code F} of a graph input of static shape {@code [N, F]}. */
    private static void input(ProtoReader r, Map<String, Long> widths) {
        String name = null;
        List<Long> dims = null;
        while (r.hasMore()) {
            long tag = r.tag("ValueInfoProto");
            int field = ProtoReader.field(tag);
            int wt = ProtoReader.wireType(tag);
            if (field == 1) {
                name = r.expectString(wt, field, "ValueInfoProto.name");
            } else if (field == 2) {
                dims = tensorShape(r.expectMessage(wt, field, "ValueInfoProto.type"));
            } else {
                r.skip(wt, field);
            }
        }
        if (name != null && dims != null && dims.size() == 2 && dims.get(1) > 0) {
            widths.put(name, dims.get(1));
        }
    }

    /** TypeProto.tensor_type.shape as dim values (-1 for symbolic dims), or null. */
    private static List<Long> tensorShape(ProtoReader type) {
        List<Long> dims = null;
        while (type.hasMore()) {
            long tag = type.tag("TypeProto");
            int wt = ProtoReader.wireType(tag);
            if (ProtoReader.field(tag) != 1) {
                type.skip(wt, ProtoReader.field(tag));
                continue;
            }
            ProtoReader tensor = type.expectMessage(wt, 1, "TypeProto.tensor_type");
            while (tensor.hasMore()) {
                long t = tensor.tag("TypeProto.Tensor");
                int twt = ProtoReader.wireType(t);
                if (ProtoReader.field(t) != 2) {
                    tensor.skip(twt, ProtoReader.field(t));
                    continue;
                }
                ProtoReader shape = tensor.expectMessage(twt, 2, "TypeProto.Tensor.shape");
                dims = new ArrayList<>();
                while (shape.hasMore()) {
                    long s = shape.tag("TensorShapeProto");
                    int swt = ProtoReader.wireType(s);
                    if (ProtoReader.field(s) != 1) {
                        shape.skip(swt, ProtoReader.field(s));
                        continue;
                    }
                    ProtoReader dim = shape.expectMessage(swt, 1, "TensorShapeProto.dim");
                    long value = -1;
                    while (dim.hasMore()) {
                        long d = dim.tag("TensorShapeProto.Dimension");
                        int dwt = ProtoReader.wireType(d);
                        if (ProtoReader.field(d) == 1) {
                            value = dim.expectVarint(dwt, 1, "dim_value");
                        } else {
                            dim.skip(dwt, ProtoReader.field(d));
                        }
                    }
                    dims.add(value);
                }
            }
        }
        return dims;
    }

    // ------------------------------------------------------------------------------------------ nodes

    private void node(ProtoReader r, int index, int depth, String graphWhere, Map<String, Long> widths) {
        String name = "";
        String opType = "";
        String domain = "";
        String firstInput = null;
        List<ProtoReader> attributes = new ArrayList<>();
        while (r.hasMore()) {
            long tag = r.tag("NodeProto");
            int field = ProtoReader.field(tag);
            int wt = ProtoReader.wireType(tag);
            switch (field) {
                case 1 -> {
                    String in = r.expectString(wt, field, "NodeProto.input");
                    if (firstInput == null) {
                        firstInput = in;
                    }
                }
                case 3 -> name = r.expectString(wt, field, "NodeProto.name");
                case 4 -> opType = r.expectString(wt, field, "NodeProto.op_type");
                case 5 -> attributes.add(r.expectMessage(wt, field, "NodeProto.attribute"));
                case 7 -> domain = r.expectString(wt, field, "NodeProto.domain");
                default -> r.skip(wt, field);
            }
        }
        String where = (graphWhere.equals("graph") ? "" : graphWhere + " > ") + "node "
                + (name.isEmpty() ? "#" + index : "'" + name + "'") + " (" + (domain.isEmpty() ? "" : domain + ".")
                + opType + ")";
        boolean tree = ML.equals(domain) && (opType.equals("TreeEnsembleClassifier")
                || opType.equals("TreeEnsembleRegressor") || opType.equals("TreeEnsemble"));
        Map<String, Attr> decoded = tree ? new LinkedHashMap<>() : null;
        for (ProtoReader a : attributes) {
            Attr attr = attribute(a, tree, depth, where);
            if (tree && attr.name != null) {
                if (decoded.put(attr.name, attr) != null) {
                    throw new ModelFormatException(source, where + ", attribute " + attr.name,
                            "each attribute once, found it twice");
                }
            }
        }
        if (!tree) {
            return;
        }
        Long width = firstInput == null ? null : widths.get(firstInput);
        Node n = new Node(where, decoded, width == null ? -1 : width);
        if (opType.equals("TreeEnsemble")) {
            validateV5(n);
        } else {
            validateV3(n, opType.equals("TreeEnsembleClassifier"));
        }
    }

    /** An attribute's values; only the fields of its declared kind are filled. */
    private static final class Attr {
        String name;
        int type;
        int offset;
        Float f;
        Long i;
        String s;
        final LongList ints = new LongList();
        final DoubleList floats = new DoubleList();
        final List<String> strings = new ArrayList<>();
        Tensor tensor;
    }

    private Attr attribute(ProtoReader r, boolean decode, int depth, String where) {
        Attr a = new Attr();
        a.offset = r.pos;
        while (r.hasMore()) {
            long tag = r.tag("AttributeProto");
            int field = ProtoReader.field(tag);
            int wt = ProtoReader.wireType(tag);
            String attrWhere = where + ", attribute " + (a.name == null ? "#?" : a.name);
            if (field == 1) {
                a.name = r.expectString(wt, field, "AttributeProto.name");
            } else if (field == 6) {
                graph(r.expectMessage(wt, field, "AttributeProto.g"), depth + 1, attrWhere);
            } else if (field == 11) {
                graph(r.expectMessage(wt, field, "AttributeProto.graphs"), depth + 1, attrWhere);
            } else if (!decode) {
                r.skip(wt, field);
            } else {
                switch (field) {
                    case 20 -> a.type = (int) r.expectVarint(wt, field, "AttributeProto.type");
                    case 2 -> {
                        expectWire(r, wt, ProtoReader.WT_I32, "AttributeProto.f");
                        a.f = Float.intBitsToFloat(r.fixed32("AttributeProto.f"));
                    }
                    case 3 -> a.i = r.expectVarint(wt, field, "AttributeProto.i");
                    case 4 -> a.s = r.expectString(wt, field, "AttributeProto.s");
                    case 5 -> a.tensor = tensor(r.expectMessage(wt, field, "AttributeProto.t"), attrWhere);
                    case 7 -> readFloats(r, wt, field, a.floats, "AttributeProto.floats");
                    case 8 -> readVarints(r, wt, field, a.ints, "AttributeProto.ints");
                    case 9 -> a.strings.add(r.expectString(wt, field, "AttributeProto.strings"));
                    default -> r.skip(wt, field);
                }
            }
        }
        return a;
    }

    private static void expectWire(ProtoReader r, int wt, int expected, String what) {
        if (wt != expected) {
            throw r.error(r.pos, what + " with wire type " + expected + ", found " + wt
                    + "; the file is corrupt or not an ONNX model");
        }
    }

    /** A repeated float: packed (one length-delimited run of fixed32) or one element. */
    private static void readFloats(ProtoReader r, int wt, int field, DoubleList out, String what) {
        if (wt == ProtoReader.WT_I32) {
            out.add(Float.intBitsToFloat(r.fixed32(what)));
            return;
        }
        ProtoReader packed = r.expectMessage(wt, field, what);
        if ((packed.end - packed.pos) % 4 != 0) {
            throw r.error(packed.pos, what + ": packed float32 values (a multiple of 4 bytes), found "
                    + (packed.end - packed.pos) + " bytes");
        }
        while (packed.hasMore()) {
            out.add(Float.intBitsToFloat(packed.fixed32(what)));
        }
    }

    private static void readDoubles(ProtoReader r, int wt, int field, DoubleList out, String what) {
        if (wt == ProtoReader.WT_I64) {
            out.add(Double.longBitsToDouble(r.fixed64(what)));
            return;
        }
        ProtoReader packed = r.expectMessage(wt, field, what);
        if ((packed.end - packed.pos) % 8 != 0) {
            throw r.error(packed.pos, what + ": packed float64 values (a multiple of 8 bytes), found "
                    + (packed.end - packed.pos) + " bytes");
        }
        while (packed.hasMore()) {
            out.add(Double.longBitsToDouble(packed.fixed64(what)));
        }
    }

    /** A repeated integer: packed (one length-delimited run of varints) or one element. */
    private static void readVarints(ProtoReader r, int wt, int field, LongList out, String what) {
        if (wt == ProtoReader.WT_VARINT) {
            out.add(r.varint(what));
            return;
        }
        ProtoReader packed = r.expectMessage(wt, field, what);
        while (packed.hasMore()) {
            out.add(packed.varint(what));
        }
    }

    // ------------------------------------------------------------------------------------------ tensors

    /** A decoded TensorProto holding numbers. */
    private record Tensor(int dataType, long[] values, double[] reals) {
        int length() {
            return values != null ? values.length : reals.length;
        }
    }

    private Tensor tensor(ProtoReader r, String where) {
        LongList dims = new LongList();
        int dataType = 0;
        DoubleList reals = new DoubleList();
        LongList ints = new LongList();
        int rawStart = -1;
        int rawEnd = -1;
        boolean external = false;
        while (r.hasMore()) {
            long tag = r.tag("TensorProto");
            int field = ProtoReader.field(tag);
            int wt = ProtoReader.wireType(tag);
            switch (field) {
                case 1 -> readVarints(r, wt, field, dims, "TensorProto.dims");
                case 2 -> dataType = (int) r.expectVarint(wt, field, "TensorProto.data_type");
                case 4 -> readFloats(r, wt, field, reals, "TensorProto.float_data");
                case 5 -> readVarints(r, wt, field, ints, "TensorProto.int32_data");
                case 7 -> readVarints(r, wt, field, ints, "TensorProto.int64_data");
                case 9 -> {
                    rawStart = r.expectLengthDelimited(wt, field, "TensorProto.raw_data");
                    rawEnd = r.pos;
                }
                case 10 -> readDoubles(r, wt, field, reals, "TensorProto.double_data");
                case 13 -> {
                    external = true;
                    r.skip(wt, field);
                }
                case 14 -> external |= r.expectVarint(wt, field, "TensorProto.data_location") == 1;
                default -> r.skip(wt, field);
            }
        }
        if (external) {
            throw new ModelFormatException(source, where, "a tensor stored in the model; external data is not "
                    + "supported");
        }
        long count = 1;
        for (int i = 0; i < dims.size; i++) {
            long d = dims.get(i);
            if (d < 0 || d > Integer.MAX_VALUE || (count *= d) > Integer.MAX_VALUE) {
                throw new ModelFormatException(source, where, "tensor dims of a representable size, found "
                        + Arrays.toString(dims.toArray()));
            }
        }
        boolean real = dataType == 1 || dataType == 10 || dataType == 11 || dataType == 16;
        long[] values = null;
        double[] realValues = null;
        if (rawStart >= 0) {
            int size = elementSize(dataType, where);
            if ((rawEnd - rawStart) % size != 0 || (rawEnd - rawStart) / size != count) {
                throw new ModelFormatException(source, where, "raw_data of " + count + " elements of " + size
                        + " bytes (dims " + Arrays.toString(dims.toArray()) + "), found " + (rawEnd - rawStart)
                        + " bytes");
            }
            int n = (int) count;
            if (real) {
                realValues = new double[n];
            } else {
                values = new long[n];
            }
            for (int i = 0; i < n; i++) {
                long bits = littleEndian(r.b, rawStart + i * size, size);
                if (real) {
                    realValues[i] = switch (dataType) {
                        case 1 -> Float.intBitsToFloat((int) bits);
                        case 11 -> Double.longBitsToDouble(bits);
                        case 16 -> Float.intBitsToFloat((int) bits << 16);
                        default -> halfToFloat((int) bits);
                    };
                } else {
                    values[i] = signed(dataType) ? bits << (64 - 8 * size) >> (64 - 8 * size) : bits;
                }
            }
        } else if (real) {
            realValues = reals.toArray();
            if (dataType == 10 || dataType == 16) {
                // float16/bfloat16 outside raw_data are stored in int32_data, one per element
                realValues = new double[ints.size];
                for (int i = 0; i < ints.size; i++) {
                    int bits = (int) ints.get(i);
                    realValues[i] = dataType == 16 ? Float.intBitsToFloat(bits << 16) : halfToFloat(bits);
                }
            }
        } else {
            values = ints.toArray();
        }
        Tensor t = new Tensor(dataType, values, realValues);
        if (t.length() != count) {
            throw new ModelFormatException(source, where, "a tensor with as many values as its dims "
                    + Arrays.toString(dims.toArray()) + " hold (" + count + "), found " + t.length());
        }
        return t;
    }

    private int elementSize(int dataType, String where) {
        return switch (dataType) {
            case 2, 3, 9 -> 1; // uint8, int8, bool
            case 4, 5, 10, 16 -> 2; // uint16, int16, float16, bfloat16
            case 1, 6, 12 -> 4; // float, int32, uint32
            case 7, 11, 13 -> 8; // int64, double, uint64
            default -> throw new ModelFormatException(source, where, "a numeric tensor, found data_type "
                    + dataType);
        };
    }

    private static boolean signed(int dataType) {
        return dataType == 3 || dataType == 5 || dataType == 6 || dataType == 7;
    }

    private static long littleEndian(byte[] b, int at, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = v << 8 | (b[at + i] & 0xFF);
        }
        return v;
    }

    private static double halfToFloat(int h) {
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        double sign = (h & 0x8000) != 0 ? -1 : 1;
        if (exp == 0x1F) {
            return mant == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        return exp == 0 ? sign * mant * 0x1p-24 : sign * (1024 + mant) * Math.scalb(1.0, exp - 25);
    }

    // ------------------------------------------------------------------------------------------ checks

    /** A tree-ensemble node being validated: where it is, its attributes, the width of its input if known. */
    private final class Node {
        final String where;
        final Map<String, Attr> attrs;
        final long inputWidth;

        Node(String where, Map<String, Attr> attrs, long inputWidth) {
            this.where = where;
            this.attrs = attrs;
            this.inputWidth = inputWidth;
        }

        ModelFormatException error(String attribute, String expectation) {
            return new ModelFormatException(source, where + (attribute == null ? "" : ", attribute " + attribute),
                    expectation);
        }

        ModelFormatException error(String attribute, int index, String expectation) {
            return error(attribute + "[" + index + "]", expectation);
        }

        Attr get(String name, boolean required) {
            Attr a = attrs.get(name);
            if (a == null && required) {
                throw error(name, "the attribute " + name + "; it is missing");
            }
            return a;
        }

        long[] ints(String name, boolean required) {
            Attr a = get(name, required);
            if (a == null) {
                return new long[0];
            }
            expectType(a, INTS, "a list of integers (INTS)");
            return a.ints.toArray();
        }

        String[] strings(String name, boolean required) {
            Attr a = get(name, required);
            if (a == null) {
                return new String[0];
            }
            expectType(a, STRINGS, "a list of strings (STRINGS)");
            return a.strings.toArray(new String[0]);
        }

        Long integer(String name, boolean required) {
            Attr a = get(name, required);
            if (a == null) {
                return null;
            }
            expectType(a, INT, "an integer (INT)");
            return a.i == null ? 0L : a.i;
        }

        String string(String name) {
            Attr a = get(name, false);
            if (a == null) {
                return null;
            }
            expectType(a, STRING, "a string (STRING)");
            return a.s == null ? "" : a.s;
        }

        Tensor tensor(String name, boolean required) {
            Attr a = get(name, required);
            if (a == null) {
                return null;
            }
            expectType(a, TENSOR, "a tensor (TENSOR)");
            if (a.tensor == null) {
                throw error(name, "a tensor value; the attribute holds none");
            }
            return a.tensor;
        }

        /** Reals from {@code name} (FLOATS) or {@code tensorName} (TENSOR); at most one may be present. */
        double[] reals(String name, String tensorName, boolean required) {
            Attr list = get(name, false);
            Tensor t = tensorName == null ? null : tensor(tensorName, false);
            if (list != null && t != null) {
                throw error(name, "either " + name + " or " + tensorName + ", found both");
            }
            if (t != null) {
                return realsOf(t, tensorName);
            }
            if (list == null) {
                if (required) {
                    throw error(name, "the attribute " + name + (tensorName == null ? "" : " (or " + tensorName + ")")
                            + "; it is missing");
                }
                return new double[0];
            }
            if (list.type != FLOATS && !(list.type == 0 && list.ints.size == 0 && list.strings.isEmpty())) {
                throw error(name, "a list of floats (FLOATS), found attribute type " + list.type);
            }
            return list.floats.toArray();
        }

        double[] realsOf(Tensor t, String name) {
            if (t.reals == null) {
                throw error(name, "a float or double tensor, found data_type " + t.dataType);
            }
            return t.reals;
        }

        private void expectType(Attr a, int type, String what) {
            // type 0 (UNDEFINED) is tolerated when the value fields match: very old writers omit it.
            if (a.type != type && a.type != 0) {
                throw error(a.name, what + ", found attribute type " + a.type);
            }
        }

        void sameLength(String name, int actual, String reference, int expected) {
            if (actual != expected) {
                throw error(name, "one entry per entry of " + reference + " (" + expected + "), found " + actual);
            }
        }

        void optionalLength(String name, int actual, String reference, int expected) {
            if (actual != 0 && actual != expected) {
                throw error(name, "either no entries or one per entry of " + reference + " (" + expected
                        + "), found " + actual);
            }
        }

        void finite(String name, double[] v) {
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) {
                    throw error(name, i, "a finite value, found " + v[i]);
                }
            }
        }

        void zeroOrOne(String name, long[] v) {
            for (int i = 0; i < v.length; i++) {
                if (v[i] != 0 && v[i] != 1) {
                    throw error(name, i, "0 or 1, found " + v[i]);
                }
            }
        }

        void feature(String name, int i, long f) {
            if (f < 0 || f > Integer.MAX_VALUE || (inputWidth > 0 && f >= inputWidth)) {
                throw error(name, i, "a feature index in [0, " + (inputWidth > 0 ? inputWidth + ")" : "2^31)")
                        + (inputWidth > 0 ? " (the input has " + inputWidth + " features)" : "") + ", found " + f);
            }
        }
    }

    /** Before anything is sized by the node count. */
    private void checkNodeCount(Node n, String attribute, int count) {
        if (count > limits.maxTotalNodes() - treeNodes) {
            throw n.error(attribute, "at most " + limits.maxTotalNodes() + " nodes in all tree ensembles "
                    + "(ModelLimits.maxTotalNodes), found " + (treeNodes + count));
        }
    }

    private void countTrees(Node n, long treeCount, long nodeCount) {
        trees += treeCount;
        treeNodes += nodeCount;
        if (trees > limits.maxTrees()) {
            throw n.error(null, "at most " + limits.maxTrees() + " trees in all tree ensembles (ModelLimits.maxTrees),"
                    + " found " + trees);
        }
        if (treeNodes > limits.maxTotalNodes()) {
            throw n.error(null, "at most " + limits.maxTotalNodes() + " nodes in all tree ensembles "
                    + "(ModelLimits.maxTotalNodes), found " + treeNodes);
        }
    }

    /** TreeEnsembleClassifier / TreeEnsembleRegressor, ai.onnx.ml opsets 1-3. */
    private void validateV3(Node n, boolean classifier) {
        long[] treeIds = n.ints("nodes_treeids", true);
        int count = treeIds.length;
        if (count == 0) {
            throw n.error("nodes_treeids", "at least one node, found none");
        }
        long[] nodeIds = n.ints("nodes_nodeids", true);
        long[] featureIds = n.ints("nodes_featureids", true);
        String[] modes = n.strings("nodes_modes", true);
        long[] trueIds = n.ints("nodes_truenodeids", true);
        long[] falseIds = n.ints("nodes_falsenodeids", true);
        double[] values = n.reals("nodes_values", "nodes_values_as_tensor", true);
        checkNodeCount(n, "nodes_treeids", count);
        n.sameLength("nodes_nodeids", nodeIds.length, "nodes_treeids", count);
        n.sameLength("nodes_featureids", featureIds.length, "nodes_treeids", count);
        n.sameLength("nodes_modes", modes.length, "nodes_treeids", count);
        n.sameLength("nodes_truenodeids", trueIds.length, "nodes_treeids", count);
        n.sameLength("nodes_falsenodeids", falseIds.length, "nodes_treeids", count);
        n.sameLength(n.attrs.containsKey("nodes_values") ? "nodes_values" : "nodes_values_as_tensor", values.length,
                "nodes_treeids", count);
        long[] missing = n.ints("nodes_missing_value_tracks_true", false);
        n.optionalLength("nodes_missing_value_tracks_true", missing.length, "nodes_treeids", count);
        n.zeroOrOne("nodes_missing_value_tracks_true", missing);
        double[] hitrates = n.reals("nodes_hitrates", "nodes_hitrates_as_tensor", false);
        n.optionalLength("nodes_hitrates", hitrates.length, "nodes_treeids", count);

        // (tree, node) -> index; trees contiguous.
        Map<Long, Integer> index = new HashMap<>();
        Set<Long> finishedTrees = new HashSet<>();
        boolean[] leaf = new boolean[count];
        long treeCount = 0;
        for (int i = 0; i < count; i++) {
            long t = treeIds[i];
            long id = nodeIds[i];
            if (t < 0 || t > Integer.MAX_VALUE) {
                throw n.error("nodes_treeids", i, "a tree id in [0, 2^31), found " + t);
            }
            if (id < 0 || id > Integer.MAX_VALUE) {
                throw n.error("nodes_nodeids", i, "a node id in [0, 2^31), found " + id);
            }
            if (i == 0 || treeIds[i - 1] != t) {
                if (i > 0) {
                    finishedTrees.add(treeIds[i - 1]);
                }
                if (finishedTrees.contains(t)) {
                    throw n.error("nodes_treeids", i, "the nodes of tree " + t + " in one contiguous run, found "
                            + "more of them after tree " + treeIds[i - 1]);
                }
                treeCount++;
            }
            if (index.put(key(t, id), i) != null) {
                throw n.error("nodes_nodeids", i, "each node id once per tree, found node " + id + " of tree " + t
                        + " twice");
            }
            int mode = V3_MODES.indexOf(modes[i]);
            if (mode < 0) {
                throw n.error("nodes_modes", i, "one of " + V3_MODES + ", found '" + abbreviate(modes[i]) + "'");
            }
            leaf[i] = mode == V3_MODES.size() - 1;
            if (!leaf[i]) {
                n.feature("nodes_featureids", i, featureIds[i]);
                if (!Double.isFinite(values[i])) {
                    throw n.error(n.attrs.containsKey("nodes_values") ? "nodes_values" : "nodes_values_as_tensor",
                            i, "a finite threshold, found " + values[i]);
                }
            }
        }
        countTrees(n, treeCount, count);

        // Children: exist in the same tree, are not the node itself; no node has two parents, no cycles.
        int[] trueIdx = new int[count];
        int[] falseIdx = new int[count];
        int[] parents = new int[count];
        for (int i = 0; i < count; i++) {
            if (leaf[i]) {
                continue;
            }
            trueIdx[i] = child(n, "nodes_truenodeids", i, treeIds[i], nodeIds[i], trueIds[i], index);
            falseIdx[i] = child(n, "nodes_falsenodeids", i, treeIds[i], nodeIds[i], falseIds[i], index);
            if (++parents[trueIdx[i]] > 1) {
                throw n.error("nodes_truenodeids", i, "a tree: node " + trueIds[i] + " of tree " + treeIds[i]
                        + " is the child of more than one node");
            }
            if (++parents[falseIdx[i]] > 1) {
                throw n.error("nodes_falsenodeids", i, "a tree: node " + falseIds[i] + " of tree " + treeIds[i]
                        + " is the child of more than one node");
            }
        }
        checkAcyclic(n, "nodes_truenodeids", leaf, trueIdx, falseIdx, parents);

        // Votes at the leaves.
        String p = classifier ? "class_" : "target_";
        long outputs;
        if (classifier) {
            long[] intLabels = n.ints("classlabels_int64s", false);
            String[] stringLabels = n.strings("classlabels_strings", false);
            if ((intLabels.length == 0) == (stringLabels.length == 0)) {
                throw n.error("classlabels_int64s", "exactly one of classlabels_int64s and classlabels_strings with "
                        + "at least one label, found " + intLabels.length + " and " + stringLabels.length + " labels");
            }
            outputs = Math.max(intLabels.length, stringLabels.length);
        } else {
            Long targets = n.integer("n_targets", false);
            outputs = targets == null ? 1 : targets;
            if (outputs < 1 || outputs > limits.maxOutputs()) {
                throw n.error("n_targets", "n_targets in [1, " + limits.maxOutputs() + "] (ModelLimits.maxOutputs), "
                        + "found " + outputs);
            }
            String agg = n.string("aggregate_function");
            if (agg != null && !AGGREGATES.contains(agg)) {
                throw n.error("aggregate_function", "one of " + AGGREGATES + ", found '" + abbreviate(agg) + "'");
            }
        }
        if (outputs > limits.maxOutputs()) {
            throw n.error("classlabels_int64s", "at most " + limits.maxOutputs() + " classes (ModelLimits.maxOutputs)"
                    + ", found " + outputs);
        }
        long[] voteTrees = n.ints(p + "treeids", true);
        long[] voteNodes = n.ints(p + "nodeids", true);
        long[] voteIds = n.ints(p + "ids", true);
        double[] weights = n.reals(p + "weights", p + "weights_as_tensor", true);
        int votes = voteIds.length;
        n.sameLength(p + "treeids", voteTrees.length, p + "ids", votes);
        n.sameLength(p + "nodeids", voteNodes.length, p + "ids", votes);
        n.sameLength(n.attrs.containsKey(p + "weights") ? p + "weights" : p + "weights_as_tensor", weights.length,
                p + "ids", votes);
        for (int v = 0; v < votes; v++) {
            Integer at = voteTrees[v] < 0 || voteTrees[v] > Integer.MAX_VALUE || voteNodes[v] < 0
                    || voteNodes[v] > Integer.MAX_VALUE ? null : index.get(key(voteTrees[v], voteNodes[v]));
            if (at == null) {
                throw n.error(p + "nodeids", v, "a node of the ensemble; node " + voteNodes[v] + " of tree "
                        + voteTrees[v] + " does not exist");
            }
            if (!leaf[at]) {
                throw n.error(p + "nodeids", v, "a LEAF node; node " + voteNodes[v] + " of tree " + voteTrees[v]
                        + " is " + modes[at]);
            }
            if (voteIds[v] < 0 || voteIds[v] >= outputs) {
                throw n.error(p + "ids", v, (classifier ? "a class index in [0, " + outputs + ") (the number of "
                        + "class labels)" : "a target index in [0, n_targets = " + outputs + ")") + ", found "
                        + voteIds[v]);
            }
        }
        n.finite(n.attrs.containsKey(p + "weights") ? p + "weights" : p + "weights_as_tensor", weights);

        double[] base = n.reals("base_values", "base_values_as_tensor", false);
        boolean binary = classifier && outputs == 2;
        if (base.length != 0 && base.length != outputs && !(binary && base.length == 1)) {
            throw n.error("base_values", "no base values or one per " + (classifier ? "class" : "target") + " ("
                    + outputs + (binary ? ", or 1 for a binary classifier" : "") + "), found " + base.length);
        }
        n.finite(n.attrs.containsKey("base_values_as_tensor") ? "base_values_as_tensor" : "base_values", base);
        String post = n.string("post_transform");
        if (post != null && !POST_TRANSFORMS.contains(post)) {
            throw n.error("post_transform", "one of " + POST_TRANSFORMS + ", found '" + abbreviate(post) + "'");
        }
    }

    private static long key(long tree, long node) {
        return tree << 31 | node;
    }

    private static int child(Node n, String attribute, int i, long tree, long self, long childId,
                             Map<Long, Integer> index) {
        Integer at = childId < 0 || childId > Integer.MAX_VALUE ? null : index.get(key(tree, childId));
        if (at == null) {
            throw n.error(attribute, i, "the id of a node of tree " + tree + ", found " + childId);
        }
        if (childId == self) {
            throw n.error(attribute, i, "a child other than the node itself (node " + self + " of tree " + tree
                    + ")");
        }
        return at;
    }

    /**
     * With at most one parent per node, a node that no root (node without a parent) reaches lies on a cycle.
     * Iterative, so hostile depths cannot overflow the stack.
     */
    private static void checkAcyclic(Node n, String attribute, boolean[] leaf, int[] trueIdx, int[] falseIdx,
                                     int[] parents) {
        int count = leaf.length;
        boolean[] reached = new boolean[count];
        int[] stack = new int[count];
        for (int root = 0; root < count; root++) {
            if (parents[root] != 0) {
                continue;
            }
            int sp = 0;
            stack[sp++] = root;
            reached[root] = true;
            while (sp > 0) {
                int i = stack[--sp];
                if (leaf[i]) {
                    continue;
                }
                for (int c : new int[] {trueIdx[i], falseIdx[i]}) {
                    if (!reached[c]) {
                        reached[c] = true;
                        stack[sp++] = c;
                    }
                }
            }
        }
        for (int i = 0; i < count; i++) {
            if (!reached[i]) {
                throw n.error(attribute, i, "a tree without cycles; node " + i + " (by position) lies on a cycle");
            }
        }
    }

    /** TreeEnsemble, ai.onnx.ml opset 5: interior nodes and leaves in separate arrays. */
    private void validateV5(Node n) {
        long[] featureIds = n.ints("nodes_featureids", true);
        int count = featureIds.length;
        if (count == 0) {
            throw n.error("nodes_featureids", "at least one interior node, found none");
        }
        checkNodeCount(n, "nodes_featureids", count);
        double[] splits = n.realsOf(n.tensor("nodes_splits", true), "nodes_splits");
        Tensor modesTensor = n.tensor("nodes_modes", true);
        if (modesTensor.values == null) {
            throw n.error("nodes_modes", "a uint8 tensor, found data_type " + modesTensor.dataType);
        }
        long[] modes = modesTensor.values;
        long[] trueIds = n.ints("nodes_truenodeids", true);
        long[] trueLeafs = n.ints("nodes_trueleafs", true);
        long[] falseIds = n.ints("nodes_falsenodeids", true);
        long[] falseLeafs = n.ints("nodes_falseleafs", true);
        n.sameLength("nodes_splits", splits.length, "nodes_featureids", count);
        n.sameLength("nodes_modes", modes.length, "nodes_featureids", count);
        n.sameLength("nodes_truenodeids", trueIds.length, "nodes_featureids", count);
        n.sameLength("nodes_trueleafs", trueLeafs.length, "nodes_featureids", count);
        n.sameLength("nodes_falsenodeids", falseIds.length, "nodes_featureids", count);
        n.sameLength("nodes_falseleafs", falseLeafs.length, "nodes_featureids", count);
        n.zeroOrOne("nodes_trueleafs", trueLeafs);
        n.zeroOrOne("nodes_falseleafs", falseLeafs);
        long[] missing = n.ints("nodes_missing_value_tracks_true", false);
        n.optionalLength("nodes_missing_value_tracks_true", missing.length, "nodes_featureids", count);
        n.zeroOrOne("nodes_missing_value_tracks_true", missing);
        Tensor hitrates = n.tensor("nodes_hitrates", false);
        if (hitrates != null) {
            n.optionalLength("nodes_hitrates", hitrates.length(), "nodes_featureids", count);
        }

        long[] leafTargets = n.ints("leaf_targetids", true);
        double[] leafWeights = n.realsOf(n.tensor("leaf_weights", true), "leaf_weights");
        int leaves = leafTargets.length;
        if (leaves == 0) {
            throw n.error("leaf_targetids", "at least one leaf, found none");
        }
        n.sameLength("leaf_weights", leafWeights.length, "leaf_targetids", leaves);
        Long targets = n.integer("n_targets", true);
        if (targets < 1 || targets > limits.maxOutputs()) {
            throw n.error("n_targets", "n_targets in [1, " + limits.maxOutputs() + "] (ModelLimits.maxOutputs), "
                    + "found " + targets);
        }
        for (int l = 0; l < leaves; l++) {
            if (leafTargets[l] < 0 || leafTargets[l] >= targets) {
                throw n.error("leaf_targetids", l, "a target index in [0, n_targets = " + targets + "), found "
                        + leafTargets[l]);
            }
        }
        n.finite("leaf_weights", leafWeights);

        int members = 0;
        for (int i = 0; i < count; i++) {
            if (modes[i] < 0 || modes[i] > V5_MODE_MEMBER) {
                throw n.error("nodes_modes", i, "a mode in [0, 6] (BRANCH_LEQ .. BRANCH_MEMBER), found " + modes[i]);
            }
            n.feature("nodes_featureids", i, featureIds[i]);
            if (modes[i] == V5_MODE_MEMBER) {
                members++;
            } else if (!Double.isFinite(splits[i])) {
                throw n.error("nodes_splits", i, "a finite threshold, found " + splits[i]);
            }
            childV5(n, "nodes_truenodeids", i, trueIds[i], trueLeafs[i] == 1, count, leaves);
            childV5(n, "nodes_falsenodeids", i, falseIds[i], falseLeafs[i] == 1, count, leaves);
        }
        if (members > 0) {
            Tensor membership = n.tensor("membership_values", false);
            if (membership == null) {
                throw n.error("membership_values", members + " BRANCH_MEMBER node(s) need their membership_values; "
                        + "the attribute is missing");
            }
            double[] m = n.realsOf(membership, "membership_values");
            int groups = 0;
            boolean open = false;
            for (double v : m) {
                if (Double.isNaN(v)) {
                    groups++;
                    open = false;
                } else {
                    open = true;
                }
            }
            groups += open ? 1 : 0;
            if (groups < members) {
                throw n.error("membership_values", "one NaN-separated group of values per BRANCH_MEMBER node ("
                        + members + "), found " + groups);
            }
        }
        long[] roots = n.ints("tree_roots", true);
        if (roots.length == 0) {
            throw n.error("tree_roots", "at least one tree, found none");
        }
        countTrees(n, roots.length, count);
        // Every tree from its root: interior nodes in range (checked above), none reached twice.
        boolean[] reached = new boolean[count];
        int[] stack = new int[count];
        for (int t = 0; t < roots.length; t++) {
            if (roots[t] < 0 || roots[t] >= count) {
                throw n.error("tree_roots", t, "an interior node index in [0, " + count + "), found " + roots[t]);
            }
            int r = (int) roots[t];
            if (reached[r]) {
                throw n.error("tree_roots", t, "a node no other tree or node uses, found node " + r + " again");
            }
            int sp = 0;
            stack[sp++] = r;
            reached[r] = true;
            while (sp > 0) {
                int i = stack[--sp];
                for (int side = 0; side < 2; side++) {
                    boolean isLeaf = (side == 0 ? trueLeafs[i] : falseLeafs[i]) == 1;
                    if (isLeaf) {
                        continue;
                    }
                    int c = (int) (side == 0 ? trueIds[i] : falseIds[i]);
                    if (reached[c]) {
                        throw n.error(side == 0 ? "nodes_truenodeids" : "nodes_falsenodeids", i, "a tree: interior "
                                + "node " + c + " is reached twice (a cycle or a shared subtree)");
                    }
                    reached[c] = true;
                    stack[sp++] = c;
                }
            }
        }
        Long post = n.integer("post_transform", false);
        if (post != null && (post < 0 || post > 4)) {
            throw n.error("post_transform", "a post transform in [0, 4] (NONE .. PROBIT), found " + post);
        }
        Long agg = n.integer("aggregate_function", false);
        if (agg != null && (agg < 0 || agg > 3)) {
            throw n.error("aggregate_function", "an aggregate function in [0, 3] (AVERAGE .. MAX), found " + agg);
        }
    }

    private static void childV5(Node n, String attribute, int i, long id, boolean toLeaf, int count, int leaves) {
        long limit = toLeaf ? leaves : count;
        if (id < 0 || id >= limit) {
            throw n.error(attribute, i, (toLeaf ? "a leaf index in [0, " + leaves + ")" : "an interior node index in "
                    + "[0, " + count + ")") + ", found " + id);
        }
        if (!toLeaf && id == i) {
            throw n.error(attribute, i, "a child other than the node itself");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    // ------------------------------------------------------------------------------------------ primitive lists

    /** A growable long[]; growth is bounded by the protobuf bytes that produced the values. */
    private static final class LongList {
        long[] a = new long[8];
        int size;

        void add(long v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[size++] = v;
        }

        long get(int i) {
            return a[i];
        }

        long[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }

    /** A growable double[]. */
    private static final class DoubleList {
        double[] a = new double[8];
        int size;

        void add(double v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[size++] = v;
        }

        double[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }
}
