package dev.hotpath.bench;

import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.scorer.RequestField;
import dev.hotpath.scoring.scorer.ScoreRequest;
import dev.hotpath.scoring.scorer.ScoreResult;
import dev.hotpath.scoring.scorer.Scorer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;

/**
 * The CPU time a request costs, bare model against {@link Scorer} (request fields only), on one or more threads: the
 * companion of {@link ScorerThroughputBenchmark} for a machine that other work keeps busy. Wall-clock throughput
 * there measures the scheduler's share more than the code; a thread's CPU time counts only while it runs, so the
 * cost per request stays comparable. Each thread alternates blocks of bare-model and scorer calls over the sample
 * model's 1,000 held-out rows and reads its own CPU clock around each block; the medians of the blocks are printed.
 *
 * <p>Shared cache lines show up as more CPU per request when threads run at the same time: compare the figures for
 * 1 and 2 threads (they are diluted when the threads rarely run together, so also look at the throughput benchmark
 * on a quiet machine).
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar dev.hotpath.bench.ScorerCpuCost [threads] [blocks]
 * </pre>
 */
public final class ScorerCpuCost {
    private static final int BLOCK = 100_000;
    private static volatile float sink;

    private ScorerCpuCost() {
    }

    /**
     * @param args threads (default 1), blocks per kind and thread (default 40)
     * @throws Exception if the sample cannot be read
     */
    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int blocks = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        Path dir = Files.createTempDirectory("hotpath-cpu-cost");
        Path modelFile = dir.resolve("fraud-sample.json");
        try (InputStream in = resource(ScorerThroughputBenchmark.MODEL_RESOURCE)) {
            Files.copy(in, modelFile, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> features;
        List<float[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                resource(ScorerThroughputBenchmark.ROWS_RESOURCE), StandardCharsets.UTF_8))) {
            features = List.of(r.readLine().split(","));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] cells = line.split(",", -1);
                float[] row = new float[cells.length];
                for (int i = 0; i < cells.length; i++) {
                    row[i] = cells[i].isEmpty() ? Float.NaN : Float.parseFloat(cells[i]);
                }
                rows.add(row);
            }
        }
        Model bare = ModelLoader.load(modelFile);
        Scorer.Builder b = Scorer.builder().primary("fraud", ModelLoader.load(modelFile)).fallbackScore(0f);
        features.forEach(b::requestField);
        Scorer scorer = b.build();
        long[][] bareNs = new long[threads][blocks];
        long[][] scorerNs = new long[threads][blocks];
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> run(id, bare, scorer, features, rows, blocks, start, bareNs, scorerNs),
                    "cpu-cost-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        long[] allBare = Arrays.stream(bareNs).flatMapToLong(Arrays::stream).toArray();
        long[] allScorer = Arrays.stream(scorerNs).flatMapToLong(Arrays::stream).toArray();
        double bareOp = median(allBare) / (double) BLOCK;
        double scorerOp = median(allScorer) / (double) BLOCK;
        System.out.printf(Locale.ROOT, "threads %d, %d blocks of %,d calls per kind and thread (medians of thread CPU"
                + " time)%n  bare model   %8.1f ns/request%n  Scorer       %8.1f ns/request%n  Scorer cost  %8.1f"
                + " ns/request (%.2fx the bare model)%n", threads, blocks, BLOCK, bareOp, scorerOp,
                scorerOp - bareOp, scorerOp / bareOp);
        scorer.close();
        bare.close();
        Files.deleteIfExists(modelFile);
        Files.deleteIfExists(dir);
    }

    private static void run(int id, Model bare, Scorer scorer, List<String> features, List<float[]> rows, int blocks,
                            CyclicBarrier start, long[][] bareNs, long[][] scorerNs) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ScoreRequest[] requests = new ScoreRequest[rows.size()];
        RequestField[] fields = new RequestField[features.size()];
        for (int f = 0; f < fields.length; f++) {
            fields[f] = scorer.requestField(features.get(f));
        }
        for (int i = 0; i < requests.length; i++) {
            requests[i] = scorer.newRequest().requestId(i);
            for (int f = 0; f < fields.length; f++) {
                requests[i].set(fields[f], rows.get(i)[f]);
            }
        }
        float[][] rowArray = rows.toArray(new float[0][]);
        ScoreResult result = scorer.newResult();
        try {
            start.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        float s = 0;
        for (int warm = 0; warm < 5; warm++) {
            s += bareBlock(bare, rowArray) + scorerBlock(scorer, requests, result);
        }
        for (int k = 0; k < blocks; k++) {
            long t0 = mx.getCurrentThreadCpuTime();
            s += bareBlock(bare, rowArray);
            long t1 = mx.getCurrentThreadCpuTime();
            s += scorerBlock(scorer, requests, result);
            long t2 = mx.getCurrentThreadCpuTime();
            bareNs[id][k] = t1 - t0;
            scorerNs[id][k] = t2 - t1;
        }
        sink = s;
    }

    private static float bareBlock(Model model, float[][] rows) {
        float s = 0;
        for (int i = 0, r = 0; i < BLOCK; i++) {
            s += model.score(rows[r]);
            r = r + 1 == rows.length ? 0 : r + 1;
        }
        return s;
    }

    private static float scorerBlock(Scorer scorer, ScoreRequest[] requests, ScoreResult result) {
        float s = 0;
        for (int i = 0, r = 0; i < BLOCK; i++) {
            s += scorer.score(requests[r], result);
            r = r + 1 == requests.length ? 0 : r + 1;
        }
        return s;
    }

    private static long median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = ScorerCpuCost.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("missing resource " + name);
        }
        return in;
    }
}
