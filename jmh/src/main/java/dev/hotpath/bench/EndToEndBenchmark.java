package dev.hotpath.bench;

import dev.hotpath.bench.data.BenchData;
import dev.hotpath.bench.data.ModelSpec;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole fraud score as a payment service calls it: {@link Scorer#score} reading a card view (100 features, 100,000
 * cards) and a merchant view (80 features, 10,000 merchants) from Chronicle Map, taking 20 request fields, and
 * scoring the {@code fraud} XGBoost model (500 trees of depth 6). {@code scoreWithTwoShadows} also offers every
 * request to a started {@link ShadowEvaluator} running two shadow models (two more copies of the fraud model) on
 * its agent threads, which on a 2-core machine compete with the request thread for the CPUs.
 *
 * <p>SampleTime mode: the table shows p50, p99, p99.9 and p99.99. Requests cycle through 4,096 distinct
 * (card, merchant, request-fields) combinations; set-up checks that the scorer's result equals the model's score of
 * the same assembled row bit for bit.
 */
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

    private FeatureReader cards;
    private FeatureReader merchants;
    private Model model;
    private Scorer plain;
    private Scorer shadowed;
    private ShadowEvaluator shadows;
    private Path shadowDir;

    private ScoreRequest plainRequest;
    private ScoreRequest shadowedRequest;
    private ScoreResult plainResult;
    private ScoreResult shadowedResult;
    private EntityKey plainCard;
    private EntityKey plainMerchant;
    private EntityKey shadowedCard;
    private EntityKey shadowedMerchant;
    private RequestField[] plainFields;
    private RequestField[] shadowedFields;

    private String[] cardIds;
    private String[] merchantIds;
    private float[][] requestValues;
    private int next;

    /**
     * Writes the views if they are not cached, opens them, loads the model and builds both scorers.
     *
     * @throws IOException if the shadow log directory cannot be created
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        float[] pool = BenchData.rowPool(ModelSpec.FRAUD, POOL);
        Path dir = BenchData.dir().resolve("e2e-views-v1");
        FeatureView cardView = view("card", "c", CARD_FEATURES);
        FeatureView merchantView = view("merchant", "m", MERCHANT_FEATURES);
        if (!Files.exists(dir.resolve("DONE"))) {
            write(dir, cardView, CARDS, pool, REQUEST_FIELDS, 1);
            write(dir, merchantView, MERCHANTS, pool, REQUEST_FIELDS + CARD_FEATURES, 7);
            Files.writeString(dir.resolve("DONE"), "written\n");
        }
        cards = FeatureReader.open(dir, cardView, NO_REFRESH);
        merchants = FeatureReader.open(dir, merchantView, NO_REFRESH);
        model = ModelLoader.load(BenchData.model(ModelSpec.FRAUD).xgboostJson());

        plain = scorer(null);
        shadowDir = Files.createTempDirectory("hotpath-e2e-shadow");
        shadows = ShadowEvaluator.builder(shadowDir)
                .primaryModel(1, "fraud", "bench")
                .addShadow(ShadowModelConfig.builder(2, "challenger-a", loadFraud()).build())
                .addShadow(ShadowModelConfig.builder(3, "challenger-b", loadFraud()).build())
                .maxFeatures(F)
                .build();
        shadows.start();
        shadowed = scorer(shadows);

        plainRequest = plain.newRequest();
        plainResult = plain.newResult();
        plainCard = plain.entityKey("card");
        plainMerchant = plain.entityKey("merchant");
        plainFields = fields(plain);
        shadowedRequest = shadowed.newRequest();
        shadowedResult = shadowed.newResult();
        shadowedCard = shadowed.entityKey("card");
        shadowedMerchant = shadowed.entityKey("merchant");
        shadowedFields = fields(shadowed);

        SplittableRandom rnd = new SplittableRandom(5);
        cardIds = new String[POOL];
        merchantIds = new String[POOL];
        requestValues = new float[POOL][REQUEST_FIELDS];
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
            float expected = model.score(assembled);
            float got = score(plain, plainRequest, plainResult, plainCard, plainMerchant, plainFields, i);
            float got2 = score(shadowed, shadowedRequest, shadowedResult, shadowedCard, shadowedMerchant,
                    shadowedFields, i);
            if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(got)
                    || Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(got2)
                    || plainResult.flags() != 0) {
                throw new IllegalStateException("request " + i + ": scorer " + got + "/" + got2 + " (flags "
                        + plainResult.flags() + ") vs model " + expected);
            }
        }
    }

    private Model loadFraud() {
        return ModelLoader.load(BenchData.model(ModelSpec.FRAUD).xgboostJson());
    }

    private Scorer scorer(ShadowEvaluator shadow) {
        Scorer.Builder b = Scorer.builder()
                .primary("fraud", model)
                .featureSource(cards.asFeatureSource())
                .featureSource(merchants.asFeatureSource())
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
            b.shadow(shadow.sink());
        }
        return b.build();
    }

    private static RequestField[] fields(Scorer s) {
        RequestField[] f = new RequestField[REQUEST_FIELDS];
        for (int i = 0; i < REQUEST_FIELDS; i++) {
            f[i] = s.requestField("r" + i);
        }
        return f;
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
     * Closes everything.
     *
     * @throws IOException if the shadow log cannot be deleted
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        plain.close();
        shadowed.close();
        shadows.close();
        shadows.shadowModels().values().forEach(Model::close);
        merchants.close();
        cards.close();
        try (Stream<Path> files = Files.walk(shadowDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private float score(Scorer s, ScoreRequest req, ScoreResult res, EntityKey card, EntityKey merchant,
                        RequestField[] f, int i) {
        req.clear().requestId(next).entity(card, cardIds[i]).entity(merchant, merchantIds[i]);
        float[] v = requestValues[i];
        for (int k = 0; k < REQUEST_FIELDS; k++) {
            req.set(f[k], v[k]);
        }
        return s.score(req, res);
    }

    /** @return the fraud score: two feature reads, 20 request fields, 500 trees */
    @Benchmark
    @ZeroAllocation
    public float score() {
        int i = next++ & (POOL - 1);
        return score(plain, plainRequest, plainResult, plainCard, plainMerchant, plainFields, i);
    }

    /** @return the same, also offered to two shadow models scored on the agent threads */
    @Benchmark
    @ZeroAllocation
    @ComparedTo("score")
    public float scoreWithTwoShadows() {
        int i = next++ & (POOL - 1);
        return score(shadowed, shadowedRequest, shadowedResult, shadowedCard, shadowedMerchant, shadowedFields, i);
    }
}
