package dev.hotpath.shadow.xgboost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.Model;
import dev.hotpath.shadow.ShadowEvaluator;
import dev.hotpath.shadow.ShadowModelConfig;
import dev.hotpath.shadow.log.FsyncPolicy;
import dev.hotpath.shadow.log.LogOptions;
import dev.hotpath.shadow.replay.ReplayResult;
import dev.hotpath.shadow.replay.ShadowReplay;
import dev.hotpath.shadow.testing.LogContents;

/**
 * A model trained with XGBoost4J, saved as JSON and loaded through model-formats' {@code ModelLoader} runs as a
 * shadow and as a replay candidate; its logged scores must equal XGBoost's own predictions.
 */
class ModelLoaderShadowTest {
    @TempDir
    Path dir;

    @Test
    void shouldShadowAndReplayAnXgboostModelLoadedThroughModelLoader() throws Exception {
        int rows = 300;
        int n = 4;
        float[] data = new float[rows * n];
        float[] labels = new float[rows];
        Random r = new Random(5);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                data[i * n + j] = (float) r.nextGaussian();
            }
            labels[i] = data[i * n] - data[i * n + 3] > 0 ? 1f : 0f;
        }
        DMatrix train = new DMatrix(data, rows, n, Float.NaN);
        train.setLabel(labels);
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("max_depth", 3);
        params.put("nthread", 1);
        params.put("seed", 3);
        Booster booster = XGBoost.train(train, params, 15, new HashMap<>(), null, null);
        Path file = dir.resolve("candidate.json");
        booster.saveModel(file.toString());
        float[][] expected = booster.predict(train);
        booster.dispose();
        train.dispose();

        Path log = dir.resolve("log");
        try (Model model = ModelLoader.load(file)) {
            ShadowEvaluator ev = ShadowEvaluator.builder(log)
                    .log(LogOptions.builder().hostTag("ml").minFreeBytes(0).fsyncPolicy(FsyncPolicy.none()).build())
                    .summaryInterval(Duration.ZERO)
                    .addShadow(ShadowModelConfig.builder(2, "candidate", model)
                            .latencyBudget(Duration.ofSeconds(10)).build())
                    .featureCaptureRate(1.0).build();
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                ev.start();
                float[] row = new float[n];
                for (int i = 0; i < rows; i++) {
                    System.arraycopy(data, i * n, row, 0, n);
                    ev.publisher().offer(i, row, n, 0.5f, 0, 0);
                }
                ev.close();
            });
            for (LogContents.Cmp c : LogContents.read(log).forShadow(2)) {
                assertEquals(expected[(int) c.requestId()][0], c.shadowScore(), 0f, "row " + c.requestId());
            }
            ReplayResult replay = ShadowReplay.replay(log, model, dir.resolve("replayed"));
            assertEquals(rows, replay.scored());
            for (LogContents.Cmp c : LogContents.read(dir.resolve("replayed")).forShadow(replay.modelId())) {
                assertEquals(expected[(int) c.requestId()][0], c.shadowScore(), 0f, "replayed row " + c.requestId());
            }
        }
    }
}
