package dev.hotpath.shadow;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.HdrHistogram.Histogram;
import org.agrona.BufferUtil;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.scorer.ShadowSink;
import dev.hotpath.shadow.log.LogOptions;
import dev.hotpath.shadow.log.ModelDescriptor;
import dev.hotpath.shadow.log.ShadowLogFormat;
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
 * <p><b>Thread-safety:</b> thread-safe; {@link #publisher()} is for any number of request threads, the other
 * methods are cold-path control calls. <b>Allocation:</b> only at build, start, close and in {@link #stats()}.
 */
public final class ShadowEvaluator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowEvaluator.class);
    private static final long STOP_JOIN_MIN_NANOS = 200_000_000L;

    private final float primaryThreshold;
    private final ManyToOneRingBuffer intake;
    private final ManyToOneRingBuffer records;
    private final ShadowPublisher publisher;
    private final DispatcherAgent dispatcher;
    private final ShadowWorkerAgent[] workers;
    private final ShadowLogWriter writer;
    private final ModelIdRegistry registry = new ModelIdRegistry();
    private final ConcurrentLinkedQueue<ShadowWorkerAgent.Slot> retired = new ConcurrentLinkedQueue<>();
    private final ShadowSink sink = new EvaluatorShadowSink();
    private final LogWriterAgent writerAgent;
    private final SingleWriterCounters agentErrors = new SingleWriterCounters(1);
    private final AgentErrorHandler errorHandler = new AgentErrorHandler(agentErrors, 0);
    private final Supplier<IdleStrategy> idleStrategy;
    private final long closeTimeoutNanos;
    private final ConcurrentLinkedQueue<ModelDescriptor> pendingModels = new ConcurrentLinkedQueue<>();
    private final int captureRateE4;

    private final Object lifecycle = new Object();
    private boolean started;
    private boolean closed;
    private AgentRunner dispatcherRunner;
    private AgentRunner[] workerRunners;
    private AgentRunner writerRunner;
    private int abandonedThreads;

    private ShadowEvaluator(Builder b, ShadowLogWriter writer, Map<Integer, ModelDescriptor> primaries,
            int maxFeatures, EpochNanoClock clock) {
        this.primaryThreshold = b.primaryThreshold;
        this.idleStrategy = b.idleStrategy;
        this.closeTimeoutNanos = b.closeTimeout.toNanos();
        this.captureRateE4 = b.captureRateE4;
        this.writer = writer;
        this.intake = new ManyToOneRingBuffer(directBuffer(b.intakeCapacityBytes));
        this.records = new ManyToOneRingBuffer(directBuffer(b.recordsCapacityBytes));
        this.publisher = new ShadowPublisher(intake, maxFeatures, b.seed, b.sampleRateE4);
        int k = b.shadows.size();
        this.workers = new ShadowWorkerAgent[k];
        for (int i = 0; i < k; i++) {
            ShadowModelConfig c = b.shadows.get(i);
            int cap = c.queueCapacityBytes() > 0 ? c.queueCapacityBytes() : b.shadowQueueCapacityBytes;
            workers[i] = new ShadowWorkerAgent(i, new ShadowWorkerAgent.Slot(c, resolvedThreshold(c)),
                    primaryThreshold, new OneToOneRingBuffer(directBuffer(cap)), records);
        }
        this.dispatcher = new DispatcherAgent(intake, workers, records, b.captureRateE4, b.seed, clock);
        this.writerAgent = new LogWriterAgent(records, writer, this, b.countersInterval.toNanos(),
                b.summaryInterval.toNanos(), clock);
        for (ModelDescriptor d : primaries.values()) {
            registry.put(d.name(), d.modelId());
            writer.registerModel(d);
        }
        for (ShadowModelConfig c : b.shadows) {
            registry.put(c.name(), c.modelId());
            writer.registerModel(c.descriptor(resolvedThreshold(c)));
        }
    }

    /**
     * @param logDirectory where the shadow log segments go; created if missing
     * @return a builder with the documented defaults
     */
    public static Builder builder(Path logDirectory) {
        return new Builder(logDirectory);
    }

    private float resolvedThreshold(ShadowModelConfig c) {
        return Float.isNaN(c.threshold()) ? primaryThreshold : c.threshold();
    }

    private static UnsafeBuffer directBuffer(int capacity) {
        return new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity + RingBufferDescriptor.TRAILER_LENGTH, 64));
    }

    /** @return the request-thread handle; valid before {@link #start()} (offers then queue up or drop) */
    public ShadowPublisher publisher() {
        return publisher;
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
            ThreadFactory daemon = r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            };
            writerRunner = new AgentRunner(idleStrategy.get(), errorHandler, null, new PendingModelsAgent());
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
    }

    /**
     * Registers another primary model (for example after a hot swap) so the log names it. Cold path; the writer
     * records it shortly.
     *
     * @param modelId the id the caller passes to {@code offer}, {@code 0..65534}, not a shadow's id
     * @param name a human name
     * @param version a version label, may be empty
     * @param checksum the artefact's SHA-256, may be empty
     */
    public void registerPrimaryModel(int modelId, String name, String version, String checksum) {
        ModelDescriptor d = new ModelDescriptor(modelId, ShadowLogFormat.ROLE_PRIMARY, name, version, checksum, "",
                primaryThreshold, -1, 0, 0);
        synchronized (registry) {
            int existing = registry.find(name);
            if (existing >= 0 && existing != modelId) {
                throw new ConfigurationException("model name '" + name + "' is already registered as id " + existing);
            }
            if (existing < 0) {
                if (registry.isUsed(modelId)) {
                    throw new ConfigurationException("model id " + modelId + " is already used by another model");
                }
                registry.put(name, modelId);
            }
        }
        pendingModels.add(d);
    }

    /**
     * The log id for a primary model name, registering the name (once, cold) when it is new. Allocation-free for
     * names seen before.
     *
     * @param name the primary model's name as the caller knows it (e.g. the {@code Scorer}'s model id)
     * @param version a version label recorded with a new name, e.g. the scorer's swap counter
     * @return the u16 id to pass to {@code offer}, or -1 if the name cannot be registered
     */
    public int primaryModelId(String name, long version) {
        if (name == null || name.isEmpty()) {
            return -1;
        }
        int id = registry.find(name);
        return id >= 0 ? id : registerPrimaryName(name, version);
    }

    private int registerPrimaryName(String name, long version) {
        try {
            synchronized (registry) {
                int id = registry.find(name);
                if (id >= 0) {
                    return id;
                }
                String n = name.length() > 200 ? name.substring(0, 200) : name;
                id = registry.register(name);
                if (id >= 0) {
                    pendingModels.add(new ModelDescriptor(id, ShadowLogFormat.ROLE_PRIMARY, n, "v" + version, "",
                            "registered on first offer", primaryThreshold, -1, 0, 0));
                }
                return id;
            }
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * This evaluator as the {@code Scorer}'s {@link ShadowSink}: {@code offer} maps the primary's name to a log id
     * (registering new names once) and forwards to {@link ShadowPublisher#offer}; {@code shadowModels} and
     * {@code replaceShadow} support {@code Scorer.promoteShadow}. Shadows are identified by their configured
     * names. The sink passes 0 as the primary latency (the interface carries none).
     *
     * @return the sink; thread-safe, {@code offer} allocation-free for known primary names
     */
    public ShadowSink sink() {
        return sink;
    }

    /** @return the current shadow models by name (a snapshot; cold) */
    public Map<String, Model> shadowModels() {
        Map<String, Model> m = new LinkedHashMap<>();
        for (ShadowWorkerAgent w : workers) {
            ShadowWorkerAgent.Slot slot = w.slot();
            m.put(slot.config.name(), slot.model);
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Replaces the shadow named {@code name} by {@code model} under {@code newName} (promotion: the previous
     * primary becomes a shadow). The replacement keeps the old shadow's budget and breaker settings, uses the
     * primary threshold, gets the log id already registered for {@code newName} (or a new one), and starts with
     * fresh counters; the old shadow's final counters are still written. It applies from the next request the
     * worker takes. Cold path.
     *
     * @param name the shadow to replace
     * @param newName the replacement's name
     * @param model the replacement model; the caller keeps ownership
     * @throws ConfigurationException if no shadow has that name or {@code newName} names another shadow
     */
    public void replaceShadow(String name, String newName, Model model) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(newName, "newName");
        synchronized (lifecycle) {
            ShadowWorkerAgent target = null;
            for (ShadowWorkerAgent w : workers) {
                String current = w.slot().config.name();
                if (current.equals(name)) {
                    target = w;
                } else if (current.equals(newName)) {
                    throw new ConfigurationException("'" + newName + "' is already the name of another shadow");
                }
            }
            if (target == null) {
                throw new ConfigurationException("no shadow named '" + name + "'; shadows: "
                        + shadowModels().keySet());
            }
            int id;
            synchronized (registry) {
                id = registry.register(newName);
            }
            if (id < 0) {
                throw new ConfigurationException("too many model names registered (" + ModelIdRegistry.MAX_NAMES
                        + ")");
            }
            ShadowModelConfig old = target.slot().config;
            ShadowModelConfig next = ShadowModelConfig.builder(id, newName, model)
                    .latencyBudget(Duration.ofNanos(old.latencyBudgetNanos()))
                    .breakerFailures(old.breakerFailures())
                    .breakerCoolDown(Duration.ofNanos(old.breakerCoolDownNanos()))
                    .build();
            ShadowWorkerAgent.Slot slot = new ShadowWorkerAgent.Slot(next, primaryThreshold);
            pendingModels.add(next.descriptor(primaryThreshold));
            retired.add(target.slot());
            target.replace(slot);
            LOG.info("shadow '{}' [{}] replaced by '{}' [{}]", name, old.modelId(), newName, id);
        }
    }

    ShadowWorkerAgent.Slot pollRetired() {
        return retired.poll();
    }

    /** @return the number of shadow positions (workers) */
    public int shadowCount() {
        return workers.length;
    }

    int shadowModelId(int k) {
        return workers[k].slot().modelId;
    }

    /** @return the current shadow configurations, in order */
    public List<ShadowModelConfig> shadows() {
        List<ShadowModelConfig> list = new ArrayList<>();
        for (ShadowWorkerAgent w : workers) {
            list.add(w.slot().config);
        }
        return List.copyOf(list);
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
        synchronized (lifecycle) {
            return abandonedThreads;
        }
    }

    /** @return a snapshot of every counter and each shadow's latency histogram (allocates) */
    public ShadowStats stats() {
        List<ShadowModelStats> list = new ArrayList<>();
        for (ShadowWorkerAgent w : workers) {
            ShadowWorkerAgent.Slot slot = w.slot();
            SingleWriterCounters c = slot.counters;
            list.add(new ShadowModelStats(slot.modelId, slot.config.name(),
                    c.get(ShadowLogFormat.S_RECEIVED), c.get(ShadowLogFormat.S_DROPPED_BACKLOG),
                    c.get(ShadowLogFormat.S_SCORED), c.get(ShadowLogFormat.S_ERRORS),
                    c.get(ShadowLogFormat.S_NAN_OUTPUTS), c.get(ShadowLogFormat.S_OVER_BUDGET),
                    c.get(ShadowLogFormat.S_BREAKER_TRIPS), c.get(ShadowLogFormat.S_SKIPPED_BREAKER_OPEN),
                    c.get(ShadowLogFormat.S_DROPPED_WRITER_FULL), c.get(ShadowLogFormat.S_RECORDS_EMITTED),
                    slot.breakerOpen, slot.latency.snapshot()));
        }
        SingleWriterCounters d = dispatcher.counters();
        return new ShadowStats(publisher.offeredCount(), publisher.acceptedCount(), publisher.sampledOutCount(),
                publisher.droppedRingFullCount(), publisher.rejectedInvalidCount(), publisher.rejectedClosedCount(),
                publisher.producerErrorCount() + d.get(DispatcherAgent.D_UNBLOCKED),
                d.get(DispatcherAgent.D_DISPATCHED), d.get(DispatcherAgent.D_FEATURES_CAPTURED),
                d.get(DispatcherAgent.D_FEATURES_DROPPED), writer.recordsWritten(), writer.recordsDropped(),
                writer.ioErrors(), agentErrors.get(0), list);
    }

    void fillGlobalCounters(long[] v) {
        SingleWriterCounters d = dispatcher.counters();
        v[ShadowLogFormat.G_OFFERED] = publisher.offeredCount();
        v[ShadowLogFormat.G_ACCEPTED] = publisher.acceptedCount();
        v[ShadowLogFormat.G_SAMPLED_OUT] = publisher.sampledOutCount();
        v[ShadowLogFormat.G_DROPPED_RING_FULL] = publisher.droppedRingFullCount();
        v[ShadowLogFormat.G_REJECTED_INVALID] = publisher.rejectedInvalidCount();
        v[ShadowLogFormat.G_REJECTED_CLOSED] = publisher.rejectedClosedCount();
        v[ShadowLogFormat.G_PRODUCER_ERRORS] = publisher.producerErrorCount() + d.get(DispatcherAgent.D_UNBLOCKED);
        v[ShadowLogFormat.G_DISPATCHED] = d.get(DispatcherAgent.D_DISPATCHED);
        v[ShadowLogFormat.G_FEATURES_CAPTURED] = d.get(DispatcherAgent.D_FEATURES_CAPTURED);
        v[ShadowLogFormat.G_FEATURES_DROPPED] = d.get(DispatcherAgent.D_FEATURES_DROPPED);
        v[ShadowLogFormat.G_DROPPED_IO] = writer.recordsDropped();
        v[ShadowLogFormat.G_IO_ERRORS] = writer.ioErrors();
        v[ShadowLogFormat.G_RECORDS_WRITTEN] = writer.recordsWritten();
        v[ShadowLogFormat.G_BYTES_WRITTEN] = writer.bytesWritten();
        v[ShadowLogFormat.G_AGENT_ERRORS] = agentErrors.get(0);
        v[ShadowLogFormat.G_SAMPLE_RATE_E4] = publisher.sampleRateE4();
    }

    void fillShadowCounters(int k, long[] v) {
        workers[k].slot().counters.copyInto(v);
    }

    void logSummary() {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        ShadowStats s = stats();
        StringBuilder sb = new StringBuilder(256);
        sb.append("shadow evaluation: offered=").append(s.offered()).append(" accepted=").append(s.accepted())
                .append(" droppedRingFull=").append(s.droppedRingFull()).append(" written=")
                .append(s.recordsWritten()).append(" droppedIo=").append(s.recordsDroppedIo());
        for (ShadowModelStats m : s.shadows()) {
            Histogram h = m.latencyNanos();
            sb.append("; ").append(m.name()).append('[').append(m.modelId()).append("]: scored=").append(m.scored())
                    .append(" errors=").append(m.errors() + m.nanOutputs()).append(" overBudget=")
                    .append(m.overBudget()).append(" backlogDrops=").append(m.droppedBacklog()).append(" breaker=")
                    .append(m.breakerOpen() ? "OPEN" : "closed").append(" p99=")
                    .append(h.getTotalCount() == 0 ? "-" : (h.getValueAtPercentile(99.0) / 1000.0) + "us");
        }
        LOG.info(sb.toString());
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
            if (!started) {
                drainPendingModels();
                writerAgent.closeWithoutThread();
                return;
            }
            long deadline = System.nanoTime() + closeTimeoutNanos;
            // Offers that passed the closed check just before it flipped commit within microseconds.
            awaitQuietly(() -> intake.size() == 0 && intake.producerPosition() == intake.consumerPosition(),
                    Math.min(deadline, System.nanoTime() + 20_000_000L));
            awaitQuietly(() -> intake.size() == 0, deadline);
            dispatcher.requestStop();
            stop(dispatcherRunner, deadline);
            for (int i = 0; i < workers.length; i++) {
                OneToOneRingBuffer q = workers[i].queue();
                awaitQuietly(() -> q.size() == 0, deadline);
            }
            for (int i = 0; i < workers.length; i++) {
                workers[i].requestStop();
            }
            for (int i = 0; i < workers.length; i++) {
                if (stop(workerRunners[i], deadline)) {
                    workers[i].countAbandoned();
                } else {
                    LOG.warn("shadow {} ({}) did not return from score() within the close timeout; "
                            + "its thread is abandoned (daemon) and its queued requests are lost",
                            workers[i].slot().config.name(), workers[i].slot().modelId);
                }
            }
            awaitQuietly(() -> records.size() == 0, deadline);
            writerAgent.requestStop();
            if (!stop(writerRunner, Math.max(deadline, System.nanoTime() + 2 * STOP_JOIN_MIN_NANOS))) {
                LOG.warn("shadow log writer did not finish within the close timeout; the current segment stays "
                        + ".part and is recovered by the next writer on this directory");
            }
        }
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

    private void drainPendingModels() {
        ModelDescriptor d;
        while ((d = pendingModels.poll()) != null) {
            writer.registerModel(d);
        }
    }

    /** The {@link ShadowSink} view used by {@code dev.hotpath.scoring.scorer.Scorer}. */
    private final class EvaluatorShadowSink implements ShadowSink {
        @Override
        public boolean offer(long requestId, float[] features, int nFeatures, float primaryScore,
                String primaryModelId, long primaryVersion, int primaryLatencyNanos) {
            int id = primaryModelId(primaryModelId, primaryVersion);
            return publisher.offer(requestId, features, nFeatures, primaryScore, id < 0 ? -1 : id,
                    primaryLatencyNanos) == ShadowPublisher.ACCEPTED;
        }

        @Override
        public Map<String, Model> shadowModels() {
            return ShadowEvaluator.this.shadowModels();
        }

        @Override
        public void replaceShadow(String id, String newId, Model model) {
            ShadowEvaluator.this.replaceShadow(id, newId, model);
        }
    }

    /** Wraps the writer agent so runtime model registrations are applied on the writer's thread. */
    private final class PendingModelsAgent implements org.agrona.concurrent.Agent {
        @Override
        public int doWork() throws Exception {
            int work = 0;
            if (!pendingModels.isEmpty()) {
                drainPendingModels();
                work++;
            }
            return work + writerAgent.doWork();
        }

        @Override
        public void onClose() {
            drainPendingModels();
            writerAgent.onClose();
        }

        @Override
        public String roleName() {
            return writerAgent.roleName();
        }
    }

    static void checkPowerOfTwo(String name, int bytes) {
        if (bytes < 4096 || bytes > (1 << 30) || Integer.bitCount(bytes) != 1) {
            throw new ConfigurationException(name + " must be a power of two in 4096..1073741824, got " + bytes);
        }
    }

    /**
     * Configures a {@link ShadowEvaluator}. Every setter validates its argument; {@link #build()} checks the
     * combination (ids unique, message sizes fit the rings) and creates the log directory. Not thread-safe.
     */
    public static final class Builder {
        private final Path logDirectory;
        private LogOptions log = LogOptions.defaults();
        private final Map<Integer, ModelDescriptor> primaries = new LinkedHashMap<>();
        private final List<ShadowModelConfig> shadows = new ArrayList<>();
        private float primaryThreshold = 0.5f;
        private int sampleRateE4 = ShadowSampling.RATE_SCALE;
        private int captureRateE4;
        private long seed;
        private int maxFeatures = -1;
        private int intakeCapacityBytes = 4 << 20;
        private int shadowQueueCapacityBytes = 1 << 20;
        private int recordsCapacityBytes = 4 << 20;
        private Supplier<IdleStrategy> idleStrategy =
                () -> new BackoffIdleStrategy(0, 10, 1_000L, 1_000_000L);
        private Duration countersInterval = Duration.ofSeconds(10);
        private Duration summaryInterval = Duration.ofSeconds(60);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private EpochNanoClock clock;

        private Builder(Path logDirectory) {
            this.logDirectory = Objects.requireNonNull(logDirectory, "logDirectory");
        }

        /**
         * Names a primary model in the log. Register every id you pass to {@code offer}.
         *
         * @param modelId the id passed to {@code offer}, {@code 0..65534}
         * @param name a human name
         * @param version a version label, may be empty
         * @return this
         */
        public Builder primaryModel(int modelId, String name, String version) {
            primaries.put(modelId, new ModelDescriptor(modelId, ShadowLogFormat.ROLE_PRIMARY, name, version, "", "",
                    Float.NaN, -1, 0, 0));
            return this;
        }

        /**
         * Names a primary model in the log, taking its checksum and description from {@link Model#info()}.
         *
         * @param modelId the id passed to {@code offer}, {@code 0..65534}
         * @param name a human name
         * @param model the primary model (only its metadata is read)
         * @return this
         */
        public Builder primaryModel(int modelId, String name, Model model) {
            Objects.requireNonNull(model, "model");
            primaries.put(modelId, new ModelDescriptor(modelId, ShadowLogFormat.ROLE_PRIMARY, name,
                    model.info().formatVersion(), model.info().checksum(), ShadowModelConfig.describe(model.info()),
                    Float.NaN, model.numFeatures(), 0, 0));
            return this;
        }

        /**
         * @param threshold the primary's decision threshold (score {@code >=} threshold blocks); also the default
         *     for shadows without their own; default 0.5
         * @return this
         */
        public Builder primaryThreshold(float threshold) {
            if (!Float.isFinite(threshold)) {
                throw new ConfigurationException("primaryThreshold must be finite, got " + threshold);
            }
            this.primaryThreshold = threshold;
            return this;
        }

        /**
         * @param shadow a shadow to run; at most 16, ids unique
         * @return this
         */
        public Builder addShadow(ShadowModelConfig shadow) {
            Objects.requireNonNull(shadow, "shadow");
            if (shadows.size() >= 16) {
                throw new ConfigurationException("at most 16 shadows per evaluator");
            }
            shadows.add(shadow);
            return this;
        }

        /**
         * @param rate share of requests shadowed, {@code [0, 1]} in steps of 1/10,000; default 1.0. Changeable at
         *     run time with {@link ShadowPublisher#sampleRate(double)}.
         * @return this
         */
        public Builder sampleRate(double rate) {
            this.sampleRateE4 = ShadowSampling.toRateE4(rate);
            return this;
        }

        /**
         * @param seed the sampling seed (same seed, same sample on every host); default 0
         * @return this
         */
        public Builder samplingSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param rate share of <em>sampled</em> requests whose feature vectors are logged for replay,
         *     {@code [0, 1]}; default 0
         * @return this
         */
        public Builder featureCaptureRate(double rate) {
            this.captureRateE4 = ShadowSampling.toRateE4(rate);
            return this;
        }

        /**
         * @param n the most features one offer may carry; default the widest shadow's {@code numFeatures()}
         * @return this
         */
        public Builder maxFeatures(int n) {
            if (n < 1 || n > ShadowLogFormat.MAX_FEATURES) {
                throw new ConfigurationException("maxFeatures must be in 1.." + ShadowLogFormat.MAX_FEATURES
                        + ", got " + n);
            }
            this.maxFeatures = n;
            return this;
        }

        /**
         * @param bytes intake ring capacity, a power of two; default 4 MiB
         * @return this
         */
        public Builder intakeCapacityBytes(int bytes) {
            checkPowerOfTwo("intakeCapacityBytes", bytes);
            this.intakeCapacityBytes = bytes;
            return this;
        }

        /**
         * @param bytes default capacity of each shadow's queue, a power of two; default 1 MiB
         * @return this
         */
        public Builder shadowQueueCapacityBytes(int bytes) {
            checkPowerOfTwo("shadowQueueCapacityBytes", bytes);
            this.shadowQueueCapacityBytes = bytes;
            return this;
        }

        /**
         * @param bytes capacity of the ring between the shadows and the writer, a power of two; default 4 MiB
         * @return this
         */
        public Builder recordsCapacityBytes(int bytes) {
            checkPowerOfTwo("recordsCapacityBytes", bytes);
            this.recordsCapacityBytes = bytes;
            return this;
        }

        /**
         * @param options how the log is written: segment names, rotation, block size, fsync, disk-space floor,
         *     retention; default {@link LogOptions#defaults()}
         * @return this
         */
        public Builder log(LogOptions options) {
            this.log = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * @param strategy creates the idle strategy of each agent thread; default a back-off without a spin phase:
         *     10 yields, then parks of 1 µs doubling to 1 ms. Spinning agents share the request threads' CPUs and
         *     the cache lines the producers write (a paced accepted offer measured 138 ns with 100 spins, 104 without)
         * @return this
         */
        public Builder idleStrategy(Supplier<IdleStrategy> strategy) {
            this.idleStrategy = Objects.requireNonNull(strategy, "idleStrategy");
            return this;
        }

        /**
         * @param interval how often COUNTERS records are written; default 10 s
         * @return this
         */
        public Builder countersInterval(Duration interval) {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new ConfigurationException("countersInterval must be positive, got " + interval);
            }
            this.countersInterval = interval;
            return this;
        }

        /**
         * @param interval how often a one-line INFO summary is logged; {@link Duration#ZERO} disables; default 60 s
         * @return this
         */
        public Builder summaryInterval(Duration interval) {
            if (interval == null || interval.isNegative()) {
                throw new ConfigurationException("summaryInterval must be >= 0, got " + interval);
            }
            this.summaryInterval = interval;
            return this;
        }

        /**
         * @param timeout how long {@link #close()} waits for the agents to drain; default 5 s
         * @return this
         */
        public Builder closeTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.toMinutes() > 10) {
                throw new ConfigurationException("closeTimeout must be in 0..10 min, got " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /**
         * @param clock epoch-ns clock for record times and the log; default an {@link OffsetEpochNanoClock}
         *     (allocation-free, resampled every 10 s by the writer)
         * @return this
         */
        public Builder clock(EpochNanoClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @return an evaluator, not yet started
         * @throws ConfigurationException if the combination is invalid
         */
        public ShadowEvaluator build() {
            JvmFlags.requireAgronaAccess();
            if (shadows.isEmpty()) {
                throw new ConfigurationException("add at least one shadow with addShadow(...)");
            }
            Set<Integer> ids = new HashSet<>();
            Set<String> names = new HashSet<>();
            for (ModelDescriptor d : primaries.values()) {
                if (!names.add(d.name())) {
                    throw new ConfigurationException("model name '" + d.name() + "' is used twice");
                }
            }
            int widest = 1;
            for (ShadowModelConfig c : shadows) {
                if (!ids.add(c.modelId())) {
                    throw new ConfigurationException("shadow model id " + c.modelId() + " is used twice");
                }
                if (!names.add(c.name())) {
                    throw new ConfigurationException("model name '" + c.name() + "' is used twice; shadows are "
                            + "identified by name (e.g. for Scorer.promoteShadow)");
                }
                if (primaries.containsKey(c.modelId())) {
                    throw new ConfigurationException("model id " + c.modelId() + " is both a primary and shadow "
                            + c.name());
                }
                widest = Math.max(widest, c.model().numFeatures());
            }
            // Resolved into locals so the builder stays reusable.
            Map<Integer, ModelDescriptor> resolvedPrimaries = new LinkedHashMap<>();
            if (primaries.isEmpty()) {
                int id = 0;
                while (ids.contains(id)) {
                    id++;
                }
                resolvedPrimaries.put(id, new ModelDescriptor(id, ShadowLogFormat.ROLE_PRIMARY, "primary", "", "",
                        "", primaryThreshold, -1, 0, 0));
            }
            for (ModelDescriptor d : primaries.values()) {
                resolvedPrimaries.put(d.modelId(), new ModelDescriptor(d.modelId(), d.role(), d.name(), d.version(),
                        d.checksum(), d.description(), primaryThreshold, d.numFeatures(), d.outputIndex(), 0));
            }
            int maxFeatures = this.maxFeatures < 0 ? Math.min(widest, ShadowLogFormat.MAX_FEATURES) : this.maxFeatures;
            int msg = IntakeLayout.messageLength(maxFeatures);
            checkFits("intakeCapacityBytes", intakeCapacityBytes, msg, maxFeatures);
            for (ShadowModelConfig c : shadows) {
                int cap = c.queueCapacityBytes() > 0 ? c.queueCapacityBytes() : shadowQueueCapacityBytes;
                checkFits("queue capacity of shadow " + c.name(), cap, msg, maxFeatures);
            }
            checkFits("recordsCapacityBytes", recordsCapacityBytes, ShadowLogFormat.COMPARISON_LENGTH, maxFeatures);
            if (captureRateE4 > 0) {
                int features = ShadowLogFormat.featuresLength(maxFeatures);
                checkFits("recordsCapacityBytes (feature capture)", recordsCapacityBytes, features, maxFeatures);
                if (features > log.blockBytes() - ShadowLogFormat.BLOCK_HEADER_LENGTH) {
                    throw new ConfigurationException("a FEATURES record of " + maxFeatures + " features is "
                            + features + " bytes, larger than a log block; raise blockBytes");
                }
            }
            // Without an injected clock, records are stamped with an offset clock (cheap, resampled by the writer
            // agent) and the writer keeps the system clock for its files.
            EpochNanoClock recordClock = clock != null ? clock : new OffsetEpochNanoClock();
            ShadowLogWriter writer = ShadowLogWriter.open(logDirectory, log,
                    clock != null ? clock : new SystemEpochNanoClock());
            return new ShadowEvaluator(this, writer, resolvedPrimaries, maxFeatures, recordClock);
        }

        private static void checkFits(String what, int capacity, int messageBytes, int maxFeatures) {
            // Agrona rings accept messages up to capacity / 8 (RingBuffer#maxMsgLength).
            if (messageBytes + 8 > capacity / 8) {
                throw new ConfigurationException(what + " (" + capacity + " bytes) only takes messages up to "
                        + (capacity / 8) + " bytes, but " + maxFeatures + " features need " + (messageBytes + 8)
                        + "; raise it or lower maxFeatures");
            }
        }
    }
}
