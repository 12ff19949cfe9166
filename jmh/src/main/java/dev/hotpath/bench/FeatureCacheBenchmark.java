package dev.hotpath.bench;

import dev.hotpath.bench.data.BenchData;
import dev.hotpath.bench.data.ModelSpec;
import dev.hotpath.cache.FeatureReader;
import dev.hotpath.cache.FeatureView;
import dev.hotpath.cache.FeatureWriter;
import dev.hotpath.cache.KeyKind;
import dev.hotpath.cache.ReaderOptions;
import dev.hotpath.cache.WriterOptions;
import dev.hotpath.scoring.scorer.FeatureStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
 * Reading one entity's 200-float feature vector: Hotpath's Chronicle Map feature cache ({@code chronicleRead},
 * {@link FeatureReader#read(long, float[], int)} into a caller-owned array) against an on-heap
 * {@code ConcurrentHashMap<Long, float[]>} plus a copy ({@code concurrentHashMapRead}, the baseline a service would
 * write itself, with pre-boxed keys so the baseline does not pay for boxing).
 *
 * <p>{@code entities} entities (default 1 M) are written once into a long-keyed view cached under
 * {@code jmh/target/bench-data} (about 1 GB for 1 M; the smoke run uses {@code -p entities=10000}). Keys:
 * {@code hot}, 1,024 distinct entities cycled (cache-resident); {@code uniform}, 65,536 ids drawn uniformly from
 * all entities (mostly cache misses, the realistic case for card ids). Every read must find its entity.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", ChronicleFlags.F1, ChronicleFlags.F2, ChronicleFlags.F3,
    ChronicleFlags.F4, ChronicleFlags.F5, ChronicleFlags.F6, ChronicleFlags.F7, ChronicleFlags.F8,
    ChronicleFlags.F9, ChronicleFlags.P1, ChronicleFlags.P2})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FeatureCacheBenchmark {
    static final int DIM = 200;
    static final int HOT = 1024;
    static final int UNIFORM = 65_536;

    /**
     * No background manifest polling: {@code -prof gc} counts every thread, and the refresh thread's small, steady
     * allocation would be charged to the request path. The read path is the same.
     */
    static final ReaderOptions NO_REFRESH = ReaderOptions.builder().refreshInterval(Duration.ZERO).build();

    /** Entities in the view. */
    @Param({"1000000"})
    public int entities;

    /** {@code hot} or {@code uniform}. */
    @Param({"hot", "uniform"})
    public String keys;

    private FeatureReader reader;
    private ConcurrentHashMap<Long, float[]> map;
    private long[] ids;
    private Long[] boxedIds;
    private final float[] dst = new float[DIM];
    private int next;

    /** Writes the view if it is not cached yet, opens it, and fills the baseline map with the same vectors. */
    @Setup(Level.Trial)
    public void setUp() {
        FeatureView view = view();
        Path dir = BenchData.dir().resolve("features-" + entities + "x" + DIM + "-v1");
        float[] pool = BenchData.rowPool(ModelSpec.FRAUD, 4096);
        if (!Files.exists(dir.resolve("DONE"))) {
            // Minutes on a busy machine for 1 M entities: say what the fork is doing.
            long start = System.nanoTime();
            System.err.printf("[hotpath-jmh] writing the feature view once: %,d entities x %d floats in %s%n",
                    entities, DIM, dir);
            try (FeatureWriter w = FeatureWriter.createGeneration(dir, view, entities, WriterOptions.defaults())) {
                long now = System.currentTimeMillis();
                for (int e = 0; e < entities; e++) {
                    w.upsert(e, now, pool, (e & 4095) * DIM);
                }
                w.publish();
            }
            try {
                Files.writeString(dir.resolve("DONE"), "written\n");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            System.err.printf("[hotpath-jmh] wrote %,d entities in %.1f s (cached)%n", entities,
                    (System.nanoTime() - start) / 1e9);
        }
        reader = FeatureReader.open(dir, view, NO_REFRESH);
        map = new ConcurrentHashMap<>(entities * 2);
        for (int e = 0; e < entities; e++) {
            float[] v = new float[DIM];
            System.arraycopy(pool, (e & 4095) * DIM, v, 0, DIM);
            map.put((long) e, v);
        }
        SplittableRandom rnd = new SplittableRandom(99);
        int n = keys.equals("hot") ? HOT : UNIFORM;
        ids = new long[n];
        boxedIds = new Long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rnd.nextInt(entities);
            boxedIds[i] = ids[i];
        }
        for (long id : ids) {
            FeatureStatus s = reader.read(id, dst, 0);
            if (s != FeatureStatus.PRESENT) {
                throw new IllegalStateException("entity " + id + " read as " + s);
            }
        }
    }

    static FeatureView view() {
        FeatureView.Builder b = FeatureView.builder("bench_card").keyKind(KeyKind.LONG).ttl(Duration.ofDays(36500));
        for (int i = 0; i < DIM; i++) {
            b.feature("c" + i);
        }
        return b.build();
    }

    /** Closes the reader. */
    @TearDown(Level.Trial)
    public void tearDown() {
        reader.close();
    }

    /** @return the read status ({@code PRESENT}); the vector is in a reused array */
    @Benchmark
    @ZeroAllocation
    public FeatureStatus chronicleRead() {
        return reader.read(ids[next++ & (ids.length - 1)], dst, 0);
    }

    /** @return the copied vector */
    @Benchmark
    @ComparedTo("chronicleRead")
    public float[] concurrentHashMapRead() {
        float[] v = map.get(boxedIds[next++ & (boxedIds.length - 1)]);
        System.arraycopy(v, 0, dst, 0, DIM);
        return dst;
    }
}
