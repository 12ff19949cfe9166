package dev.hotpath.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.hotpath.cache.ReadStatus;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;

/**
 * The feature-cache and end-to-end benchmarks' contracts, and the feature-cache set-up on a real (small) Chronicle
 * Map view. The end-to-end set-up needs the trained fraud model and is exercised by {@code jmh/smoke.sh}.
 */
class FeatureCacheAndEndToEndBenchmarkTest {
    @TempDir
    Path dir;
    private String previous;

    @BeforeEach
    void pointTheCacheAtATemporaryDirectory() {
        previous = System.getProperty("hotpath.bench.dir");
        System.setProperty("hotpath.bench.dir", dir.toString());
    }

    @AfterEach
    void restore() {
        if (previous == null) {
            System.clearProperty("hotpath.bench.dir");
        } else {
            System.setProperty("hotpath.bench.dir", previous);
        }
    }

    private static Set<String> benchmarks(Class<?> c) {
        Set<String> names = new TreeSet<>();
        for (Method m : c.getMethods()) {
            if (m.isAnnotationPresent(Benchmark.class)) {
                names.add(m.getName());
            }
        }
        return names;
    }

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
                assertEquals(ReadStatus.PRESENT, b.chronicleRead());
                assertNotNull(b.concurrentHashMapRead());
            } finally {
                b.tearDown();
            }
        }
    }
}
