package dev.hotpath.bench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;

/**
 * Training one round at a time (for progress lines) must give the models the published benchmark runs used, which
 * were trained by one {@code XGBoost.train} call: otherwise cached and fresh models, and old and new figures, would
 * silently differ.
 */
class BenchDataTrainingTest {
    @Test
    void shouldTrainTheSameTreesAsOneXgboostTrainCall() throws Exception {
        ModelSpec spec = ModelSpec.SMALL;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Booster stepped = BenchData.train(spec, new TrainingProgress(spec,
                new PrintStream(log, true, StandardCharsets.UTF_8), 0));
        byte[] steppedJson;
        try {
            steppedJson = stepped.toByteArray("json");
        } finally {
            stepped.dispose();
        }

        SyntheticFraudData.Dataset data = SyntheticFraudData.generate(spec.trainingRows(), spec.features(),
                BenchData.TRAIN_SEED);
        DMatrix train = new DMatrix(data.rows(), data.numRows(), data.numFeatures(), Float.NaN);
        byte[] oneCallJson;
        try {
            train.setLabel(data.labels());
            Booster oneCall = XGBoost.train(train, BenchData.trainingParams(spec), spec.trees(), new HashMap<>(),
                    null, null);
            try {
                oneCallJson = oneCall.toByteArray("json");
            } finally {
                oneCall.dispose();
            }
        } finally {
            train.dispose();
        }

        assertArrayEquals(oneCallJson, steppedJson, "the stepped training produced different trees");
        String lines = log.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("training small: 100 trees of depth 4"), lines);
        assertTrue(lines.contains("trained small: 100 trees in"), lines);
    }
}
