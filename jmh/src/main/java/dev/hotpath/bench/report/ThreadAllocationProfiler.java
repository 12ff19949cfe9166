package dev.hotpath.bench.report;

import java.lang.management.ManagementFactory;
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
 * A JMH profiler that counts only what the benchmark's own threads (JMH's {@code *-jmh-worker-*} threads, i.e. the
 * request threads) allocate, per operation: {@value #METRIC}. JMH's {@code -prof gc} counts every thread in the JVM,
 * so background threads that allocate a little at a steady rate (Chronicle Map's housekeeping, the shadow agents'
 * periodic counters) show up as fractions of a byte per operation that have nothing to do with the request path. The
 * allocation gate uses this metric when it is present. Run with
 * {@code -prof dev.hotpath.bench.report.ThreadAllocationProfiler}.
 *
 * <p>Uses {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes(long)}. The first iteration of a benchmark
 * reports nothing (the worker threads do not exist yet when it starts); the gate only needs the later ones.
 * Not thread-safe: JMH calls it from one thread.
 */
public final class ThreadAllocationProfiler implements InternalProfiler {
    /** The secondary metric's name. */
    public static final String METRIC = "thread.alloc.rate.norm";

    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Map<Long, Long> before = Map.of();

    @Override
    public String getDescription() {
        return "bytes allocated per operation by the JMH worker threads only";
    }

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
        long bytes = 0;
        int seen = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            Long b = before.get(e.getKey());
            if (b != null && b >= 0 && e.getValue() >= 0) {
                bytes += e.getValue() - b;
                seen++;
            }
        }
        long ops = result.getMetadata() == null ? 0 : result.getMetadata().getAllOps();
        if (seen == 0 || ops <= 0) {
            return List.of();
        }
        return List.of(new ScalarResult(METRIC, (double) bytes / ops, "B/op", AggregationPolicy.AVG));
    }

    private static Map<Long, Long> workers() {
        Map<Long, Long> out = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().contains("jmh-worker")) {
                @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+; getId() is the JDK 17 way
                long id = t.getId();
                out.put(id, MX.getThreadAllocatedBytes(id));
            }
        }
        return out;
    }
}
