package dev.hotpath.bench.report;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A JMH profiler that reports the CPU time the benchmark's own threads consumed per operation: {@value #METRIC}, in
 * ns/op. On a shared, loaded machine the wall-clock score mostly measures how often the scheduler ran the benchmark;
 * the thread's CPU time does not count the time it waited, so A/B comparisons made while other work runs are far
 * steadier with it (caches and the sibling hyper-thread are still shared). Run with
 * {@code -prof dev.hotpath.bench.report.ThreadCpuTimeProfiler}.
 *
 * <p>Uses {@link ThreadMXBean#getThreadCpuTime(long)}. Not thread-safe: JMH calls it from one thread.
 */
public final class ThreadCpuTimeProfiler extends WorkerThreadProfiler {
    /** The secondary metric's name. */
    public static final String METRIC = "thread.cpu.time.norm";

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    /** Creates the profiler (JMH instantiates it by name). */
    public ThreadCpuTimeProfiler() {
        super(METRIC, "ns/op");
    }

    @Override
    public String getDescription() {
        return "CPU time per operation of the JMH worker threads only (steadier than wall time on a loaded box)";
    }

    @Override
    long read(long threadId) {
        return MX.getThreadCpuTime(threadId);
    }
}
