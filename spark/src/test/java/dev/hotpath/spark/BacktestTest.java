package dev.hotpath.spark;

import static dev.hotpath.spark.SparkTestSupport.FEATURES;
import static dev.hotpath.spark.SparkTestSupport.NF;
import static dev.hotpath.spark.SparkTestSupport.assertBits;
import static dev.hotpath.spark.SparkTestSupport.xgb;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.Model;
import dev.hotpath.shadow.log.FsyncPolicy;
import dev.hotpath.shadow.log.LogOptions;
import dev.hotpath.shadow.log.ModelDescriptor;
import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.log.ShadowLogWriter;
import dev.hotpath.shadow.report.ExitCodes;
import dev.hotpath.shadow.report.ShadowGates;
import dev.hotpath.shadow.report.ShadowReport;
import ml.dmlc.xgboost4j.java.Booster;

/**
 * {@code hotpath backtest} end to end in local mode: scores bit-identical to {@code Model.score} and XGBoost4J, the
 * scores files' columns, a report whose statistics equal the shadow report's on a shadow log holding the same
 * scores, exit code 3 on a failed gate, and bad input named before any score is written.
 */
class BacktestTest {
    private static final int N = 600;
    private static final String GATES = "fail:spearman>=0.5, warn:psi<=0.1, warn:ks<=0.2";

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static Booster current;
    private static Booster candidate;
    private static Path currentFile;
    private static Path candidateFile;
    private static Path table;
    private static float[] x;
    private static int[] labels;

    @BeforeAll
    static void start() throws Exception {
        currentFile = dir.resolve("fraud-v7.json");
        candidateFile = dir.resolve("fraud-v8.ubj");
        current = SparkTestSupport.train(2, currentFile);
        candidate = trainOther(candidateFile);
        spark = SparkTestSupport.session("BacktestTest");
        x = SparkTestSupport.rows(1234, N, true);
        float[] y = SparkTestSupport.labels(x, N, 2);
        labels = new int[N];
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField("payment_id", DataTypes.LongType, false));
        for (String f : FEATURES) {
            fields.add(DataTypes.createStructField(f, DataTypes.DoubleType, true));
        }
        fields.add(DataTypes.createStructField("is_fraud", DataTypes.IntegerType, true));
        fields.add(DataTypes.createStructField("paid", DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField("country", DataTypes.IntegerType, true));
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < N; r++) {
            Object[] v = new Object[NF + 4];
            v[0] = 1000L + r;
            for (int f = 0; f < NF; f++) {
                float a = x[r * NF + f];
                v[f + 1] = Float.isNaN(a) && r % 2 == 1 ? null : (Object) (double) a;
            }
            labels[r] = r % 10 == 3 ? -1 : (int) y[r];
            v[NF + 1] = labels[r] < 0 ? null : labels[r];
            v[NF + 2] = (double) amount(r);
            v[NF + 3] = r % 3;
            rows.add(RowFactory.create(v));
        }
        table = dir.resolve("payments.parquet");
        spark.createDataFrame(rows, new StructType(fields.toArray(new StructField[0]))).coalesce(1).write()
                .parquet(table.toString());
    }

    /** A second model on the same features, trained differently, so that the two disagree somewhat. */
    private static Booster trainOther(Path file) throws Exception {
        int n = 1500;
        float[] data = SparkTestSupport.rows(99, n, false);
        ml.dmlc.xgboost4j.java.DMatrix m = new ml.dmlc.xgboost4j.java.DMatrix(data, n, NF, Float.NaN);
        try {
            m.setLabel(SparkTestSupport.labels(data, n, 2));
            m.setFeatureNames(FEATURES.clone());
            Map<String, Object> p = new java.util.HashMap<>(Map.of("objective", "binary:logistic", "nthread", 1,
                    "seed", 9, "max_depth", 3, "eta", 0.2, "tree_method", "hist"));
            Booster b = ml.dmlc.xgboost4j.java.XGBoost.train(m, p, 20, new java.util.HashMap<>(), null, null);
            b.saveModel(file.toString());
            return b;
        } finally {
            m.dispose();
        }
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        current.dispose();
        candidate.dispose();
    }

    private static final class Run {
        int code;
        String out;
        String err;
    }

    private static Run backtest(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Run r = new Run();
        r.code = Backtest.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        r.out = out.toString(StandardCharsets.UTF_8);
        r.err = err.toString(StandardCharsets.UTF_8);
        return r;
    }

    /** The amount of row {@code r}, whole, so that a shadow log (minor units, long) can carry it exactly. */
    private static long amount(int r) {
        return (r % 7) * 100L;
    }

    private static float[] expected(Path model) throws Exception {
        float[] e = new float[N];
        try (Model m = ModelLoader.load(model)) {
            m.score(x, N, e);
        }
        return e;
    }

    @Test
    void shouldWriteBitIdenticalScoresAndTheShadowReportsStatistics() throws Exception {
        Path out = dir.resolve("bt-parquet");
        Run r = backtest("--model", currentFile.toString(), "--candidate", candidateFile.toString(), "--input",
                table.toString(), "--out", out.toString(), "--labels", "is_fraud", "--threshold", "0.5",
                "--gates", GATES, "--weight", "paid", "--segment", "country", "--quiet");
        assertEquals(ExitCodes.OK, r.code, r.out + r.err);
        assertTrue(r.out.contains("verdict: "), r.out);

        List<Row> rows = spark.read().parquet(out.resolve("scores").toString()).orderBy("row").collectAsList();
        assertEquals(List.of("row", "current", "candidate"),
                List.of(spark.read().parquet(out.resolve("scores").toString()).columns()));
        assertEquals(N, rows.size());
        float[] cur = new float[N];
        float[] cand = new float[N];
        for (int i = 0; i < N; i++) {
            assertEquals(i, rows.get(i).getLong(0), "0-based input row");
            cur[i] = rows.get(i).getFloat(1);
            cand[i] = rows.get(i).getFloat(2);
        }
        assertBits(expected(currentFile), cur, "current vs Model.score");
        assertBits(xgb(current, x, N, false), cur, "current vs XGBoost4J");
        assertBits(expected(candidateFile), cand, "candidate vs Model.score");
        assertBits(xgb(candidate, x, N, false), cand, "candidate vs XGBoost4J");

        // The same scores through a real shadow log and 'shadow report': every statistic must be equal.
        Path log = dir.resolve("shadow-log");
        Path labelsCsv = dir.resolve("labels.csv");
        StringBuilder csv = new StringBuilder("request_id,label\n");
        try (ShadowLogWriter w = ShadowLogWriter.open(log, LogOptions.builder().hostTag("test").instanceId(1)
                .minFreeBytes(0).fsyncPolicy(FsyncPolicy.none()).build())) {
            w.registerModel(new ModelDescriptor(1, ShadowLogFormat.ROLE_PRIMARY, "fraud-v7.json", "", "", "",
                    0.5f, NF, 0, 0));
            w.registerModel(new ModelDescriptor(2, ShadowLogFormat.ROLE_SHADOW, "fraud-v8.ubj", "", "", "",
                    0.5f, NF, 0, 0));
            for (int i = 0; i < N; i++) {
                assertTrue(w.appendComparison(1L + i, i, amount(i), 1, 2, cur[i], cand[i], 0, 0, 0, 0, 0, i % 3,
                        10_000));
                if (labels[i] >= 0) {
                    csv.append(i).append(',').append(labels[i]).append('\n');
                }
            }
        }
        Files.writeString(labelsCsv, csv.toString());
        ShadowReport shadow = ShadowReport.builder().addLog(log).labels(labelsCsv).threshold(0.5f)
                .gates(ShadowGates.parse(GATES)).weight("amount").segment("segment").build();
        Map<String, Object> fromLog = comparison(shadow.toJson());
        Map<String, Object> fromBacktest = comparison(Files.readString(out.resolve("report.json")));
        // Everything but what only a log has (models' metadata, coverage, latency, times in the disagreement
        // tables) must be equal: the statistics, label metrics, gate values and verdict.
        List<String> logOnly = List.of("model", "primaries", "coverage", "latencyNanos", "topDisagreements",
                "topNewBlocks", "topReleases", "notes");
        assertEquals(fromLog.keySet(), fromBacktest.keySet());
        for (String key : fromLog.keySet()) {
            if (!logOnly.contains(key)) {
                assertEquals(fromLog.get(key), fromBacktest.get(key), key);
            }
        }
        assertTrue(fromLog.containsKey("drift") && fromLog.containsKey("labels") && fromLog.containsKey("gates"), fromLog.keySet()
                .toString());
        // Weighted and per-segment metrics: the same code for both, so the same figures (the log's segment column
        // is the service's segment key, named 'segment'; the backtest's is the table's column 'country').
        Map<String, Object> slicesLog = slices(shadow.toJson());
        Map<String, Object> slicesBacktest = slices(Files.readString(out.resolve("report.json")));
        assertEquals(slicesLog.get("weighted"), slicesBacktest.get("weighted"));
        assertEquals(rows(slicesLog), rows(slicesBacktest));
        // ... and the figures are the table's: the current model's fraud money caught and good money blocked.
        double caught = 0;
        double goodBlocked = 0;
        double total = 0;
        for (int i = 0; i < N; i++) {
            total += amount(i);
            if (cur[i] >= 0.5f && labels[i] == 1) {
                caught += amount(i);
            } else if (cur[i] >= 0.5f && labels[i] == 0) {
                goodBlocked += amount(i);
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> primary = (Map<String, Object>) ((List<Object>) slicesBacktest.get("weighted")).get(0);
        assertEquals(total, primary.get("totalWeight"));
        assertEquals(caught, primary.get("fraudCaught"));
        assertEquals(goodBlocked, primary.get("goodBlocked"));
        assertTrue(caught > 0 && goodBlocked >= 0, "the table must exercise the weights: caught " + caught);
        assertEquals(3, rows(slicesBacktest).size(), "countries 0, 1, 2, 200 rows each");
        assertTrue(Files.readString(out.resolve("report.txt")).contains("SEGMENTS BY country"));
        assertTrue(Files.size(out.resolve("report.html")) > 1000);
        assertTrue(Files.readString(out.resolve("report.txt")).contains("fraud-v8.ubj"));
    }

    @Test
    void shouldWriteCsvScoresWithTheIdColumnAndExitThreeWhenAGateFails() throws Exception {
        Path out = dir.resolve("bt-csv");
        Run r = backtest("--model", currentFile.toString(), "--candidate", candidateFile.toString(), "--input",
                table.toString(), "--out", out.toString(), "--id", "payment_id", "--scores-format", "csv",
                "--gates", "fail:kendall_tau_b>1", "--quiet");
        assertEquals(ExitCodes.GATE_FAILED, r.code, r.out + r.err);
        assertTrue(r.out.contains("verdict: FAIL"), r.out);
        List<String> lines = new ArrayList<>();
        try (var files = Files.list(out.resolve("scores"))) {
            for (Path p : (Iterable<Path>) files.filter(p -> p.getFileName().toString().endsWith(".csv"))::iterator) {
                List<String> l = Files.readAllLines(p);
                assertEquals("payment_id,current,candidate", l.get(0));
                lines.addAll(l.subList(1, l.size()));
            }
        }
        assertEquals(N, lines.size());
        float[] e = expected(currentFile);
        for (String line : lines) {
            String[] f = line.split(",");
            int row = (int) (Long.parseLong(f[0]) - 1000);
            // Spark writes floats with Float.toString: the shortest decimal that reads back to the same float.
            assertEquals(Float.floatToRawIntBits(e[row]), Float.floatToRawIntBits(Float.parseFloat(f[1])), line);
        }
    }

    @Test
    void shouldExportAShadowLogAsOneParquetFileWithTheCsvExportsColumns() throws Exception {
        Path log = dir.resolve("export-log");
        try (ShadowLogWriter w = ShadowLogWriter.open(log, LogOptions.builder().hostTag("test").instanceId(2)
                .minFreeBytes(0).fsyncPolicy(FsyncPolicy.none()).build())) {
            w.registerModel(new ModelDescriptor(1, ShadowLogFormat.ROLE_PRIMARY, "fraud-v7", "", "", "", 0.5f, 2, 0,
                    0));
            w.registerModel(new ModelDescriptor(2, ShadowLogFormat.ROLE_SHADOW, "fraud-v8", "", "", "", 0.6f, 2, 0,
                    0));
            assertTrue(w.appendComparison(1_764_000_000_000_000_000L, 7, 1250, 1, 2, 0.75f, 0.55f, 0, 0, 0, 900,
                    1200, 44, 10_000));
            assertTrue(w.appendComparison(1_764_000_000_001_000_000L, 8, 0, 1, 2, 0.25f, Float.NaN, 0, 0,
                    ShadowLogFormat.FLAG_SHADOW_ERROR, 0, 0, 0, 2_500));
            org.agrona.concurrent.UnsafeBuffer b = new org.agrona.concurrent.UnsafeBuffer(new byte[256]);
            int len = dev.hotpath.shadow.log.LogRecordEncoder.encodeFeaturesHeader(b, 0, 1_764_000_000_001_000_000L,
                    8, 0, 1, 2, 0.25f, 0, 0, 2_500, 10_000);
            b.putFloat(ShadowLogFormat.F_VALUES, 3.5f, ShadowLogFormat.ORDER);
            b.putFloat(ShadowLogFormat.F_VALUES + 4, Float.NEGATIVE_INFINITY, ShadowLogFormat.ORDER);
            assertTrue(w.append(b, 0, len));
        }
        Path file = dir.resolve("comparisons.parquet");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = ShadowExport.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, "shadow",
                "export", "--log", log.toString(), "--output", file.toString());
        assertEquals(ExitCodes.OK, code, out.toString(StandardCharsets.UTF_8));
        assertTrue(Files.isRegularFile(file), "one Parquet file, not a directory");
        assertFalse(Files.exists(dir.resolve("comparisons.parquet.parts")));

        org.apache.spark.sql.Dataset<Row> t = spark.read().parquet(file.toString());
        List<String> columns = new ArrayList<>(dev.hotpath.shadow.report.ComparisonExport.COLUMNS);
        columns.add("feature_0");
        columns.add("feature_1");
        assertEquals(columns, List.of(t.columns()));
        List<Row> rows = t.orderBy("request_id").collectAsList();
        assertEquals(2, rows.size());
        Row a = rows.get(0);
        assertEquals(7L, a.getLong(0));
        assertEquals("fraud-v7", a.getString(3));
        assertEquals(Float.floatToRawIntBits(0.75f), Float.floatToRawIntBits(a.getFloat(5)));
        assertEquals(Boolean.TRUE, a.get(7), "0.75 >= 0.5 blocks");
        assertEquals("fraud-v8", a.getString(8));
        assertEquals(Float.floatToRawIntBits(0.55f), Float.floatToRawIntBits(a.getFloat(10)));
        assertEquals(Boolean.FALSE, a.get(12), "0.55 < 0.6 allows");
        assertEquals(1250L, a.getLong(19));
        assertEquals(44, a.getInt(20));
        assertTrue(a.isNullAt(22) && a.isNullAt(23), "features of a request not captured are null");
        Row b = rows.get(1);
        assertTrue(Float.isNaN(b.getFloat(10)), "the failed shadow's NaN");
        assertEquals(Boolean.TRUE, b.get(13), "shadow_error");
        assertEquals(0.25, b.getDouble(21));
        assertEquals(3.5f, b.getFloat(22));
        assertEquals(Float.NEGATIVE_INFINITY, b.getFloat(23));
        assertEquals(java.sql.Timestamp.from(java.time.Instant.parse("2025-11-24T16:00:00.001Z")), b.get(2));
    }

    @Test
    void shouldNameAMissingFeatureColumnAndWriteNoScores() throws Exception {
        Path narrow = dir.resolve("narrow.parquet");
        spark.read().parquet(table.toString()).drop("velocity").write().parquet(narrow.toString());
        Path out = dir.resolve("bt-bad");
        Run r = backtest("--model", currentFile.toString(), "--candidate", candidateFile.toString(), "--input",
                narrow.toString(), "--out", out.toString());
        assertEquals(ExitCodes.FAILURE, r.code, r.out + r.err);
        assertTrue(r.err.contains("'velocity'"), r.err);
        assertFalse(Files.exists(out.resolve("scores")), "nothing may be scored");
    }

    @Test
    void shouldNameAnUnreadableModelFile() {
        Run r = backtest("--model", dir.resolve("absent.json").toString(), "--candidate",
                candidateFile.toString(), "--input", table.toString(), "--out", dir.resolve("bt-nomodel").toString());
        assertEquals(ExitCodes.FAILURE, r.code, r.out + r.err);
        assertTrue(r.err.contains("absent.json"), r.err);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> slices(String json) throws Exception {
        Map<String, Object> root = (Map<String, Object>) parse(json);
        return (Map<String, Object>) ((List<Object>) root.get("slices")).get(0);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> rows(Map<String, Object> slices) {
        return (List<Object>) ((Map<String, Object>) ((List<Object>) slices.get("segments")).get(0)).get("rows");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> comparison(String json) throws Exception {
        Map<String, Object> root = (Map<String, Object>) parse(json);
        return (Map<String, Object>) ((List<Object>) root.get("shadows")).get(0);
    }

    private static Object parse(String json) throws Exception {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            p.nextToken();
            return value(p);
        }
    }

    private static Object value(JsonParser p) throws Exception {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, value(p));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(value(p));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IllegalStateException("unexpected token " + t);
        }
    }
}
