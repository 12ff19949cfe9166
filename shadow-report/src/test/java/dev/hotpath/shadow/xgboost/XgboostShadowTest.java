package dev.hotpath.shadow.xgboost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.shadow.ShadowEvaluator;
import dev.hotpath.shadow.ShadowModelConfig;
import dev.hotpath.shadow.ShadowPublisher;
import dev.hotpath.shadow.log.FsyncPolicy;
import dev.hotpath.shadow.log.LogOptions;
import dev.hotpath.shadow.replay.ReplayResult;
import dev.hotpath.shadow.replay.ShadowReplay;
import dev.hotpath.shadow.report.ShadowComparison;
import dev.hotpath.shadow.report.ShadowGates;
import dev.hotpath.shadow.report.ShadowReport;
import dev.hotpath.shadow.testing.LogContents;

/**
 * Real XGBoost4J-trained models (nthread=1) as primary and shadow: the logged shadow scores must be exactly what
 * XGBoost predicts for the same rows, and replaying the primary over the captured features must reproduce the
 * logged primary scores bit for bit.
 */
class XgboostShadowTest {
    private static final int N_FEATURES = 4;
    private static final int ROWS = 400;

    @TempDir
    Path dir;

    private final float[] data = new float[ROWS * N_FEATURES];
    private Booster primary;
    private Booster candidate;
    private DMatrix all;

    private Booster train(int depth, int rounds, float[] labels) throws Exception {
        DMatrix train = new DMatrix(data, ROWS, N_FEATURES, Float.NaN);
        train.setLabel(labels);
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("max_depth", depth);
        params.put("eta", 0.3);
        params.put("nthread", 1);
        params.put("seed", 7);
        Booster b = XGBoost.train(train, params, rounds, new HashMap<>(), null, null);
        train.dispose();
        return b;
    }

    private void trainModels() throws Exception {
        Random r = new Random(11);
        float[] labels = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < N_FEATURES; j++) {
                data[i * N_FEATURES + j] = i % 37 == 0 && j == 2 ? Float.NaN : (float) r.nextGaussian();
            }
            double z = data[i * N_FEATURES] + 0.5 * data[i * N_FEATURES + 1] + 0.3 * r.nextGaussian();
            labels[i] = z > 0.3 ? 1f : 0f;
        }
        primary = train(3, 20, labels);
        candidate = train(2, 12, labels);
        all = new DMatrix(data, ROWS, N_FEATURES, Float.NaN);
    }

    @AfterEach
    void dispose() {
        if (all != null) {
            all.dispose();
        }
        if (primary != null) {
            primary.dispose();
        }
        if (candidate != null) {
            candidate.dispose();
        }
    }

    @Test
    void shouldLogExactlyWhatXgboostPredictsAndReplayThePrimaryBitForBit() throws Exception {
        trainModels();
        float[][] primaryPred = primary.predict(all);
        float[][] candidatePred = candidate.predict(all);
        Path log = dir.resolve("log");
        ShadowEvaluator ev = ShadowEvaluator.builder(log)
                .log(LogOptions.builder().hostTag("xgb").minFreeBytes(0).fsyncPolicy(FsyncPolicy.none()).build())
                .summaryInterval(Duration.ZERO)
                .primaryModel(1, "xgb-depth3", "20 rounds").primaryThreshold(0.5f)
                .addShadow(ShadowModelConfig.builder(2, "xgb-depth2", new BoosterModel(candidate, N_FEATURES, "c"))
                        .latencyBudget(Duration.ofSeconds(10)).build())
                .featureCaptureRate(1.0)
                .build();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            ev.start();
            float[] row = new float[N_FEATURES];
            for (int i = 0; i < ROWS; i++) {
                System.arraycopy(data, i * N_FEATURES, row, 0, N_FEATURES);
                assertEquals(ShadowPublisher.ACCEPTED, ev.publisher().offer(i, row, N_FEATURES, primaryPred[i][0], 1, 0));
            }
            ev.close();
        });
        LogContents contents = LogContents.read(log);
        assertEquals(ROWS, contents.forShadow(2).size());
        for (LogContents.Cmp c : contents.forShadow(2)) {
            int i = (int) c.requestId();
            assertEquals(candidatePred[i][0], c.shadowScore(), 0f, "row " + i);
            assertEquals(primaryPred[i][0], c.primaryScore(), 0f, "row " + i);
        }

        ReplayResult replay = ShadowReplay.replay(log, new BoosterModel(primary, N_FEATURES, "p"), dir.resolve("rp"));
        assertEquals(ROWS, replay.scored());
        for (LogContents.Cmp c : LogContents.read(dir.resolve("rp")).forShadow(replay.modelId())) {
            assertEquals(c.primaryScore(), c.shadowScore(), 0f, "replaying the primary reproduces it");
        }

        ShadowReport report = ShadowReport.builder().addLog(log).addLog(dir.resolve("rp")).gates(ShadowGates.none())
                .build();
        ShadowComparison self = report.comparison(replay.modelId());
        assertEquals(0.0, self.psi(), 1e-12);
        assertEquals(0.0, self.configured().flipRate(), 1e-12);
        assertEquals(1.0, self.spearman(), 1e-12);
        ShadowComparison cand = report.comparison(2);
        assertTrue(cand.spearman() > 0.7 && cand.spearman() < 1.0, "related but different models: "
                + cand.spearman());
        assertTrue(cand.configured().flipRate() > 0, "depth 2 vs depth 3 disagree somewhere");
    }
}
