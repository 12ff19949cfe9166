package dev.hotpath.formats.onnx;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxReaderTest {

    @TempDir
    Path tmp;

    private static final List<String> LOGREG_NAMES = List.of("amount", "merchant_risk", "card_age_days",
            "txn_count_1h", "txn_count_24h", "avg_amount_30d", "country_mismatch", "device_new", "hour_of_day",
            "velocity_score");

    @Test
    void shouldTakeFeatureNamesFromCommaSeparatedMetadata() {
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("logreg.onnx"))) {
            assertEquals(10, m.numFeatures());
            assertTrue(m.hasFeatureNames());
            assertEquals(LOGREG_NAMES, m.featureNames());
            assertEquals(List.of("probability"), m.outputNames());
            assertEquals(List.of("probability"), m.marginOutputNames());
            assertEquals(1, m.numOutputs());
            assertEquals(1, m.numMarginOutputs());
            assertEquals(10, m.featureTypes().size());
            assertTrue(m.featureTypes().stream().allMatch(t -> t == FeatureType.FLOAT));
        }
    }

    @Test
    void shouldTakeFeatureNamesFromJsonArrayMetadata() {
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("xgb_tree_ensemble.onnx"))) {
            assertTrue(m.hasFeatureNames());
            assertEquals(List.of("x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9"), m.featureNames());
        }
    }

    @Test
    void shouldUsePositionalFeatureNamesWithoutMetadata() {
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("mlp.onnx"))) {
            assertEquals(200, m.numFeatures());
            assertFalse(m.hasFeatureNames());
            assertEquals("f0", m.featureNames().get(0));
            assertEquals("f199", m.featureNames().get(199));
            assertEquals("positional", m.info().properties().get("feature_names_source"));
        }
    }

    @Test
    void shouldDescribeInputsOutputsOpsetsAndProducerInInfo() throws Exception {
        Path file = OnnxFixtures.model("logreg.onnx");
        try (OnnxModel m = OnnxReader.read(file)) {
            ModelInfo info = m.info();
            assertEquals("onnx", info.format());
            assertEquals("onnx", info.booster());
            assertEquals("pytorch 1.13.0", info.formatVersion());
            assertEquals("", info.objective());
            assertEquals(0, info.numTrees());
            assertEquals(file.toString(), info.source());
            String expectedSha = HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
            assertEquals(expectedSha, info.checksum());
            Map<String, String> p = info.properties();
            assertEquals("8", p.get("ir_version"));
            assertEquals("ai.onnx:17", p.get("opsets"));
            assertEquals("pytorch 1.13.0", p.get("producer"));
            assertEquals("input:float[N,10]", p.get("inputs"));
            assertEquals("probability:float[N,1]", p.get("outputs"));
            assertEquals("probability", p.get("scored_output"));
            assertEquals("metadata_props[feature_names]", p.get("feature_names_source"));
            assertEquals("up to 256 rows per ONNX Runtime call", p.get("batch"));
            assertEquals("1", p.get("intra_op_threads"));
            assertEquals("1.23.2", p.get("onnxruntime_version"));
            assertEquals(8L, m.irVersion());
            assertEquals(Map.of("ai.onnx", 17L), m.opsets());
            assertEquals("input:float[N,10]", m.inputs().get(0).describe());
            assertEquals(List.of("N", "10"), m.inputs().get(0).dimensions());
        }
    }

    @Test
    void shouldListEveryOutputAndAllOpsetsOfTheClassifier() {
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("xgb_classifier.onnx"))) {
            assertEquals("label:int64[N]; probabilities:float[N,2]", m.info().properties().get("outputs"));
            assertEquals("ai.onnx:17,ai.onnx.ml:3", m.info().properties().get("opsets"));
            assertEquals("hotpath-fixtures 1.0", m.info().formatVersion());
        }
    }

    @Test
    void shouldPickTheProbabilityOutputOfAClassifierNotTheLabel() {
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("xgb_classifier.onnx"))) {
            assertEquals("probabilities", m.scoredOutputName());
            assertEquals(2, m.numOutputs());
            assertEquals(List.of("probabilities_0", "probabilities_1"), m.outputNames());
        }
    }

    @Test
    void shouldPickProbabilitiesOverLogitsAndProbabilityOverMargin() {
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("softmax3.onnx"))) {
            assertEquals("probabilities", m.scoredOutputName());
            assertEquals(3, m.numOutputs());
        }
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("xgb_tree_ensemble.onnx"))) {
            assertEquals("probability", m.scoredOutputName());
            assertEquals(1, m.numOutputs());
        }
    }

    @Test
    void shouldScoreTheOutputChosenByName() {
        OnnxOptions opts = OnnxOptions.builder().outputName("margin").build();
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("xgb_tree_ensemble.onnx"), opts)) {
            assertEquals("margin", m.scoredOutputName());
            assertEquals(List.of("margin"), m.outputNames());
            float[][] rows = OnnxFixtures.csv("xgb_tree_ensemble_inputs.csv");
            float[][] expected = OnnxFixtures.csv("xgb_tree_ensemble_expected.csv");
            // A margin, not a probability: the sign and magnitude follow xgboost's output_margin=True.
            assertEquals(expected[0][0], m.score(rows[0]), 1e-5f);
        }
    }

    @Test
    void shouldRejectAnUnknownOutputNameListingTheOutputs() {
        OnnxOptions opts = OnnxOptions.builder().outputName("proba").build();
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> OnnxReader.read(OnnxFixtures.model("softmax3.onnx"), opts));
        assertTrue(e.getMessage().contains("'proba' is not an output"), e.getMessage());
        assertTrue(e.getMessage().contains("logits:float[N,3]; probabilities:float[N,3]"), e.getMessage());
    }

    @Test
    void shouldRejectANonFloatOutputChosenByName() {
        OnnxOptions opts = OnnxOptions.builder().outputName("label").build();
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> OnnxReader.read(OnnxFixtures.model("xgb_classifier.onnx"), opts));
        assertTrue(e.getMessage().contains("label:int64[N]"), e.getMessage());
        assertTrue(e.getMessage().contains("[probabilities]"), e.getMessage());
    }

    @Test
    void shouldRejectZipMapOutputTellingHowToExportWithoutIt() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> OnnxReader.read(OnnxFixtures.model("xgb_classifier_zipmap.onnx")));
        assertEquals("output 'output_probability'", e.location());
        assertTrue(e.expectation().contains("seq(map(int64,float))"), e.getMessage());
        assertTrue(e.expectation().contains("ZipMap"), e.getMessage());
        assertTrue(e.expectation().contains("'zipmap': False"), e.getMessage());
        assertTrue(e.getMessage().startsWith(OnnxFixtures.model("xgb_classifier_zipmap.onnx").toString()));
    }

    @Test
    void shouldRejectATruncatedFileNamingTheOffset() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> OnnxReader.read(OnnxFixtures.model("broken_truncated.onnx")));
        assertTrue(e.location().startsWith("offset "), e.getMessage());
        assertTrue(e.expectation().contains("graph") && e.expectation().contains("truncated"), e.getMessage());
    }

    @Test
    void shouldRejectEveryTruncationOfAModel(@TempDir Path dir) throws Exception {
        byte[] full = Files.readAllBytes(OnnxFixtures.model("logreg.onnx"));
        Path p = dir.resolve("cut.onnx");
        for (int len = 1; len < full.length; len += 7) {
            Files.write(p, Arrays.copyOf(full, len));
            assertThrows(ModelFormatException.class, () -> OnnxReader.read(p), "prefix of " + len + " bytes");
        }
    }

    @Test
    void shouldRejectAFileThatIsNotOnnx() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> OnnxReader.read(OnnxFixtures.model("broken_not_onnx.onnx")));
        assertEquals("offset 0", e.location());
        assertTrue(e.expectation().contains("first bytes 74 68 69 73"), e.getMessage());
    }

    @Test
    void shouldRejectAnXgboostJsonModelAsNotOnnx() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> OnnxReader.read(OnnxFixtures.model("xgb_trees.json")));
        assertEquals("offset 0", e.location());
    }

    @Test
    void shouldRejectAnInt64InputNamingIt() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> OnnxReader.read(OnnxFixtures.model("broken_int64_input.onnx")));
        assertEquals("input 'ids'", e.location());
        assertTrue(e.expectation().contains("found ids:int64[N,4]"), e.getMessage());
    }

    @Test
    void shouldRejectTwoInputsWithoutAMappingAndExplainTheMapping() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> OnnxReader.read(OnnxFixtures.model("two_inputs.onnx")));
        assertEquals("inputs", e.location());
        assertTrue(e.expectation().contains("a:float[N,3]") && e.expectation().contains("b:float[N,2]"),
                e.getMessage());
        assertTrue(e.expectation().contains("inputNames("), e.getMessage());
    }

    @Test
    void shouldScoreTwoInputsConcatenatedInTheMappedOrder() {
        OnnxOptions opts = OnnxOptions.builder().inputNames("a", "b").build();
        float[][] rows = OnnxFixtures.csv("two_inputs_inputs.csv");
        float[][] expected = OnnxFixtures.csv("two_inputs_expected.csv");
        try (OnnxModel m = OnnxReader.read(OnnxFixtures.model("two_inputs.onnx"), opts)) {
            assertEquals(5, m.numFeatures());
            assertEquals("a,b", m.info().properties().get("input_order"));
            for (int r = 0; r < rows.length; r++) {
                assertEquals(expected[r][0], m.score(rows[r]), 1e-6f, "row " + r);
            }
        }
    }

    @Test
    void shouldRejectInputNamesThatMissOrInventAnInput() {
        ConfigurationException missing = assertThrows(ConfigurationException.class, () -> OnnxReader.read(
                OnnxFixtures.model("two_inputs.onnx"), OnnxOptions.builder().inputNames("b").build()));
        assertTrue(missing.getMessage().contains("[a]"), missing.getMessage());
        ConfigurationException unknown = assertThrows(ConfigurationException.class, () -> OnnxReader.read(
                OnnxFixtures.model("two_inputs.onnx"), OnnxOptions.builder().inputNames("a", "c").build()));
        assertTrue(unknown.getMessage().contains("'c'"), unknown.getMessage());
    }

    @Test
    void shouldRejectAnIrVersionNewerThanTheRuntimeSupports() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> OnnxReader.read(OnnxFixtures.model("broken_ir_too_new.onnx")));
        assertEquals("ir_version (field 1)", e.location());
        assertTrue(e.expectation().contains("<= 11") && e.expectation().contains("found 12"), e.getMessage());
    }

    @Test
    void shouldRejectAnOpsetNewerThanTheRuntimeSupports() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> OnnxReader.read(OnnxFixtures.model("broken_opset_too_new.onnx")));
        assertEquals("opset_import[ai.onnx]", e.location());
        assertTrue(e.expectation().contains("<= 23") && e.expectation().contains("found 24"), e.getMessage());
    }

    @Test
    void shouldRejectAFileLargerThanMaxFileBytes() {
        OnnxOptions opts = OnnxOptions.builder().maxFileBytes(1000).build();
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> OnnxReader.read(OnnxFixtures.model("mlp.onnx"), opts));
        assertEquals("file size", e.location());
        assertTrue(e.expectation().contains("at most 1000 bytes"), e.getMessage());
    }

    @Test
    void shouldRejectMissingAndEmptyFiles() throws Exception {
        ModelFormatException missing = assertThrows(ModelFormatException.class,
                () -> OnnxReader.read(tmp.resolve("nope.onnx")));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
        Path empty = Files.createFile(tmp.resolve("empty.onnx"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxReader.read(empty));
        assertTrue(e.getMessage().contains("empty file"), e.getMessage());
    }

    @Test
    void shouldRejectFeatureNameMetadataWithTheWrongCount() {
        Path p = OnnxFixtures.withMetadata(tmp, "mlp.onnx", "feature_names", "a,b,c");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxReader.read(p));
        assertEquals("metadata_props['feature_names']", e.location());
        assertTrue(e.expectation().contains("(200), found 3"), e.getMessage());
    }

    @Test
    void shouldRejectDuplicateOrEmptyFeatureNames() {
        Path dup = OnnxFixtures.withMetadata(tmp, "two_inputs.onnx", "feature_names", "a,b,a,d,e");
        OnnxOptions opts = OnnxOptions.builder().inputNames("a", "b").build();
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxReader.read(dup, opts));
        assertTrue(e.expectation().contains("'a' twice"), e.getMessage());
        Path empty = OnnxFixtures.withMetadata(tmp, "two_inputs.onnx", "feature_names", "[\"a\",\"\",\"c\",\"d\",\"e\"]");
        e = assertThrows(ModelFormatException.class, () -> OnnxReader.read(empty, opts));
        assertTrue(e.expectation().contains("feature 1"), e.getMessage());
    }

    @Test
    void shouldRejectFeatureNamesThatAreBrokenJson() {
        Path p = OnnxFixtures.withMetadata(tmp, "two_inputs.onnx", "feature_names", "[\"a\", 3, \"c\"]");
        OnnxOptions opts = OnnxOptions.builder().inputNames("a", "b").build();
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxReader.read(p, opts));
        assertTrue(e.expectation().contains("JSON array of strings"), e.getMessage());
    }

    @Test
    void shouldTakeTheObjectiveFromMetadata() {
        Path p = OnnxFixtures.withMetadata(tmp, "mlp.onnx", "objective", "binary fraud probability");
        try (OnnxModel m = OnnxReader.read(p)) {
            assertEquals("binary fraud probability", m.info().objective());
        }
    }

    @Test
    void shouldRecogniseEveryOnnxFixtureBySniffing() throws Exception {
        for (String f : List.of("logreg.onnx", "mlp.onnx", "softmax3.onnx", "two_inputs.onnx",
                "logreg_fixed_batch.onnx", "xgb_tree_ensemble.onnx", "xgb_classifier.onnx",
                "xgb_classifier_zipmap.onnx", "broken_int64_input.onnx", "broken_truncated.onnx",
                "broken_ir_too_new.onnx")) {
            byte[] b = Files.readAllBytes(OnnxFixtures.model(f));
            assertTrue(OnnxReader.looksLikeOnnx(b, Math.min(b.length, OnnxReader.SNIFF_BYTES)), f);
            assertTrue(OnnxReader.looksLikeOnnx(b, b.length), f);
        }
    }

    @Test
    void shouldNotMistakeOtherFormatsForOnnx() throws Exception {
        byte[] json = Files.readAllBytes(OnnxFixtures.model("xgb_trees.json"));
        assertFalse(OnnxReader.looksLikeOnnx(json, Math.min(json.length, 64)));
        byte[] text = Files.readAllBytes(OnnxFixtures.model("broken_not_onnx.onnx"));
        assertFalse(OnnxReader.looksLikeOnnx(text, text.length));
        byte[] ubjson = {'{', 'L', 0, 0, 0, 0, 0, 0, 0, 7, 'l', 'e', 'a', 'r', 'n', 'e', 'r', '{'};
        assertFalse(OnnxReader.looksLikeOnnx(ubjson, ubjson.length));
        byte[] legacyBinary = {0, 0, 0, 0x3f, 10, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
        assertFalse(OnnxReader.looksLikeOnnx(legacyBinary, legacyBinary.length));
        byte[] binf = "binf\0\0\0?\n\0\0\0".getBytes(StandardCharsets.ISO_8859_1);
        assertFalse(OnnxReader.looksLikeOnnx(binf, binf.length));
        assertFalse(OnnxReader.looksLikeOnnx(new byte[0], 0));
        assertFalse(OnnxReader.looksLikeOnnx(new byte[] {0x08}, 1));
        // ir_version 0 and an absurd ir_version are not plausible.
        assertFalse(OnnxReader.looksLikeOnnx(new byte[] {0x08, 0x00, 0x12, 0x00}, 4));
        assertFalse(OnnxReader.looksLikeOnnx(new byte[] {0x08, (byte) 0xE8, 0x07, 0x12, 0x00}, 5));
        // A valid start followed by a field ModelProto does not have (field 9).
        assertFalse(OnnxReader.looksLikeOnnx(new byte[] {0x08, 0x08, 0x4A, 0x00}, 4));
    }

    @Test
    void shouldAcceptFieldsInAnyOrderWhenSniffing() {
        // producer_name "x", then ir_version 7: valid though unusual.
        assertTrue(OnnxReader.looksLikeOnnx(new byte[] {0x12, 0x01, 'x', 0x08, 0x07}, 5));
    }
}
