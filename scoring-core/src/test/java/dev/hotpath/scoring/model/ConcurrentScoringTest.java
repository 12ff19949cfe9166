package dev.hotpath.scoring.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many threads scoring one shared model get exactly what one thread gets (per-thread scratch is isolated). */
class ConcurrentScoringTest {
    @Test
    void shouldGiveIdenticalResultsFromManyThreads() throws Exception {
        Random rnd = new Random(3);
        TreeEnsembleBuilder b = TreeEnsemble.builder(12, 2).transform(OutputTransform.SOFTMAX);
        for (int t = 0; t < 40; t++) {
            b.addTree(Trees.random(rnd, 12, 6, new float[] {-1f, 0f, 1f}, 1), t % 2, 1f);
        }
        TreeEnsemble model = b.build();
        int rows = 5_000;
        float[] data = new float[rows * 12];
        for (int i = 0; i < data.length; i++) {
            data[i] = rnd.nextInt(8) == 0 ? Float.NaN : (float) rnd.nextGaussian();
        }
        float[] expected = new float[rows * 2];
        model.score(data, rows, expected);

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int th = 0; th < 8; th++) {
                results.add(pool.submit(() -> {
                    float[] out = new float[rows * 2];
                    float[] row = new float[12];
                    float[] one = new float[2];
                    for (int rep = 0; rep < 5; rep++) {
                        for (int r = 0; r < rows; r++) {
                            System.arraycopy(data, r * 12, row, 0, 12);
                            model.score(row, one);
                            out[r * 2] = one[0];
                            out[r * 2 + 1] = one[1];
                        }
                    }
                    return out;
                }));
            }
            for (Future<float[]> f : results) {
                assertArrayEquals(expected, f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }
}
