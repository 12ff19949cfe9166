package dev.hotpath.formats.xgboost;

import static dev.hotpath.formats.xgboost.XgbTestSupport.NF;
import static dev.hotpath.formats.xgboost.XgbTestSupport.params;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotpath.formats.xgboost.XgbTestSupport.Labels;
import dev.hotpath.scoring.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many threads scoring one model read by {@link XgboostReader} get exactly the single-threaded results (which the
 * parity tests tie to XGBoost), for the single-row and batch methods, margins and outputs.
 */
class XgboostConcurrencyTest {
    private static final int THREADS = 8;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of(Named.of("multi-class categorical", params("multi:softprob", "num_class", 4,
                        "max_cat_to_onehot", 1)), Labels.MULTI4, true),
                Arguments.of(Named.of("binary numeric", params("binary:logistic")), Labels.BINARY, false),
                Arguments.of(Named.of("vector leaf", params("multi:softprob", "num_class", 3, "multi_strategy",
                        "multi_output_tree")), Labels.MULTI3, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void shouldGiveEveryThreadTheSingleThreadedResults(java.util.Map<String, Object> params, Labels labels,
            boolean categorical, @TempDir Path dir) throws Exception {
        Booster b = XgbTestSupport.train(params, XgbTestSupport.trainingData(77, labels), 15, categorical, false);
        Path file = dir.resolve("m.ubj");
        try {
            b.saveModel(file.toString());
        } finally {
            b.dispose();
        }
        Model model = XgboostReader.read(file, XgboostOptions.defaults());
        float[] rows = XgbTestSupport.evalRows(5, XgbTestSupport.parse(file));
        int n = rows.length / NF;
        int k = model.numOutputs();
        int km = model.numMarginOutputs();
        float[] expectedOut = new float[n * k];
        float[] expectedMargins = new float[n * km];
        model.score(rows, n, expectedOut);
        model.scoreMargin(rows, n, expectedMargins);

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<float[][]>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long seed = t;
            results.add(pool.submit(() -> {
                start.await();
                float[] out = new float[n * k];
                float[] margins = new float[n * km];
                float[] row = new float[NF];
                float[] one = new float[k];
                float[] oneMargin = new float[km];
                SplittableRandom rnd = new SplittableRandom(seed);
                for (int pass = 0; pass < 3; pass++) {
                    // each thread visits the rows in its own random order, interleaving with the others
                    int offset = rnd.nextInt(n);
                    for (int i = 0; i < n; i++) {
                        int r = (i + offset) % n;
                        System.arraycopy(rows, r * NF, row, 0, NF);
                        model.score(row, one);
                        model.scoreMargin(row, oneMargin);
                        System.arraycopy(one, 0, out, r * k, k);
                        System.arraycopy(oneMargin, 0, margins, r * km, km);
                    }
                }
                float[] batch = new float[n * k];
                model.score(rows, n, batch);
                return new float[][] {out, margins, batch};
            }));
        }
        start.countDown();
        for (Future<float[][]> f : results) {
            float[][] r = f.get(120, TimeUnit.SECONDS);
            assertArrayEquals(expectedOut, r[0]);
            assertArrayEquals(expectedMargins, r[1]);
            assertArrayEquals(expectedOut, r[2]);
        }
        pool.shutdown();
        assertEquals(true, pool.awaitTermination(10, TimeUnit.SECONDS));
    }
}
