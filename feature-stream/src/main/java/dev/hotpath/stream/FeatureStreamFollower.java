package dev.hotpath.stream;

import dev.hotpath.cache.CacheFullException;
import dev.hotpath.cache.ChronicleJvmFlags;
import dev.hotpath.cache.FeatureCacheException;
import dev.hotpath.cache.FeatureCsvLoader;
import dev.hotpath.cache.FeatureFileException;
import dev.hotpath.cache.FeatureView;
import dev.hotpath.cache.FeatureWriter;
import dev.hotpath.cache.LockTimeoutException;
import dev.hotpath.cache.MergeOutcome;
import dev.hotpath.cache.KeyKind;
import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.scorer.FeatureFeed;
import dev.hotpath.scoring.scorer.FeedHealth;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Keeps one feature view on this host fresh from one Kafka topic: every update on the topic is applied to the view's
 * current generation, which every scoring process on the host reads with a {@code FeatureReader}. Kafka is the
 * distribution layer; each host runs its own follower into its own views directory.
 *
 * <p><b>What it guarantees.</b>
 * <ul>
 *   <li><b>All partitions, no consumer group:</b> the follower {@code assign()}s every partition of the topic (or
 *       the subset in {@link FollowerOptions.Builder#partitions(int...)}, for sharded fleets routed with
 *       {@link FeaturePartitioner}); nothing rebalances, and it commits nothing to Kafka.</li>
 *   <li><b>Effectively exactly-once state:</b> each partition's position is stored in the view's directory
 *       ({@code <view>.follower.json}, atomically) after the updates before it were applied; a restarted follower
 *       resumes there. Updates are applied <b>last writer wins by event time</b> per entity
 *       ({@link FeatureWriter#merge}): an update older than the stored record is dropped and counted, so the
 *       replays, duplicates and cross-partition reordering that Kafka delivers leave the same state.</li>
 *   <li><b>Bootstrap:</b> a new host, a new schema, an explicit rebuild or a reset builds a <em>new generation</em>
 *       from the earliest offsets up to the end offsets captured when the bootstrap started, publishes it (readers
 *       switch atomically: they never see a half-built view), then tails the topic. Or from a CSV snapshot plus the
 *       offsets it was taken at ({@link StartPosition#OFFSETS}).</li>
 *   <li><b>Freshness:</b> {@link #stats()} reports records behind, freshness lag and event-time lag per partition
 *       and per view, and the {@link FollowerState}.</li>
 *   <li><b>Bad records never stop it:</b> they are counted by {@link RejectReason}, logged at a bounded rate with
 *       topic, partition and offset, and optionally forwarded to a dead-letter topic.</li>
 *   <li><b>Faults:</b> an unreachable broker is retried with backoff while readers keep the last state (the lag
 *       grows and shows); a killed follower resumes from its stored positions; a recreated topic or offsets out of
 *       range are reported and re-bootstrapped into a new generation ({@link FollowerOptions.Builder#rebootstrapOnReset}).
 *       A generation that is full or has a segment lock held by a dead process is rebuilt the same way.</li>
 * </ul>
 *
 * <p><b>Usage</b> (embedded in a scoring service, or run by {@code hotpath cache follow}):
 * <pre>{@code
 * FeatureStreamFollower follower = FeatureStreamFollower.start(viewsDir, cardView,
 *         FollowerOptions.builder("kafka:9092", "card-features").build());
 * ...
 * follower.stats().isLive();        // readiness
 * follower.close();                 // at shutdown: stores positions
 * }</pre>
 *
 * <p><b>Health.</b> A follower is scoring-core's {@link FeatureFeed}: attached with
 * {@code Scorer.Builder.feed(follower)}, the scorer reports the view not ready ({@code Scorer.health()}) unless the
 * follower is {@link FollowerState#LIVE}. The {@code hotpath-micrometer} module binds its stats to Micrometer.
 *
 * <p><b>Threads.</b> One thread consumes and applies (it owns the Kafka consumer and the feature writer), one probes
 * the topic's end offsets for lag; both are daemon threads named {@code hotpath-follower-<view>}. The public methods
 * are thread-safe. {@link #stats()} getters allocate nothing; the rest are cold paths.
 */
public final class FeatureStreamFollower implements FeatureFeed, AutoCloseable {
    /** Consumer properties the follower sets itself and a caller cannot override. */
    static final Set<String> FIXED_CONSUMER_PROPERTIES = Set.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            ConsumerConfig.GROUP_ID_CONFIG);

    private static final Logger LOG = LoggerFactory.getLogger(FeatureStreamFollower.class);
    private static final long STATUS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long PROGRESS_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Duration KAFKA_CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final long CLOSE_WAIT_MILLIS = 30_000;
    /** Probes between two checks of the topic's id and partition count. */
    private static final int METADATA_CHECK_EVERY = 10;

    private final Path dir;
    private final FeatureView view;
    private final FollowerOptions opts;
    private final FollowerStats stats;
    private final LongSupplier clock;
    private final FollowerLock lock;
    private final String clientId;
    private final Duration pollTimeout;
    private final KeyDecoder keys;
    private final UpdateDecoder decoder;
    private final RejectLog rejectLog;
    private final DeadLetters deadLetters;
    private final Admin admin;
    private final Thread worker;
    private final Thread prober;
    private final CountDownLatch workerDone = new CountDownLatch(1);
    private volatile boolean closing;
    /** Guarded by this: close() finished. */
    private boolean released;
    /** Set by {@link #rebuild(String)}: why to bootstrap again. */
    private volatile String rebuildRequest;
    /** Set by the prober: the topic was recreated. */
    private volatile String resetReason;
    /** Set by the prober: the topic has more partitions than the follower follows (all-partition mode). */
    private volatile boolean partitionsAdded;
    /** The follower thread's current topic id, for the prober. */
    private volatile String currentTopicId;

    // ------------------------------------------------------------------------- follower thread only
    private KafkaConsumer<byte[], byte[]> consumer;
    private FeatureWriter writer;
    /** Positions of the served generation as last stored; null while there are none. */
    private FollowerCheckpoint stored;
    private TopicPartition[] tps = new TopicPartition[0];
    /** Kafka partition number -> index in tps (and in the stats' per-partition arrays), -1 if not followed. */
    private int[] slotOf = new int[0];
    private long capacityHint;
    private long lastStoreNanos;
    private long lastStatusNanos;
    private boolean positionsChanged;
    private long newestEventTime = Long.MIN_VALUE;

    private FeatureStreamFollower(Path dir, FeatureView view, FollowerOptions opts, FollowerLock lock) {
        this.dir = dir;
        this.view = view;
        this.opts = opts;
        this.lock = lock;
        this.clock = opts.clock();
        this.stats = new FollowerStats(view.name(), opts.topic(), clock, opts.liveThresholdMillis());
        this.clientId = "hotpath-follower-" + view.name() + "-" + ProcessHandle.current().pid();
        this.pollTimeout = Duration.ofMillis(opts.pollTimeoutMillis());
        this.keys = new KeyDecoder(view.keyKind());
        this.decoder = new UpdateDecoder(view, opts.format(), requiredMask(view, opts));
        this.rejectLog = new RejectLog(view.name(), opts.rejectLogIntervalNanos());
        this.capacityHint = opts.expectedEntities();
        Properties ap = new Properties();
        ap.putAll(opts.consumerProperties());
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, opts.bootstrapServers());
        ap.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-admin");
        ap.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        ap.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        ap.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, Long.toString(opts.maxBackoffMillis()));
        this.admin = Admin.create(ap);
        this.deadLetters = opts.deadLetterTopic() == null ? null
                : new DeadLetters(opts.bootstrapServers(), opts.deadLetterTopic(), opts.consumerProperties(),
                        clientId + "-dlq", stats);
        this.worker = new Thread(this::run, "hotpath-follower-" + view.name());
        this.worker.setDaemon(true);
        this.prober = new Thread(this::probeLoop, "hotpath-follower-" + view.name() + "-lag");
        this.prober.setDaemon(true);
    }

    /**
     * Starts following {@code options.topic()} into view {@code view} in {@code dir}. Returns at once; the follower
     * connects, bootstraps or resumes in the background ({@link #stats()} shows how far it got).
     *
     * @param dir the views directory of this host (created if absent)
     * @param view the view's definition: the schema the follower writes; when the published generation has
     *             another schema, the follower bootstraps a new generation with this one
     * @param options where to read and how
     * @return the running follower; close it at shutdown
     * @throws ConfigurationException if an option does not fit the view, or the JVM lacks Chronicle's flags
     * @throws FeatureCacheException if another follower of this view runs on {@code dir}
     */
    public static FeatureStreamFollower start(Path dir, FeatureView view, FollowerOptions options) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(options, "options");
        ChronicleJvmFlags.check();
        requiredMask(view, options);
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new FeatureCacheException(dir + ": cannot create the views directory: " + e, e);
        }
        FollowerLock lock = FollowerLock.acquire(dir, view.name());
        FeatureStreamFollower f;
        try {
            f = new FeatureStreamFollower(dir, view, options, lock);
        } catch (RuntimeException e) {
            lock.release();
            throw e;
        }
        f.worker.start();
        f.prober.start();
        return f;
    }

    /**
     * Starts following into a view whose definition is the one published in {@code dir} now.
     *
     * @param dir the views directory
     * @param viewName the view (it must have been created or loaded before)
     * @param options where to read and how
     * @return the running follower
     * @throws FeatureFileException if the view has no readable manifest in {@code dir}
     */
    public static FeatureStreamFollower start(Path dir, String viewName, FollowerOptions options) {
        Objects.requireNonNull(viewName, "viewName");
        return start(dir, StreamAdmin.publishedView(dir, viewName), options);
    }

    private static boolean[] requiredMask(FeatureView view, FollowerOptions options) {
        if (options.requiredFeatures().isEmpty()) {
            return null;
        }
        boolean[] mask = new boolean[view.dimension()];
        for (String f : options.requiredFeatures()) {
            int i = view.indexOf(f);
            if (i < 0) {
                throw new ConfigurationException("required feature \"" + f + "\" is not in view " + view.name()
                        + " (features: " + view.featureNames() + ")");
            }
            mask[i] = true;
        }
        return mask;
    }

    /** @return the follower's live statistics (the same object for the follower's life; getters allocate nothing) */
    public FollowerStats stats() {
        return stats;
    }

    /** @return the name of the view the follower writes ({@link FeatureFeed}) */
    @Override
    public String viewName() {
        return view.name();
    }

    /**
     * @return {@link FollowerStats#feedHealth()}: live exactly when the follower is {@link FollowerState#LIVE};
     *     cold path (allocates), for {@code Scorer.health()}
     */
    @Override
    public FeedHealth feedHealth() {
        return stats.feedHealth();
    }

    /** @return the view definition the follower writes */
    public FeatureView view() {
        return view;
    }

    /** @return the options */
    public FollowerOptions options() {
        return opts;
    }

    /**
     * Asks for a new bootstrap from the earliest offsets into a new generation (readers keep the current one until
     * it is published). Returns at once.
     *
     * @param reason why, for the log
     */
    public void rebuild(String reason) {
        rebuildRequest = "rebuild requested: " + Objects.requireNonNull(reason, "reason");
    }

    /**
     * Waits until {@link FollowerStats#state()} is {@code state} (or the follower stopped or failed).
     *
     * @param state the state to wait for
     * @param timeout how long to wait at most
     * @return whether the state was reached
     * @throws InterruptedException if interrupted
     */
    public boolean awaitState(FollowerState state, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            FollowerState s = stats.state();
            if (s == state) {
                return true;
            }
            if ((s == FollowerState.FAILED || s == FollowerState.STOPPED) || System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
    }

    /**
     * Stops following: finishes the record being applied, stores the positions (a bootstrap in progress is
     * abandoned and its partial generation deleted; the published one stays), closes the Kafka clients and the
     * writer. Idempotent; waits up to 30 s.
     */
    @Override
    public synchronized void close() {
        if (released) {
            return;
        }
        if (!closing) {
            closing = true;
            KafkaConsumer<byte[], byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
            LockSupport.unpark(prober);
        }
        try {
            if (!workerDone.await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.warn("view {}: the follower thread did not stop within {} ms", view.name(), CLOSE_WAIT_MILLIS);
                worker.interrupt();
            }
            prober.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ofSeconds(5));
        lock.release();
        released = true;
    }

    // =============================================================================== the follower thread

    private void run() {
        StartPosition start = opts.startPosition();
        String bootstrapReason = null;
        long backoff = opts.minBackoffMillis();
        try {
            while (!closing) {
                try {
                    ensureConsumer();
                    discover();
                    if (bootstrapReason != null) {
                        bootstrap(bootstrapReason);
                    } else {
                        begin(start);
                    }
                    bootstrapReason = null;
                    start = StartPosition.STORED;
                    backoff = opts.minBackoffMillis();
                    bootstrapReason = tail();
                    if (bootstrapReason != null) {
                        LOG.warn("view {}: {}; bootstrapping a new generation from topic {} (readers keep generation"
                                + " {} meanwhile)", view.name(), bootstrapReason, opts.topic(), stats.generation());
                    }
                } catch (Retry e) {
                    if (closing) {
                        break;
                    }
                    stats.error(e.getMessage());
                    LOG.warn("view {}: {}; retrying in {} ms", view.name(), e.getMessage(), backoff);
                    sleepMillis(backoff);
                    backoff = Math.min(opts.maxBackoffMillis(), backoff * 2);
                } catch (Reset e) {
                    closeWriter();
                    if (!opts.rebootstrapOnReset()) {
                        fail(e.getMessage() + ". Automatic re-bootstrap is off: readers keep the last state; restart"
                                + " the follower with --from earliest to rebuild the view from the topic");
                        return;
                    }
                    stats.error(e.getMessage());
                    LOG.error("view {}: {}; re-bootstrapping a new generation from the topic", view.name(),
                            e.getMessage());
                    bootstrapReason = e.getMessage();
                } catch (WakeupException | InterruptException e) {
                    if (!closing) {
                        throw e;
                    }
                }
            }
            stats.phase(FollowerState.STOPPED);
        } catch (ConfigurationException | FeatureFileException e) {
            fail(e.getMessage());
        } catch (Throwable t) {
            LOG.error("view {}: the follower stopped on an unexpected error", view.name(), t);
            fail("unexpected error: " + t);
        } finally {
            shutdown();
            workerDone.countDown();
        }
    }

    private void fail(String message) {
        stats.error(message);
        stats.phase(FollowerState.FAILED);
        LOG.error("view {}: follower failed: {}", view.name(), message);
    }

    private void shutdown() {
        try {
            if (writer != null && writer.isPublished() && stored != null) {
                storePositions();
            } else {
                writeStatus();
            }
        } catch (RuntimeException e) {
            LOG.warn("view {}: could not store the follower's positions at close: {}", view.name(), e.toString());
        }
        closeWriter();
        if (consumer != null) {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.debug("view {}: consumer close: {}", view.name(), e.toString());
            }
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
        if (stats.phase() != FollowerState.FAILED) {
            stats.phase(FollowerState.STOPPED);
        }
        try {
            writeStatus();
        } catch (RuntimeException e) {
            LOG.debug("view {}: final status: {}", view.name(), e.toString());
        }
    }

    private void closeWriter() {
        if (writer != null) {
            try {
                writer.close();
            } catch (RuntimeException e) {
                LOG.warn("view {}: closing the writer: {}", view.name(), e.toString());
            }
            writer = null;
        }
    }

    private void ensureConsumer() {
        if (consumer != null) {
            return;
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        p.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, Integer.toString(1 << 20));
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MS_CONFIG, Long.toString(opts.minBackoffMillis()));
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, Long.toString(opts.maxBackoffMillis()));
        p.put(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG, Long.toString(opts.minBackoffMillis()));
        p.put(ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, Long.toString(opts.maxBackoffMillis()));
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(KAFKA_CALL_TIMEOUT.toMillis()));
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.putAll(opts.consumerProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, opts.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // Positions live next to the view, not in Kafka: no group, no commits, and no silent reset on a bad position.
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        consumer = new KafkaConsumer<>(p);
        if (closing) {
            consumer.wakeup();
        }
    }

    private IsolationLevel isolation() {
        String v = opts.consumerProperties().getOrDefault(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return v.equalsIgnoreCase("read_uncommitted") ? IsolationLevel.READ_UNCOMMITTED : IsolationLevel.READ_COMMITTED;
    }

    /**
     * Finds the topic's id and partition count (from the brokers, not the consumer's metadata cache, which notices
     * added partitions only every few minutes) and assigns the followed partitions.
     */
    private void discover() {
        TopicDescription d = describeTopic();
        currentTopicId = d.topicId().toString();
        int count = d.partitions().size();
        int[] ids;
        if (opts.partitions() != null) {
            ids = opts.partitions();
            for (int p : ids) {
                if (p >= count) {
                    throw new ConfigurationException("partition " + p + " was asked for, but topic " + opts.topic()
                            + " has " + count + " partitions (0.." + (count - 1) + ")");
                }
            }
        } else {
            ids = new int[count];
            for (int i = 0; i < count; i++) {
                ids[i] = i;
            }
        }
        assign(ids);
    }

    private TopicDescription describeTopic() {
        try {
            return admin.describeTopics(List.of(opts.topic())).allTopicNames()
                    .get(KAFKA_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(opts.topic());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new Retry("topic " + opts.topic() + " does not exist (yet) on " + opts.bootstrapServers());
            }
            throw new Retry("cannot describe topic " + opts.topic() + ": " + e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new Retry("cannot reach the Kafka brokers " + opts.bootstrapServers() + " to look up topic "
                    + opts.topic());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    private void assign(int[] ids) {
        tps = new TopicPartition[ids.length];
        int max = 0;
        for (int i = 0; i < ids.length; i++) {
            tps[i] = new TopicPartition(opts.topic(), ids[i]);
            max = Math.max(max, ids[i]);
        }
        slotOf = new int[max + 1];
        Arrays.fill(slotOf, -1);
        for (int i = 0; i < ids.length; i++) {
            slotOf[ids[i]] = i;
        }
        consumer.assign(Arrays.asList(tps));
        stats.partitions(new FollowerStats.Partitions(ids));
        partitionsAdded = false;
    }

    // ------------------------------------------------------------------------------------------ starting

    private void begin(StartPosition start) {
        switch (start) {
            case EARLIEST:
                bootstrap("a rebuild from the earliest offsets was asked for");
                return;
            case LATEST:
                startAtLatest();
                return;
            case OFFSETS:
                if (opts.snapshot() != null) {
                    bootstrapFromSnapshot();
                } else {
                    adoptPublishedAt(opts.offsets());
                }
                return;
            default:
                resumeOrBootstrap();
        }
    }

    private void resumeOrBootstrap() {
        FollowerCheckpoint cp;
        try {
            cp = FollowerCheckpoint.read(dir, view.name());
        } catch (FeatureFileException e) {
            LOG.warn("view {}: ignoring an unreadable follower checkpoint: {}", view.name(), e.getMessage());
            cp = null;
        }
        String why = openPublished();
        if (why == null) {
            why = resumable(cp);
        }
        if (why != null) {
            // Until the new generation is published, the file keeps describing the one readers are served.
            stored = cp;
            bootstrap(why);
            return;
        }
        stored = cp;
        stats.generation(writer.generation());
        Map<Integer, Long> from = new HashMap<>(cp.positions);
        seekValidated(from, true);
        LOG.info("view {}: resuming generation {} from topic {} at stored positions {}", view.name(),
                writer.generation(), opts.topic(), cp.positions);
        storePositions(FollowerState.CATCHING_UP);
    }

    /**
     * Opens the published generation if it follows this follower's definition.
     *
     * @return null if {@link #writer} is now open on it, else why it cannot be used
     */
    private String openPublished() {
        closeWriter();
        if (!Files.exists(dir.resolve(view.name() + ".manifest.json"))) {
            return "view " + view.name() + " has no published generation in " + dir;
        }
        FeatureWriter w;
        try {
            w = FeatureWriter.open(dir, view.name(), opts.writerOptions());
        } catch (FeatureFileException e) {
            return "the published generation of view " + view.name() + " cannot be opened (" + e.getMessage() + ")";
        }
        if (w.view().fingerprint() != view.fingerprint()) {
            String why = "the published generation " + w.generation() + " of view " + view.name() + " has schema "
                    + w.view().fingerprintHex() + ", this follower writes schema " + view.fingerprintHex();
            w.close();
            return why;
        }
        writer = w;
        return null;
    }

    /** @return null if {@code cp} describes the open published generation and this topic, else why not */
    private String resumable(FollowerCheckpoint cp) {
        if (cp == null || !cp.topic.equals(opts.topic()) || cp.positions.isEmpty()) {
            return cp == null ? "no stored positions for view " + view.name() + " in " + dir
                    : !cp.topic.equals(opts.topic()) ? "the stored positions are for topic " + cp.topic
                    : "the stored positions are empty";
        }
        if (cp.generation != writer.generation() || !cp.fingerprintHex.equals(view.fingerprintHex())) {
            return "the stored positions are for generation " + cp.generation + " but generation "
                    + writer.generation() + " is published (it was built by another tool, e.g. hotpath cache load)";
        }
        if (!cp.topicId.equals(currentTopicId)) {
            throw new Reset("topic " + opts.topic() + " was deleted and recreated since the positions were stored"
                    + " (topic id " + cp.topicId + " -> " + currentTopicId + "): the stored positions do not apply");
        }
        return null;
    }

    /**
     * Seeks every followed partition to {@code from} (missing partitions: their beginning if {@code newFromStart},
     * else a configuration error) after checking each offset is inside the partition's log.
     */
    private void seekValidated(Map<Integer, Long> from, boolean newFromStart) {
        Map<TopicPartition, Long> begin = beginningOffsets();
        Map<TopicPartition, Long> end = endOffsets();
        FollowerStats.Partitions ps = stats.partitions();
        long now = clock.getAsLong();
        for (int i = 0; i < tps.length; i++) {
            TopicPartition tp = tps[i];
            Long off = from.get(tp.partition());
            long b = begin.get(tp);
            long e = end.get(tp);
            if (off == null) {
                if (!newFromStart) {
                    throw new ConfigurationException("no start offset given for partition " + tp.partition()
                            + " of topic " + opts.topic() + " (offsets: " + from + ")");
                }
                // A partition added after the positions were stored: all of it is new.
                off = b;
            }
            if (off < b) {
                throw new Reset("offset " + off + " of partition " + tp + " is before the start of its log (" + b
                        + "): retention deleted updates the view never applied");
            }
            if (off > e) {
                throw new Reset("offset " + off + " of partition " + tp + " is beyond the end of its log (" + e
                        + "): the topic was truncated or recreated");
            }
            consumer.seek(tp, off);
            ps.applied(i, off, -1);
            ps.probed(i, e, now);
        }
    }

    private Map<TopicPartition, Long> beginningOffsets() {
        try {
            return consumer.beginningOffsets(Arrays.asList(tps), KAFKA_CALL_TIMEOUT);
        } catch (TimeoutException e) {
            throw new Retry("cannot reach the Kafka brokers " + opts.bootstrapServers() + " for the start offsets of "
                    + opts.topic());
        }
    }

    private Map<TopicPartition, Long> endOffsets() {
        try {
            return consumer.endOffsets(Arrays.asList(tps), KAFKA_CALL_TIMEOUT);
        } catch (TimeoutException e) {
            throw new Retry("cannot reach the Kafka brokers " + opts.bootstrapServers() + " for the end offsets of "
                    + opts.topic());
        }
    }

    private void startAtLatest() {
        if (openPublished() != null) {
            FeatureWriter w = createGeneration(Math.max(1024, opts.expectedEntities()));
            w.publish();
            writer = w;
            LOG.info("view {}: created empty generation {} to follow topic {} from its end", view.name(),
                    w.generation(), opts.topic());
        }
        stats.generation(writer.generation());
        Map<TopicPartition, Long> end = endOffsets();
        Map<Integer, Long> from = new HashMap<>();
        for (TopicPartition tp : tps) {
            from.put(tp.partition(), end.get(tp));
        }
        seekValidated(from, false);
        storePositions(FollowerState.CATCHING_UP);
    }

    private void adoptPublishedAt(Map<Integer, Long> offsets) {
        String why = openPublished();
        if (why != null) {
            throw new ConfigurationException("starting at given offsets without a snapshot needs a published"
                    + " generation of view " + view.name() + " built at those offsets: " + why);
        }
        stats.generation(writer.generation());
        seekValidatedExplicit(offsets);
        LOG.info("view {}: following topic {} into published generation {} from offsets {}", view.name(),
                opts.topic(), writer.generation(), offsets);
        storePositions(FollowerState.CATCHING_UP);
    }

    private void seekValidatedExplicit(Map<Integer, Long> offsets) {
        try {
            seekValidated(offsets, false);
        } catch (Reset e) {
            // Offsets the user gave that are outside the log are a usage error, not a topic reset.
            throw new ConfigurationException(e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------ bootstrap

    private FeatureWriter createGeneration(long expected) {
        try {
            return FeatureWriter.createGeneration(dir, view, Math.max(1, Math.min(FeatureWriter.MAX_ENTITIES,
                    expected)), opts.writerOptions());
        } catch (FeatureFileException e) {
            throw e;
        } catch (FeatureCacheException e) {
            // e.g. another process is building a generation of this view (hotpath cache load): wait for it.
            throw new Retry(e.getMessage());
        }
    }

    /** Builds a new generation from the earliest offsets to the end offsets captured now, publishes it. */
    private void bootstrap(String reason) {
        stats.phase(FollowerState.BOOTSTRAPPING);
        LOG.info("view {}: bootstrapping a new generation from topic {}: {}", view.name(), opts.topic(), reason);
        closeWriter();
        Map<TopicPartition, Long> begin = beginningOffsets();
        Map<TopicPartition, Long> end = endOffsets();
        long records = 0;
        for (TopicPartition tp : tps) {
            records += end.get(tp) - begin.get(tp);
        }
        while (true) {
            long started = System.nanoTime();
            FeatureWriter w = createGeneration(Math.max(capacityHint, records));
            boolean done = false;
            try {
                stats.generation(w.generation());
                Map<Integer, Long> from = new HashMap<>();
                for (TopicPartition tp : tps) {
                    from.put(tp.partition(), begin.get(tp));
                }
                seekValidated(from, true);
                long applied = catchUp(w, end, records, "bootstrap");
                if (applied < 0) {
                    return;
                }
                publish(w, started, applied);
                LOG.info("view {}: published generation {} bootstrapped from {} records of topic {} in {} ms",
                        view.name(), w.generation(), applied, opts.topic(), (System.nanoTime() - started) / 1_000_000);
                done = true;
                return;
            } catch (CacheFullException e) {
                capacityHint = 2 * Math.max(Math.max(capacityHint, records), 1024);
                LOG.warn("view {}: generation {} filled up during the bootstrap; starting over sized for {} entities",
                        view.name(), w.generation(), capacityHint);
            } finally {
                if (!done) {
                    w.close();
                }
            }
        }
    }

    private void bootstrapFromSnapshot() {
        stats.phase(FollowerState.BOOTSTRAPPING);
        closeWriter();
        Path csv = opts.snapshot();
        Map<TopicPartition, Long> end = endOffsets();
        long after = 0;
        for (TopicPartition tp : tps) {
            Long from = opts.offsets().get(tp.partition());
            after += from == null ? 0 : Math.max(0, end.get(tp) - from);
        }
        long started = System.nanoTime();
        LOG.info("view {}: bootstrapping a new generation from snapshot {} at offsets {}, then topic {}",
                view.name(), csv, opts.offsets(), opts.topic());
        FeatureWriter w;
        try {
            w = FeatureCsvLoader.loadUnpublished(dir, view, csv, opts.writerOptions(), Math.max(after,
                    capacityHint), null);
        } catch (FeatureFileException e) {
            throw new ConfigurationException("snapshot " + csv + " cannot be loaded: " + e.getMessage(), e);
        } catch (FeatureCacheException e) {
            throw new Retry(e.getMessage());
        }
        boolean done = false;
        try {
            stats.generation(w.generation());
            seekValidatedExplicit(opts.offsets());
            long applied = catchUp(w, end, after, "catch-up after the snapshot");
            if (applied < 0) {
                return;
            }
            publish(w, started, applied);
            LOG.info("view {}: published generation {} from snapshot {} plus {} records of topic {}", view.name(),
                    w.generation(), csv, applied, opts.topic());
            done = true;
        } finally {
            if (!done) {
                w.close();
            }
        }
    }

    /**
     * Polls and applies into {@code w} until every followed partition reached {@code end}.
     *
     * @return records read, or -1 if the follower is closing
     */
    private long catchUp(FeatureWriter w, Map<TopicPartition, Long> end, long expected, String what) {
        FeatureWriter previous = writer;
        writer = w;
        try {
            long read = 0;
            long nextLog = System.nanoTime() + PROGRESS_LOG_INTERVAL_NANOS;
            while (!reached(end)) {
                if (closing) {
                    return -1;
                }
                read += pollAndApply();
                writeStatusIfDue();
                if (System.nanoTime() > nextLog) {
                    nextLog = System.nanoTime() + PROGRESS_LOG_INTERVAL_NANOS;
                    LOG.info("view {}: {}: {} of {} records", view.name(), what, read, expected);
                }
            }
            return read;
        } finally {
            writer = previous;
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (TopicPartition tp : tps) {
            if (position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }

    private long position(TopicPartition tp) {
        try {
            return consumer.position(tp, KAFKA_CALL_TIMEOUT);
        } catch (TimeoutException e) {
            throw new Retry("cannot reach the Kafka brokers for the position of " + tp);
        }
    }

    /**
     * Publishes a bootstrapped generation and its positions. Order matters to whoever watches: the counters first,
     * then the positions file (whose status already says the follower follows), and the state last, so a caller who
     * sees the follower following finds the file and the counters up to date.
     */
    private void publish(FeatureWriter w, long startedNanos, long records) {
        w.setWatermark(newestEventTime == Long.MIN_VALUE ? 0 : newestEventTime);
        w.publish();
        writer = w;
        stats.generation(w.generation());
        stats.bootstrapped((System.nanoTime() - startedNanos) / 1_000_000, records);
        storePositions(FollowerState.CATCHING_UP);
        stats.phase(FollowerState.CATCHING_UP);
    }

    // ------------------------------------------------------------------------------------------ tailing

    /** @return why a new bootstrap is needed, or null when closing */
    private String tail() {
        stats.phase(FollowerState.CATCHING_UP);
        while (!closing) {
            String rebuild = rebuildRequest;
            if (rebuild != null) {
                rebuildRequest = null;
                return rebuild;
            }
            String reset = resetReason;
            if (reset != null) {
                resetReason = null;
                throw new Reset(reset);
            }
            if (writer.isSuperseded()) {
                return "generation " + writer.generation() + " was replaced by a generation another process"
                        + " published; the stored positions do not describe it";
            }
            if (partitionsAdded) {
                addPartitions();
            }
            try {
                pollAndApply();
            } catch (CacheFullException e) {
                capacityHint = 2 * Math.max(1024, writer.stats().entries());
                return "generation " + writer.generation() + " is full (" + e.getMessage() + ")";
            } catch (LockTimeoutException e) {
                return "a segment of generation " + writer.generation() + " stays locked (" + e.getMessage() + ")";
            } catch (WakeupException e) {
                if (!closing) {
                    throw e;
                }
                return null;
            }
            if (positionsChanged && System.nanoTime() - lastStoreNanos >= opts.positionStoreIntervalNanos()) {
                storePositions();
            } else {
                writeStatusIfDue();
            }
        }
        return null;
    }

    private void addPartitions() {
        Map<Integer, Long> keep = new TreeMap<>();
        for (TopicPartition tp : tps) {
            keep.put(tp.partition(), position(tp));
        }
        discover();
        seekValidated(keep, true);
        LOG.info("view {}: topic {} now has {} partitions; following them all", view.name(), opts.topic(),
                tps.length);
        storePositions();
    }

    /**
     * One poll; applies every record to {@link #writer}, then updates the positions.
     *
     * @return records read
     */
    private int pollAndApply() {
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(pollTimeout);
        } catch (InvalidOffsetException e) {
            throw new Reset("offsets out of range for " + e.partitions() + " (" + e.getMessage() + ")");
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            if (e instanceof InterruptException) {
                throw e;
            }
            stats.error("poll failed: " + e);
            LOG.warn("view {}: poll failed, retrying: {}", view.name(), e.toString());
            sleepMillis(opts.minBackoffMillis());
            return 0;
        }
        int n = records.count();
        if (n > 0) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                apply(r);
            }
            writer.setWatermark(newestEventTime);
            positionsChanged = true;
        }
        updatePositions();
        return n;
    }

    private void updatePositions() {
        FollowerStats.Partitions ps = stats.partitions();
        for (int i = 0; i < tps.length; i++) {
            long pos;
            try {
                // Known locally after a poll or a seek: no request to the broker.
                pos = consumer.position(tps[i], KAFKA_CALL_TIMEOUT);
            } catch (TimeoutException e) {
                continue;
            }
            long lag = consumer.currentLag(tps[i]).orElse(-1);
            ps.applied(i, pos, lag < 0 ? -1 : pos + lag);
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        int slot = r.partition() < slotOf.length ? slotOf[r.partition()] : -1;
        boolean forceDecimal = false;
        if (view.keyKind() == KeyKind.LONG) {
            Header h = r.headers().lastHeader(FeatureUpdates.KEY_FORMAT_HEADER);
            forceDecimal = h != null && h.value() != null
                    && new String(h.value(), StandardCharsets.UTF_8).equals("decimal");
        }
        String badKey = keys.decode(r.key(), forceDecimal);
        if (badKey != null) {
            reject(r, RejectReason.BAD_KEY, badKey);
            return;
        }
        byte[] value = r.value();
        if (value == null) {
            boolean existed;
            try {
                existed = keys.isLong() ? writer.delete(keys.longId()) : writer.delete(keys.text());
            } catch (IllegalArgumentException e) {
                reject(r, RejectReason.BAD_KEY, e.getMessage());
                return;
            }
            if (existed) {
                stats.countDeleted();
            }
            return;
        }
        RejectReason why = decoder.decode(value);
        if (why != null) {
            reject(r, why, decoder.detail());
            return;
        }
        long t = decoder.eventTimeMillis();
        MergeOutcome outcome;
        try {
            outcome = keys.isLong() ? writer.merge(keys.longId(), t, decoder.values(), 0, decoder.present())
                    : writer.merge(keys.text(), t, decoder.values(), 0, decoder.present());
        } catch (IllegalArgumentException e) {
            reject(r, RejectReason.BAD_KEY, e.getMessage());
            return;
        }
        if (outcome == MergeOutcome.SKIPPED_OLDER) {
            stats.countSkippedOlder();
        } else {
            stats.countApplied();
        }
        if (t > newestEventTime) {
            newestEventTime = t;
        }
        if (slot >= 0) {
            stats.partitions().eventTime(slot, t);
        }
    }

    private void reject(ConsumerRecord<byte[], byte[]> r, RejectReason reason, String detail) {
        stats.countRejected(reason);
        rejectLog.reject(reason, r.topic(), r.partition(), r.offset(), detail);
        if (deadLetters != null) {
            deadLetters.send(r, reason, detail);
        }
    }

    // ------------------------------------------------------------------------------------------ positions

    /** Stores the applied positions with the current status. */
    private void storePositions() {
        storePositions(stats.phase());
    }

    /** Stores the applied positions, reporting the follower in {@code phase}. */
    private void storePositions(FollowerState phase) {
        if (writer == null || !writer.isPublished()) {
            return;
        }
        Map<Integer, Long> positions = new TreeMap<>();
        FollowerStats.Partitions ps = stats.partitions();
        for (int i = 0; i < tps.length; i++) {
            positions.put(tps[i].partition(), ps.position.get(i));
        }
        // Keep positions of partitions this follower does not follow (another follower's shard is not ours, but a
        // partition subset may change between runs; what we did not apply stays as it was).
        if (stored != null && stored.generation == writer.generation() && stored.topic.equals(opts.topic())) {
            for (Map.Entry<Integer, Long> e : stored.positions.entrySet()) {
                positions.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        FollowerCheckpoint cp = new FollowerCheckpoint(view.name(), view.fingerprintHex(), writer.generation(),
                opts.topic(), currentTopicId, positions);
        FollowerCheckpoint.write(dir, view.name(), cp, stats, phase);
        stored = cp;
        positionsChanged = false;
        lastStoreNanos = System.nanoTime();
        lastStatusNanos = lastStoreNanos;
    }

    private void writeStatusIfDue() {
        if (System.nanoTime() - lastStatusNanos >= STATUS_INTERVAL_NANOS) {
            // The view's watermark (written by the writer's heartbeat) is the time as of which everything the topic
            // held was applied: scoring processes on this host that do not run the follower judge it by
            // Scorer.Builder.maxWatermarkLag (and a dead follower by maxHeartbeatAge).
            long freshAsOf = stats.freshAsOfMillis();
            if (writer != null && freshAsOf > 0) {
                writer.setWatermark(freshAsOf);
            }
            if (writer != null && writer.isPublished() && positionsChanged) {
                storePositions();
            } else {
                writeStatus();
            }
        }
    }

    /** Refreshes the status in the checkpoint file without changing the stored positions. */
    private void writeStatus() {
        lastStatusNanos = System.nanoTime();
        try {
            FollowerCheckpoint.write(dir, view.name(), stored, stats);
        } catch (FeatureCacheException e) {
            stats.error(e.getMessage());
        }
    }

    // ============================================================================================ lag probe

    private void probeLoop() {
        int round = 0;
        String lastProblem = null;
        while (!closing) {
            LockSupport.parkNanos(opts.lagProbeIntervalNanos());
            if (closing) {
                return;
            }
            FollowerStats.Partitions ps = stats.partitions();
            if (ps.ids.length == 0) {
                continue;
            }
            try {
                probe(ps);
                if (++round % METADATA_CHECK_EVERY == 0) {
                    checkTopic(ps);
                }
                lastProblem = null;
            } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
                String problem = "lag probe: cannot get the end offsets of topic " + opts.topic() + " from "
                        + opts.bootstrapServers() + ": " + (e instanceof ExecutionException ? e.getCause() : e);
                stats.error(problem);
                if (!problem.equals(lastProblem)) {
                    LOG.warn("view {}: {} (the freshness lag grows until it answers)", view.name(), problem);
                }
                lastProblem = problem;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void probe(FollowerStats.Partitions ps) throws ExecutionException, InterruptedException,
            java.util.concurrent.TimeoutException {
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        for (int id : ps.ids) {
            ask.put(new TopicPartition(opts.topic(), id), OffsetSpec.latest());
        }
        long sentAt = clock.getAsLong();
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> got = admin.listOffsets(ask,
                new ListOffsetsOptions(isolation())).all().get(KAFKA_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        for (int i = 0; i < ps.ids.length; i++) {
            ListOffsetsResult.ListOffsetsResultInfo info = got.get(new TopicPartition(opts.topic(), ps.ids[i]));
            if (info != null) {
                ps.probed(i, info.offset(), sentAt);
            }
        }
    }

    /** Detects a recreated topic (new id) and, when following all partitions, added partitions. */
    private void checkTopic(FollowerStats.Partitions ps) throws ExecutionException, InterruptedException,
            java.util.concurrent.TimeoutException {
        String known = currentTopicId;
        TopicDescription d;
        try {
            d = admin.describeTopics(List.of(opts.topic())).allTopicNames()
                    .get(KAFKA_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(opts.topic());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                stats.error("topic " + opts.topic() + " does not exist any more");
                LOG.error("view {}: topic {} does not exist any more; readers keep the last state", view.name(),
                        opts.topic());
                return;
            }
            throw e;
        }
        String id = d.topicId().toString();
        if (known != null && !known.equals(id)) {
            resetReason = "topic " + opts.topic() + " was deleted and recreated (topic id " + known + " -> " + id + ")";
            return;
        }
        if (opts.partitions() == null && d.partitions().size() > ps.ids.length) {
            partitionsAdded = true;
        }
    }

    // ============================================================================================ helpers

    private void sleepMillis(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!closing) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
        }
    }

    /** A transient problem (broker unreachable, topic missing, build lock busy): retried with backoff. */
    private static final class Retry extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Retry(String message) {
            super(message, null, false, false);
        }
    }

    /** The stored or current positions no longer apply (topic recreated, offsets out of range). */
    private static final class Reset extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Reset(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "FeatureStreamFollower{view=%s, topic=%s, state=%s}", view.name(),
                opts.topic(), stats.state());
    }
}
