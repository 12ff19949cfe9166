package dev.hotpath.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that reports the CPU time the whole benchmark JVM spent per operation ({@value #METRIC}, ms/op):
 * every thread — the benchmark's, the JIT compilers', the garbage collector's — and native code such as XGBoost4J's
 * loader. On a shared, loaded machine wall-clock figures mostly measure the wait for a core; CPU time is what a
 * load takes from the cores a service scores on, and it is far less sensitive to the other tenants. Run with
 * {@code -prof dev.hotpath.bench.ProcessCpuProfiler}; works for the first (and only) iteration of a cold fork.
 *
 * <p>Uses {@code com.sun.management.OperatingSystemMXBean#getProcessCpuTime()}. Not thread-safe: JMH calls it from
 * one thread.
 */
public final class ProcessCpuProfiler implements InternalProfiler {
    /** The secondary metric's name. */
    public static final String METRIC = "cpu.process";

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private long before;

    @Override
    public String getDescription() {
        return "CPU time of the whole JVM (all threads, native code included) per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before = OS.getProcessCpuTime();
    }

    // The raw Result in the return type is InternalProfiler's own signature.
    @SuppressWarnings("rawtypes")
    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
                                                     IterationParams iterationParams, IterationResult result) {
        long after = OS.getProcessCpuTime();
        long ops = benchmarkParams.getMode() == Mode.SingleShotTime ? iterationParams.getBatchSize()
                : result.getMetadata() == null ? 0 : result.getMetadata().getAllOps();
        if (before < 0 || after < 0 || ops <= 0) {
            return List.of();
        }
        return List.of(new ScalarResult(METRIC, (after - before) / 1e6 / ops, "ms/op", AggregationPolicy.AVG));
    }
}
