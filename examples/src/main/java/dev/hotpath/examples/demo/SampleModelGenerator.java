package dev.hotpath.examples.demo;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Regenerates the sample model and CSV in {@code examples/sample/} that the README's first commands score:
 * {@code fraud-sample.json} (XGBoost {@code binary:logistic}, trained with XGBoost4J on the demo's synthetic
 * payments) and {@code transactions.csv} (rows the model has not seen, with a header of feature names).
 *
 * <p>Run (after {@code mvn -B -q install -DskipTests}): {@code java -cp "examples/target/classes:$(cat
 * examples/target/classpath.txt)" dev.hotpath.examples.demo.SampleModelGenerator examples/sample}
 */
public final class SampleModelGenerator {
    private SampleModelGenerator() {
    }

    /**
     * @param args the output directory
     * @throws Exception if training or writing fails
     */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "examples/sample");
        Files.createDirectories(out);
        PaymentStream stream = PaymentStream.generate(120_000, 7);
        DemoData train = DemoData.build(stream, 0, 100_000);
        DemoData holdout = DemoData.build(stream, 100_000, 101_000);
        Booster booster = train(train, 80, 5);
        booster.saveModel(out.resolve("fraud-sample.json").toString());
        booster.dispose();
        writeCsv(out.resolve("transactions.csv"), holdout);
        System.out.println("wrote " + out.resolve("fraud-sample.json") + " and " + out.resolve("transactions.csv"));
    }

    static Booster train(DemoData d, int rounds, int depth) throws XGBoostError {
        DMatrix m = new DMatrix(d.rows, d.n, DemoData.WIDTH, Float.NaN);
        try {
            m.setLabel(d.labels);
            m.setFeatureNames(DemoData.FEATURES.toArray(new String[0]));
            Map<String, Object> params = new HashMap<>();
            params.put("objective", "binary:logistic");
            params.put("max_depth", depth);
            params.put("eta", 0.1);
            params.put("tree_method", "hist");
            params.put("nthread", 2);
            params.put("seed", 1);
            return ml.dmlc.xgboost4j.java.XGBoost.train(m, params, rounds, new HashMap<>(), null, null);
        } finally {
            m.dispose();
        }
    }

    static void writeCsv(Path file, DemoData d) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(String.join(",", DemoData.FEATURES));
            w.write('\n');
            for (int i = 0; i < d.n; i++) {
                for (int j = 0; j < DemoData.WIDTH; j++) {
                    if (j > 0) {
                        w.write(',');
                    }
                    float v = d.rows[i * DemoData.WIDTH + j];
                    if (!Float.isNaN(v)) {
                        w.write(Float.toString(v));
                    }
                }
                w.write('\n');
            }
        }
    }
}
