package dev.hotpath.shadow;

import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluator's threads: starts the writer, one worker per shadow and the dispatcher as daemon Agrona
 * {@link AgentRunner}s, and stops them in pipeline order at close, each stage draining into the next within one
 * deadline. A thread that does not stop in time (a shadow stuck inside {@code score}) is abandoned, not waited for.
 *
 * <p>Not thread-safe: the evaluator calls {@link #start} and {@link #close} under its lifecycle lock.
 */
final class EvaluatorAgents {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowEvaluator.class);
    private static final long STOP_JOIN_MIN_NANOS = 200_000_000L;
    /** Offers that passed the publisher's closed check just before it flipped commit within microseconds. */
    private static final long LATE_COMMIT_NANOS = 20_000_000L;

    private final ManyToOneRingBuffer intake;
    private final ManyToOneRingBuffer records;
    private final DispatcherAgent dispatcher;
    private final ShadowWorkerAgent[] workers;
    private final LogWriterAgent writer;
    private final Supplier<IdleStrategy> idleStrategy;
    private final AgentErrorHandler errorHandler;
    private final long closeTimeoutNanos;

    private AgentRunner dispatcherRunner;
    private AgentRunner[] workerRunners;
    private AgentRunner writerRunner;
    private volatile int abandonedThreads;

    EvaluatorAgents(ManyToOneRingBuffer intake, ManyToOneRingBuffer records, DispatcherAgent dispatcher,
            ShadowWorkerAgent[] workers, LogWriterAgent writer, Supplier<IdleStrategy> idleStrategy,
            AgentErrorHandler errorHandler, long closeTimeoutNanos) {
        this.intake = intake;
        this.records = records;
        this.dispatcher = dispatcher;
        this.workers = workers;
        this.writer = writer;
        this.idleStrategy = idleStrategy;
        this.errorHandler = errorHandler;
        this.closeTimeoutNanos = closeTimeoutNanos;
    }

    void start() {
        ThreadFactory daemon = r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        };
        writerRunner = new AgentRunner(idleStrategy.get(), errorHandler, null, writer);
        workerRunners = new AgentRunner[workers.length];
        for (int i = 0; i < workers.length; i++) {
            workerRunners[i] = new AgentRunner(idleStrategy.get(), errorHandler, null, workers[i]);
        }
        dispatcherRunner = new AgentRunner(idleStrategy.get(), errorHandler, null, dispatcher);
        AgentRunner.startOnThread(writerRunner, daemon);
        for (AgentRunner r : workerRunners) {
            AgentRunner.startOnThread(r, daemon);
        }
        AgentRunner.startOnThread(dispatcherRunner, daemon);
    }

    /** Drains and stops every stage in order; the publisher is already closed. */
    void close() {
        if (writerRunner == null) {
            writer.closeWithoutThread();
            return;
        }
        long deadline = System.nanoTime() + closeTimeoutNanos;
        awaitQuietly(() -> intake.size() == 0 && intake.producerPosition() == intake.consumerPosition(),
                Math.min(deadline, System.nanoTime() + LATE_COMMIT_NANOS));
        awaitQuietly(() -> intake.size() == 0, deadline);
        dispatcher.requestStop();
        stop(dispatcherRunner, deadline);
        for (ShadowWorkerAgent w : workers) {
            OneToOneRingBuffer q = w.queue();
            awaitQuietly(() -> q.size() == 0, deadline);
        }
        for (ShadowWorkerAgent w : workers) {
            w.requestStop();
        }
        for (int i = 0; i < workers.length; i++) {
            if (stop(workerRunners[i], deadline)) {
                workers[i].countAbandoned();
            } else {
                ShadowWorkerAgent.Slot slot = workers[i].active();
                LOG.warn("shadow {} ({}) did not return from score() within the close timeout; "
                        + "its thread is abandoned (daemon) and its queued requests are lost",
                        slot.config.name(), slot.modelId);
            }
        }
        awaitQuietly(() -> records.size() == 0, deadline);
        writer.requestStop();
        if (!stop(writerRunner, Math.max(deadline, System.nanoTime() + 2 * STOP_JOIN_MIN_NANOS))) {
            LOG.warn("shadow log writer did not finish within the close timeout; the current segment stays "
                    + ".part and is recovered by the next writer on this directory");
        }
    }

    /** @return agent threads that did not stop within the close timeout */
    int abandonedThreads() {
        return abandonedThreads;
    }

    /** @return whether the runner's thread ended (then the runner is closed too) */
    private boolean stop(AgentRunner runner, long deadline) {
        Thread t = runner.thread();
        if (t == null || t == AgentRunner.TOMBSTONE) {
            runner.close();
            return true;
        }
        long waitNanos = Math.max(STOP_JOIN_MIN_NANOS, deadline - System.nanoTime());
        try {
            t.join(Math.max(1, waitNanos / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            abandonedThreads++;
            return false;
        }
        runner.close();
        return true;
    }

    private static void awaitQuietly(BooleanSupplier condition, long deadline) {
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
