package dev.hotpath.formats.xgboost;

import static dev.hotpath.formats.xgboost.TinyModel.bytes;
import static dev.hotpath.formats.xgboost.TinyModel.floats;
import static dev.hotpath.formats.xgboost.TinyModel.ints;
import static dev.hotpath.formats.xgboost.TinyModel.longs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.HotpathException;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every rejection rule of the XGBoost readers: truncation, wrong magic, inconsistent lengths, out-of-range
 * children, cycles, depth, absurd sizes and hostile nesting. Each must fail with a {@link ModelFormatException}
 * that names the source, the location (offset or document path) and what was expected — never with another
 * exception, an {@link OutOfMemoryError}, a hang or a {@link StackOverflowError}.
 */
class XgboostBadInputTest {
    private static final XgboostOptions DEFAULTS = XgboostOptions.defaults();
    private static final String TREE0 = "learner.gradient_booster.model.trees[0]";

    private static ModelFormatException reject(byte[] bytes, String source) {
        return reject(bytes, source, DEFAULTS);
    }

    private static ModelFormatException reject(byte[] bytes, String source, XgboostOptions options) {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> XgboostReader.read(bytes, source, options));
        assertEquals(source, e.source(), "the message names the source");
        assertTrue(e.getMessage().startsWith(source), e.getMessage());
        return e;
    }

    /** Rejects the JSON and the UBJSON rendering of {@code m} with the same location and message. */
    private static ModelFormatException rejectBoth(TinyModel m, String location, String... fragments) {
        return rejectBoth(m, DEFAULTS, location, fragments);
    }

    private static ModelFormatException rejectBoth(TinyModel m, XgboostOptions options, String location,
            String... fragments) {
        ModelFormatException json = reject(m.json(), "tiny.json", options);
        ModelFormatException ubj = reject(m.ubj(), "tiny.ubj", options);
        for (ModelFormatException e : List.of(json, ubj)) {
            assertEquals(location, e.location(), e.getMessage());
            for (String f : fragments) {
                assertTrue(e.expectation().contains(f), "'" + f + "' not in: " + e.getMessage());
            }
        }
        return json;
    }

    private static byte[] resource(String path) throws IOException {
        return Files.readAllBytes(XgboostLegacyFixtureTest.fixtureDir().resolve(path));
    }

    // ------------------------------------------------------------------------------------------ sanity

    @Test
    void shouldReadTheUnmodifiedTinyModelFromJsonAndUbj() {
        for (byte[] bytes : List.of(new TinyModel().json(), new TinyModel().ubj())) {
            Model m = XgboostReader.read(bytes, "tiny", DEFAULTS);
            assertEquals(2, m.numFeatures());
            // base_score 0.5 -> margin -logf(1/0.5 - 1) = -0.0; x0 < 0.5 goes left (-1), missing goes left.
            assertEquals(-1f, m.scoreMargin(new float[] {0.2f, 0f}));
            assertEquals(1f, m.scoreMargin(new float[] {0.5f, 0f}), "a value equal to the threshold goes right");
            assertEquals(-1f, m.scoreMargin(new float[] {Float.NaN, 0f}));
        }
    }

    // ------------------------------------------------------------------------------------------ truncation

    @Test
    void shouldRejectTruncationAtEveryOffsetOfJsonUbjAndBinaryFiles() throws IOException {
        List<byte[]> files = List.of(new TinyModel().json(), new TinyModel().ubj(),
                resource("1.7.6/binary_logistic.bin"), resource("2.1.4/dart.bin"), resource("2.1.4/gblinear.bin"),
                resource("2.1.4/vector_leaf.ubj"), resource("1.7.6/categorical.json"));
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (byte[] full : files) {
                XgboostReader.read(full, "full", DEFAULTS); // the untruncated file is valid
                int step = Math.max(1, full.length / 1500);
                for (int cut = 0; cut < full.length; cut += cut < 64 ? 1 : step) {
                    byte[] part = Arrays.copyOf(full, cut);
                    String source = "cut-at-" + cut;
                    ModelFormatException e = assertThrows(ModelFormatException.class,
                            () -> XgboostReader.read(part, source, DEFAULTS), source);
                    assertEquals(source, e.source());
                }
            }
        });
    }

    @Test
    void shouldNameTheOffsetWhereATruncatedUbjOrBinaryFileEnds() throws IOException {
        byte[] ubj = new TinyModel().ubj();
        ModelFormatException e = reject(Arrays.copyOf(ubj, ubj.length - 5), "short.ubj");
        assertTrue(e.location().startsWith("offset "), e.getMessage());
        assertTrue(e.expectation().contains("truncated"), e.getMessage());

        byte[] bin = resource("1.7.6/binary_logistic.bin");
        e = reject(Arrays.copyOf(bin, 600), "short.bin");
        assertEquals("offset 177", e.location(), "num_trees of the gbtree parameter block");
        assertTrue(e.expectation().contains("truncated or corrupt"), e.getMessage());
        e = reject(Arrays.copyOf(bin, bin.length - 10), "short2.bin");
        assertTrue(e.location().startsWith("offset "), e.getMessage());
        assertTrue(e.expectation().contains("truncated legacy binary model"), e.getMessage());
        assertTrue(e.expectation().contains("ends at offset " + (bin.length - 10)), e.getMessage());
    }

    // ------------------------------------------------------------------------------------------ magic

    @Test
    void shouldRejectFilesThatAreNotXgboostModels() {
        assertTrue(reject(new byte[0], "empty").expectation().contains("empty"));
        assertTrue(reject("{}".getBytes(StandardCharsets.US_ASCII), "obj").expectation().contains("empty JSON"));
        assertTrue(reject("[1, 2, 3]".getBytes(StandardCharsets.US_ASCII), "arr").expectation()
                .contains("not an XGBoost model"));
        byte[] zip = new byte[300];
        zip[0] = 'P';
        zip[1] = 'K';
        zip[2] = 3;
        zip[3] = 4;
        ModelFormatException e = reject(zip, "model.zip");
        assertTrue(e.expectation().contains("not an XGBoost model"), e.getMessage());
        byte[] random = new byte[5000];
        new SplittableRandom(1).nextBytes(random);
        random[0] = 0x11;
        reject(random, "random.bin");
        // "binx" is not the legacy magic: read as header-less binary, which fails on its version field.
        byte[] binx = new byte[400];
        System.arraycopy("binx".getBytes(StandardCharsets.US_ASCII), 0, binx, 0, 4);
        Arrays.fill(binx, 4, 400, (byte) 0x7f);
        assertTrue(reject(binx, "binx.bin").expectation().contains("not an XGBoost model"));
        // A JSON document that is not a model.
        e = reject("{\"name\": \"not a model\"}".getBytes(StandardCharsets.UTF_8), "other.json");
        assertTrue(e.expectation().contains("missing required field 'version'"), e.getMessage());
    }

    @Test
    void shouldRejectXgboostMemorySnapshots() {
        byte[] snapshot = "{\"Config\": {\"learner\": {}}, \"Model\": {\"learner\": {}}}"
                .getBytes(StandardCharsets.UTF_8);
        assertTrue(reject(snapshot, "pickle.json").expectation().contains("memory snapshot"));
    }

    @Test
    void shouldRejectALegacyBinaryWithAnImpossibleVersion() throws IOException {
        byte[] bin = resource("1.7.6/binary_logistic.bin");
        ByteBuffer.wrap(bin).order(ByteOrder.LITTLE_ENDIAN).putInt(4 + 20, 9); // major_version = 9
        ModelFormatException e = reject(bin, "v9.bin");
        assertEquals("offset 24", e.location());
        assertTrue(e.expectation().contains("not a legacy binary writer"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------------ lengths

    @Test
    void shouldRejectANodeArrayWhoseLengthDiffersFromNumNodes() {
        TinyModel m = new TinyModel();
        m.tree0().put("left_children", ints(1, -1));
        rejectBoth(m, TREE0 + ".left_children", "expected one entry per node (num_nodes = 3), found 2");
        m = new TinyModel();
        m.tree0().put("split_conditions", floats(0.5f, -1f, 1f, 2f));
        rejectBoth(m, TREE0 + ".split_conditions", "num_nodes = 3", "found 4");
        m = new TinyModel();
        m.tree0().put("default_left", bytes(1));
        rejectBoth(m, TREE0 + ".default_left", "num_nodes = 3", "found 1");
        // node covers are read for explanations: a short sum_hessian is as malformed as a short split array
        m = new TinyModel();
        m.tree0().put("sum_hessian", floats(2f, 1f));
        rejectBoth(m, TREE0 + ".sum_hessian", "num_nodes = 3", "found 2");
    }

    @Test
    void shouldRejectInconsistentTreeCountsAndTreeInfo() {
        TinyModel m = new TinyModel();
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> p = (java.util.Map<String, Object>) m.model().get("gbtree_model_param");
        p.put("num_trees", "2");
        rejectBoth(m, "learner.gradient_booster.model.trees", "num_trees says 2 trees, the array holds 1");

        m = new TinyModel();
        m.model().put("tree_info", ints(0, 0));
        rejectBoth(m, "learner.gradient_booster.model.tree_info", "one entry per tree (1), found 2");

        m = new TinyModel();
        m.model().put("tree_info", ints(3));
        rejectBoth(m, "learner.gradient_booster.model.tree_info[0]", "expected an integer in [0, 0], found 3");

        m = new TinyModel();
        m.model().put("iteration_indptr", ints(0, 2));
        rejectBoth(m, "learner.gradient_booster.model.iteration_indptr[1]", "expected an integer in [0, 1], found 2");
        m.model().put("iteration_indptr", ints(0, 0));
        rejectBoth(m, "learner.gradient_booster.model.iteration_indptr", "must end with the number of trees (1)");
        m.model().put("iteration_indptr", ints(1, 1));
        rejectBoth(m, "learner.gradient_booster.model.iteration_indptr", "must start with 0");

        m = new TinyModel();
        m.model().put("weight_drop", floats(1f, 0.5f));
        rejectBoth(m, "learner.gradient_booster.model.weight_drop", "2 entries but the model has only 1 trees");

        m = new TinyModel().addTree(0, 0);
        rejectBoth(m, "learner.gradient_booster.model.trees[1].id", "tree id 0 appears twice");
    }

    @Test
    void shouldRejectLinearWeightsOfTheWrongLength() {
        TinyModel m = new TinyModel();
        m.booster().put("name", "gblinear");
        m.booster().put("model", TinyModel.map("boosted_rounds", 1, "weights", floats(1f, 2f)));
        rejectBoth(m, "learner.gradient_booster.model.weights", "(num_feature + 1) * outputs = 3 * 1 = 3",
                "found 2");
    }

    // ------------------------------------------------------------------------------------------ structure

    @Test
    void shouldRejectChildIndicesOutOfRange() {
        TinyModel m = new TinyModel();
        m.tree0().put("left_children", ints(5, -1, -1));
        m.tree0().put("right_children", ints(6, -1, -1));
        rejectBoth(m, "tree[0].node[0]", "left child must be in [0, 3), found 5");
    }

    @Test
    void shouldRejectRightChildrenThatAreNotTheLeftChildPlusOne() {
        TinyModel m = new TinyModel();
        m.tree0().put("right_children", ints(1, -1, -1));
        rejectBoth(m, TREE0 + ".right_children[0]", "expected left_children[0] + 1 = 2", "found 1");
    }

    @Test
    void shouldRejectCyclesWithoutHangingOrOverflowingTheStack() {
        TinyModel m = new TinyModel();
        // node 1 points back to the root (0) and to itself (1 = 0 + 1).
        m.tree0().put("left_children", ints(1, 0, -1));
        m.tree0().put("right_children", ints(2, 1, -1));
        assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> rejectBoth(m, "tree[0].node[1]", "reached twice"));
    }

    @Test
    void shouldRejectTreesDeeperThanTheLimit() {
        TinyModel m = new TinyModel();
        // a chain of depth 3: 0 -> (1, 2), 2 -> (3, 4), 4 -> (5, 6)
        Object[][] arrays = {
            {"left_children", ints(1, -1, 3, -1, 5, -1, -1)},
            {"right_children", ints(2, -1, 4, -1, 6, -1, -1)},
            {"split_indices", ints(0, 0, 1, 0, 0, 0, 0)},
            {"split_conditions", floats(0.5f, -1f, 0.1f, -2f, 0.9f, 3f, 4f)},
            {"default_left", bytes(1, 0, 0, 0, 1, 0, 0)},
            {"split_type", bytes(0, 0, 0, 0, 0, 0, 0)},
            {"base_weights", floats(0, 0, 0, 0, 0, 0, 0)},
            {"loss_changes", floats(0, 0, 0, 0, 0, 0, 0)},
            {"sum_hessian", floats(0, 0, 0, 0, 0, 0, 0)},
            {"parents", ints(2147483647, 0, 0, 2, 2, 4, 4)},
        };
        for (Object[] kv : arrays) {
            m.tree0().put((String) kv[0], kv[1]);
        }
        m.treeParam0().put("num_nodes", "7");
        assertEquals(3, XgboostReader.read(m.json(), "ok", DEFAULTS).info().maxDepth());
        rejectBoth(m, DEFAULTS.withLimits(ModelLimits.defaults().withMaxDepth(2)), "tree[0].node[4]",
                "tree deeper than 2");
    }

    @Test
    void shouldRejectSplitFeaturesOutsideNumFeature() {
        TinyModel m = new TinyModel();
        m.tree0().put("split_indices", ints(7, 0, 0));
        rejectBoth(m, TREE0 + ".split_indices[0]", "split feature must be in [0, num_feature = 2), found 7");
    }

    @Test
    void shouldAcceptUnreachableDeletedNodes() {
        TinyModel m = new TinyModel();
        // nodes 3 and 4 were pruned: left = right = -1, split index 2147483647, unreachable from the root
        m.tree0().put("left_children", ints(1, -1, -1, -1, -1));
        m.tree0().put("right_children", ints(2, -1, -1, -1, -1));
        m.tree0().put("split_indices", ints(0, 0, 0, 2147483647, 2147483647));
        m.tree0().put("split_conditions", floats(0.5f, -1f, 1f, 0f, 0f));
        m.tree0().put("default_left", bytes(1, 0, 0, 1, 1));
        m.tree0().put("split_type", bytes(0, 0, 0, 0, 0));
        m.tree0().put("base_weights", floats(0, 0, 0, 0, 0));
        m.tree0().put("sum_hessian", floats(2f, 1f, 1f, 0f, 0f));
        m.treeParam0().put("num_nodes", "5");
        m.treeParam0().put("num_deleted", "2");
        for (byte[] b : List.of(m.json(), m.ubj())) {
            assertEquals(1f, XgboostReader.read(b, "deleted", DEFAULTS).scoreMargin(new float[] {3f, 0f}));
        }
    }

    // ------------------------------------------------------------------------------------------ categorical

    @Test
    void shouldRejectInconsistentCategoricalSplits() {
        TinyModel m = new TinyModel();
        m.tree0().put("split_type", bytes(1, 0, 0));
        rejectBoth(m, TREE0 + ".split_type[0]", "node 0 is categorical but has no entry in categories_nodes");

        m = categorical(ints(1, 3), ints(0), longs(0), longs(2));
        m.tree0().put("split_type", bytes(0, 0, 0));
        // no categorical node at all: the tables are ignored, like XGBoost does
        XgboostReader.read(m.json(), "ok", DEFAULTS);

        m = categorical(ints(1, 3), ints(1), longs(0), longs(2));
        rejectBoth(m, TREE0 + ".categories_nodes[0]", "node 1 has category lists but split_type[1] is 0");

        m = categorical(ints(1, 3), ints(0), longs(1), longs(2));
        rejectBoth(m, TREE0 + ".categories_segments[0]", "segment [1, 3) of node 0 lies outside categories");

        m = categorical(ints(1, 3), ints(0), longs(0), longs(0));
        rejectBoth(m, TREE0 + ".categories_sizes[0]", "expected an integer in [1, 2], found 0");

        m = categorical(ints(1, 3), ints(0), longs(0, 0), longs(2));
        rejectBoth(m, TREE0, "must have the same length");

        m = categorical(ints(-4, 3), ints(0), longs(0), longs(2));
        rejectBoth(m, "tree[0].node[0]", "category codes must be in [0, 2^24), found -4");
    }

    @Test
    void shouldSendListedCategoriesRightAndEverythingElseLeft() {
        TinyModel m = categorical(ints(1, 3), ints(0), longs(0), longs(2));
        for (byte[] b : List.of(m.json(), m.ubj())) {
            Model model = XgboostReader.read(b, "cat", DEFAULTS);
            float[][] rightRows = {{1f, 0f}, {3f, 0f}, {3.99f, 0f}, {1.5f, 0f}};
            float[][] leftRows = {{0f, 0f}, {2f, 0f}, {4f, 0f}, {-1f, 0f}, {-0.5f, 0f}, {16777217f, 0f},
                {Float.POSITIVE_INFINITY, 0f}, {Float.NaN, 0f}};
            for (float[] r : rightRows) {
                assertEquals(1f, model.scoreMargin(r), Arrays.toString(r));
            }
            for (float[] r : leftRows) {
                assertEquals(-1f, model.scoreMargin(r), Arrays.toString(r));
            }
        }
    }

    private static TinyModel categorical(Object cats, Object nodes, Object segments, Object sizes) {
        TinyModel m = new TinyModel();
        m.tree0().put("split_type", bytes(1, 0, 0));
        m.tree0().put("split_conditions", floats(Float.MIN_VALUE, -1f, 1f));
        m.tree0().put("categories", cats);
        m.tree0().put("categories_nodes", nodes);
        m.tree0().put("categories_segments", segments);
        m.tree0().put("categories_sizes", sizes);
        return m;
    }

    // ------------------------------------------------------------------------------------------ vector leaves

    @Test
    void shouldRejectVectorLeavesThatDoNotMatchTheOutputs() {
        TinyModel m = new TinyModel();
        m.treeParam0().put("size_leaf_vector", "3");
        rejectBoth(m, TREE0 + ".tree_param.size_leaf_vector", "vector-leaf size 3 must equal the number of outputs (1)");

        m = vectorLeafModel();
        XgboostReader.read(m.json(), "ok", DEFAULTS);
        m.tree0().put("right_children", ints(2, 0, 7));
        rejectBoth(m, TREE0 + ".right_children[2]", "leaf index of a vector leaf must be in [0, 2)", "found 7");

        m = vectorLeafModel();
        m.tree0().put("leaf_weights", floats(1f, 2f, 3f));
        rejectBoth(m, TREE0 + ".leaf_weights", "not a multiple of the number of outputs (2)");

        m = vectorLeafModel();
        m.tree0().remove("leaf_weights");
        rejectBoth(m, TREE0 + ".base_weights", "needs num_nodes x outputs = 6 base_weights, found 3");
    }

    /** A 3.2+-layout vector-leaf model with 2 targets: leaves keep their leaf index in right_children. */
    private static TinyModel vectorLeafModel() {
        TinyModel m = new TinyModel();
        m.params().put("num_target", "2");
        m.params().put("base_score", "[0E0,0E0]");
        m.learner().put("objective", TinyModel.map("name", "reg:squarederror"));
        m.treeParam0().put("size_leaf_vector", "2");
        m.tree0().put("right_children", ints(2, 0, 1));
        m.tree0().put("leaf_weights", floats(-1f, -2f, 1f, 2f));
        return m;
    }

    @Test
    void shouldScoreA32VectorLeafModelThroughItsLeafIndices() {
        Model model = XgboostReader.read(vectorLeafModel().ubj(), "vl", DEFAULTS);
        float[] out = new float[2];
        model.scoreMargin(new float[] {0f, 0f}, out);
        assertEquals(List.of(-1f, -2f), List.of(out[0], out[1]));
        model.scoreMargin(new float[] {0.5f, 0f}, out);
        assertEquals(List.of(1f, 2f), List.of(out[0], out[1]));
    }

    // ------------------------------------------------------------------------------------------ learner fields

    @Test
    void shouldRejectBadBaseScores() {
        TinyModel m = new TinyModel();
        m.params().put("base_score", "abc");
        rejectBoth(m, "learner.learner_model_param.base_score", "\"abc\" is not a number");

        m = new TinyModel();
        m.params().put("base_score", "[5E-1,2E-1]");
        rejectBoth(m, "learner.learner_model_param.base_score", "2 values; expected 1 or one per output (1)");

        m = new TinyModel();
        m.params().put("base_score", "[5E-1");
        rejectBoth(m, "learner.learner_model_param.base_score", "missing closing ']'");

        m = new TinyModel();
        m.params().put("base_score", "0");
        m.root.put("version", ints(3, 1, 0));
        rejectBoth(m, "learner.learner_model_param.base_score", "must be in (0, 1) for binary:logistic, found 0.0");
    }

    @Test
    void shouldClampALogisticBaseScoreOfZeroFromXgboost32On() {
        TinyModel m = new TinyModel();
        m.params().put("base_score", "[0E0]");
        Model model = XgboostReader.read(m.json(), "clamped", DEFAULTS);
        // logit(1e-6) = -13.8155...; the leaf adds -1 for x0 < 0.5
        assertEquals(-14.8155, model.scoreMargin(new float[] {0f, 0f}), 1e-4);
    }

    @Test
    void shouldRejectUnknownObjectivesBoostersAndFeatureTypes() {
        TinyModel m = new TinyModel();
        m.learner().put("objective", TinyModel.map("name", "reg:magic"));
        rejectBoth(m, "learner.objective.name", "unknown objective 'reg:magic'");

        m = new TinyModel();
        m.booster().put("name", "gbforest");
        rejectBoth(m, "learner.gradient_booster.name", "unknown booster 'gbforest'");

        m = new TinyModel();
        m.learner().put("feature_types", List.of("q", "weird"));
        rejectBoth(m, "learner.feature_types[1]", "unknown feature type 'weird'");

        m = new TinyModel();
        m.learner().put("feature_names", List.of("only_one"));
        rejectBoth(m, "feature_names", "expected 2 feature names");

        m = new TinyModel();
        m.params().put("num_class", "3");
        m.params().put("num_target", "2");
        rejectBoth(m, "learner.learner_model_param", "both num_class > 1 (3) and num_target > 1 (2)");

        m = new TinyModel();
        m.params().put("num_feature", "two");
        rejectBoth(m, "learner.learner_model_param.num_feature", "expected a decimal integer string");

        m = new TinyModel();
        m.learner().remove("objective");
        rejectBoth(m, "learner", "missing required field 'objective'");

        m = new TinyModel();
        m.learner().put("gradient_booster", List.of(1, 2));
        rejectBoth(m, "learner.gradient_booster", "expected an object, found an array");
    }

    @Test
    void shouldRejectDuplicateKeysAndTrailingContent() {
        byte[] json = new TinyModel().json();
        String text = new String(json, StandardCharsets.UTF_8);
        String dup = text.replaceFirst("\\{\"learner\"", "{\"version\":[3,4,0],\"learner\"");
        ModelFormatException e = reject(dup.getBytes(StandardCharsets.UTF_8), "dup.json");
        assertTrue(e.expectation().contains("Duplicate field 'version'"), e.getMessage());
        assertTrue(e.location().startsWith("line 1, column "), e.getMessage());

        e = reject((text + " {}").getBytes(StandardCharsets.UTF_8), "trailing.json");
        assertTrue(e.expectation().contains("after the end of the JSON document"), e.getMessage());

        byte[] ubj = new TinyModel().ubj();
        byte[] trailing = Arrays.copyOf(ubj, ubj.length + 3);
        e = reject(trailing, "trailing.ubj");
        assertEquals("offset " + ubj.length, e.location());
        assertTrue(e.expectation().contains("3 bytes after the end of the document"), e.getMessage());

        // UBJSON duplicate: the root object written twice over with the same key
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('{');
        for (int i = 0; i < 2; i++) {
            ubjKey(out, "version");
            out.write('[');
            out.write('#');
            out.write('i');
            out.write(1);
            out.write('i');
            out.write(3);
        }
        out.write('}');
        e = reject(out.toByteArray(), "dup.ubj");
        assertTrue(e.expectation().contains("duplicate key 'version'"), e.getMessage());
        assertEquals("offset 23", e.location());
    }

    // ------------------------------------------------------------------------------------------ sizes

    @Test
    void shouldFailFastOnAUbjArrayClaimingTwoToTheSixtyElements() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('{');
        ubjKey(out, "version");
        out.write('[');
        out.write('$');
        out.write('l');
        out.write('#');
        out.write('L');
        TinyModel.be(out, 1L << 60, 8);
        out.write(new byte[64], 0, 64);
        ModelFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> reject(out.toByteArray(), "huge.ubj"));
        assertEquals("offset 17", e.location());
        assertTrue(e.expectation().contains("claims 1152921504606846976 elements but only 64 bytes remain"),
                e.getMessage());
    }

    @Test
    void shouldFailFastOnUbjCountsAndStringLengthsThatExceedTheInput() {
        // generic array of trees claiming 2^50 elements
        TinyModel m = new TinyModel();
        byte[] ubj = m.ubj();
        byte[] marker = "trees[#L".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(ubj, marker) + marker.length;
        ByteBuffer.wrap(ubj).putLong(at, 1L << 50);
        ModelFormatException e = reject(ubj, "trees.ubj");
        assertTrue(e.expectation().contains("claims 1125899906842624 elements"), e.getMessage());

        // a string of 2^40 bytes
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('{');
        out.write('L');
        TinyModel.be(out, 1L << 40, 8);
        e = reject(out.toByteArray(), "key.ubj");
        assertTrue(e.expectation().contains("longer than " + ModelLimits.defaults().maxStringBytes()),
                e.getMessage());
        // and one within maxStringBytes but beyond the input
        out.reset();
        out.write('{');
        out.write('L');
        TinyModel.be(out, 1000, 8);
        e = reject(out.toByteArray(), "key2.ubj");
        assertTrue(e.expectation().contains("truncated UBJSON: expected a string of 1000 bytes"), e.getMessage());
    }

    @Test
    void shouldEnforceModelLimitsWithOverrides() throws IOException {
        TinyModel m = new TinyModel();
        m.treeParam0().put("num_nodes", "99999999");
        rejectBoth(m, TREE0 + ".tree_param.num_nodes", "at most " + ModelLimits.defaults().maxNodesPerTree()
                + " nodes per tree");

        m = new TinyModel();
        m.params().put("num_feature", "2000000000");
        rejectBoth(m, "learner.learner_model_param.num_feature", "ModelLimits.maxFeatures");

        m = new TinyModel();
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> p = (java.util.Map<String, Object>) m.model().get("gbtree_model_param");
        p.put("num_trees", "2000000");
        rejectBoth(m, "learner.gradient_booster.model.gbtree_model_param.num_trees", "ModelLimits.maxTrees");

        TinyModel three = new TinyModel().addTree(1, 0).addTree(2, 0);
        XgboostOptions twoTrees = DEFAULTS.withLimits(ModelLimits.defaults().withMaxTrees(2));
        assertTrue(reject(three.json(), "t.json", twoTrees).expectation().contains("more than 2 trees"));
        assertTrue(reject(three.ubj(), "t.ubj", twoTrees).expectation().contains("more than 2 trees"));
        XgboostReader.read(three.json(), "ok", DEFAULTS);

        XgboostOptions twoNodes = DEFAULTS.withLimits(ModelLimits.defaults().withMaxNodesPerTree(2));
        rejectBoth(new TinyModel(), twoNodes, TREE0 + ".tree_param.num_nodes", "at most 2 nodes per tree");
        XgboostOptions fourTotal = DEFAULTS.withLimits(ModelLimits.defaults().withMaxTotalNodes(4));
        rejectBoth(new TinyModel().addTree(1, 0), fourTotal, "learner.gradient_booster.model.trees[1]",
                "at most 4 nodes allowed in all trees");
        XgboostOptions oneFeature = DEFAULTS.withLimits(ModelLimits.defaults().withMaxFeatures(1));
        rejectBoth(new TinyModel(), oneFeature, "learner.learner_model_param.num_feature", "at most 1 features");
        XgboostOptions shortStrings = DEFAULTS.withLimits(ModelLimits.defaults().withMaxStringBytes(10));
        assertTrue(reject(new TinyModel().ubj(), "s.ubj", shortStrings).expectation().contains("maxStringBytes"));
        assertTrue(reject(new TinyModel().json(), "s.json", shortStrings).expectation().contains("10"));

        byte[] bin = resource("1.7.6/binary_logistic.bin");
        XgboostOptions tiny = DEFAULTS.withLimits(ModelLimits.defaults().withMaxFileBytes(100));
        assertTrue(reject(bin, "big.bin", tiny).expectation().contains("ModelLimits.maxFileBytes = 100"));
        Path file = XgboostLegacyFixtureTest.fixtureDir().resolve("1.7.6/binary_logistic.bin");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> XgboostReader.read(file, tiny));
        assertTrue(e.getMessage().contains("more than ModelLimits.maxFileBytes"), e.getMessage());
    }

    @Test
    void shouldRejectAbsurdCountsInLegacyBinaryBeforeAllocating() throws IOException {
        byte[] good = resource("1.7.6/binary_logistic.bin");
        Layout l = Layout.of(good);

        byte[] b = good.clone();
        le(b).putInt(l.gbtreeParam, Integer.MAX_VALUE); // num_trees
        ModelFormatException e = reject(b, "trees.bin");
        assertEquals("offset " + l.gbtreeParam, e.location());
        assertTrue(e.expectation().contains("num_trees must be in [0, 200000]"), e.getMessage());

        b = good.clone();
        le(b).putInt(l.gbtreeParam, 150_000);
        e = reject(b, "trees2.bin");
        assertTrue(e.expectation().contains("num_trees 150000 cannot fit in the remaining"), e.getMessage());

        b = good.clone();
        le(b).putInt(l.firstTree + 4, Integer.MAX_VALUE); // tree[0].num_nodes
        e = reject(b, "nodes.bin");
        assertEquals("offset " + (l.firstTree + 4), e.location());
        assertTrue(e.expectation().contains("tree[0]: num_nodes must be in [1, "), e.getMessage());

        b = good.clone();
        le(b).putInt(l.firstTree + 4, 4_000_000);
        e = reject(b, "nodes2.bin");
        assertTrue(e.expectation().contains("truncated legacy binary model"), e.getMessage());

        b = good.clone();
        le(b).putInt(l.firstTree + 8, 3); // num_deleted
        e = reject(b, "deleted.bin");
        assertTrue(e.expectation().contains("num_deleted says 3 but 0 nodes are marked deleted"), e.getMessage());

        b = good.clone();
        le(b).putLong(4 + 136, 1L << 62); // objective name length
        e = reject(b, "objective.bin");
        assertEquals("offset 140", e.location());
        assertTrue(e.expectation().contains("exceeds ModelLimits.maxStringBytes"), e.getMessage());

        byte[] linear = resource("2.1.4/gblinear.bin");
        Layout ll = Layout.of(linear);
        b = linear.clone();
        le(b).putLong(ll.gbtreeParam + 136, 1L << 62); // weights vector length
        e = reject(b, "weights.bin");
        assertTrue(e.expectation().contains("weights claims 4611686018427387904 floats"), e.getMessage());

        b = Arrays.copyOf(good, good.length + 1);
        e = reject(b, "trailing.bin");
        assertTrue(e.expectation().contains("unexpected 1 bytes after the end of the model"), e.getMessage());
    }

    @Test
    void shouldRejectLegacyBinaryTreesWithBadChildrenOrFeatures() throws IOException {
        byte[] good = resource("1.7.6/binary_logistic.bin");
        Layout l = Layout.of(good);
        int node0 = l.firstTree + LegacyBinaryParser.TREE_PARAM_BYTES;

        byte[] b = good.clone();
        le(b).putInt(node0 + 8, 7); // tree[0].node[0].cright != cleft + 1
        ModelFormatException e = reject(b, "right.bin");
        assertEquals("offset " + (node0 + 8), e.location());
        assertTrue(e.expectation().contains("tree[0].node[0]: expected right child 2"), e.getMessage());

        b = good.clone();
        le(b).putInt(node0 + 12, 55); // split feature 55 >= num_feature 6
        e = reject(b, "feature.bin");
        assertTrue(e.expectation().contains("split feature must be in [0, num_feature = 6), found 55"),
                e.getMessage());

        b = good.clone();
        le(b).putInt(node0 + 4, 1000); // cleft out of range
        le(b).putInt(node0 + 8, 1001);
        e = reject(b, "child.bin");
        assertEquals("tree[0].node[0]", e.location());
        assertTrue(e.expectation().contains("left child must be in [0, 15), found 1000"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------------ nesting

    @Test
    void shouldRejectHostileNestingWithoutStackOverflow() {
        int depth = 200_000;
        String json = "{\"learner\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        String skipped = "{\"unknown\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('{');
        ubjKey(out, "unknown");
        for (int i = 0; i < depth; i++) {
            out.write('[');
        }
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            ModelFormatException e = reject(json.getBytes(StandardCharsets.UTF_8), "deep.json");
            assertTrue(e.expectation().contains("nesting depth"), e.getMessage());
            e = reject(skipped.getBytes(StandardCharsets.UTF_8), "deep2.json");
            assertTrue(e.expectation().contains("nesting depth"), e.getMessage());
            e = reject(out.toByteArray(), "deep.ubj");
            assertTrue(e.expectation().contains("nesting deeper than 64 levels"), e.getMessage());
        });
    }

    // ------------------------------------------------------------------------------------------ fuzzing

    @Test
    void shouldOnlyEverThrowHotpathExceptionsForRandomlyCorruptedFiles() throws IOException {
        List<byte[]> seeds = List.of(new TinyModel().json(), new TinyModel().ubj(), resource("2.1.4/rf_multi.ubj"),
                resource("1.7.6/exact_pruned.bin"), resource("2.1.4/dart.json"), resource("2.1.4/vector_leaf.ubj"),
                resource("1.7.6/categorical.ubj"));
        SplittableRandom rnd = new SplittableRandom(2024);
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            for (byte[] seed : seeds) {
                for (int i = 0; i < 400; i++) {
                    byte[] b = seed.clone();
                    int edits = 1 + rnd.nextInt(4);
                    for (int k = 0; k < edits; k++) {
                        int pos = rnd.nextInt(b.length);
                        b[pos] = rnd.nextInt(3) == 0 ? (byte) 0xff : (byte) rnd.nextInt(256);
                    }
                    try {
                        Model m = XgboostReader.read(b, "fuzz", DEFAULTS);
                        assertNotNull(m);
                        outcomes[0]++;
                    } catch (ModelFormatException | ConfigurationException e) {
                        outcomes[1]++;
                    } catch (HotpathException e) {
                        fail("unexpected HotpathException subtype " + e.getClass(), e);
                    } catch (RuntimeException | Error e) {
                        fail("corrupted input produced " + e + " instead of a ModelFormatException", e);
                    }
                }
            }
        });
        assertTrue(outcomes[1] > 0, "some corruptions must be rejected");
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static void ubjKey(ByteArrayOutputStream out, String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        out.write('L');
        TinyModel.be(out, k.length, 8);
        out.write(k, 0, k.length);
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("marker not found");
    }

    /** Offsets of the parts of a {@code binf} legacy file, computed from its string lengths. */
    private record Layout(int gbtreeParam, int firstTree) {
        static Layout of(byte[] b) {
            ByteBuffer bb = le(b);
            int pos = 4 + 136;
            pos += 8 + (int) bb.getLong(pos); // objective
            pos += 8 + (int) bb.getLong(pos); // booster
            return new Layout(pos, pos + LegacyBinaryParser.GBTREE_PARAM_BYTES);
        }
    }

    @Test
    void shouldReportUnreadableFilesAsModelFormatExceptions(@TempDir Path dir) {
        Path missing = dir.resolve("missing.json");
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> XgboostReader.read(missing, DEFAULTS));
        assertEquals(missing.toString(), e.source());
        assertTrue(e.expectation().contains("cannot read the model file"), e.getMessage());
    }
}
