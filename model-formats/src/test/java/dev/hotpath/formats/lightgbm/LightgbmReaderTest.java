package dev.hotpath.formats.lightgbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.formats.LoadOptions;
import dev.hotpath.formats.ModelFormat;
import dev.hotpath.formats.ModelLoader;
import dev.hotpath.formats.lightgbm.LgbmData.Label;
import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelInfo;
import dev.hotpath.scoring.explain.ExplanationNotSupportedException;
import dev.hotpath.scoring.explain.TreeExplainer;
import dev.hotpath.scoring.scorer.RequestField;
import dev.hotpath.scoring.scorer.ScoreRequest;
import dev.hotpath.scoring.scorer.ScoreResult;
import dev.hotpath.scoring.scorer.Scorer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything around the trees: files as LightGBM and the Python package write them in their variants (CRLF, without
 * {@code tree_sizes}, {@code decision_type} or {@code is_linear}, v3, {@code inf} thresholds, a trailing
 * {@code pandas_categorical} line) still score as LightGBM scores them; iteration selection equals LightGBM's
 * {@code start_iteration}/{@code num_iteration}; {@link ModelLoader} recognises the files by content; the model
 * describes itself (format, objective, booster, categorical features, names) and binds to a {@link Scorer} by name.
 */
class LightgbmReaderTest {
    private static String binary;
    private static String categorical;
    private static String forest;

    /** @return the text of the {@code lightgbm/micro-example.txt} fixture */
    static String microExample() {
        try (var in = LightgbmReaderTest.class.getResourceAsStream("/lightgbm/micro-example.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shouldReproduceLightgbmOnTheMicroExample() {
        // The raw scores and probabilities the reference document (and the CLI's end-to-end test) quote.
        String micro = microExample();
        float[] rows = {Float.NaN, 0, 4, 0, 0, 4, 1.5f, 0, 4, 2, 0, 4, 2, 0, 3.7f, 2, 0, Float.NaN, 2, 0, 36};
        double[] raw = {0.25, 0.25, 0.25, -0.125, 0.5, 0.5, 0.5};
        double[] probability = {0.5621765008857981, 0.5621765008857981, 0.5621765008857981, 0.46879062662624377,
            0.6224593312018546, 0.6224593312018546, 0.6224593312018546};
        double[] lightgbmRaw = Lgbm.predict(micro, rows, 7, 3, true);
        double[] lightgbm = Lgbm.predict(micro, rows, 7, 3, false);
        Model m = LightgbmReader.read(micro.getBytes(StandardCharsets.UTF_8), "micro", LightgbmOptions.defaults());
        for (int r = 0; r < 7; r++) {
            assertEquals(raw[r], lightgbmRaw[r], "LightGBM raw, row " + r);
            assertEquals(probability[r], lightgbm[r], "LightGBM probability, row " + r);
            float[] row = java.util.Arrays.copyOfRange(rows, 3 * r, 3 * r + 3);
            assertEquals((float) raw[r], m.scoreMargin(row), "Hotpath raw, row " + r);
            assertEquals((float) probability[r], m.score(row), "Hotpath probability, row " + r);
        }
    }

    @BeforeAll
    static void train() {
        Lgbm.Data data = LgbmData.data(2000, 17, Label.BINARY);
        binary = Lgbm.train(data, "", "objective=binary", 20);
        categorical = Lgbm.train(data, "categorical_feature=2,7", "objective=binary max_cat_to_onehot=2", 15);
        forest = Lgbm.train(data, "", "objective=binary boosting=rf bagging_freq=1 bagging_fraction=0.7", 12);
    }

    @Test
    void shouldScoreCrlfFilesAsLightgbmDoes() {
        // LightGBM slices trees by tree_sizes, which CRLF invalidates (it aborts the process on such a file), so the
        // comparison with LightGBM drops tree_sizes; Hotpath only counts tree_sizes and reads both alike.
        String crlf = binary.replaceAll("(?m)^tree_sizes=.*\n", "").replace("\n", "\r\n");
        LightgbmParityTest.assertParity("crlf", crlf, LightgbmOptions.defaults(), 0, -1);
        Model lf = LightgbmReader.read(binary.getBytes(StandardCharsets.UTF_8), "lf", LightgbmOptions.defaults());
        Model crlfWithSizes = LightgbmReader.read(binary.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8),
                "crlf", LightgbmOptions.defaults());
        float[] rows = LgbmData.features(200, 8);
        float[] a = new float[200];
        float[] b = new float[200];
        lf.score(rows, 200, a);
        crlfWithSizes.score(rows, 200, b);
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
    }

    @Test
    void shouldScoreV3FilesWithoutTreeSizesDecisionTypesOrIsLinear() {
        String v3 = binary.replace("version=v4", "version=v3")
                .replaceAll("(?m)^tree_sizes=.*\n", "")
                .replaceAll("(?m)^is_linear=.*\n", "")
                .replaceAll("(?m)^decision_type=.*\n", ""); // LightGBM then reads 0: numerical, missing None
        assertFalse(v3.contains("decision_type"));
        LightgbmParityTest.assertParity("v3", v3, LightgbmOptions.defaults(), 0, -1);
    }

    @Test
    void shouldScoreInfiniteThresholdsAsLightgbmDoes() {
        // Replace the first numerical threshold of every tree by inf / -inf alternately: LightGBM reads both. The
        // edit changes the blocks' lengths, so tree_sizes goes (LightGBM aborts on stale sizes).
        StringBuilder sb = new StringBuilder();
        int t = 0;
        for (String line : binary.replaceAll("(?m)^tree_sizes=.*\n", "").split("\n", -1)) {
            if (line.startsWith("threshold=")) {
                String[] parts = line.substring(10).split(" ");
                parts[0] = t++ % 2 == 0 ? "inf" : "-inf";
                line = "threshold=" + String.join(" ", parts);
            }
            sb.append(line).append('\n');
        }
        LightgbmParityTest.assertParity("inf thresholds", sb.toString(), LightgbmOptions.defaults(), 0, -1);
    }

    @Test
    void shouldRecordPandasCategoricalAndStillScoreAsLightgbm() {
        String withPandas = categorical + "\npandas_categorical:[[\"grocery\", \"travel\"], [\"web\", \"pos\"]]\n";
        LightgbmParityTest.assertParity("pandas", withPandas, LightgbmOptions.defaults(), 0, -1);
        ModelInfo info = LightgbmReader.read(withPandas.getBytes(StandardCharsets.UTF_8), "pandas.txt",
                LightgbmOptions.defaults()).info();
        assertEquals("[[\"grocery\", \"travel\"], [\"web\", \"pos\"]]", info.properties().get("pandas_categorical"));
        ModelInfo none = LightgbmReader.read((binary + "\npandas_categorical:null\n").getBytes(StandardCharsets.UTF_8),
                "null.txt", LightgbmOptions.defaults()).info();
        assertEquals("null", none.properties().get("pandas_categorical"));
    }

    @Test
    void shouldScoreTheIterationsLightgbmScoresForStartAndNumIteration() {
        LightgbmParityTest.assertParity("iterations 5..15", binary, LightgbmOptions.defaults().withIterations(5, 10),
                5, 10);
        LightgbmParityTest.assertParity("iterations 7..end", binary, LightgbmOptions.defaults().withIterations(7, 0),
                7, -1);
        // A random forest averages over the iterations it scores.
        LightgbmParityTest.assertParity("forest 2..8", forest, LightgbmOptions.defaults().withIterations(2, 6), 2,
                6);
        Model m = LightgbmReader.read(binary.getBytes(StandardCharsets.UTF_8), "b", LightgbmOptions.defaults()
                .withIterations(5, 10));
        assertEquals("[5, 15)", m.info().properties().get("iteration_range"));
        assertEquals(10, m.info().numTrees());
    }

    @Test
    void shouldBeRecognisedAndLoadedByContent(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fraud.model");
        Files.writeString(file, categorical, StandardCharsets.UTF_8);
        assertEquals(ModelFormat.LIGHTGBM, ModelLoader.detect(file));
        Path crlf = dir.resolve("fraud-crlf.txt");
        Files.writeString(crlf, categorical.replace("\n", "\r\n"), StandardCharsets.UTF_8);
        assertEquals(ModelFormat.LIGHTGBM, ModelLoader.detect(crlf));
        Model m = ModelLoader.load(file);
        Model limited = ModelLoader.load(file, LoadOptions.defaults().withLightgbm(LightgbmOptions.defaults()
                .withIterations(0, 3)));
        assertEquals(3, limited.info().numTrees());
        float[] rows = LgbmData.testRows(50, 5, categorical);
        int n = rows.length / LgbmData.F;
        double[] expected = Lgbm.predict(categorical, rows, n, LgbmData.F, false);
        float[] out = new float[n];
        m.score(rows, n, out);
        for (int r = 0; r < n; r++) {
            assertEquals((float) expected[r], out[r], "row " + r);
        }
        for (String notLightgbm : new String[] {"tree", "tree\n", "tree\nVersion=v4\n", "trees\nversion=v4\n",
            "{\"learner\":{}}", "tree\n=v4\n"}) {
            byte[] b = notLightgbm.getBytes(StandardCharsets.US_ASCII);
            assertFalse(LightgbmReader.looksLikeLightgbm(b, b.length), notLightgbm);
        }
        byte[] v = "tree\r\nversion=v4\r\n".getBytes(StandardCharsets.US_ASCII);
        assertTrue(LightgbmReader.looksLikeLightgbm(v, v.length));
    }

    @Test
    void shouldBeRefusedByTheExplainerUntilCoversAreWired() {
        Model m = LightgbmReader.read(microExample().getBytes(StandardCharsets.UTF_8), "micro.txt",
                LightgbmOptions.defaults());
        ExplanationNotSupportedException e = assertThrows(ExplanationNotSupportedException.class,
                () -> TreeExplainer.of(m));
        assertTrue(e.getMessage().contains("micro.txt: LightGBM models cannot be explained yet"), e.getMessage());
    }

    @Test
    void shouldDescribeItself() {
        Model m = LightgbmReader.read(categorical.getBytes(StandardCharsets.UTF_8), "cat.txt",
                LightgbmOptions.defaults());
        ModelInfo info = m.info();
        assertEquals(LightgbmReader.FORMAT, info.format());
        assertEquals("v4", info.formatVersion());
        assertEquals("binary sigmoid:1", info.objective());
        assertEquals("gbdt", info.booster());
        assertEquals(15, info.numTrees());
        assertTrue(info.maxDepth() >= 1);
        assertEquals("cat.txt", info.source());
        assertEquals(64, info.checksum().length());
        assertEquals("sigmoid(1.0)", info.properties().get("output_transform"));
        assertEquals(List.of(LgbmData.NAMES.split(" ")), m.featureNames());
        assertTrue(m.hasFeatureNames());
        assertEquals(FeatureType.CATEGORICAL, m.featureTypes().get(2));
        assertEquals(FeatureType.CATEGORICAL, m.featureTypes().get(7));
        assertEquals(FeatureType.FLOAT, m.featureTypes().get(0));
        assertEquals(1, m.numOutputs());
        Model rf = LightgbmReader.read(forest.getBytes(StandardCharsets.UTF_8), "rf.txt",
                LightgbmOptions.defaults());
        assertEquals("rf", rf.info().booster());
        assertEquals("true", rf.info().properties().get("average_output"));
        assertEquals("sigmoid(1.0) of the average over 12 iterations",
                rf.info().properties().get("output_transform"));
    }

    @Test
    void shouldBindToAScorerByFeatureName() {
        Model m = LightgbmReader.read(binary.getBytes(StandardCharsets.UTF_8), "b.txt", LightgbmOptions.defaults());
        // Request fields declared in reverse order: the scorer assembles the row by the model's feature names.
        List<String> names = List.of(LgbmData.NAMES.split(" "));
        Scorer.Builder b = Scorer.builder().primary("lgbm", m);
        for (int i = names.size() - 1; i >= 0; i--) {
            b.requestField(names.get(i));
        }
        try (Scorer scorer = b.build()) {
            float[] rows = LgbmData.features(20, 3);
            ScoreRequest req = scorer.newRequest();
            ScoreResult res = scorer.newResult();
            for (int r = 0; r < 20; r++) {
                req.clear().requestId(r);
                float[] row = java.util.Arrays.copyOfRange(rows, r * LgbmData.F, (r + 1) * LgbmData.F);
                for (int f = 0; f < names.size(); f++) {
                    RequestField field = scorer.requestField(names.get(f));
                    req.set(field, row[f]);
                }
                assertEquals(m.score(row), scorer.score(req, res), "row " + r);
            }
        }
    }
}
