package dev.hotpath.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;

/**
 * The benchmark class outside JMH: its method names and parameters are the documented contract, and its set-up
 * really trains, exports and cross-checks a model (the {@code small} one, generated into a temporary directory).
 */
class TreeEnsembleBenchmarkTest extends BenchmarkTestBase {
    @Test
    void shouldKeepTheDocumentedMethodNamesAndModels() throws Exception {
        assertEquals(Set.of("hotpathSingleRow", "hotpathBatch64", "hotpathBatch256", "xgboost4jInplacePredict",
                "xgboost4jBatch4096",
                "onnxRuntimeTreeEnsemble", "hotpathLightgbmSingleRow", "lightgbm4jSingleRow"),
                benchmarks(TreeEnsembleBenchmark.class));
        assertArrayEquals(new String[] {"small", "fraud", "large"},
                TreeEnsembleBenchmark.class.getField("model").getAnnotation(Param.class).value());
        assertEquals(64, TreeEnsembleBenchmark.class.getMethod("hotpathBatch64")
                .getAnnotation(OperationsPerInvocation.class).value());
        assertEquals(256, TreeEnsembleBenchmark.class.getMethod("hotpathBatch256")
                .getAnnotation(OperationsPerInvocation.class).value());
        assertEquals(4096, TreeEnsembleBenchmark.class.getMethod("xgboost4jBatch4096")
                .getAnnotation(OperationsPerInvocation.class).value());
        assertEquals(Set.of("hotpathFastLayout", "hotpathReferenceDouble", "hotpathReferenceXgboost"),
                benchmarks(LightgbmEvaluatorBenchmark.class));
        assertArrayEquals(new String[] {"fraud"},
                LightgbmEvaluatorBenchmark.class.getField("model").getAnnotation(Param.class).value());
    }

    @Test
    void shouldSetUpTheSmallModelAndScoreWithEveryMethod() throws Exception {
        TreeEnsembleBenchmark b = new TreeEnsembleBenchmark();
        b.model = "small";
        b.setUp(); // trains, exports to ONNX, checks Hotpath == XGBoost bit for bit, ORT within 1e-5, batch == single
        try {
            assertTrue(Files.exists(dir.resolve("small-100x4-30f-10000r-v1").resolve("model.json")));
            assertTrue(Files.exists(dir.resolve("small-100x4-30f-10000r-v1").resolve("model.onnx")));
            float p = b.hotpathSingleRow();
            assertTrue(p > 0 && p < 1, "probability " + p);
            assertEquals(64, b.hotpathBatch64().length);
            float[] batch256 = b.hotpathBatch256();
            assertEquals(256, batch256.length);
            assertTrue(batch256[255] > 0 && batch256[255] < 1, "probability " + batch256[255]);
            assertNotNull(b.xgboost4jInplacePredict());
            assertEquals(4096, b.xgboost4jBatch4096().length);
            float ort = b.onnxRuntimeTreeEnsemble();
            assertTrue(ort > 0 && ort < 1, "probability " + ort);
            // The XGBoost set-up leaves LightGBM alone: its counterpart is trained by the LightGBM state only.
            TreeEnsembleBenchmark.LightgbmModels models = new TreeEnsembleBenchmark.LightgbmModels();
            models.setUp(b); // trains the LightGBM counterpart, checks Hotpath == LightGBM rounded to float
            assertTrue(Files.exists(dir.resolve("small-100x4-30f-10000r-v1").resolve("model.lightgbm.txt")));
            try {
                float lgbm = b.hotpathLightgbmSingleRow(models);
                assertTrue(lgbm > 0 && lgbm < 1, "probability " + lgbm);
                double peer = b.lightgbm4jSingleRow(models);
                assertTrue(peer > 0 && peer < 1, "probability " + peer);
            } finally {
                models.tearDown();
            }
        } finally {
            b.tearDown();
        }
        // The evaluator comparison on the same (now cached) models: set-up checks both LightGBM evaluators agree.
        LightgbmEvaluatorBenchmark e = new LightgbmEvaluatorBenchmark();
        e.model = "small";
        e.setUp();
        for (float p : new float[] {e.hotpathFastLayout(), e.hotpathReferenceDouble(), e.hotpathReferenceXgboost()}) {
            assertTrue(p > 0 && p < 1, "probability " + p);
        }
    }
}
