package dev.hotpath.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The tail latency the machine itself adds, as a control for {@link EndToEndBenchmark}'s percentiles: a fixed chain
 * of register-only arithmetic (no memory beyond one field, no allocation, no locks, no other threads), in the same
 * {@code SampleTime} mode and at about the same durations as a Hotpath score. Every invocation does exactly the same
 * work, so any spread in its percentiles is the platform's: timer interrupts, hypervisor exits, the scheduler, JMH's
 * own timing. On a shared VM its p99.9 is the floor under the end-to-end p99.9; on a quiet dedicated core it should
 * stay close to its p50.
 *
 * <p>{@code work} is the number of dependent multiply-adds; on the 2-vCPU Xeon guest of {@code BENCHMARKS.md},
 * 1,000 take about 1.1 µs and 6,000 about 6.7 µs (the end-to-end p50).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PlatformJitterBenchmark {
    /** Dependent multiply-adds per invocation. */
    @Param({"1000", "6000"})
    public int work;

    private long state = 1;

    /** @return the last value of the chain (consumed by JMH, so the work cannot be removed) */
    @Benchmark
    public long fixedWork() {
        long x = state;
        for (int i = 0; i < work; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        state = x;
        return x;
    }
}
