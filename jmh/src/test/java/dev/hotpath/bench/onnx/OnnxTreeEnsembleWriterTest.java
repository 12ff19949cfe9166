package dev.hotpath.bench.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.hotpath.bench.data.SyntheticFraudData;
import dev.hotpath.bench.data.XgboostJsonTrees;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real XGBoost4J model exported by the writer and run by real ONNX Runtime gives XGBoost's probabilities, NaN
 * routing included.
 */
class OnnxTreeEnsembleWriterTest {
    @TempDir
    Path dir;

    private Path trainTiny(String objective) throws Exception {
        SyntheticFraudData.Dataset d = SyntheticFraudData.generate(3000, 12, 5);
        DMatrix m = new DMatrix(d.rows(), d.numRows(), d.numFeatures(), Float.NaN);
        m.setLabel(d.labels());
        Map<String, Object> p = new HashMap<>();
        p.put("objective", objective);
        p.put("max_depth", 4);
        p.put("eta", 0.3);
        p.put("min_child_weight", 0.01);
        p.put("nthread", 1);
        p.put("seed", 1);
        Booster b = XGBoost.train(m, p, 25, new HashMap<>(), null, null);
        Path json = dir.resolve("tiny.json");
        b.saveModel(json.toString());
        b.dispose();
        m.dispose();
        return json;
    }

    @Test
    void shouldGiveXgboostsProbabilitiesInOnnxRuntime() throws Exception {
        Path json = trainTiny("binary:logistic");
        XgboostJsonTrees trees = XgboostJsonTrees.read(json);
        assertEquals(25, trees.trees().size());
        assertEquals(12, trees.numFeatures());
        Path onnx = dir.resolve("tiny.onnx");
        Files.write(onnx, OnnxTreeEnsembleWriter.write(trees));

        int n = 1000;
        float[] rows = SyntheticFraudData.generate(n, 12, 99).rows();
        // Force plenty of missing values in the first rows so default directions are exercised.
        for (int i = 0; i < 100 * 12; i += 2) {
            rows[i] = Float.NaN;
        }
        Booster booster = XGBoost.loadModel(json.toString());
        float[][] expected = booster.inplace_predict(rows, n, 12, Float.NaN);
        booster.dispose();

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(onnx.toString(), o);
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(rows), new long[] {n, 12});
             OrtSession.Result r = s.run(Map.of(OnnxTreeEnsembleWriter.INPUT, in))) {
            float[][] probs = (float[][]) r.get(OnnxTreeEnsembleWriter.PROBABILITIES).orElseThrow().getValue();
            long[] labels = (long[]) r.get(OnnxTreeEnsembleWriter.LABEL).orElseThrow().getValue();
            for (int i = 0; i < n; i++) {
                float want = expected[i][0];
                assertTrue(Math.abs(probs[i][1] - want) <= 1e-6f, "row " + i + ": ORT " + probs[i][1]
                        + " XGBoost " + want);
                assertEquals(1f - probs[i][1], probs[i][0], 1e-6f, "row " + i);
                assertEquals(want > 0.5f ? 1 : 0, labels[i], "row " + i);
            }
            assertEquals(List.of(OnnxTreeEnsembleWriter.LABEL, OnnxTreeEnsembleWriter.PROBABILITIES),
                    List.copyOf(s.getOutputNames()));
        }
    }

    @Test
    void shouldRefuseObjectivesItCannotExport() throws Exception {
        XgboostJsonTrees trees = XgboostJsonTrees.read(trainTiny("reg:squarederror"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxTreeEnsembleWriter.write(trees));
        assertTrue(e.getMessage().contains("reg:squarederror"), e.getMessage());
    }
}
