package dev.hotpath.bench;

import dev.hotpath.cache.FeatureReader;
import dev.hotpath.cache.FeatureView;
import dev.hotpath.cache.FeatureWriter;
import dev.hotpath.cache.KeyKind;
import dev.hotpath.cache.ReaderOptions;
import dev.hotpath.cache.WriterOptions;
import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.scorer.EntityKey;
import dev.hotpath.scoring.scorer.RequestField;
import dev.hotpath.scoring.scorer.ScoreRequest;
import dev.hotpath.scoring.scorer.ScoreResult;
import dev.hotpath.scoring.scorer.Scorer;
import dev.hotpath.shadow.JvmFlags;
import dev.hotpath.shadow.ShadowEvaluator;
import dev.hotpath.shadow.ShadowModelConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Does the {@link Scorer} scale with request threads? Throughput of the 80-tree sample model
 * ({@code examples/sample/fraud-sample.json}, 16 features) scored three ways, in the same run and on the same rows
 * (the 1,000 held-out rows of {@code examples/sample/transactions.csv}, cycled):
 * <ul>
 *   <li>{@code bareModel}: {@code model.score(row)}, the floor;</li>
 *   <li>{@code scorerRequestFields}: {@link Scorer#score} with all 16 features as request fields (no view, no
 *       shadow): the scorer's own cost over the bare model, per request;</li>
 *   <li>{@code scorerViewsAndShadow}: a card view (6 features) and a merchant view (4 features) read from Chronicle
 *       Map through real {@link FeatureReader}s, 6 request fields, and every request offered to a started
 *       {@link ShadowEvaluator} with one shadow (a second copy of the model) sampling {@code shadowSampleRate} of
 *       the requests.</li>
 * </ul>
 *
 * <p>{@link OneThread} and {@link TwoThreads} run the same methods with {@code @Threads(1)} and {@code @Threads(2)};
 * JMH's {@code -t N} runs them with any other count. Scaling is the ratio of the two classes' throughputs for one
 * method. Each thread has its own pre-filled {@link ScoreRequest}s (one per row, filled in set-up, as a service's
 * own parsing would) and one {@link ScoreResult}; set-up checks that every scorer result equals the bare model's
 * score of the same row bit for bit.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", JvmFlags.AGRONA_EXPORT, ChronicleFlags.F1, ChronicleFlags.F2,
    ChronicleFlags.F3, ChronicleFlags.F4, ChronicleFlags.F5, ChronicleFlags.F6, ChronicleFlags.F7,
    ChronicleFlags.F8, ChronicleFlags.F9, ChronicleFlags.P1, ChronicleFlags.P2})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class ScorerThroughputBenchmark {
    static final String MODEL_RESOURCE = "/dev/hotpath/bench/sample/fraud-sample.json";
    static final String ROWS_RESOURCE = "/dev/hotpath/bench/sample/transactions.csv";
    static final List<String> REQUEST_ONLY = List.of("amount", "amount_vs_category", "hour", "card_present",
            "country_mismatch", "new_device");
    static final int CARD_FEATURES = 6;
    static final int MERCHANT_FEATURES = 4;
    /** No background manifest polling: its allocation would be charged to the request threads by {@code -prof gc}. */
    static final ReaderOptions NO_REFRESH = ReaderOptions.builder().refreshInterval(Duration.ZERO).build();

    /** The model file and the row pool, loaded once per trial. */
    @State(Scope.Benchmark)
    public static class Data {
        Path dir;
        Path modelFile;
        List<String> features;
        float[][] rows;
        float[] expected;

        /**
         * Copies the sample model out of the jar and parses the rows.
         *
         * @throws IOException if the temporary directory cannot be written
         */
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("hotpath-scorer-throughput");
            modelFile = dir.resolve("fraud-sample.json");
            try (InputStream in = resource(MODEL_RESOURCE)) {
                Files.copy(in, modelFile, StandardCopyOption.REPLACE_EXISTING);
            }
            List<float[]> parsed = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(resource(ROWS_RESOURCE),
                    StandardCharsets.UTF_8))) {
                features = List.of(r.readLine().split(","));
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    String[] cells = line.split(",", -1);
                    float[] row = new float[cells.length];
                    for (int i = 0; i < cells.length; i++) {
                        row[i] = cells[i].isEmpty() ? Float.NaN : Float.parseFloat(cells[i]);
                    }
                    parsed.add(row);
                }
            }
            rows = parsed.toArray(new float[0][]);
            try (Model m = load()) {
                if (!m.featureNames().equals(features)) {
                    throw new IllegalStateException("rows " + features + " vs model " + m.featureNames());
                }
                expected = new float[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    expected[i] = m.score(rows[i]);
                }
            }
        }

        Model load() {
            return ModelLoader.load(modelFile);
        }

        /**
         * Deletes the temporary directory.
         *
         * @throws IOException if it cannot be deleted
         */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            deleteTree(dir);
        }

        private static InputStream resource(String name) {
            InputStream in = ScorerThroughputBenchmark.class.getResourceAsStream(name);
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " (jmh/pom.xml copies it from"
                        + " examples/sample)");
            }
            return in;
        }
    }

    /** The bare model, shared by all threads (a model is thread-safe). */
    @State(Scope.Benchmark)
    public static class Bare {
        Model model;

        /** @param d the data */
        @Setup(Level.Trial)
        public void setUp(Data d) {
            model = d.load();
        }

        /** Closes the model. */
        @TearDown(Level.Trial)
        public void tearDown() {
            model.close();
        }
    }

    /** A scorer whose 16 inputs are all request fields: no view, no shadow. */
    @State(Scope.Benchmark)
    public static class RequestOnly {
        Scorer scorer;
        RequestField[] fields;

        /** @param d the data */
        @Setup(Level.Trial)
        public void setUp(Data d) {
            Scorer.Builder b = Scorer.builder().primary("fraud", d.load()).fallbackScore(0f);
            d.features.forEach(b::requestField);
            scorer = b.build();
            fields = new RequestField[d.features.size()];
            for (int i = 0; i < fields.length; i++) {
                fields[i] = scorer.requestField(d.features.get(i));
            }
        }

        /** Closes the scorer and its model. */
        @TearDown(Level.Trial)
        public void tearDown() {
            scorer.close();
        }
    }

    /** A scorer with two Chronicle Map views, six request fields and a started shadow evaluator. */
    @State(Scope.Benchmark)
    public static class ViewsAndShadow {
        /** Share of requests the shadow scores (the request thread offers every request either way). */
        @Param({"0.01"})
        public double shadowSampleRate;
        FeatureReader cards;
        FeatureReader merchants;
        ShadowEvaluator shadows;
        Scorer scorer;
        RequestField[] fields;
        EntityKey card;
        EntityKey merchant;

        /** @param d the data */
        @Setup(Level.Trial)
        public void setUp(Data d) {
            Path views = d.dir.resolve("views");
            FeatureView cardView = view("card", d.features.subList(6, 6 + CARD_FEATURES));
            FeatureView merchantView = view("merchant", d.features.subList(6 + CARD_FEATURES,
                    6 + CARD_FEATURES + MERCHANT_FEATURES));
            write(views, cardView, d.rows, 6);
            write(views, merchantView, d.rows, 6 + CARD_FEATURES);
            cards = FeatureReader.open(views, cardView, NO_REFRESH);
            merchants = FeatureReader.open(views, merchantView, NO_REFRESH);
            shadows = ShadowEvaluator.builder(d.dir.resolve("shadow-log"))
                    .primaryModel(1, "fraud", "bench")
                    .addShadow(ShadowModelConfig.builder(2, "challenger", d.load()).build())
                    .maxFeatures(d.features.size())
                    .sampleRate(shadowSampleRate)
                    .build();
            shadows.start();
            Scorer.Builder b = Scorer.builder().primary("fraud", d.load())
                    .featureSource(cards)
                    .featureSource(merchants)
                    .shadow(shadows)
                    .fallbackScore(0f);
            REQUEST_ONLY.forEach(b::requestField);
            scorer = b.build();
            card = scorer.entityKey("card");
            merchant = scorer.entityKey("merchant");
            fields = new RequestField[REQUEST_ONLY.size()];
            for (int i = 0; i < fields.length; i++) {
                fields[i] = scorer.requestField(REQUEST_ONLY.get(i));
            }
        }

        /** Closes the scorer, the evaluator (and its shadow model) and the readers. */
        @TearDown(Level.Trial)
        public void tearDown() {
            scorer.close();
            shadows.close();
            shadows.shadowModels().values().forEach(Model::close);
            merchants.close();
            cards.close();
        }

        private static FeatureView view(String name, List<String> qualified) {
            FeatureView.Builder b = FeatureView.builder(name).keyKind(KeyKind.STRING).ttl(Duration.ofDays(36500));
            for (String f : qualified) {
                b.feature(f.substring(name.length() + 1));
            }
            return b.build();
        }

        /** Entity {@code name-i} holds row i's slice of the view's features. */
        private static void write(Path dir, FeatureView view, float[][] rows, int from) {
            try (FeatureWriter w = FeatureWriter.createGeneration(dir, view, rows.length, WriterOptions.defaults())) {
                long now = System.currentTimeMillis();
                for (int i = 0; i < rows.length; i++) {
                    w.upsert(view.name() + "-" + i, now, rows[i], from);
                }
                w.publish();
            }
        }
    }

    /** One thread's requests (one pre-filled request per row, per scorer) and result. */
    @State(Scope.Thread)
    public static class PerThread {
        ScoreRequest[] requestOnly;
        ScoreRequest[] viewsAndShadow;
        ScoreResult result;
        private int cursor;

        /** Fills this thread's requests for the given scorer(s) and checks every result against the bare model. */
        void fill(Data d, RequestOnly a, ViewsAndShadow b) {
            if (a != null && requestOnly == null) {
                requestOnly = new ScoreRequest[d.rows.length];
                result = a.scorer.newResult();
                for (int i = 0; i < d.rows.length; i++) {
                    ScoreRequest r = a.scorer.newRequest().requestId(i);
                    for (int f = 0; f < a.fields.length; f++) {
                        r.set(a.fields[f], d.rows[i][f]);
                    }
                    requestOnly[i] = r;
                    check(d, i, a.scorer.score(r, result));
                }
            }
            if (b != null && viewsAndShadow == null) {
                viewsAndShadow = new ScoreRequest[d.rows.length];
                result = b.scorer.newResult();
                for (int i = 0; i < d.rows.length; i++) {
                    ScoreRequest r = b.scorer.newRequest().requestId(i)
                            .entity(b.card, "card-" + i).entity(b.merchant, "merchant-" + i);
                    for (int f = 0; f < b.fields.length; f++) {
                        r.set(b.fields[f], d.rows[i][f]);
                    }
                    viewsAndShadow[i] = r;
                    check(d, i, b.scorer.score(r, result));
                }
            }
        }

        /** @return the next of this thread's requests, cycling */
        ScoreRequest next(ScoreRequest[] requests) {
            int i = cursor;
            cursor = i + 1 == requests.length ? 0 : i + 1;
            return requests[i];
        }

        private static void check(Data d, int i, float got) {
            if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(d.expected[i])) {
                throw new IllegalStateException("row " + i + ": scorer " + got + " vs bare model " + d.expected[i]);
            }
        }
    }

    /** Per-thread state for the request-fields scorer. */
    @State(Scope.Thread)
    public static class RequestOnlyThread extends PerThread {
        /**
         * @param d the data
         * @param a the scorer
         */
        @Setup(Level.Trial)
        public void setUp(Data d, RequestOnly a) {
            fill(d, a, null);
        }
    }

    /** Per-thread state for the views-and-shadow scorer. */
    @State(Scope.Thread)
    public static class ViewsAndShadowThread extends PerThread {
        /**
         * @param d the data
         * @param b the scorer
         */
        @Setup(Level.Trial)
        public void setUp(Data d, ViewsAndShadow b) {
            fill(d, null, b);
        }
    }

    /** Per-thread row cursor for the bare model. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    /**
     * @param d the rows
     * @param m the model
     * @param c this thread's cursor
     * @return the score of the next row
     */
    @Benchmark
    @ZeroAllocation
    public float bareModel(Data d, Bare m, Cursor c) {
        float[][] rows = d.rows;
        int i = c.next;
        c.next = i + 1 == rows.length ? 0 : i + 1;
        return m.model.score(rows[i]);
    }

    /**
     * @param a the scorer
     * @param t this thread's requests
     * @return the score of the next request
     */
    @Benchmark
    @ZeroAllocation
    @ComparedTo("bareModel")
    public float scorerRequestFields(RequestOnly a, RequestOnlyThread t) {
        return a.scorer.score(t.next(t.requestOnly), t.result);
    }

    /**
     * @param b the scorer
     * @param t this thread's requests
     * @return the score of the next request
     */
    @Benchmark
    @ZeroAllocation
    @ComparedTo("bareModel")
    public float scorerViewsAndShadow(ViewsAndShadow b, ViewsAndShadowThread t) {
        return b.scorer.score(t.next(t.viewsAndShadow), t.result);
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The benchmarks on one request thread. */
    @Threads(1)
    public static class OneThread extends ScorerThroughputBenchmark {
    }

    /** The benchmarks on two request threads (all the cores of the 2-vCPU machine). */
    @Threads(2)
    public static class TwoThreads extends ScorerThroughputBenchmark {
    }
}
