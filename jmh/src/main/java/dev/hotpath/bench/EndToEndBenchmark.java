package dev.hotpath.bench;

import dev.hotpath.bench.data.BenchData;
import dev.hotpath.bench.data.ModelSpec;
import dev.hotpath.bench.data.UsesModels;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole fraud score as a payment service calls it: {@link Scorer#score} reading a card view (100 features, 100,000
 * cards) and a merchant view (80 features, 10,000 merchants) from Chronicle Map, taking 20 request fields, and
 * scoring the {@code fraud} XGBoost model (500 trees of depth 6).
 * <ul>
 *   <li>{@code score}: the scorer without shadows. No {@link ShadowEvaluator} exists in this benchmark's state, so
 *       no agent thread runs (an idle evaluator's three agents would still wake up to a thousand times a second
 *       each).</li>
 *   <li>{@code scoreWithTwoShadows}: the same, and every request is also offered to a started
 *       {@link ShadowEvaluator} running two shadow models (two more copies of the fraud model, each as expensive as
 *       the primary) on its agent threads. {@code sampleRate} is the share of requests the shadows score: at 1 (the
 *       default, every request) the two shadows need about twice the request thread's CPU time, so on a 2-core
 *       machine their workers are always busy, the request thread shares the CPUs with them and the tail is the
 *       scheduler's time slice; the shadows fall behind and their excess is dropped and counted, as designed.
 *       {@code 0.1} is a realistic production setting for shadows this expensive.</li>
 * </ul>
 *
 * <p>SampleTime mode: the table shows p50, p99, p99.9 and p99.99. Requests cycle through 4,096 distinct
 * (card, merchant, request-fields) combinations; set-up checks that each scorer's result equals the model's score
 * of the same assembled row bit for bit.
 */
@UsesModels("fraud")
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", JvmFlags.AGRONA_EXPORT, ChronicleFlags.F1, ChronicleFlags.F2,
    ChronicleFlags.F3, ChronicleFlags.F4, ChronicleFlags.F5, ChronicleFlags.F6, ChronicleFlags.F7,
    ChronicleFlags.F8, ChronicleFlags.F9, ChronicleFlags.P1, ChronicleFlags.P2})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EndToEndBenchmark {
    static final int REQUEST_FIELDS = 20;
    static final int CARD_FEATURES = 100;
    static final int MERCHANT_FEATURES = 80;
    static final int CARDS = 100_000;
    static final int MERCHANTS = 10_000;
    static final int POOL = 4096;
    static final int F = ModelSpec.FRAUD.features();

    /**
     * No background manifest polling: {@code -prof gc} counts every thread, and the refresh thread's small, steady
     * allocation would be charged to the request path. The read path is the same.
     */
    static final ReaderOptions NO_REFRESH = ReaderOptions.builder().refreshInterval(Duration.ZERO).build();

    private int next;

    /** The feature views, the primary model and the request pool, shared by both benchmarks. */
    @State(Scope.Benchmark)
    public static class Views {
        FeatureReader cards;
        FeatureReader merchants;
        Model model;
        String[] cardIds;
        String[] merchantIds;
        float[][] requestValues;
        float[] expected;

        /** Writes the views if they are not cached, opens them, loads the model and draws the request pool. */
        @Setup(Level.Trial)
        public void setUp() {
            float[] pool = BenchData.rowPool(ModelSpec.FRAUD, POOL);
            Path dir = BenchData.dir().resolve("e2e-views-v1");
            FeatureView cardView = view("card", "c", CARD_FEATURES);
            FeatureView merchantView = view("merchant", "m", MERCHANT_FEATURES);
            try {
                if (!Files.exists(dir.resolve("DONE"))) {
                    System.err.printf("[hotpath-jmh] writing the card and merchant views once (%,d and %,d"
                            + " entities) in %s%n", CARDS, MERCHANTS, dir);
                    write(dir, cardView, CARDS, pool, REQUEST_FIELDS, 1);
                    write(dir, merchantView, MERCHANTS, pool, REQUEST_FIELDS + CARD_FEATURES, 7);
                    Files.writeString(dir.resolve("DONE"), "written\n");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            cards = FeatureReader.open(dir, cardView, NO_REFRESH);
            merchants = FeatureReader.open(dir, merchantView, NO_REFRESH);
            model = loadFraud();

            SplittableRandom rnd = new SplittableRandom(5);
            cardIds = new String[POOL];
            merchantIds = new String[POOL];
            requestValues = new float[POOL][REQUEST_FIELDS];
            expected = new float[POOL];
            float[] assembled = new float[F];
            for (int i = 0; i < POOL; i++) {
                int c = rnd.nextInt(CARDS);
                int m = rnd.nextInt(MERCHANTS);
                cardIds[i] = "card-" + c;
                merchantIds[i] = "merchant-" + m;
                // Request fields come from the same pool row as the card's features.
                System.arraycopy(pool, (c & (POOL - 1)) * F, requestValues[i], 0, REQUEST_FIELDS);
                System.arraycopy(pool, (c & (POOL - 1)) * F, assembled, 0, REQUEST_FIELDS + CARD_FEATURES);
                System.arraycopy(pool, ((m * 7) & (POOL - 1)) * F + REQUEST_FIELDS + CARD_FEATURES, assembled,
                        REQUEST_FIELDS + CARD_FEATURES, MERCHANT_FEATURES);
                expected[i] = model.score(assembled);
            }
        }

        /** Closes the readers (the model stays open, as the scorers were given it). */
        @TearDown(Level.Trial)
        public void tearDown() {
            merchants.close();
            cards.close();
        }
    }

    /** A scorer with its reusable request, result, keys and fields. */
    abstract static class ScorerState {
        Scorer scorer;
        ScoreRequest request;
        ScoreResult result;
        EntityKey card;
        EntityKey merchant;
        RequestField[] fields;

        void init(Views v, ShadowEvaluator shadow) {
            Scorer.Builder b = Scorer.builder()
                    .primary("fraud", v.model)
                    .featureSource(v.cards)
                    .featureSource(v.merchants)
                    .fallbackScore(0f);
            for (int i = 0; i < REQUEST_FIELDS; i++) {
                b.requestField("r" + i);
                b.bind("f" + i, "request.r" + i);
            }
            for (int i = 0; i < CARD_FEATURES; i++) {
                b.bind("f" + (REQUEST_FIELDS + i), "card.c" + i);
            }
            for (int i = 0; i < MERCHANT_FEATURES; i++) {
                b.bind("f" + (REQUEST_FIELDS + CARD_FEATURES + i), "merchant.m" + i);
            }
            if (shadow != null) {
                b.shadow(shadow);
            }
            scorer = b.build();
            request = scorer.newRequest();
            result = scorer.newResult();
            card = scorer.entityKey("card");
            merchant = scorer.entityKey("merchant");
            fields = new RequestField[REQUEST_FIELDS];
            for (int i = 0; i < REQUEST_FIELDS; i++) {
                fields[i] = scorer.requestField("r" + i);
            }
            for (int i = 0; i < POOL; i++) {
                float got = score(v, i, i);
                // With shadows, a flag may say the offer was dropped (the agents are still warming up); the score
                // must be exact either way.
                if (Float.floatToRawIntBits(v.expected[i]) != Float.floatToRawIntBits(got)
                        || (shadow == null && result.flags() != 0)) {
                    throw new IllegalStateException("request " + i + ": scorer " + got + " (flags " + result.flags()
                            + ") vs model " + v.expected[i]);
                }
            }
        }

        float score(Views v, int i, long requestId) {
            request.clear().requestId(requestId).entity(card, v.cardIds[i]).entity(merchant, v.merchantIds[i]);
            float[] values = v.requestValues[i];
            for (int k = 0; k < REQUEST_FIELDS; k++) {
                request.set(fields[k], values[k]);
            }
            return scorer.score(request, result);
        }
    }

    /** The scorer without shadows; no evaluator, no agent threads. */
    @State(Scope.Thread)
    public static class Plain extends ScorerState {
        /** @param v the views */
        @Setup(Level.Trial)
        public void setUp(Views v) {
            init(v, null);
        }

        /** Closes the scorer. */
        @TearDown(Level.Trial)
        public void tearDown() {
            scorer.close();
        }
    }

    /** The scorer with a started evaluator running two shadows. */
    @State(Scope.Thread)
    public static class Shadowed extends ScorerState {
        /** Share of requests the shadows score; 1 (every request) is the heaviest case. */
        @Param({"1.0", "0.1"})
        public double sampleRate;
        ShadowEvaluator shadows;
        Path shadowDir;

        /**
         * @param v the views
         * @throws IOException if the shadow log directory cannot be created
         */
        @Setup(Level.Trial)
        public void setUp(Views v) throws IOException {
            shadowDir = Files.createTempDirectory("hotpath-e2e-shadow");
            shadows = ShadowEvaluator.builder(shadowDir)
                    .primaryModel(1, "fraud", "bench")
                    .addShadow(ShadowModelConfig.builder(2, "challenger-a", loadFraud()).build())
                    .addShadow(ShadowModelConfig.builder(3, "challenger-b", loadFraud()).build())
                    .maxFeatures(F)
                    .sampleRate(sampleRate)
                    .build();
            shadows.start();
            init(v, shadows);
        }

        /**
         * Closes the scorer and the evaluator and deletes the shadow log.
         *
         * @throws IOException if the shadow log cannot be deleted
         */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            scorer.close();
            shadows.close();
            shadows.shadowModels().values().forEach(Model::close);
            try (Stream<Path> files = Files.walk(shadowDir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }

    static Model loadFraud() {
        return ModelLoader.load(BenchData.model(ModelSpec.FRAUD).xgboostJson());
    }

    static FeatureView view(String name, String prefix, int dim) {
        FeatureView.Builder b = FeatureView.builder(name).keyKind(KeyKind.STRING).ttl(Duration.ofDays(36500));
        for (int i = 0; i < dim; i++) {
            b.feature(prefix + i);
        }
        return b.build();
    }

    /** Entity {@code e} gets the view's slice (from {@code from}) of pool row {@code (e * stride) mod 4096}. */
    private static void write(Path dir, FeatureView view, int entities, float[] pool, int from, int stride) {
        String prefix = view.name() + "-";
        try (FeatureWriter w = FeatureWriter.createGeneration(dir, view, entities, WriterOptions.defaults())) {
            long now = System.currentTimeMillis();
            for (int e = 0; e < entities; e++) {
                w.upsert(prefix + e, now, pool, ((e * stride) & (POOL - 1)) * F + from);
            }
            w.publish();
        }
    }

    /**
     * @param v the views
     * @param s the scorer without shadows
     * @return the fraud score: two feature reads, 20 request fields, 500 trees
     */
    @Benchmark
    @ZeroAllocation
    public float score(Views v, Plain s) {
        int i = next & (POOL - 1);
        return s.score(v, i, next++);
    }

    /**
     * @param v the views
     * @param s the scorer with two shadows
     * @return the same, also offered to two shadow models scored on the agent threads
     */
    @Benchmark
    @ZeroAllocation
    @ComparedTo("score")
    public float scoreWithTwoShadows(Views v, Shadowed s) {
        int i = next & (POOL - 1);
        return s.score(v, i, next++);
    }
}
