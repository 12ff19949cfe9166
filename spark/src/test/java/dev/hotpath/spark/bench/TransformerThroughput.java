package dev.hotpath.spark.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.Model;
import dev.hotpath.spark.HotpathTransformer;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * Rows per second per core on the fraud model (500 trees, depth 6, 200 features, ~5 % NaN): the transformer in
 * Spark local mode with one core ({@code local[1]}), Hotpath's raw batch path ({@code Model.score(rows, n, out)})
 * on one thread, and XGBoost4J's Spark-free batch predictor ({@code inplace_predict}, nthread 1) on the same rows.
 * A throughput harness, not a JMH benchmark: a Spark job cannot run inside a JMH fork's measured method; it warms
 * up with the same work and reports the best of the repetitions (the box is shared). Not a test.
 *
 * <p>Usage: {@code TransformerThroughput [modelDir] [rows] [reps]}; the model is trained once with XGBoost4J and
 * cached in {@code modelDir}.
 */
public final class TransformerThroughput {
    private static final int TREES = 500;
    private static final int DEPTH = 6;
    private static final int NF = 200;

    private TransformerThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench-fraud");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Files.createDirectories(dir);
        Path modelFile = dir.resolve("fraud-500x6-200f.json");
        if (!Files.exists(modelFile)) {
            train(modelFile);
        }
        float[] x = rows(42, n);
        String[] names = new String[NF];
        for (int f = 0; f < NF; f++) {
            names[f] = "f" + f;
        }

        // Raw batch path, one thread, batches of 1024 rows (the transformer's default batch).
        double raw = 0;
        int nb = (n + 1023) / 1024;
        float[][] batches = new float[nb][];
        float[][] outs = new float[nb][];
        for (int b = 0; b < nb; b++) {
            int k = Math.min(1024, n - b * 1024);
            batches[b] = java.util.Arrays.copyOfRange(x, b * 1024 * NF, (b * 1024 + k) * NF);
            outs[b] = new float[k];
        }
        try (Model m = ModelLoader.load(modelFile)) {
            for (int r = 0; r < reps + 2; r++) {
                long t0 = System.nanoTime();
                for (int b = 0; b < nb; b++) {
                    m.score(batches[b], outs[b].length, outs[b]);
                }
                double rate = n / ((System.nanoTime() - t0) / 1e9);
                raw = r >= 2 ? Math.max(raw, rate) : raw;
            }
        }

        // XGBoost4J inplace_predict, nthread 1.
        double xgb = 0;
        Booster booster = XGBoost.loadModel(modelFile.toString());
        booster.setParam("nthread", "1");
        for (int r = 0; r < reps + 2; r++) {
            long t0 = System.nanoTime();
            booster.inplace_predict(x, n, NF, Float.NaN, new int[] {0, 0}, Booster.PredictionType.kValue, null);
            double rate = n / ((System.nanoTime() - t0) / 1e9);
            xgb = r >= 2 ? Math.max(xgb, rate) : xgb;
        }
        booster.dispose();

        // The transformer, Spark local[1]: one core runs the tasks; the input is cached first.
        SparkSession spark = SparkSession.builder().master("local[1]").appName("TransformerThroughput")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        List<StructField> fields = new ArrayList<>();
        for (String f : names) {
            fields.add(DataTypes.createStructField(f, DataTypes.FloatType, true));
        }
        List<Row> list = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            Object[] v = new Object[NF];
            for (int f = 0; f < NF; f++) {
                float a = x[r * NF + f];
                v[f] = Float.isNaN(a) ? null : (Object) a;
            }
            list.add(RowFactory.create(v));
        }
        Dataset<Row> table = spark.createDataFrame(list, new StructType(fields.toArray(new StructField[0])))
                .repartition(4).cache();
        table.count();
        list = null;
        HotpathTransformer t = new HotpathTransformer().setModelPath(modelFile.toString()).setOutputCol("score");
        // Baseline: the same Spark job without scoring (reading the cached rows and summing a column).
        double sparkOnly = 0;
        double spark1 = 0;
        for (int r = 0; r < reps + 2; r++) {
            long t0 = System.nanoTime();
            table.agg(functions.sum("f0")).collect();
            double base = n / ((System.nanoTime() - t0) / 1e9);
            t0 = System.nanoTime();
            t.transform(table).agg(functions.sum("score")).collect();
            double rate = n / ((System.nanoTime() - t0) / 1e9);
            if (r >= 2) {
                sparkOnly = Math.max(sparkOnly, base);
                spark1 = Math.max(spark1, rate);
            }
        }
        spark.stop();
        System.out.printf("rows %d, reps %d (best of), one core each%n", n, reps);
        System.out.printf("hotpath raw batch path (Model.score, 1 thread)  %,12.0f rows/s%n", raw);
        System.out.printf("hotpath transformer (Spark local[1])            %,12.0f rows/s  overhead %.1f%%%n",
                spark1, 100 * (raw / spark1 - 1));
        System.out.printf("spark job without scoring (local[1], cached)    %,12.0f rows/s%n", sparkOnly);
        System.out.printf("xgboost4j inplace_predict (nthread 1)           %,12.0f rows/s  hotpath raw %.2fx%n",
                xgb, raw / xgb);
    }

    private static float[] rows(long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n * NF];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextDouble() < 0.05 ? Float.NaN : (float) rnd.nextGaussian();
        }
        return x;
    }

    private static void train(Path file) throws Exception {
        int n = 20_000;
        float[] x = rows(7, n);
        float[] y = new float[n];
        for (int r = 0; r < n; r++) {
            double s = 0;
            for (int f = 0; f < 10; f++) {
                float v = x[r * NF + f];
                s += Float.isNaN(v) ? 0 : v * (f % 2 == 0 ? 1 : -0.5);
            }
            y[r] = s > 1.0 ? 1 : 0;
        }
        DMatrix m = new DMatrix(x, n, NF, Float.NaN);
        try {
            m.setLabel(y);
            String[] names = new String[NF];
            for (int f = 0; f < NF; f++) {
                names[f] = "f" + f;
            }
            m.setFeatureNames(names);
            Map<String, Object> p = new HashMap<>(Map.of("objective", "binary:logistic", "max_depth", DEPTH,
                    "eta", 0.05, "tree_method", "hist", "seed", 1, "nthread", 2, "min_child_weight", 0));
            Booster b = XGBoost.train(m, p, TREES, new HashMap<>(), null, null);
            b.saveModel(file.toString());
            b.dispose();
        } finally {
            m.dispose();
        }
    }
}
