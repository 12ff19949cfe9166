package dev.hotpath.formats.onnx;

import static dev.hotpath.formats.onnx.OnnxProtoWriter.DOUBLE;
import static dev.hotpath.formats.onnx.OnnxProtoWriter.FLOAT;
import static dev.hotpath.formats.onnx.OnnxProtoWriter.UINT8;
import static dev.hotpath.formats.onnx.OnnxProtoWriter.floatTensor;
import static dev.hotpath.formats.onnx.OnnxProtoWriter.floats;
import static dev.hotpath.formats.onnx.OnnxProtoWriter.integer;
import static dev.hotpath.formats.onnx.OnnxProtoWriter.ints;
import static dev.hotpath.formats.onnx.OnnxProtoWriter.rawTensor;
import static dev.hotpath.formats.onnx.OnnxProtoWriter.string;
import static dev.hotpath.formats.onnx.OnnxProtoWriter.strings;
import static dev.hotpath.formats.onnx.OnnxProtoWriter.tensor;
import static dev.hotpath.formats.onnx.OnnxProtoWriter.treeAttributes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.formats.ModelLoader;
import dev.hotpath.formats.onnx.OnnxProtoWriter.Attr;
import dev.hotpath.formats.testing.ChildJvm;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupt {@code ai.onnx.ml} tree ensembles (issue #20 item 2). ONNX Runtime 1.23.2 aborts the whole JVM on some of
 * them (shown here in child JVMs that hand the bytes straight to ONNX Runtime); Hotpath refuses every one of them
 * in-process, before ONNX Runtime sees the graph, with a {@link ModelFormatException} naming the node and
 * attribute. Valid ensembles of all three operators still load and score exactly as ONNX Runtime does.
 */
class OnnxTreeEnsembleValidationTest {
    private static final String CLASSIFIER = "node 'treeensembleclassifier_0' (ai.onnx.ml.TreeEnsembleClassifier)";
    private static final String REGRESSOR = "node 'treeensembleregressor_0' (ai.onnx.ml.TreeEnsembleRegressor)";
    private static final String V5 = "node 'treeensemble_0' (ai.onnx.ml.TreeEnsemble)";

    @TempDir
    Path tmp;

    private Path write(String name, byte[] model) throws IOException {
        Path p = tmp.resolve(name + ".onnx");
        Files.write(p, model);
        return p;
    }

    private static byte[] classifierWith(Attr... replaced) {
        Map<String, Attr> a = treeAttributes("class_");
        for (Attr r : replaced) {
            a.put(r.name(), r);
        }
        return OnnxProtoWriter.treeClassifier(a);
    }

    private static byte[] regressorWith(Attr... replaced) {
        Map<String, Attr> a = treeAttributes("target_");
        for (Attr r : replaced) {
            a.put(r.name(), r);
        }
        return OnnxProtoWriter.treeRegressor(a);
    }

    private static byte[] v5With(Attr... replaced) {
        return OnnxProtoWriter.treeEnsembleV5(replaced);
    }

    private ModelFormatException refuse(String name, byte[] model, String location, String... fragments)
            throws IOException {
        Path file = write(name, model);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(file), name);
        assertEquals(file.toString(), e.source(), e.getMessage());
        assertEquals(location, e.location(), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.expectation().contains(f), "'" + f + "' not in: " + e.getMessage());
        }
        return e;
    }

    // ------------------------------------------------------------------------------------------ crashes

    @Test
    void shouldShowThatOnnxRuntimeAbortsTheJvmOnTheCorruptEnsemblesHotpathRefuses() throws Exception {
        // Without Hotpath's validation: each child JVM hands the bytes straight to ONNX Runtime. The valid model
        // goes first in the first child, so that child proves it scores before it dies on the corrupt one.
        Path valid = write("valid", classifierWith());
        Path shortValues = write("short-values", classifierWith(floats("nodes_values", 0.5f, 0f, 0f, -1f, 2f,
                0f, 0f)));
        Path shortWeights = write("short-weights", classifierWith(floats("class_weights", 0.25f, -0.5f, 1f, 0.75f,
                -0.25f)));
        Path memberWithoutValues = write("member", v5With(tensor("nodes_modes", rawTensor(new long[] {3}, UINT8,
                new byte[] {6, 0, 1}))));
        String[][] runs = {{valid.toString(), shortValues.toString()}, {shortWeights.toString()},
            {memberWithoutValues.toString()}};
        for (String[] files : runs) {
            ChildJvm.Result r = ChildJvm.run(tmp, ChildJvm.testClassPath(), List.of(),
                    RawOrtProbeMain.class.getName(), List.of(files), Duration.ofSeconds(120));
            assertTrue(r.crashed(), "ONNX Runtime was expected to abort the child JVM on " + files[files.length - 1]
                    + ", exit code " + r.exitCode() + ":\n" + r.output());
            assertFalse(r.output().contains("ok " + files[files.length - 1]), r.output());
            if (files.length > 1) {
                assertTrue(r.output().contains("ok " + valid), "the control scored first:\n" + r.output());
            }
        }
        assertTrue(ChildJvm.run(tmp, ChildJvm.testClassPath(), List.of(), RawOrtProbeMain.class.getName(),
                List.of(valid.toString()), Duration.ofSeconds(120)).output().contains("ok " + valid));

        // With it: the same files are refused in this JVM, naming node and attribute.
        refuse("short-values", Files.readAllBytes(shortValues), CLASSIFIER + ", attribute nodes_values",
                "one entry per entry of nodes_treeids (8), found 7");
        refuse("short-weights", Files.readAllBytes(shortWeights), CLASSIFIER + ", attribute class_weights",
                "one entry per entry of class_ids (6), found 5");
        refuse("member", Files.readAllBytes(memberWithoutValues), V5 + ", attribute membership_values",
                "1 BRANCH_MEMBER node(s) need their membership_values");
    }

    @Test
    void shouldRefuseClassifierVotesWhoseArraysDifferInLength() throws IOException {
        refuse("ids", classifierWith(ints("class_ids", 0, 1, 1, 0, 0)), CLASSIFIER + ", attribute class_treeids",
                "one entry per entry of class_ids (5), found 6");
        refuse("trees", classifierWith(ints("class_treeids", 0, 0, 1, 1, 1)),
                CLASSIFIER + ", attribute class_treeids", "one entry per entry of class_ids (6), found 5");
        refuse("nodes", classifierWith(ints("class_nodeids", 1, 2, 2, 3, 4, 4, 4)),
                CLASSIFIER + ", attribute class_nodeids", "found 7");
        refuse("modes", classifierWith(strings("nodes_modes", "BRANCH_LT", "LEAF")),
                CLASSIFIER + ", attribute nodes_modes", "one entry per entry of nodes_treeids (8), found 2");
        refuse("missing", classifierWith(ints("nodes_missing_value_tracks_true", 1, 0)),
                CLASSIFIER + ", attribute nodes_missing_value_tracks_true", "either no entries or one per entry");
    }

    @Test
    void shouldRefuseNonFiniteWeightsThresholdsAndBaseValues() throws IOException {
        refuse("inf-weight", classifierWith(floats("class_weights", 0.25f, Float.POSITIVE_INFINITY, 1f, 0.75f,
                -0.25f, 0.5f)), CLASSIFIER + ", attribute class_weights[1]", "a finite value, found Infinity");
        refuse("nan-threshold", regressorWith(floats("nodes_values", 0.5f, 0f, 0f, Float.NaN, 2f, 0f, 0f, 0f)),
                REGRESSOR + ", attribute nodes_values[3]", "a finite threshold, found NaN");
        refuse("inf-base", regressorWith(floats("base_values", 0f, Float.NEGATIVE_INFINITY)),
                REGRESSOR + ", attribute base_values[1]", "a finite value");
        byte[] doubles = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(1).putDouble(Double.NaN)
                .array();
        refuse("nan-base-tensor", regressorWith(tensor("base_values_as_tensor", rawTensor(new long[] {2}, DOUBLE,
                doubles))), REGRESSOR + ", attribute base_values_as_tensor[1]", "a finite value, found NaN");
        refuse("inf-v5", v5With(tensor("leaf_weights", floatTensor(new long[] {5}, 0.25f, Float.NaN, 1f, 0.75f,
                0.5f))), V5 + ", attribute leaf_weights[1]", "a finite value");
    }

    @Test
    void shouldRefuseIdsOutOfRange() throws IOException {
        refuse("class", classifierWith(ints("class_ids", 0, 1, 5, 0, 0, 1)), CLASSIFIER + ", attribute class_ids[2]",
                "a class index in [0, 2) (the number of class labels), found 5");
        refuse("target", regressorWith(ints("target_ids", 0, 1, 2, 0, 0, 1)),
                REGRESSOR + ", attribute target_ids[2]", "a target index in [0, n_targets = 2), found 2");
        refuse("feature-negative", classifierWith(ints("nodes_featureids", -1, 0, 0, 2, 1, 0, 0, 0)),
                CLASSIFIER + ", attribute nodes_featureids[0]", "a feature index in [0, 3)", "found -1");
        refuse("feature-wide", regressorWith(ints("nodes_featureids", 0, 0, 0, 3, 1, 0, 0, 0)),
                REGRESSOR + ", attribute nodes_featureids[3]", "(the input has 3 features), found 3");
        refuse("child", classifierWith(ints("nodes_truenodeids", 9, 0, 0, 1, 3, 0, 0, 0)),
                CLASSIFIER + ", attribute nodes_truenodeids[0]", "the id of a node of tree 0, found 9");
        refuse("self", regressorWith(ints("nodes_falsenodeids", 0, 0, 0, 2, 4, 0, 0, 0)),
                REGRESSOR + ", attribute nodes_falsenodeids[0]", "a child other than the node itself");
        refuse("vote-node", classifierWith(ints("class_nodeids", 1, 2, 2, 3, 9, 4)),
                CLASSIFIER + ", attribute class_nodeids[4]", "node 9 of tree 1 does not exist");
        refuse("vote-on-branch", classifierWith(ints("class_nodeids", 0, 2, 2, 3, 4, 4)),
                CLASSIFIER + ", attribute class_nodeids[0]", "a LEAF node; node 0 of tree 0 is BRANCH_LT");
        refuse("node-id", regressorWith(ints("nodes_nodeids", 0, 1, 2, 0, 1, 2, 3, 1L << 33)),
                REGRESSOR + ", attribute nodes_nodeids[7]", "a node id in [0, 2^31)");
        refuse("duplicate", regressorWith(ints("nodes_nodeids", 0, 1, 1, 0, 1, 2, 3, 4)),
                REGRESSOR + ", attribute nodes_nodeids[2]", "each node id once per tree");
        refuse("split-tree", regressorWith(ints("nodes_treeids", 0, 0, 1, 1, 0, 1, 1, 1)),
                REGRESSOR + ", attribute nodes_treeids[4]", "the nodes of tree 0 in one contiguous run");
        refuse("n-targets", regressorWith(integer("n_targets", 0)), REGRESSOR + ", attribute n_targets",
                "n_targets in [1, 10000]");
        refuse("v5-leaf", v5With(ints("nodes_truenodeids", 9, 2, 3)), V5 + ", attribute nodes_truenodeids[0]",
                "a leaf index in [0, 5), found 9");
        refuse("v5-node", v5With(ints("nodes_truenodeids", 0, 7, 3)), V5 + ", attribute nodes_truenodeids[1]",
                "an interior node index in [0, 3), found 7");
        refuse("v5-root", v5With(ints("tree_roots", 0, 5)), V5 + ", attribute tree_roots[1]",
                "an interior node index in [0, 3), found 5");
        refuse("v5-target", v5With(ints("leaf_targetids", 0, 1, 7, 0, 1)), V5 + ", attribute leaf_targetids[2]",
                "a target index in [0, n_targets = 2), found 7");
        refuse("v5-mode", v5With(tensor("nodes_modes", rawTensor(new long[] {3}, UINT8, new byte[] {1, 9, 1}))),
                V5 + ", attribute nodes_modes[1]", "a mode in [0, 6]");
    }

    @Test
    void shouldRefuseCyclesUnknownModesAndMissingLabels() throws IOException {
        // tree 1: node 0 -> node 1 -> node 0 (ONNX Runtime accepts this and scores something)
        refuse("cycle", regressorWith(ints("nodes_truenodeids", 1, 0, 0, 1, 0, 0, 0, 0),
                ints("nodes_falsenodeids", 2, 0, 0, 2, 4, 0, 0, 0)), REGRESSOR + ", attribute nodes_truenodeids[3]",
                "lies on a cycle");
        refuse("v5-cycle", v5With(ints("nodes_truenodeids", 0, 2, 1), ints("nodes_trueleafs", 1, 0, 0)),
                V5 + ", attribute nodes_truenodeids[2]", "reached twice");
        refuse("mode", classifierWith(strings("nodes_modes", "BRANCH_XX", "LEAF", "LEAF", "BRANCH_LEQ",
                "BRANCH_LT", "LEAF", "LEAF", "LEAF")), CLASSIFIER + ", attribute nodes_modes[0]",
                "found 'BRANCH_XX'");
        refuse("post", regressorWith(string("post_transform", "WHATEVER")), REGRESSOR + ", attribute post_transform",
                "found 'WHATEVER'");
        refuse("labels", classifierWith(ints("classlabels_int64s"), strings("classlabels_strings")),
                CLASSIFIER + ", attribute classlabels_int64s", "exactly one of classlabels_int64s and "
                        + "classlabels_strings");
        refuse("missing-attribute", regressorWith(ints("nodes_modes")), REGRESSOR + ", attribute nodes_modes",
                "a list of strings (STRINGS), found attribute type 7");
    }

    @Test
    void shouldRefuseACorruptEnsembleInsideASubgraph() throws IOException {
        // An If whose then-branch holds a corrupt classifier: ONNX Runtime would build it when the session starts.
        Map<String, Attr> a = treeAttributes("class_");
        a.put("class_weights", floats("class_weights", 1f));
        a.put("classlabels_int64s", ints("classlabels_int64s", 0, 1));
        byte[] inner = OnnxProtoWriter.node("TreeEnsembleClassifier", "ai.onnx.ml", List.of("input"),
                List.of("label", "probabilities"), new ArrayList<>(a.values()));
        byte[] thenGraph = new OnnxProtoWriter.Msg().bytes(1, inner).string(2, "then_branch").toBytes();
        Attr branch = new Attr("then_branch", new OnnxProtoWriter.Msg().string(1, "then_branch").varint(20, 5)
                .bytes(6, thenGraph).toBytes());
        byte[] ifNode = OnnxProtoWriter.node("If", "", List.of("cond"), List.of("probabilities"),
                List.of(branch));
        byte[] model = OnnxProtoWriter.model(List.of(ifNode), List.of(OnnxProtoWriter.valueInfo("input", FLOAT,
                "N", 3)), List.of(OnnxProtoWriter.valueInfo("probabilities", FLOAT, "N", 2)),
                OnnxProtoWriter.opsets(17, 3));
        refuse("subgraph", model, "node 'if_0' (If), attribute then_branch > node 'treeensembleclassifier_0' "
                + "(ai.onnx.ml.TreeEnsembleClassifier), attribute class_weights", "found 1");
    }

    // ------------------------------------------------------------------------------------------ valid ensembles

    @Test
    void shouldLoadValidEnsemblesOfAllThreeOperatorsAndScoreThemExactlyAsOnnxRuntime() throws Exception {
        Map<String, byte[]> models = new LinkedHashMap<>();
        models.put("classifier", classifierWith());
        models.put("regressor", regressorWith());
        models.put("v5", v5With());
        Map<String, String> outputs = Map.of("classifier", "probabilities", "regressor", "margin", "v5", "y");
        float[][] rows = OnnxFixtures.randomRows(20, 200, 3);
        for (Map.Entry<String, byte[]> e : models.entrySet()) {
            Path file = write(e.getKey(), e.getValue());
            float[][] expected;
            try (RawOrt raw = new RawOrt(file)) {
                expected = raw.run("input", rows, outputs.get(e.getKey()));
            }
            try (Model m = ModelLoader.load(file)) {
                assertEquals(3, m.numFeatures());
                assertEquals(2, m.numOutputs());
                float[] out = new float[2];
                for (int r = 0; r < rows.length; r++) {
                    m.score(rows[r], out);
                    for (int k = 0; k < 2; k++) {
                        assertTrue(OnnxFixtures.sameFloat(expected[r][k], out[k]), e.getKey() + " row " + r
                                + " output " + k + ": ONNX Runtime " + expected[r][k] + ", Hotpath " + out[k]);
                    }
                }
            }
        }
    }
}
