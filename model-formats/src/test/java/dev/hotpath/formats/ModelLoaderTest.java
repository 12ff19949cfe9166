package dev.hotpath.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Format detection by content: the extension never decides. */
class ModelLoaderTest {
    @TempDir
    static Path dir;
    static Booster booster;
    static float[] rows;

    @BeforeAll
    static void train() throws Exception {
        int n = 300;
        rows = new float[n * 3];
        float[] labels = new float[n];
        java.util.Random rnd = new java.util.Random(5);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                rows[i * 3 + j] = rnd.nextInt(10) == 0 ? Float.NaN : (float) rnd.nextGaussian();
            }
            labels[i] = rows[i * 3] > 0.2f ? 1f : 0f;
        }
        DMatrix train = new DMatrix(rows, n, 3, Float.NaN);
        train.setLabel(labels);
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("max_depth", 3);
        params.put("nthread", 1);
        booster = XGBoost.train(train, params, 5, new HashMap<>(), null, null);
        train.dispose();
    }

    @Test
    void shouldRecognizeJsonAndUbjsonWhateverTheExtension() throws Exception {
        Path json = dir.resolve("model.json");
        Path ubj = dir.resolve("model.ubj");
        booster.saveModel(json.toString());
        booster.saveModel(ubj.toString());
        Path disguisedJson = Files.copy(json, dir.resolve("json-disguised.onnx"));
        Path disguisedUbj = Files.copy(ubj, dir.resolve("ubj-disguised.model"));
        DMatrix d = new DMatrix(rows, rows.length / 3, 3, Float.NaN);
        float[][] expected = booster.predict(d, true);
        d.dispose();
        for (Path p : new Path[] {json, ubj, disguisedJson, disguisedUbj}) {
            assertEquals(ModelFormat.XGBOOST, ModelLoader.detect(p), p.toString());
            Model m = ModelLoader.load(p);
            float[] row = new float[3];
            for (int i = 0; i < expected.length; i++) {
                System.arraycopy(rows, i * 3, row, 0, 3);
                assertEquals(Float.floatToRawIntBits(expected[i][0]), Float.floatToRawIntBits(m.scoreMargin(row)),
                        p + " row " + i);
            }
        }
    }

    @Test
    void shouldRecognizeOnnxWhateverTheExtension() throws Exception {
        Path fixture = Path.of("src/test/resources/onnx/logreg.onnx");
        Path disguised = Files.copy(fixture, dir.resolve("logreg.json"));
        assertEquals(ModelFormat.ONNX, ModelLoader.detect(disguised));
        try (Model m = ModelLoader.load(disguised)) {
            assertEquals("onnx", m.info().format());
        }
    }

    @Test
    void shouldRejectUnknownEmptyAndMissingFilesNamingThem() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.json"), "hello, not a model");
        ModelFormatException unknown = assertThrows(ModelFormatException.class, () -> ModelLoader.load(text));
        assertTrue(unknown.getMessage().startsWith(text.toString()), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("68 65 6c 6c 6f"), unknown.getMessage());

        Path empty = Files.createFile(dir.resolve("empty.ubj"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(empty));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());

        ModelFormatException missing = assertThrows(ModelFormatException.class,
                () -> ModelLoader.load(dir.resolve("nope.json")));
        assertTrue(missing.getMessage().contains("file not found"), missing.getMessage());
    }
}
