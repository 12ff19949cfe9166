package dev.hotpath.bench.report;

import java.lang.management.ManagementFactory;

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
public final class ThreadAllocationProfiler extends WorkerThreadProfiler {
    /** The secondary metric's name. */
    public static final String METRIC = "thread.alloc.rate.norm";

    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Creates the profiler (JMH instantiates it by name). */
    public ThreadAllocationProfiler() {
        super(METRIC, "B/op");
    }

    @Override
    public String getDescription() {
        return "bytes allocated per operation by the JMH worker threads only";
    }

    @Override
    long read(long threadId) {
        return MX.getThreadAllocatedBytes(threadId);
    }
}
