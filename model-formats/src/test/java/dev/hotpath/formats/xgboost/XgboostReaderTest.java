package dev.hotpath.formats.xgboost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelInfo;
import dev.hotpath.scoring.ModelLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Format sniffing, {@link ModelInfo}, feature names/types, options and base-margin rules of the reader. */
class XgboostReaderTest {

    @Test
    void shouldRecogniseJsonUbjAndBinfHeadersButNotHeaderlessBinary() {
        assertTrue(sniff("{\"learner\":1}"));
        assertTrue(sniff("{ \n\t \"version\""));
        assertTrue(sniff("  {\"a\""));
        assertTrue(sniff("{L\0\0\0"));
        assertTrue(sniff("{i\7"));
        assertTrue(sniff("binf\0\0\0\0"));
        assertFalse(sniff("{}"));
        assertFalse(sniff("[1,2]"));
        assertFalse(sniff("bin"));
        assertFalse(sniff("\0\0\0?\6\0\0\0"), "header-less legacy binary (a raw float) is not claimed");
        assertFalse(XgboostReader.looksLikeXgboost(null, 0));
        assertFalse(XgboostReader.looksLikeXgboost(new byte[] {'{', 'L'}, 0));
        assertTrue(XgboostReader.looksLikeXgboost("binf-and-more".getBytes(StandardCharsets.US_ASCII), 4));
    }

    private static boolean sniff(String head) {
        byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
        return XgboostReader.looksLikeXgboost(b, b.length);
    }

    @Test
    void shouldDetectTheFormatFromContentNotExtension(@TempDir Path dir) throws Exception {
        Path ubjNamedJson = dir.resolve("really-ubj.json");
        Files.write(ubjNamedJson, new TinyModel().ubj());
        assertEquals("xgboost-ubj", XgboostReader.read(ubjNamedJson, XgboostOptions.defaults()).info().format());
        Path jsonNamedBin = dir.resolve("really-json.bin");
        Files.write(jsonNamedBin, new TinyModel().json());
        assertEquals("xgboost-json", XgboostReader.read(jsonNamedBin, XgboostOptions.defaults()).info().format());
    }

    @Test
    void shouldFillModelInfoFromTheFile(@TempDir Path dir) throws Exception {
        TinyModel m = new TinyModel();
        m.learner().put("feature_names", List.of("amount", "country"));
        m.learner().put("feature_types", List.of("float", "c"));
        m.learner().put("attributes", TinyModel.map("best_iteration", "0", "best_score", "0.25"));
        Path file = dir.resolve("model.ubj");
        byte[] bytes = m.ubj();
        Files.write(file, bytes);
        Model model = XgboostReader.read(file, XgboostOptions.defaults());
        ModelInfo info = model.info();
        assertEquals("xgboost-ubj", info.format());
        assertEquals("3.4.0", info.formatVersion());
        assertEquals("binary:logistic", info.objective());
        assertEquals("gbtree", info.booster());
        assertEquals(1, info.numTrees());
        assertEquals(1, info.maxDepth());
        assertEquals(file.toString(), info.source());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertEquals(sha, info.checksum());
        assertEquals("[5E-1]", info.properties().get("base_score"));
        assertEquals("0", info.properties().get("num_class"));
        assertEquals("1", info.properties().get("num_target"));
        assertEquals("1", info.properties().get("num_parallel_tree"));
        assertEquals("0", info.properties().get("best_iteration"));
        assertEquals("float,c", info.properties().get("feature_types"));
        assertTrue(model.hasFeatureNames());
        assertEquals(List.of("amount", "country"), model.featureNames());
        assertEquals(List.of(FeatureType.FLOAT, FeatureType.CATEGORICAL), model.featureTypes());
    }

    @Test
    void shouldReportDartWhenTreesCarryWeights() {
        TinyModel m = new TinyModel();
        m.model().put("weight_drop", TinyModel.floats(0.5f)); // 3.4 layout: inside the model
        Model model = XgboostReader.read(m.json(), "dart34", XgboostOptions.defaults());
        assertEquals("dart", model.info().booster());
        assertEquals(0.5f, model.scoreMargin(new float[] {1f, 0f}), "leaf 1 x weight 0.5");

        TinyModel m33 = new TinyModel();
        m33.booster().put("weight_drop", TinyModel.floats(0.25f)); // 3.3 layout: beside the model
        assertEquals(0.25f, XgboostReader.read(m33.ubj(), "dart33", XgboostOptions.defaults())
                .scoreMargin(new float[] {1f, 0f}));

        TinyModel m32 = new TinyModel(); // <= 3.2 layout: {"name":"dart","gbtree":{...},"weight_drop":[...]}
        java.util.Map<String, Object> inner = TinyModel.map("name", "gbtree", "model", m32.model());
        m32.learner().put("gradient_booster", TinyModel.map("gbtree", inner, "name", "dart", "weight_drop",
                TinyModel.floats(2f)));
        assertEquals(2f, XgboostReader.read(m32.json(), "dart32", XgboostOptions.defaults())
                .scoreMargin(new float[] {1f, 0f}));
    }

    @Test
    void shouldBroadcastAScalarBaseScoreAndUseAVectorPerOutput() {
        TinyModel m = new TinyModel();
        m.learner().put("objective", TinyModel.map("name", "reg:squarederror"));
        m.params().put("num_target", "2");
        m.params().put("base_score", "2.5E0"); // scalar, up to 3.0
        m.root.put("version", TinyModel.ints(2, 1, 4));
        m.model().put("tree_info", TinyModel.ints(1));
        Model model = XgboostReader.read(m.json(), "scalar", XgboostOptions.defaults());
        float[] out = new float[2];
        model.scoreMargin(new float[] {1f, 0f}, out);
        assertEquals(List.of(2.5f, 3.5f), List.of(out[0], out[1]), "tree 0 adds to output group 1");

        m.params().put("base_score", "[1E0,-2E0]"); // 3.1+ vector
        m.root.put("version", TinyModel.ints(3, 4, 0));
        XgboostReader.read(m.ubj(), "vector", XgboostOptions.defaults()).scoreMargin(new float[] {1f, 0f}, out);
        assertEquals(List.of(1f, -1f), List.of(out[0], out[1]));
    }

    @Test
    void shouldComputeLogisticAndLogBaseMarginsWithXgboostsFloatFormulas() {
        TinyModel m = new TinyModel();
        m.tree0().put("split_conditions", TinyModel.floats(0.5f, -0f, -0f)); // leaves add -0 (keeps the sign)
        Model half = XgboostReader.read(m.json(), "half", XgboostOptions.defaults());
        assertEquals(Float.floatToIntBits(-0.0f), Float.floatToIntBits(half.scoreMargin(new float[] {0f, 0f})),
                "-logf(1/0.5 - 1) is -0.0");

        m.learner().put("objective", TinyModel.map("name", "count:poisson"));
        m.params().put("base_score", "[1E0]");
        assertEquals(0f, XgboostReader.read(m.json(), "log", XgboostOptions.defaults())
                .scoreMargin(new float[] {0f, 0f}), "logf(1) = 0");
        m.params().put("base_score", "[-1E0]");
        assertTrue(assertThrows(dev.hotpath.scoring.ModelFormatException.class,
                () -> XgboostReader.read(m.json(), "neg", XgboostOptions.defaults())).getMessage()
                .contains("must be positive"));

        TinyModel raw = new TinyModel();
        raw.learner().put("objective", TinyModel.map("name", "binary:logitraw"));
        raw.params().put("base_score", "[5.64E-1]");
        raw.tree0().put("split_conditions", TinyModel.floats(0.5f, 0f, 0f));
        assertEquals(0.564f, XgboostReader.read(raw.json(), "raw", XgboostOptions.defaults())
                .scoreMargin(new float[] {0f, 0f}), "logitraw's base_score already is a margin");
    }

    @Test
    void shouldSortQuantileOutputsOnlyForFilesFromXgboost34On() {
        TinyModel m = new TinyModel();
        m.learner().put("objective", TinyModel.map("name", "reg:quantileerror"));
        m.params().put("num_target", "2");
        m.params().put("base_score", "[3E0,1E0]");
        m.tree0().put("split_conditions", TinyModel.floats(0.5f, 0f, 0f));
        float[] out = new float[2];
        XgboostReader.read(m.json(), "q34", XgboostOptions.defaults()).score(new float[] {0f, 0f}, out);
        assertEquals(List.of(1f, 3f), List.of(out[0], out[1]));
        m.root.put("version", TinyModel.ints(3, 3, 0));
        XgboostReader.read(m.json(), "q33", XgboostOptions.defaults()).score(new float[] {0f, 0f}, out);
        assertEquals(List.of(3f, 1f), List.of(out[0], out[1]));
    }

    @Test
    void shouldValidateOptions() {
        XgboostOptions d = XgboostOptions.defaults();
        assertFalse(d.useBestIteration());
        assertFalse(d.hasIterationRange());
        assertEquals(ModelLimits.defaults(), d.limits());
        assertThrows(ConfigurationException.class, () -> d.withIterationRange(-1, 2));
        assertThrows(ConfigurationException.class, () -> d.withIterationRange(3, 2));
        assertThrows(ConfigurationException.class, () -> d.withBestIteration().withIterationRange(0, 2));
        assertThrows(ConfigurationException.class, () -> d.withIterationRange(0, 2).withBestIteration());
        assertThrows(NullPointerException.class, () -> d.withLimits(null));
        XgboostOptions r = d.withIterationRange(2, 0);
        assertTrue(r.hasIterationRange());
        assertEquals(2, r.iterationBegin());
        assertEquals(0, r.iterationEnd());
        assertEquals(List.of(2, 0), List.of(r.iterationRange()[0], r.iterationRange()[1]));
        assertEquals(null, d.iterationRange());
        assertEquals(d, r.withAllIterations());
        assertEquals(d.withBestIteration(), d.withBestIteration());
        assertNotEquals(d, d.withBestIteration());
        assertTrue(d.withBestIteration().toString().contains("best"));
    }
}
