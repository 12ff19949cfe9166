package dev.hotpath.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.bench.data.BenchData;
import dev.hotpath.bench.data.OwnModelInput;
import dev.hotpath.bench.data.OwnModelPlan;
import dev.hotpath.cli.CsvInputException;
import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;

/**
 * The own-model benchmark outside JMH, on real files: the repository's sample model and rows (both peers), an ONNX
 * network (ONNX Runtime only), and an XGBoost regression model trained here and saved as UBJSON (XGBoost4J only; the
 * ONNX export handles binary:logistic only). Every set-up cross-checks the peers against Hotpath on every pooled row.
 */
class OwnModelBenchmarkTest extends BenchmarkTestBase {
    private static final String CLASS = "dev.hotpath.bench.OwnModelBenchmark.";

    private static OwnModelBenchmark.Input input(String model, String rows) {
        OwnModelBenchmark.Input in = new OwnModelBenchmark.Input();
        in.modelFile = model;
        in.rowsFile = rows;
        in.setUp();
        return in;
    }

    /** Writes rows as a CSV whose header is the model's feature names, in reverse order (order must not matter). */
    private Path csv(Model model, float[] rows, int n) throws Exception {
        List<String> names = model.featureNames();
        int nf = names.size();
        StringBuilder sb = new StringBuilder();
        for (int f = nf - 1; f >= 0; f--) {
            sb.append(names.get(f)).append(f > 0 ? "," : "\n");
        }
        for (int r = 0; r < n; r++) {
            for (int f = nf - 1; f >= 0; f--) {
                float v = rows[r * nf + f];
                sb.append(Float.isNaN(v) ? "" : Float.toString(v)).append(f > 0 ? "," : "\n");
            }
        }
        Path file = dir.resolve("rows.csv");
        Files.writeString(file, sb);
        return file;
    }

    private static boolean selects(String regex, String method) {
        return Pattern.compile(regex).matcher(CLASS + method).find();
    }

    @Test
    void shouldScoreTheSampleModelWithHotpathXgboostAndOnnxRuntime() throws Exception {
        OwnModelBenchmark b = new OwnModelBenchmark();
        OwnModelBenchmark.Input in = input(OwnModelInput.SAMPLE_MODEL, OwnModelInput.SAMPLE_ROWS);
        OwnModelBenchmark.Xgboost x = new OwnModelBenchmark.Xgboost();
        OwnModelBenchmark.OnnxRuntime o = new OwnModelBenchmark.OnnxRuntime();
        try {
            // 1,000 distinct rows, repeated to a whole pool of 4,096
            assertEquals(1000, in.input.fileRows());
            assertEquals(4096, in.input.poolRows());
            assertArrayEquals(in.rows[0], in.rows[1000]);
            x.setUp(in); // throws unless XGBoost4J equals Hotpath bit for bit on all 4,096 rows
            o.setUp(in); // throws unless the ONNX export is within 1e-5 of Hotpath on every row
            float p = b.hotpathSingleRow(in)[0];
            assertTrue(p > 0 && p < 1, "probability " + p);
            assertEquals(64, b.hotpathBatch64(in).length);
            assertEquals(1, b.xgboost4jInplacePredict(in, x).length);
            assertEquals(4096, b.xgboost4jBatch4096(in, x).length);
            float ort = b.onnxRuntime(in, o);
            assertTrue(ort > 0 && ort < 1, "probability " + ort);
            String regex = OwnModelPlan.regex(in.input);
            for (String m : List.of("hotpathSingleRow", "hotpathBatch64", "xgboost4jInplacePredict",
                    "xgboost4jBatch4096", "onnxRuntime")) {
                assertTrue(selects(regex, m), m + " not selected by " + regex);
            }
        } finally {
            o.tearDown();
            x.tearDown();
            in.tearDown();
        }
    }

    @Test
    void shouldMeasureAnOnnxModelAgainstOnnxRuntimeOnly() throws Exception {
        Path onnx = BenchData.mlp();
        Path rows;
        try (Model m = ModelLoader.load(onnx)) {
            rows = csv(m, BenchData.networkRowPool(5000), 5000);
        }
        OwnModelBenchmark b = new OwnModelBenchmark();
        OwnModelBenchmark.Input in = input(onnx.toString(), rows.toString());
        OwnModelBenchmark.OnnxRuntime o = new OwnModelBenchmark.OnnxRuntime();
        try {
            assertEquals(List.of(OwnModelInput.Peer.ONNX_RUNTIME), in.input.peers());
            assertEquals(8192, in.input.poolRows());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new OwnModelBenchmark.Xgboost().setUp(in));
            assertTrue(e.getMessage().contains("need an XGBoost model") && e.getMessage().contains("ONNX"),
                    e.getMessage());
            o.setUp(in); // the same file through Hotpath and raw ONNX Runtime: bit for bit on every row
            float h = b.hotpathSingleRow(in)[0];
            assertEquals(Float.floatToRawIntBits(h), Float.floatToRawIntBits(o.session.run(in.rows[0])));
            String regex = OwnModelPlan.regex(in.input);
            assertTrue(selects(regex, "onnxRuntime") && selects(regex, "hotpathBatch64"), regex);
            assertTrue(!selects(regex, "xgboost4jInplacePredict") && !selects(regex, "xgboost4jBatch4096"), regex);
        } finally {
            o.tearDown();
            in.tearDown();
        }
    }

    @Test
    void shouldMeasureAnXgboostRegressionModelAgainstXgboostOnly() throws Exception {
        int nf = 5;
        int n = 600;
        SplittableRandom rnd = new SplittableRandom(3);
        float[] data = new float[n * nf];
        float[] labels = new float[n];
        for (int r = 0; r < n; r++) {
            for (int f = 0; f < nf; f++) {
                data[r * nf + f] = rnd.nextInt(20) == 0 ? Float.NaN : (float) rnd.nextGaussian();
            }
            float a = data[r * nf];
            float c = data[r * nf + 2];
            labels[r] = 3 * (a != a ? 0 : a) - (c != c ? 0 : c) + (float) rnd.nextGaussian() * 0.1f;
        }
        Path model = dir.resolve("regression.ubj");
        DMatrix train = new DMatrix(data, n, nf, Float.NaN);
        try {
            train.setLabel(labels);
            Map<String, Object> params = new HashMap<>();
            params.put("objective", "reg:squarederror");
            params.put("max_depth", 3);
            params.put("nthread", 1);
            Booster booster = XGBoost.train(train, params, 20, new HashMap<>(), null, null);
            booster.saveModel(model.toString());
            booster.dispose();
        } finally {
            train.dispose();
        }
        Path rows;
        try (Model m = ModelLoader.load(model)) {
            rows = csv(m, data, n); // no feature names in the file: columns f0 … f4
        }
        OwnModelBenchmark b = new OwnModelBenchmark();
        OwnModelBenchmark.Input in = input(model.toString(), rows.toString());
        OwnModelBenchmark.Xgboost x = new OwnModelBenchmark.Xgboost();
        try {
            assertEquals(List.of(OwnModelInput.Peer.XGBOOST4J), in.input.peers());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new OwnModelBenchmark.OnnxRuntime().setUp(in));
            assertTrue(e.getMessage().contains("binary:logistic") && e.getMessage().contains("reg:squarederror"),
                    e.getMessage());
            x.setUp(in); // bit for bit against XGBoost4J on every pooled row
            assertEquals(Float.floatToRawIntBits(b.hotpathSingleRow(in)[0]),
                    Float.floatToRawIntBits(x.booster.inplace_predict(in.rows[0], 1, nf, Float.NaN)[0][0]), "the first call scores pool row 0");
            String regex = OwnModelPlan.regex(in.input);
            assertTrue(selects(regex, "xgboost4jBatch4096") && !selects(regex, "onnxRuntime"), regex);
        } finally {
            x.tearDown();
            in.tearDown();
        }
    }

    @Test
    void shouldNameTheFileAndLineOfABadRow() throws Exception {
        Path rows = dir.resolve("bad.csv");
        List<String> lines = Files.readAllLines(Path.of(OwnModelInput.SAMPLE_ROWS).isAbsolute()
                ? Path.of(OwnModelInput.SAMPLE_ROWS) : repo().resolve(OwnModelInput.SAMPLE_ROWS));
        Files.write(rows, List.of(lines.get(0), lines.get(1), lines.get(2).replaceFirst("^[^,]*,", "twelve,")));
        CsvInputException e = assertThrows(CsvInputException.class,
                () -> OwnModelInput.load(OwnModelInput.SAMPLE_MODEL, rows.toString(), false));
        assertTrue(e.getMessage().startsWith(rows + " line 3: column 'amount': cannot parse \"twelve\""),
                e.getMessage());
    }

    /** Surefire runs in the module directory; the repository is its parent. */
    private static Path repo() {
        return Path.of("").toAbsolutePath().getParent();
    }
}
