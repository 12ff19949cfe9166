package dev.hotpath.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.explain.ReasonCodes;
import dev.hotpath.scoring.explain.TopReasons;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;

/**
 * The explanation benchmark outside JMH: its documented methods and parameters, and a real set-up on the
 * {@code small} model (trained into a temporary directory) that checks Hotpath's contributions against XGBoost4J's
 * {@code predictContrib} before anything is measured.
 */
class ExplainBenchmarkTest extends BenchmarkTestBase {
    @Test
    void shouldKeepTheDocumentedMethodNamesAndModels() throws Exception {
        assertEquals(Set.of("hotpathContributions", "hotpathTopReasons", "xgboost4jPredictContribSingleRow",
                "xgboost4jPredictContribBatch256"), benchmarks(ExplainBenchmark.class));
        assertArrayEquals(new String[] {"fraud", "small"},
                ExplainBenchmark.class.getField("model").getAnnotation(Param.class).value());
        assertEquals(256, ExplainBenchmark.class.getMethod("xgboost4jPredictContribBatch256")
                .getAnnotation(OperationsPerInvocation.class).value());
    }

    @Test
    void shouldSetUpTheSmallModelAndExplainWithEveryMethod() throws Exception {
        ExplainBenchmark b = new ExplainBenchmark();
        b.model = "small";
        b.setUp(); // trains, then checks Hotpath's contributions against XGBoost's on 64 rows
        try {
            assertEquals(31, b.hotpathContributions().length);
            TopReasons top = b.hotpathTopReasons();
            assertTrue(top.count() <= 5);
            assertEquals(1, b.xgboost4jPredictContribSingleRow().length);
            assertEquals(256, b.xgboost4jPredictContribBatch256().length);
        } finally {
            b.tearDown();
        }
    }

    @Test
    void shouldGroupFeaturesFiveByFiveAndExcludeTheLastFive() {
        List<String> names = List.of("f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11");
        ReasonCodes codes = ExplainBenchmark.reasonCodes(names);
        assertEquals(List.of("G0", "G1"), List.copyOf(codes.codes().keySet()));
        assertEquals(List.of("f5", "f6"), codes.codes().get("G1"));
        assertEquals(Set.of("f7", "f8", "f9", "f10", "f11"), codes.excluded());
    }
}
