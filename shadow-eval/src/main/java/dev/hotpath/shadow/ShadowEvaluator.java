package dev.hotpath.shadow;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.agrona.BufferUtil;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.scorer.ShadowControl;
import dev.hotpath.scoring.scorer.ShadowSink;
import dev.hotpath.shadow.log.ModelDescriptor;
import dev.hotpath.shadow.log.ShadowLogWriter;

/**
 * Runs shadow models next to a primary: owns the rings, the agent threads and the log writer, and hands out the
 * request-thread {@link ShadowPublisher}.
 *
 * <pre>
 * request threads --offer--&gt; [intake ManyToOneRingBuffer] --&gt; dispatcher agent
 *     --&gt; [one OneToOneRingBuffer per shadow] --&gt; one worker agent per shadow (score, time, circuit breaker)
 *     --&gt; [records ManyToOneRingBuffer] --&gt; writer agent --&gt; CRC32C blocks in rotating .shdw segments
 * </pre>
 * Every thread is a daemon Agrona {@link AgentRunner} with a back-off idle strategy that parks (up to 1 ms by
 * default), so an idle evaluator does not burn a core. Every stage drops and counts rather than waits: a full
 * intake ring drops at the producer, a slow shadow fills only its own queue, a slow disk fills only the records
 * ring. Counters are written to the log every {@code countersInterval} and at close.
 *
 * <pre>{@code
 * ShadowEvaluator shadow = ShadowEvaluator.builder(Path.of("/var/log/hotpath/shadow"))
 *         .primaryModel(1, "fraud-v7", primary)
 *         .primaryThreshold(0.8f)
 *         .addShadow(ShadowModelConfig.builder(2, "fraud-v8", candidate).threshold(0.75f).build())
 *         .sampleRate(0.25)
 *         .build();
 * shadow.start();
 * ShadowPublisher publisher = shadow.publisher();
 * // on each request, after scoring with the primary:
 * publisher.offer(requestId, features, n, score, 1, latencyNanos);
 * // at shutdown:
 * shadow.close();
 * }</pre>
 *
 * <p><b>Model ids.</b> Every model in the log has a u16 id; primaries and shadows share one id space and one name
 * registry, so a model keeps its id when a promotion changes its role. With the {@code Scorer}, pass the evaluator
 * itself ({@code Scorer.builder().shadow(evaluator)}): it is the scorer's {@link ShadowControl}. The scorer resolves
 * its primary's id by name once, when it is built and at each swap ({@link #resolvePrimary}), and offers through
 * the publisher with that number; shadows are found by name for {@code Scorer.promoteShadow}. Used directly, the
 * publisher takes the ids registered with {@link ShadowEvaluatorBuilder#primaryModel}.
 *
 * <p><b>Thread-safety:</b> thread-safe; {@link #publisher()} is for any number of request threads, the other
 * methods are cold-path control calls. <b>Allocation:</b> only at build, start, close and in the control and
 * {@link #stats()} calls.
 */
public final class ShadowEvaluator implements ShadowControl, AutoCloseable {
    private final ShadowPublisher publisher;
    private final ShadowWorkerAgent[] workers;
    private final ShadowLogWriter writer;
    private final ModelRoster roster;
    private final EvaluatorStats stats;
    private final EvaluatorAgents agents;

    private final Object lifecycle = new Object();
    private boolean started;
    private boolean closed;

    ShadowEvaluator(ShadowEvaluatorBuilder b, ShadowLogWriter writer, Map<Integer, ModelDescriptor> primaries,
            int maxFeatures, EpochNanoClock clock) {
        this.writer = writer;
        ManyToOneRingBuffer intake = new ManyToOneRingBuffer(directBuffer(b.intakeCapacityBytes));
        ManyToOneRingBuffer records = new ManyToOneRingBuffer(directBuffer(b.recordsCapacityBytes));
        this.publisher = new ShadowPublisher(intake, maxFeatures, b.seed, b.sampleRateE4);
        ConcurrentLinkedQueue<ShadowWorkerAgent.Slot> retired = new ConcurrentLinkedQueue<>();
        int k = b.shadows.size();
        this.workers = new ShadowWorkerAgent[k];
        for (int i = 0; i < k; i++) {
            ShadowModelConfig c = b.shadows.get(i);
            int cap = c.queueCapacityBytes() > 0 ? c.queueCapacityBytes() : b.shadowQueueCapacityBytes;
            workers[i] = new ShadowWorkerAgent(i, new ShadowWorkerAgent.Slot(c, resolvedThreshold(c, b)),
                    b.primaryThreshold, new OneToOneRingBuffer(directBuffer(cap)), records, retired);
        }
        DispatcherAgent dispatcher = new DispatcherAgent(intake, workers, records, b.captureRateE4, b.seed, clock);
        SingleWriterCounters agentErrors = new SingleWriterCounters(1);
        this.roster = new ModelRoster(workers, b.primaryThreshold, primaries.values());
        this.stats = new EvaluatorStats(publisher, dispatcher, workers, writer, agentErrors);
        LogWriterAgent writerAgent = new LogWriterAgent(records, writer, stats, roster, workers, retired,
                b.countersInterval.toNanos(), b.summaryInterval.toNanos(), clock);
        this.agents = new EvaluatorAgents(intake, records, dispatcher, workers, writerAgent, b.idleStrategy,
                new AgentErrorHandler(agentErrors, 0), b.closeTimeout.toNanos());
        for (ModelDescriptor d : primaries.values()) {
            writer.registerModel(d);
        }
        for (ShadowModelConfig c : b.shadows) {
            writer.registerModel(c.descriptor(resolvedThreshold(c, b)));
        }
    }

    /**
     * @param logDirectory where the shadow log segments go; created if missing
     * @return a builder with the documented defaults
     */
    public static ShadowEvaluatorBuilder builder(Path logDirectory) {
        return new ShadowEvaluatorBuilder(logDirectory);
    }

    private static float resolvedThreshold(ShadowModelConfig c, ShadowEvaluatorBuilder b) {
        return Float.isNaN(c.threshold()) ? b.primaryThreshold : c.threshold();
    }

    private static UnsafeBuffer directBuffer(int capacity) {
        return new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity + RingBufferDescriptor.TRAILER_LENGTH, 64));
    }

    /** @return the request-thread handle; valid before {@link #start()} (offers then queue up or drop) */
    public ShadowPublisher publisher() {
        return publisher;
    }

    /**
     * This evaluator's {@link ShadowSink}: its {@link ShadowPublisher}, which the {@code Scorer} offers to with the
     * primary id {@link #resolvePrimary} gave it.
     *
     * @return the publisher, as the scorer's sink
     */
    @Override
    public ShadowSink sink() {
        return publisher;
    }

    /**
     * The log id of a primary model by name: the id it was registered with ({@code builder.primaryModel}, or a
     * shadow's id when a promoted shadow now serves), else a new one, the smallest free, recorded with a MODEL_INFO
     * record (name, {@code "v" + version}, the model's checksum and description). Cold path; the {@code Scorer}
     * calls it once per model, when it is built and at each swap.
     *
     * @param name the primary's name as the caller knows it (e.g. the {@code Scorer}'s model id)
     * @param model the primary model (only its metadata is read)
     * @param version the scorer's model version counter, recorded with a new name
     * @return the u16 id to pass to {@code offer}, or -1 if the name is empty or the registry is full (1,024 names)
     */
    @Override
    public int resolvePrimary(String name, Model model, long version) {
        return roster.resolvePrimary(name, model, version);
    }

    /** @return the current shadow models by name (a snapshot; cold) */
    @Override
    public Map<String, Model> shadowModels() {
        return roster.shadowModels();
    }

    /**
     * Replaces the shadow named {@code name} by {@code model} under {@code newName} (promotion: the previous
     * primary becomes a shadow). The replacement keeps the old shadow's budget and breaker settings, uses the
     * primary threshold, gets the log id already registered for {@code newName} (or a new one), and starts with
     * fresh counters (or continues that id's earlier shadow counters). It takes over in queue order: requests
     * already queued for the old shadow are still scored by it and counted under its id, later ones by the new
     * model; requests the new model served itself as the primary are skipped (counted as {@code skippedSelf}). Cold
     * path.
     *
     * @param name the shadow to replace
     * @param newName the replacement's name
     * @param model the replacement model; the caller keeps ownership
     * @throws ConfigurationException if no shadow has that name or {@code newName} names another shadow
     */
    @Override
    public void replaceShadow(String name, String newName, Model model) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(newName, "newName");
        roster.replaceShadow(name, newName, model);
    }

    /**
     * Starts the dispatcher, one worker per shadow and the writer on daemon threads. Idempotent.
     *
     * @throws IllegalStateException if the evaluator is closed
     */
    public void start() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("shadow evaluator is closed");
            }
            if (started) {
                return;
            }
            started = true;
            agents.start();
        }
    }

    /** @return the number of shadow positions (workers) */
    public int shadowCount() {
        return workers.length;
    }

    /** @return the current shadow configurations, in order */
    public List<ShadowModelConfig> shadows() {
        return roster.shadows();
    }

    /** @return the log writer's directory */
    public Path logDirectory() {
        return writer.directory();
    }

    /** @return the instance id written into this evaluator's files and counters */
    public long instanceId() {
        return writer.instanceId();
    }

    /** @return agent threads that did not stop within the close timeout (a shadow stuck in {@code score}) */
    public int abandonedThreads() {
        return agents.abandonedThreads();
    }

    /** @return a snapshot of every counter and each shadow's latency histogram (allocates) */
    public ShadowStats stats() {
        return stats.snapshot();
    }

    /**
     * Stops accepting offers, lets the agents drain within the close timeout, writes final counters and finishes
     * the current segment. A shadow stuck inside {@code score} is abandoned (its daemon thread is left to finish
     * on its own) rather than blocking close; see {@link #abandonedThreads()}. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            publisher.close();
            agents.close();
        }
    }
}
