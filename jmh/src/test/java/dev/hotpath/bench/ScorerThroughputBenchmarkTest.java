package dev.hotpath.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotpath.scoring.scorer.FeatureStatus;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Threads;

/**
 * The scaling benchmark's contract (one and two threads, the same three methods) and its set-up on the real sample
 * model, real Chronicle Map views and a started shadow evaluator: every scorer result equals the bare model's score
 * of the same row, bit for bit (the set-up throws otherwise).
 */
class ScorerThroughputBenchmarkTest extends BenchmarkTestBase {
    @Test
    void shouldRunTheSameMethodsOnOneAndTwoThreads() {
        Set<String> methods = Set.of("bareModel", "scorerRequestFields", "scorerViewsAndShadow");
        assertEquals(methods, benchmarks(ScorerThroughputBenchmark.OneThread.class));
        assertEquals(methods, benchmarks(ScorerThroughputBenchmark.TwoThreads.class));
        assertEquals(1, ScorerThroughputBenchmark.OneThread.class.getAnnotation(Threads.class).value());
        assertEquals(2, ScorerThroughputBenchmark.TwoThreads.class.getAnnotation(Threads.class).value());
        assertArrayEquals(new Mode[] {Mode.Throughput},
                ScorerThroughputBenchmark.class.getAnnotation(BenchmarkMode.class).value());
    }

    @Test
    void shouldScoreTheSampleRowsExactlyThroughEveryPath() throws Exception {
        ScorerThroughputBenchmark.Data d = new ScorerThroughputBenchmark.Data();
        d.setUp();
        ScorerThroughputBenchmark.Bare bare = new ScorerThroughputBenchmark.Bare();
        ScorerThroughputBenchmark.RequestOnly requestOnly = new ScorerThroughputBenchmark.RequestOnly();
        ScorerThroughputBenchmark.ViewsAndShadow full = new ScorerThroughputBenchmark.ViewsAndShadow();
        full.shadowSampleRate = 0.01;
        try {
            assertEquals(1000, d.rows.length, "the held-out rows of examples/sample/transactions.csv");
            bare.setUp(d);
            requestOnly.setUp(d);
            full.setUp(d);
            ScorerThroughputBenchmark bench = new ScorerThroughputBenchmark.OneThread();
            ScorerThroughputBenchmark.Cursor cursor = new ScorerThroughputBenchmark.Cursor();
            ScorerThroughputBenchmark.RequestOnlyThread a = new ScorerThroughputBenchmark.RequestOnlyThread();
            a.setUp(d, requestOnly); // checks all 1,000 rows bit for bit
            ScorerThroughputBenchmark.ViewsAndShadowThread b = new ScorerThroughputBenchmark.ViewsAndShadowThread();
            b.setUp(d, full);
            for (int i = 0; i < 2 * d.rows.length; i++) {
                float expected = d.expected[i % d.rows.length];
                assertEquals(expected, bench.bareModel(d, bare, cursor));
                assertEquals(expected, bench.scorerRequestFields(requestOnly, a));
                assertEquals(expected, bench.scorerViewsAndShadow(full, b));
            }
            assertEquals(d.rows.length * 3L, full.scorer.metrics().requests());
            assertEquals(d.rows.length * 3L, full.scorer.metrics().statusCount(0, FeatureStatus.PRESENT),
                    "every card read was PRESENT");
        } finally {
            full.tearDown();
            requestOnly.tearDown();
            bare.tearDown();
            d.tearDown();
        }
    }
}
