package dev.hotpath.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The allocation gate's control: boxes a float on every call (16 B/op), so a run of the gate that does not see it
 * allocate proves the measurement blind (no {@code -prof gc}, a broken profiler) and fails.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class AllocationControlBenchmark {
    private float value = 1.5f;

    /** @return a new {@code Float} (the {@code Float} class caches no values) */
    @Benchmark
    @AllocationControl
    public Object controlBoxing() {
        value += 1f;
        return Float.valueOf(value);
    }
}
