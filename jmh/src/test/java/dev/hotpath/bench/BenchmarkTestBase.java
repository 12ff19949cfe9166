package dev.hotpath.bench;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * What the benchmark tests share: generated models and data go to a temporary directory (never the real cache under
 * {@code jmh/target}), and a benchmark class's method names can be listed to check the documented contract.
 */
abstract class BenchmarkTestBase {
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

    /** @return the names of {@code c}'s {@code @Benchmark} methods */
    static Set<String> benchmarks(Class<?> c) {
        Set<String> names = new TreeSet<>();
        for (Method m : c.getMethods()) {
            if (m.isAnnotationPresent(Benchmark.class)) {
                names.add(m.getName());
            }
        }
        return names;
    }
}
