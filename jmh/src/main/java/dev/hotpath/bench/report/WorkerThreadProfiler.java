package dev.hotpath.bench.report;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that reads a per-thread counter of the benchmark's own threads only (JMH's {@code *-jmh-worker-*}
 * threads, i.e. the request threads) before and after each iteration and reports the difference per operation as a
 * secondary metric. The first iteration of a benchmark reports nothing (the worker threads do not exist yet when it
 * starts).
 *
 * <p>Not thread-safe: JMH calls it from one thread.
 */
abstract class WorkerThreadProfiler implements InternalProfiler {
    private final String metric;
    private final String unit;
    private Map<Long, Long> before = Map.of();

    WorkerThreadProfiler(String metric, String unit) {
        this.metric = metric;
        this.unit = unit;
    }

    /** @return the counter of thread {@code id}, or a negative value when it cannot be read */
    abstract long read(long threadId);

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before = workers();
    }

    // The raw Result in the return type is InternalProfiler's own signature.
    @SuppressWarnings("rawtypes")
    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
                                                     IterationParams iterationParams, IterationResult result) {
        Map<Long, Long> after = workers();
        long total = 0;
        int seen = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            Long b = before.get(e.getKey());
            if (b != null && b >= 0 && e.getValue() >= 0) {
                total += e.getValue() - b;
                seen++;
            }
        }
        long ops = result.getMetadata() == null ? 0 : result.getMetadata().getAllOps();
        if (seen == 0 || ops <= 0) {
            return List.of();
        }
        return List.of(new ScalarResult(metric, (double) total / ops, unit, AggregationPolicy.AVG));
    }

    private Map<Long, Long> workers() {
        Map<Long, Long> out = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().contains("jmh-worker")) {
                @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+; getId() is the JDK 17 way
                long id = t.getId();
                out.put(id, read(id));
            }
        }
        return out;
    }
}
