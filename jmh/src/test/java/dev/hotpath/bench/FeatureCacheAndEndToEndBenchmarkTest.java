package dev.hotpath.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.hotpath.scoring.scorer.FeatureStatus;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;

/**
 * The feature-cache and end-to-end benchmarks' contracts, and the feature-cache set-up on a real (small) Chronicle
 * Map view. The end-to-end set-up needs the trained fraud model and is exercised by {@code jmh/smoke.sh}.
 */
class FeatureCacheAndEndToEndBenchmarkTest extends BenchmarkTestBase {
    @Test
    void shouldKeepTheDocumentedMethodNamesAndModes() throws Exception {
        assertEquals(Set.of("chronicleRead", "concurrentHashMapRead"), benchmarks(FeatureCacheBenchmark.class));
        assertArrayEquals(new String[] {"hot", "uniform"},
                FeatureCacheBenchmark.class.getField("keys").getAnnotation(Param.class).value());
        assertArrayEquals(new String[] {"1000000"},
                FeatureCacheBenchmark.class.getField("entities").getAnnotation(Param.class).value());
        assertEquals(Set.of("score", "scoreWithTwoShadows"), benchmarks(EndToEndBenchmark.class));
        assertArrayEquals(new Mode[] {Mode.SampleTime},
                EndToEndBenchmark.class.getAnnotation(BenchmarkMode.class).value());
    }

    @Test
    void shouldReadEveryEntityFromARealChronicleView() {
        for (String keys : new String[] {"hot", "uniform"}) {
            FeatureCacheBenchmark b = new FeatureCacheBenchmark();
            b.entities = 5000;
            b.keys = keys;
            b.setUp(); // writes the view once, then checks every key reads PRESENT
            try {
                assertEquals(FeatureStatus.PRESENT, b.chronicleRead());
                assertNotNull(b.concurrentHashMapRead());
            } finally {
                b.tearDown();
            }
        }
    }
}
