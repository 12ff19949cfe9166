package dev.hotpath.bench.onnx;

import dev.hotpath.bench.data.XgboostJsonTrees;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an XGBoost {@code binary:logistic} model as an ONNX {@code ai.onnx.ml.TreeEnsembleClassifier} (ml opset 3,
 * IR version 8), the form ONNX converters produce for XGBoost classifiers: {@code BRANCH_LT} nodes
 * ({@code x < threshold} goes to the true branch, which is XGBoost's left child), missing values follow
 * {@code default_left}, leaf values are class-0 weights, {@code post_transform = LOGISTIC} and the base score as a
 * margin. Inputs: {@code input} float {@code [N, F]}; outputs: {@code label} int64 {@code [N]} and
 * {@code probabilities} float {@code [N, 2]} (no ZipMap).
 *
 * <p>Stateless and thread-safe; allocates the model bytes.
 */
public final class OnnxTreeEnsembleWriter {
    /** Graph input name. */
    public static final String INPUT = "input";
    /** Output holding the predicted class. */
    public static final String LABEL = "label";
    /** Output holding {@code [P(class 0), P(class 1)]} per row. */
    public static final String PROBABILITIES = "probabilities";

    // onnx.proto field numbers (stable since IR version 3).
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    private static final int OPSET_DOMAIN = 1;
    private static final int OPSET_VERSION = 2;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int NODE_DOMAIN = 7;
    private static final int ATTR_NAME = 1;
    private static final int ATTR_S = 4;
    private static final int ATTR_FLOATS = 7;
    private static final int ATTR_INTS = 8;
    private static final int ATTR_STRINGS = 9;
    private static final int ATTR_TYPE = 20;
    private static final int ATTR_TYPE_STRING = 3;
    private static final int ATTR_TYPE_FLOATS = 6;
    private static final int ATTR_TYPE_INTS = 7;
    private static final int ATTR_TYPE_STRINGS = 8;
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TENSOR_ELEM_TYPE = 1;
    private static final int TENSOR_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;
    private static final int ELEM_FLOAT = 1;
    private static final int ELEM_INT64 = 7;

    private OnnxTreeEnsembleWriter() {
    }

    /**
     * Converts the trees.
     *
     * @param model trees of a {@code binary:logistic} model
     * @return the ONNX {@code ModelProto} bytes
     * @throws IllegalArgumentException for other objectives
     */
    public static byte[] write(XgboostJsonTrees model) {
        if (!model.objective().equals("binary:logistic")) {
            throw new IllegalArgumentException("only binary:logistic is exported, found " + model.objective());
        }
        List<Long> treeIds = new ArrayList<>();
        List<Long> nodeIds = new ArrayList<>();
        List<Long> featureIds = new ArrayList<>();
        List<Float> values = new ArrayList<>();
        List<String> modes = new ArrayList<>();
        List<Long> trueIds = new ArrayList<>();
        List<Long> falseIds = new ArrayList<>();
        List<Long> missingTrue = new ArrayList<>();
        List<Long> classTree = new ArrayList<>();
        List<Long> classNode = new ArrayList<>();
        List<Float> classWeight = new ArrayList<>();
        for (int t = 0; t < model.trees().size(); t++) {
            XgboostJsonTrees.Tree tree = model.trees().get(t);
            // Only nodes reachable from the root: XGBoost may keep deleted nodes in its arrays.
            int[] stack = new int[tree.size()];
            int sp = 0;
            stack[sp++] = 0;
            while (sp > 0) {
                int n = stack[--sp];
                treeIds.add((long) t);
                nodeIds.add((long) n);
                if (tree.left()[n] == -1) {
                    featureIds.add(0L);
                    values.add(0f);
                    modes.add("LEAF");
                    trueIds.add(0L);
                    falseIds.add(0L);
                    missingTrue.add(0L);
                    classTree.add((long) t);
                    classNode.add((long) n);
                    classWeight.add(tree.splitConditions()[n]);
                } else {
                    featureIds.add((long) tree.splitIndices()[n]);
                    values.add(tree.splitConditions()[n]);
                    modes.add("BRANCH_LT");
                    trueIds.add((long) tree.left()[n]);
                    falseIds.add((long) tree.right()[n]);
                    missingTrue.add(tree.defaultLeft()[n] ? 1L : 0L);
                    stack[sp++] = tree.right()[n];
                    stack[sp++] = tree.left()[n];
                }
            }
        }
        float p = model.baseScore();
        // XGBoost's ProbToMargin for logistic objectives, in float as XGBoost computes it.
        float baseMargin = (float) -Math.log(1.0f / p - 1.0f);

        ProtoWriter node = new ProtoWriter()
                .string(NODE_INPUT, INPUT)
                .string(NODE_OUTPUT, LABEL)
                .string(NODE_OUTPUT, PROBABILITIES)
                .string(NODE_NAME, "xgboost_trees")
                .string(NODE_OP_TYPE, "TreeEnsembleClassifier")
                .string(NODE_DOMAIN, "ai.onnx.ml");
        node.message(NODE_ATTRIBUTE, ints("class_ids", new long[classTree.size()]));
        node.message(NODE_ATTRIBUTE, ints("class_nodeids", longs(classNode)));
        node.message(NODE_ATTRIBUTE, ints("class_treeids", longs(classTree)));
        node.message(NODE_ATTRIBUTE, floats("class_weights", floats(classWeight)));
        node.message(NODE_ATTRIBUTE, ints("classlabels_int64s", new long[] {0, 1}));
        node.message(NODE_ATTRIBUTE, floats("base_values", new float[] {baseMargin}));
        node.message(NODE_ATTRIBUTE, ints("nodes_falsenodeids", longs(falseIds)));
        node.message(NODE_ATTRIBUTE, ints("nodes_featureids", longs(featureIds)));
        node.message(NODE_ATTRIBUTE, ints("nodes_missing_value_tracks_true", longs(missingTrue)));
        node.message(NODE_ATTRIBUTE, strings("nodes_modes", modes));
        node.message(NODE_ATTRIBUTE, ints("nodes_nodeids", longs(nodeIds)));
        node.message(NODE_ATTRIBUTE, ints("nodes_treeids", longs(treeIds)));
        node.message(NODE_ATTRIBUTE, ints("nodes_truenodeids", longs(trueIds)));
        node.message(NODE_ATTRIBUTE, floats("nodes_values", floats(values)));
        node.message(NODE_ATTRIBUTE, string("post_transform", "LOGISTIC"));

        ProtoWriter graph = new ProtoWriter()
                .message(GRAPH_NODE, node)
                .string(GRAPH_NAME, "xgboost_" + model.trees().size() + "_trees")
                .message(GRAPH_INPUT, valueInfo(INPUT, ELEM_FLOAT, model.numFeatures()))
                .message(GRAPH_OUTPUT, valueInfo(LABEL, ELEM_INT64, -1))
                .message(GRAPH_OUTPUT, valueInfo(PROBABILITIES, ELEM_FLOAT, 2));
        return new ProtoWriter()
                .varint(MODEL_IR_VERSION, 8)
                .string(MODEL_PRODUCER_NAME, "hotpath-jmh")
                .message(MODEL_GRAPH, graph)
                .message(MODEL_OPSET_IMPORT, new ProtoWriter().string(OPSET_DOMAIN, "").varint(OPSET_VERSION, 17))
                .message(MODEL_OPSET_IMPORT,
                        new ProtoWriter().string(OPSET_DOMAIN, "ai.onnx.ml").varint(OPSET_VERSION, 3))
                .toByteArray();
    }

    /** A tensor value info with a symbolic batch dimension {@code N} and, if {@code width >= 0}, a second one. */
    private static ProtoWriter valueInfo(String name, int elemType, int width) {
        ProtoWriter shape = new ProtoWriter().message(SHAPE_DIM, new ProtoWriter().string(DIM_PARAM, "N"));
        if (width >= 0) {
            shape.message(SHAPE_DIM, new ProtoWriter().varint(DIM_VALUE, width));
        }
        ProtoWriter tensor = new ProtoWriter().varint(TENSOR_ELEM_TYPE, elemType).message(TENSOR_SHAPE, shape);
        return new ProtoWriter()
                .string(VALUE_INFO_NAME, name)
                .message(VALUE_INFO_TYPE, new ProtoWriter().message(TYPE_TENSOR, tensor));
    }

    private static ProtoWriter ints(String name, long[] v) {
        return new ProtoWriter().string(ATTR_NAME, name).varint(ATTR_TYPE, ATTR_TYPE_INTS).packedVarints(ATTR_INTS, v);
    }

    private static ProtoWriter floats(String name, float[] v) {
        return new ProtoWriter().string(ATTR_NAME, name).varint(ATTR_TYPE, ATTR_TYPE_FLOATS)
                .packedFloats(ATTR_FLOATS, v);
    }

    private static ProtoWriter strings(String name, List<String> v) {
        ProtoWriter w = new ProtoWriter().string(ATTR_NAME, name).varint(ATTR_TYPE, ATTR_TYPE_STRINGS);
        for (String s : v) {
            w.string(ATTR_STRINGS, s);
        }
        return w;
    }

    private static ProtoWriter string(String name, String v) {
        return new ProtoWriter().string(ATTR_NAME, name).varint(ATTR_TYPE, ATTR_TYPE_STRING).string(ATTR_S, v);
    }

    private static long[] longs(List<Long> v) {
        long[] out = new long[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    private static float[] floats(List<Float> v) {
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }
}
