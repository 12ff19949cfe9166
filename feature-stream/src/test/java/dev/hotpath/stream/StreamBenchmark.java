package dev.hotpath.stream;

import dev.hotpath.cache.ChildJvm;
import dev.hotpath.cache.FeatureReader;
import dev.hotpath.cache.FeatureView;
import dev.hotpath.scoring.scorer.FeatureStatus;
import dev.hotpath.cache.ReaderOptions;
import dev.hotpath.cache.WriterOptions;
import dev.hotpath.stream.testing.EmbeddedKafkaBroker;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The feature-stream speed figures of BENCHMARKS.md, on a real single-node broker (full JIT) started here:
 * <ul>
 *   <li>{@code bootstrap}: a new host builds a view of N entities x 50 floats from a compacted topic (one record per
 *       entity), then the apply rate of one follower thread catching up a backlog of binary updates, then of JSON
 *       updates (follower in this JVM; the broker in its own);</li>
 *   <li>{@code freshness}: produce -> visible to a reader: the producer and the reader in this JVM, the follower in
 *       another process; one update every 5 ms, latency until the reader sees the new value;</li>
 *   <li>{@code reads}: request-path read latency (and bytes allocated per read) in this JVM while a follower in
 *       another process is idle, then while it applies a paced stream of updates;</li>
 *   <li>{@code peers}, the same work without Kafka, in the same run: feature-cache's CSV load of N entities x 50
 *       floats ({@code CsvLoadBenchmark}), and the follower's decoding and {@code FeatureWriter.merge} of the same
 *       binary updates from memory (inserts into a new generation, then updates of random entities).</li>
 * </ul>
 * Usage: {@code StreamBenchmark VIEWS_DIR BROKER_DIR MODE...} (modes: bootstrap freshness reads); both directories
 * are created and their contents deleted at the end. Options as system properties: {@code -Dentities=1000000},
 * {@code -Dbacklog=1000000}, {@code -DjsonBacklog=300000}, {@code -Dsamples=10000}, {@code -DupdateRate=100000},
 * {@code -DreadSeconds=10}. Run with the Chronicle JVM flags (see BENCHMARKS.md).
 */
public final class StreamBenchmark {
    private static final int FEATURES = 50;
    private static final FeatureView VIEW = view();

    private final Path views;
    private final EmbeddedKafkaBroker broker;

    private StreamBenchmark(Path views, EmbeddedKafkaBroker broker) {
        this.views = views;
        this.broker = broker;
    }

    private static FeatureView view() {
        FeatureView.Builder b = FeatureView.builder("bench").ttl(Duration.ofDays(3650));
        for (int i = 0; i < FEATURES; i++) {
            b.feature("f" + i);
        }
        return b.build();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: StreamBenchmark VIEWS_DIR BROKER_DIR bootstrap|freshness|reads...");
            System.exit(2);
        }
        Path views = Files.createDirectories(Path.of(args[0]));
        Path brokerDir = Files.createDirectories(Path.of(args[1]));
        System.out.printf(Locale.ROOT, "machine: %d CPUs, load average %.1f, %s%n",
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), System.getProperty("java.vm.version"));
        long t = System.nanoTime();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerDir, false,
                "log.segment.bytes=268435456", "num.io.threads=2", "num.network.threads=2")) {
            System.out.printf(Locale.ROOT, "broker started in %.1f s at %s%n", (System.nanoTime() - t) / 1e9,
                    broker.bootstrapServers());
            StreamBenchmark b = new StreamBenchmark(views, broker);
            for (int i = 2; i < args.length; i++) {
                switch (args[i]) {
                    case "bootstrap":
                        b.bootstrapAndApply();
                        break;
                    case "freshness":
                        b.freshness();
                        break;
                    case "reads":
                        b.readsUnderLoad();
                        break;
                    case "peers":
                        b.peers();
                        break;
                    default:
                        throw new IllegalArgumentException("unknown mode " + args[i]);
                }
            }
        } finally {
            dev.hotpath.stream.testing.SharedBroker.deleteRecursively(views);
            dev.hotpath.stream.testing.SharedBroker.deleteRecursively(brokerDir);
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private KafkaProducer<byte[], byte[]> producer(int lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(lingerMs == 0 ? 16384 : 512 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(256L << 20));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** The id of entity {@code e}: {@code e} and 7 zero-padded digits. */
    private static byte[] key(int entity) {
        byte[] k = new byte[8];
        k[0] = 'e';
        for (int i = 7, v = entity; i >= 1; i--, v /= 10) {
            k[i] = (byte) ('0' + v % 10);
        }
        return k;
    }

    /** Sends {@code n} updates (entity = index, or random when {@code random}); returns the seconds it took. */
    private double produce(String topic, int n, int entities, boolean random, boolean json, long eventTime) {
        FeatureUpdates enc = FeatureUpdates.forView(VIEW);
        byte[] binary = new byte[enc.fullUpdateSize()];
        float[] values = new float[FEATURES];
        java.util.Random rnd = new java.util.Random(n);
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> p = producer(5)) {
            for (int i = 0; i < n; i++) {
                int e = random ? rnd.nextInt(entities) : i;
                for (int f = 0; f < FEATURES; f++) {
                    values[f] = e + f * 0.25f + i;
                }
                byte[] value;
                if (json) {
                    value = enc.toJson(eventTime + i, values, 0, null).getBytes(StandardCharsets.UTF_8);
                } else {
                    enc.encodeFull(eventTime + i, values, 0, binary, 0);
                    value = binary;
                }
                p.send(new ProducerRecord<>(topic, key(e), value));
            }
            p.flush();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private FollowerOptions.Builder options(String topic) {
        return FollowerOptions.builder(broker.bootstrapServers(), topic)
                .writerOptions(WriterOptions.builder().heartbeatInterval(Duration.ofSeconds(1)).build());
    }

    private static void await(String what, long timeoutSeconds, java.util.function.BooleanSupplier done)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    // ------------------------------------------------------------------------------------------ bootstrap + apply

    private void bootstrapAndApply() throws Exception {
        int entities = Integer.getInteger("entities", 1_000_000);
        int backlog = Integer.getInteger("backlog", 1_000_000);
        int jsonBacklog = Integer.getInteger("jsonBacklog", 300_000);
        String topic = "bench-bootstrap";
        broker.createTopic(topic, 4, Map.of("cleanup.policy", "compact"));
        long t0 = System.currentTimeMillis() - 3_600_000;
        double s = produce(topic, entities, entities, false, false, t0);
        System.out.printf(Locale.ROOT, "%nbootstrap: produced %,d entities x %d floats (binary, %d B each) in %.1f s"
                + " (%,.0f/s)%n", entities, FEATURES, FeatureUpdates.forView(VIEW).fullUpdateSize(), s,
                entities / s);
        Path dir = Files.createDirectories(views.resolve("bootstrap"));
        long started = System.nanoTime();
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, VIEW, options(topic).build())) {
            await("the bootstrap", 1800, () -> f.stats().bootstraps() == 1);
            FollowerStats st = f.stats();
            System.out.printf(Locale.ROOT, "bootstrap: %,d records into a new generation in %.2f s = %,.0f entities/s"
                            + " (%.2f s from start() incl. JVM-first Chronicle map and Kafka connection)%n",
                    st.lastBootstrapRecords(), st.lastBootstrapMillis() / 1e3,
                    st.lastBootstrapRecords() / (st.lastBootstrapMillis() / 1e3), (System.nanoTime() - started) / 1e9);
        }
        applyRate(dir, topic, backlog, entities, false, t0 + entities);
        applyRate(dir, topic, jsonBacklog, entities, true, t0 + entities + backlog);
    }

    private void applyRate(Path dir, String topic, int n, int entities, boolean json, long eventTime)
            throws Exception {
        double s = produce(topic, n, entities, true, json, eventTime);
        System.out.printf(Locale.ROOT, "%napply (%s): produced a backlog of %,d updates to random entities in %.1f s"
                + " while the follower was stopped%n", json ? "JSON" : "binary", n, s);
        try (FeatureStreamFollower f = FeatureStreamFollower.start(dir, VIEW, options(topic).build())) {
            FollowerStats st = f.stats();
            long lo = n / 10;
            long hi = n - n / 10;
            await("10% applied", 1800, () -> st.applied() + st.skippedOlder() >= lo);
            long t10 = System.nanoTime();
            await("90% applied", 1800, () -> st.applied() + st.skippedOlder() >= hi);
            long t90 = System.nanoTime();
            await("all applied", 1800, () -> st.applied() + st.skippedOlder() >= n);
            double rate = (hi - lo) / ((t90 - t10) / 1e9);
            System.out.printf(Locale.ROOT, "apply (%s): one follower thread applied %,.0f updates/s (10%%..90%% of the"
                    + " backlog; %,d applied, %,d older skipped, %d rejected, bootstraps %d)%n", json ? "JSON"
                    : "binary", rate, st.applied(), st.skippedOlder(), st.rejectedTotal(), st.bootstraps());
        }
    }

    // ------------------------------------------------------------------------------------------ peers

    private void peers() throws Exception {
        int entities = Integer.getInteger("entities", 1_000_000);
        int backlog = Integer.getInteger("backlog", 1_000_000);
        Path csvDir = Files.createDirectories(views.resolve("csv-peer"));
        System.out.printf(Locale.ROOT, "%npeer: feature-cache CSV load of %,d entities x %d floats (CsvLoadBenchmark,"
                + " one run):%n", entities, FEATURES);
        dev.hotpath.cache.CsvLoadBenchmark.main(new String[] {csvDir.toString(), Integer.toString(entities),
            Integer.toString(FEATURES), "1"});
        Path dir = Files.createDirectories(views.resolve("merge-peer"));
        FeatureUpdates enc = FeatureUpdates.forView(VIEW);
        byte[] value = new byte[enc.fullUpdateSize()];
        float[] values = new float[FEATURES];
        UpdateDecoder decoder = new UpdateDecoder(VIEW, UpdateFormat.AUTO, null);
        KeyDecoder keys = new KeyDecoder(VIEW.keyKind());
        try (dev.hotpath.cache.FeatureWriter w = dev.hotpath.cache.FeatureWriter.createGeneration(dir, VIEW,
                entities, WriterOptions.builder().heartbeatInterval(Duration.ofSeconds(1)).build())) {
            for (int phase = 0; phase < 2; phase++) {
                int n = phase == 0 ? entities : backlog;
                java.util.Random rnd = new java.util.Random(n);
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    int e = phase == 0 ? i : rnd.nextInt(entities);
                    for (int f = 0; f < FEATURES; f++) {
                        values[f] = e + f * 0.25f + i;
                    }
                    enc.encodeFull(i, values, 0, value, 0);
                    // What the follower does per record, minus Kafka: decode the key and the value, then merge.
                    keys.decode(key(e), false);
                    decoder.decode(value);
                    w.merge(keys.text(), decoder.eventTimeMillis(), decoder.values(), 0, decoder.present());
                }
                double secs = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "peer: FeatureWriter.merge from memory, %s: %,d in %.2f s = %,.0f/s%n",
                        phase == 0 ? "inserts into a new generation (a bootstrap without Kafka)"
                                : "updates of random entities (an apply without Kafka)", n, secs, n / secs);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ freshness

    private ChildJvm startFollowerProcess(Path dir, String topic) throws Exception {
        Path def = dir.resolve("bench.json");
        Files.writeString(def, VIEW.toJson());
        return ChildJvm.start(dir, ChildJvm.chronicleJvmOptions(), FollowerChildMain.class,
                dir.toString(), def.toString(), broker.bootstrapServers(), topic);
    }

    private void freshness() throws Exception {
        int samples = Integer.getInteger("samples", 10_000);
        int warmup = 2_000;
        String topic = "bench-fresh";
        broker.createTopic(topic, 1, Map.of("cleanup.policy", "compact"));
        Path dir = Files.createDirectories(views.resolve("freshness"));
        FeatureUpdates enc = FeatureUpdates.forView(VIEW);
        byte[] value = new byte[enc.fullUpdateSize()];
        float[] values = new float[FEATURES];
        float[] row = new float[FEATURES];
        try (KafkaProducer<byte[], byte[]> p = producer(0)) {
            // One entity so the follower has a generation to publish.
            enc.encodeFull(System.currentTimeMillis(), values, 0, value, 0);
            p.send(new ProducerRecord<>(topic, key(0), value)).get();
            try (ChildJvm follower = startFollowerProcess(dir, topic)) {
                await("the follower process to publish", 300, () -> Files.exists(dir.resolve("bench.follower.json"))
                        && Files.exists(dir.resolve("bench.manifest.json")));
                Thread.sleep(2_000);
                Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
                long lost = 0;
                try (FeatureReader r = FeatureReader.open(dir, VIEW,
                        ReaderOptions.builder().refreshInterval(Duration.ofMillis(100)).build())) {
                    long next = System.nanoTime();
                    for (int i = 1; i <= warmup + samples; i++) {
                        next += TimeUnit.MILLISECONDS.toNanos(5);
                        LockSupport.parkNanos(next - System.nanoTime());
                        int entity = i % 1000;
                        values[0] = i;
                        enc.encodeFull(System.currentTimeMillis(), values, 0, value, 0);
                        long sent = System.nanoTime();
                        p.send(new ProducerRecord<>(topic, key(entity), value));
                        byte[] k = key(entity);
                        String id = new String(k, StandardCharsets.UTF_8);
                        long deadline = sent + TimeUnit.SECONDS.toNanos(10);
                        while (true) {
                            if (r.read(id, row, 0) == FeatureStatus.PRESENT && row[0] == i) {
                                if (i > warmup) {
                                    h.recordValue(System.nanoTime() - sent);
                                }
                                break;
                            }
                            if (System.nanoTime() > deadline) {
                                lost++;
                                break;
                            }
                            LockSupport.parkNanos(20_000);
                        }
                        if (System.nanoTime() > next) {
                            next = System.nanoTime();
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "%nfreshness: produce (linger.ms=0, acks=1) -> visible to a reader in"
                                + " another process than the follower: %,d samples, one update per 5 ms, %d lost%n",
                        h.getTotalCount(), lost);
                System.out.printf(Locale.ROOT, "freshness: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms,"
                                + " max %.2f ms%n", h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6,
                        h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
                follower.terminate(60, TimeUnit.SECONDS);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ reads under load

    private void readsUnderLoad() throws Exception {
        int entities = 100_000;
        int rate = Integer.getInteger("updateRate", 100_000);
        int seconds = Integer.getInteger("readSeconds", 10);
        String topic = "bench-reads";
        broker.createTopic(topic, 4, Map.of("cleanup.policy", "compact"));
        long t0 = System.currentTimeMillis() - 3_600_000;
        produce(topic, entities, entities, false, false, t0);
        Path dir = Files.createDirectories(views.resolve("reads"));
        try (ChildJvm follower = startFollowerProcess(dir, topic)) {
            await("the follower process to bootstrap", 600, () -> Files.exists(dir.resolve("bench.manifest.json")));
            try (FeatureReader r = FeatureReader.open(dir, VIEW,
                    ReaderOptions.builder().refreshInterval(Duration.ofMillis(100)).build())) {
                String last = new String(key(entities - 1), StandardCharsets.UTF_8);
                await("every entity readable", 600, () -> r.read(last, new float[FEATURES], 0) == FeatureStatus.PRESENT);
                Result warm = readPhase(r, entities, 5);
                Result idle = readPhase(r, entities, seconds);
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong sent = new AtomicLong();
                Thread producer = new Thread(() -> paced(topic, entities, rate, stop, sent, t0 + entities),
                        "bench-producer");
                producer.start();
                Thread.sleep(2_000);
                long sentBefore = sent.get();
                long appliedBefore = appliedByChild(dir);
                long t = System.nanoTime();
                Result loaded = readPhase(r, entities, seconds);
                double secs = (System.nanoTime() - t) / 1e9;
                long appliedAfter = appliedByChild(dir);
                long sentAfter = sent.get();
                stop.set(true);
                producer.join();
                System.out.printf(Locale.ROOT, "%nreads: one reader thread, random keys over %,d entities x %d floats;"
                        + " follower in another process%n", entities, FEATURES);
                System.out.printf(Locale.ROOT, "reads: (warm-up %s)%n", warm);
                System.out.printf(Locale.ROOT, "reads: idle follower        %s%n", idle);
                System.out.printf(Locale.ROOT, "reads: follower applying    %s%n", loaded);
                System.out.printf(Locale.ROOT, "reads: during the loaded phase: produced %,.0f updates/s, the follower"
                        + " applied %,.0f/s (target %,d/s); p99 ratio loaded/idle %.2f%n", (sentAfter - sentBefore)
                        / secs, (appliedAfter - appliedBefore) / secs, rate,
                        (double) loaded.h.getValueAtPercentile(99) / idle.h.getValueAtPercentile(99));
            }
            follower.terminate(60, TimeUnit.SECONDS);
        }
    }

    /** The follower process's applied count, from the status it stores in its checkpoint every few ms. */
    private static long appliedByChild(Path dir) throws Exception {
        String json = Files.readString(dir.resolve("bench.follower.json"));
        int i = json.indexOf("\"applied\" : ");
        return Long.parseLong(json.substring(i + 12, json.indexOf(',', i)).trim());
    }

    private void paced(String topic, int entities, int rate, AtomicBoolean stop, AtomicLong sent, long eventTime) {
        FeatureUpdates enc = FeatureUpdates.forView(VIEW);
        byte[] value = new byte[enc.fullUpdateSize()];
        float[] values = new float[FEATURES];
        java.util.Random rnd = new java.util.Random(5);
        long perMilli = Math.max(1, rate / 1000);
        try (KafkaProducer<byte[], byte[]> p = producer(2)) {
            long next = System.nanoTime();
            long i = 0;
            while (!stop.get()) {
                for (int b = 0; b < perMilli; b++) {
                    int e = rnd.nextInt(entities);
                    values[0] = i;
                    enc.encodeFull(eventTime + i, values, 0, value, 0);
                    p.send(new ProducerRecord<>(topic, key(e), value));
                    i++;
                }
                sent.set(i);
                next += 1_000_000;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }
    }

    /** A read phase's latency histogram and allocation. */
    private static final class Result {
        final Histogram h;
        final long reads;
        final double bytesPerRead;
        final String notPresent;

        Result(Histogram h, long reads, double bytesPerRead, String notPresent) {
            this.h = h;
            this.reads = reads;
            this.bytesPerRead = bytesPerRead;
            this.notPresent = notPresent;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d reads: p50 %d ns, p90 %d ns, p99 %d ns, p99.9 %d ns, max %.1f µs,"
                    + " %.4f B/read%s", reads, h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                    h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue() / 1e3, bytesPerRead,
                    notPresent.isEmpty() ? "" : "; not PRESENT:" + notPresent);
        }
    }

    private static Result readPhase(FeatureReader r, int entities, int seconds) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        StringBuilder[] ids = new StringBuilder[entities];
        for (int e = 0; e < entities; e++) {
            ids[e] = new StringBuilder(new String(key(e), StandardCharsets.UTF_8));
        }
        float[] row = new float[FEATURES];
        long x = 0x9E3779B97F4A7C15L;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long reads = 0;
        long[] byStatus = new long[FeatureStatus.values().length];
        long before = mx.getCurrentThreadAllocatedBytes();
        while (true) {
            for (int k = 0; k < 1024; k++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                StringBuilder id = ids[(int) ((x >>> 1) % entities)];
                long t = System.nanoTime();
                FeatureStatus s = r.read(id, row, 0);
                h.recordValue(System.nanoTime() - t);
                byStatus[s.ordinal()]++;
            }
            reads += 1024;
            if (System.nanoTime() > end) {
                break;
            }
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        StringBuilder other = new StringBuilder();
        for (FeatureStatus st : FeatureStatus.values()) {
            if (st != FeatureStatus.PRESENT && byStatus[st.ordinal()] > 0) {
                other.append(' ').append(st).append('=').append(byStatus[st.ordinal()]);
            }
        }
        return new Result(h, reads, (double) allocated / reads, other.toString());
    }
}
