package dev.hotpath.bench;

import dev.hotpath.bench.data.BenchData;
import dev.hotpath.bench.data.ModelSpec;
import dev.hotpath.scoring.model.LinearModel;
import dev.hotpath.scoring.scorer.ShadowSink;
import dev.hotpath.shadow.JvmFlags;
import dev.hotpath.shadow.ShadowEvaluator;
import dev.hotpath.shadow.ShadowEvaluatorBuilder;
import dev.hotpath.shadow.ShadowModelConfig;
import dev.hotpath.shadow.ShadowPublisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request-thread cost of {@code ShadowPublisher.offer} with a 200-float feature vector, in its three outcomes:
 * <ul>
 *   <li>{@code offerAccepted}: sample rate 1, a started evaluator with one shadow (a linear model) and the default
 *       4 MiB intake ring, one offer every {@code paceNanos} (2 µs: 500k offers/s, which the agents sustain on 2
 *       cores). The wait is spent outside the measured time (a {@code Level.Invocation} helper), so each offer is
 *       timed on its own and the figure includes about one {@code System.nanoTime} of overhead, ~20 ns here.
 *       Offers are paced because a closed loop does not measure accepted offers on a small box: the agents, which
 *       share the CPUs with this thread, fall behind and most offers find the ring full (seen: 70-80 % drops, so
 *       the closed-loop figure mostly measured {@code offerRingFull}). The agents consume each request soon after
 *       it is committed, so the request thread pays for taking back the slot's cache lines from the agents' core.
 *       {@code idle=spin} runs the agents with a spin phase before their back-off, to show what busy polling costs
 *       the producer. An iteration in which any offer was dropped prints a warning;</li>
 *   <li>{@code offerAcceptedViaSink}: the same paced, accepted offer made the way the {@code Scorer} makes it,
 *       through the evaluator's {@code ShadowSink} with the primary's id resolved once, as the scorer does;</li>
 *   <li>{@code offerSampledOut}: sample rate 0: the sampling decision only;</li>
 *   <li>{@code offerSampledOutViaSink}: the same through the {@code ShadowSink}, as the {@code Scorer} makes it:
 *       the cost of the call path and of identifying the primary, without agents or pacing;</li>
 *   <li>{@code offerRingFull}: an evaluator whose agents were never started, its intake ring filled in set-up:
 *       every offer finds the ring full and is dropped and counted.</li>
 * </ul>
 * The outcomes seen are reported as JMH auxiliary counters ({@code accepted}, {@code sampledOut}, {@code ringFull},
 * {@code other}, events per iteration). All three must allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", JvmFlags.AGRONA_EXPORT})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ShadowOfferBenchmark {
    static final int POOL = 4096;
    static final int FEATURES = 200;

    private float[][] rows;
    private long requestId;

    /** Outcome counts, reported by JMH next to the score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Outcomes {
        /** Offers accepted into the ring. */
        public long accepted;
        /** Offers not in the sample. */
        public long sampledOut;
        /** Offers dropped because the ring was full. */
        public long ringFull;
        /** Any other outcome (closed, invalid, error): should stay 0. */
        public long other;

        /** Zeroes the counters at the start of every iteration. */
        @Setup(Level.Iteration)
        public void reset() {
            accepted = 0;
            sampledOut = 0;
            ringFull = 0;
            other = 0;
        }

        int count(int outcome) {
            switch (outcome) {
                case ShadowPublisher.ACCEPTED -> accepted++;
                case ShadowPublisher.SAMPLED_OUT -> sampledOut++;
                case ShadowPublisher.DROPPED_RING_FULL -> ringFull++;
                default -> other++;
            }
            return outcome;
        }
    }

    /** A started evaluator sampling every request, offered to at a fixed pace the agents keep up with. */
    @State(Scope.Thread)
    public static class Accepting extends Evaluator {
        /**
         * The agents' idle strategy: {@code default} is the evaluator's own (back-off without spinning: 10 yields,
         * then parks of 1 µs doubling to 1 ms); {@code spin} adds a phase of 100 spins first (the default until
         * 2026-11-26), to show what busy-polling consumers cost the producer.
         */
        @Param({"default", "spin"})
        public String idle;
        private long droppedBefore;

        /** @throws IOException if the log directory cannot be created */
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            // The evaluator's default intake ring (4 MiB).
            open(1.0, 4 << 20, true, "spin".equals(idle)
                    ? () -> new BackoffIdleStrategy(100, 10, 1_000L, 1_000_000L) : null);
        }

        /** Remembers the drops so far, to tell whether this iteration measured drops too. */
        @Setup(Level.Iteration)
        public void startIteration() {
            droppedBefore = publisher.droppedRingFullCount();
        }

        /** Warns when the agents fell behind in this iteration, so the figure mixes in ring-full drops. */
        @TearDown(Level.Iteration)
        public void checkIteration() {
            long dropped = publisher.droppedRingFullCount() - droppedBefore;
            if (dropped > 0) {
                System.err.println("WARNING: offerAccepted: " + dropped + " offers found the ring full in this "
                        + "iteration (the agents fell behind); its figure mixes in drops");
            }
        }
    }

    /**
     * One offer every {@code paceNanos}: the wait is a {@code Level.Invocation} set-up, outside the measured time.
     * JMH then times each invocation on its own, which adds its timer reads to the figure; {@code pacingOverhead}
     * measures exactly that, with nothing in the benchmark method.
     */
    @State(Scope.Thread)
    public static class Pace {
        /** Time between the starts of two invocations, ns. */
        @Param({"2000"})
        public long paceNanos;
        private long nextAt;

        /** Waits (spinning, outside the measured time) until the next invocation is due. */
        @Setup(Level.Invocation)
        public void pace() {
            long now;
            while ((now = System.nanoTime()) < nextAt) {
                Thread.onSpinWait();
            }
            nextAt = now + paceNanos;
        }
    }

    /** A started evaluator sampling nothing. */
    @State(Scope.Thread)
    public static class SamplingNothing extends Evaluator {
        /** @throws IOException if the log directory cannot be created */
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            open(0.0, 1 << 20, true, null);
        }
    }

    /** An evaluator whose agents never run, with a full intake ring. */
    @State(Scope.Thread)
    public static class RingFull extends Evaluator {
        /** @throws IOException if the log directory cannot be created */
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            open(1.0, 64 << 10, false, null);
            float[] row = new float[FEATURES];
            int filled = 0;
            while (publisher.offer(filled, row, FEATURES, 0.5f, 1, 1000) == ShadowPublisher.ACCEPTED) {
                filled++;
            }
            if (filled == 0 || filled > 1000) {
                throw new IllegalStateException("expected a small ring to fill, accepted " + filled);
            }
        }
    }

    /** Shared set-up and tear-down. */
    abstract static class Evaluator {
        ShadowEvaluator evaluator;
        ShadowPublisher publisher;
        ShadowSink sink;
        int primaryId;
        Path dir;

        void open(double sampleRate, int intakeBytes, boolean start, Supplier<IdleStrategy> idleStrategy)
                throws IOException {
            dir = Files.createTempDirectory("hotpath-shadow-bench");
            float[] w = new float[FEATURES + 1];
            for (int i = 0; i < w.length; i++) {
                w[i] = (i % 7 - 3) * 0.01f;
            }
            LinearModel shadow = LinearModel.builder(FEATURES, 1).weights(w).build();
            ShadowEvaluatorBuilder b = ShadowEvaluator.builder(dir)
                    .primaryModel(1, "primary", "bench")
                    .addShadow(ShadowModelConfig.builder(2, "candidate", shadow).build())
                    .sampleRate(sampleRate)
                    .maxFeatures(FEATURES)
                    .intakeCapacityBytes(intakeBytes);
            if (idleStrategy != null) {
                b.idleStrategy(idleStrategy);
            }
            evaluator = b.build();
            if (start) {
                evaluator.start();
            }
            publisher = evaluator.publisher();
            sink = evaluator.sink();
            primaryId = evaluator.resolvePrimary("primary", shadow, 1);
        }

        /**
         * Closes the evaluator and deletes its log.
         *
         * @throws IOException if the log cannot be deleted
         */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            evaluator.close();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Loads the row pool (200 realistic features per row). */
    @Setup(Level.Trial)
    public void setUp() {
        float[] pool = BenchData.rowPool(ModelSpec.FRAUD, POOL);
        rows = new float[POOL][FEATURES];
        for (int r = 0; r < POOL; r++) {
            System.arraycopy(pool, r * FEATURES, rows[r], 0, FEATURES);
        }
    }

    private float[] nextRow() {
        return rows[(int) (requestId & (POOL - 1))];
    }

    /**
     * @param s the evaluator
     * @param o outcome counters
     * @return the outcome code
     */
    @Benchmark
    @ZeroAllocation
    public int offerAccepted(Accepting s, Pace p, Outcomes o) {
        float[] row = nextRow();
        return o.count(s.publisher.offer(requestId++, row, FEATURES, 0.25f, 1, 3000));
    }

    /**
     * The accepted offer as the {@code Scorer} makes it: through the {@code ShadowSink} interface.
     *
     * @param s the evaluator
     * @param p the pacing
     * @param o outcome counters
     * @return the outcome code
     */
    @Benchmark
    @ZeroAllocation
    public int offerAcceptedViaSink(Accepting s, Pace p, Outcomes o) {
        float[] row = nextRow();
        return o.count(s.sink.offer(requestId++, row, FEATURES, 0.25f, s.primaryId, 3000));
    }

    /**
     * The harness's own share of {@code offerAccepted}: the same pacing and per-invocation timing around an empty
     * method. Subtract it from {@code offerAccepted} for the offer alone.
     *
     * @param p the pacing
     * @return the next due time, so the method is not empty to the compiler
     */
    @Benchmark
    public long pacingOverhead(Pace p) {
        return p.nextAt;
    }

    /**
     * @param s the evaluator
     * @param o outcome counters
     * @return the outcome code
     */
    @Benchmark
    @ZeroAllocation
    public int offerSampledOut(SamplingNothing s, Outcomes o) {
        float[] row = nextRow();
        return o.count(s.publisher.offer(requestId++, row, FEATURES, 0.25f, 1, 3000));
    }

    /**
     * @param s the evaluator
     * @param o outcome counters
     * @return the outcome code
     */
    @Benchmark
    @ZeroAllocation
    public int offerSampledOutViaSink(SamplingNothing s, Outcomes o) {
        float[] row = nextRow();
        return o.count(s.sink.offer(requestId++, row, FEATURES, 0.25f, s.primaryId, 3000));
    }

    /**
     * @param s the evaluator
     * @param o outcome counters
     * @return the outcome code
     */
    @Benchmark
    @ZeroAllocation
    public int offerRingFull(RingFull s, Outcomes o) {
        float[] row = nextRow();
        return o.count(s.publisher.offer(requestId++, row, FEATURES, 0.25f, 1, 3000));
    }
}
