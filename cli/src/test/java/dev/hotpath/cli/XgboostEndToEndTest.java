package dev.hotpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.shadow.report.ExitCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hotpath score} and {@code hotpath inspect} on real model files trained and saved by XGBoost4J 3.4.0
 * (JSON and UBJSON), run in-process through {@link HotpathCli} with the production loader. Every written float is
 * compared bit for bit with XGBoost4J's own {@code predict} (or {@code inplace_predict} for rows with infinities,
 * which XGBoost's DMatrix refuses).
 */
class XgboostEndToEndTest {
    private static final String[] NAMES = {"amount", "age", "country", "velocity"};
    private static final int NF = NAMES.length;
    private static final int TRAIN_ROWS = 800;
    private static final int SCORE_ROWS = 500;
    /** The CSV's column order differs from the model's: velocity, country, amount, age. */
    private static final int[] CSV_ORDER = {3, 2, 0, 1};

    @TempDir
    static Path dir;

    private static float[] trainX;
    private static float[] trainYBinary;
    private static float[] trainYMulti;
    private static float[] trainYRegression;
    private static float[] scoreX;
    private static float[] infX;

    @BeforeAll
    static void makeData() {
        SplittableRandom rnd = new SplittableRandom(1234);
        trainX = rows(rnd, TRAIN_ROWS);
        trainYBinary = new float[TRAIN_ROWS];
        trainYMulti = new float[TRAIN_ROWS];
        trainYRegression = new float[TRAIN_ROWS];
        for (int r = 0; r < TRAIN_ROWS; r++) {
            float amount = trainX[r * NF];
            float velocity = trainX[r * NF + 3];
            float country = trainX[r * NF + 2];
            boolean fraud = (amount > 500 && velocity > 0) || country == 3f;
            trainYBinary[r] = (fraud ^ rnd.nextInt(10) == 0) ? 1f : 0f;
            trainYMulti[r] = Float.isNaN(country) ? 0f : country % 3;
            trainYRegression[r] = (float) ((Float.isNaN(amount) ? 0 : amount / 100.0) + rnd.nextGaussian());
        }
        scoreX = rows(new SplittableRandom(99), SCORE_ROWS);
        // Rows with infinities, which the CLI must treat as values (not missing).
        infX = new float[] {
            Float.POSITIVE_INFINITY, 30f, 1f, 0.5f,
            Float.NEGATIVE_INFINITY, 30f, 1f, 0.5f,
            700f, Float.POSITIVE_INFINITY, 3f, -1f,
            700f, Float.NEGATIVE_INFINITY, 3f, -1f,
            700f, 40f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.NaN, 40f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
        };
    }

    /** amount 0..1000, age 18..90, country code 0..9, velocity ~ N(0,1); about 10% of values missing. */
    private static float[] rows(SplittableRandom rnd, int n) {
        float[] x = new float[n * NF];
        for (int r = 0; r < n; r++) {
            x[r * NF] = (float) (rnd.nextDouble() * 1000);
            x[r * NF + 1] = 18 + rnd.nextInt(73);
            x[r * NF + 2] = rnd.nextInt(10);
            x[r * NF + 3] = (float) rnd.nextGaussian();
            for (int f = 0; f < NF; f++) {
                if (rnd.nextInt(10) == 0) {
                    x[r * NF + f] = Float.NaN;
                }
            }
        }
        return x;
    }

    private static Booster train(String objective, float[] labels, boolean named, int rounds, Map<String, Object> extra)
            throws XGBoostError {
        DMatrix d = new DMatrix(trainX, TRAIN_ROWS, NF, Float.NaN);
        try {
            d.setLabel(labels);
            if (named) {
                d.setFeatureNames(NAMES);
            }
            Map<String, Object> params = new HashMap<>(extra);
            params.put("objective", objective);
            params.put("max_depth", 4);
            params.put("eta", 0.3);
            params.put("nthread", 1);
            params.put("seed", 7);
            return XGBoost.train(d, params, rounds, new HashMap<>(), null, null);
        } finally {
            d.dispose();
        }
    }

    private static float[][] predict(Booster b, float[] x, int n, boolean margin) throws XGBoostError {
        DMatrix d = new DMatrix(x, n, NF, Float.NaN);
        try {
            return b.predict(d, margin);
        } finally {
            d.dispose();
        }
    }

    private static float[][] inplace(Booster b, float[] x, int n, boolean margin) throws XGBoostError {
        return b.inplace_predict(x, n, NF, Float.NaN, new int[] {0, 0},
                margin ? Booster.PredictionType.kMargin : Booster.PredictionType.kValue, null);
    }

    /** Writes rows as CSV in {@link #CSV_ORDER}; missing values alternate between an empty field and NaN. */
    private static Path csv(String name, float[] x, int n, boolean named) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < NF; c++) {
            sb.append(c == 0 ? "" : ",").append(named ? NAMES[CSV_ORDER[c]] : "f" + CSV_ORDER[c]);
        }
        sb.append("\r\n");
        int missing = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < NF; c++) {
                float v = x[r * NF + CSV_ORDER[c]];
                sb.append(c == 0 ? "" : ",");
                if (Float.isNaN(v)) {
                    sb.append(missing++ % 2 == 0 ? "" : "NaN");
                } else {
                    sb.append(Float.toString(v));
                }
            }
            sb.append("\r\n");
        }
        Path p = dir.resolve(name);
        Files.writeString(p, sb, StandardCharsets.UTF_8);
        return p;
    }

    private static Path save(Booster b, String name) throws XGBoostError {
        Path p = dir.resolve(name);
        b.saveModel(p.toString());
        return p;
    }

    /** Runs {@code hotpath score}, checks the output shape and returns the parsed values (also for other formats). */
    static float[][] scoreWithCli(Path model, Path input, int n, int k, boolean margin) {
        List<String> args = new ArrayList<>(List.of("score", "--model", model.toString(), "--input",
                input.toString()));
        if (margin) {
            args.add("--margin");
        }
        CliRunner.Result r = CliRunner.runReal(args.toArray(new String[0]));
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        assertEquals("", r.err());
        return parseOutput(r.out(), n, k, margin);
    }

    private static float[][] parseOutput(String out, int n, int k, boolean margin) {
        assertTrue(out.endsWith("\n"));
        String[] lines = out.split("\n");
        assertEquals(n + 1, lines.length, "a header and one line per input row");
        String[] header = lines[0].split(",", -1);
        assertEquals(k, header.length, lines[0]);
        assertTrue(header[0].startsWith(margin ? "margin" : "score") || !margin, lines[0]);
        float[][] values = new float[n][k];
        for (int i = 0; i < n; i++) {
            String[] fields = lines[i + 1].split(",", -1);
            assertEquals(k, fields.length, "line " + (i + 2));
            for (int j = 0; j < k; j++) {
                values[i][j] = Float.parseFloat(fields[j]);
            }
        }
        return values;
    }

    private static void assertBitIdentical(float[][] expected, float[][] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length, what + " row " + i);
            for (int j = 0; j < expected[i].length; j++) {
                assertEquals(Float.floatToIntBits(expected[i][j]), Float.floatToIntBits(actual[i][j]),
                        what + " row " + i + " output " + j + ": XGBoost " + expected[i][j] + ", hotpath "
                                + actual[i][j]);
            }
        }
    }

    @Test
    void shouldScoreBinaryLogisticJsonAndUbjBitForBitWithXgboost() throws Exception {
        Booster b = train("binary:logistic", trainYBinary, true, 20, Map.of());
        try {
            Path input = csv("binary.csv", scoreX, SCORE_ROWS, true);
            Path inf = csv("binary-inf.csv", infX, infX.length / NF, true);
            float[][] scores = predict(b, scoreX, SCORE_ROWS, false);
            float[][] margins = predict(b, scoreX, SCORE_ROWS, true);
            float[][] infScores = inplace(b, infX, infX.length / NF, false);
            float[][] infMargins = inplace(b, infX, infX.length / NF, true);
            for (String file : new String[] {"binary.json", "binary.ubj"}) {
                Path model = save(b, file);
                assertBitIdentical(scores, scoreWithCli(model, input, SCORE_ROWS, 1, false), file);
                assertBitIdentical(margins, scoreWithCli(model, input, SCORE_ROWS, 1, true), file + " --margin");
                assertBitIdentical(infScores, scoreWithCli(model, inf, infX.length / NF, 1, false),
                        file + " infinities");
                assertBitIdentical(infMargins, scoreWithCli(model, inf, infX.length / NF, 1, true),
                        file + " infinities --margin");
            }
        } finally {
            b.dispose();
        }
    }

    @Test
    void shouldScoreMultiClassSoftprobBitForBitWithXgboost() throws Exception {
        Booster b = train("multi:softprob", trainYMulti, true, 8, Map.of("num_class", 3));
        try {
            Path input = csv("multi.csv", scoreX, SCORE_ROWS, true);
            Path model = save(b, "multi.ubj");
            assertBitIdentical(predict(b, scoreX, SCORE_ROWS, false),
                    scoreWithCli(model, input, SCORE_ROWS, 3, false), "softprob");
            assertBitIdentical(predict(b, scoreX, SCORE_ROWS, true),
                    scoreWithCli(model, input, SCORE_ROWS, 3, true), "softprob --margin");
        } finally {
            b.dispose();
        }
    }

    @Test
    void shouldScoreAnUnnamedRegressionModelByPositionalColumnsIntoAFile() throws Exception {
        Booster b = train("reg:squarederror", trainYRegression, false, 15, Map.of());
        try {
            Path input = csv("reg.csv", scoreX, SCORE_ROWS, false);
            Path model = save(b, "reg.json");
            Path out = dir.resolve("reg-scores.csv");
            CliRunner.Result r = CliRunner.runReal("score", "--model", model.toString(), "--input",
                    input.toString(), "--output", out.toString());
            assertEquals(ExitCodes.OK, r.exitCode(), r.err());
            assertEquals("", r.out());
            assertBitIdentical(predict(b, scoreX, SCORE_ROWS, false),
                    parseOutput(Files.readString(out), SCORE_ROWS, 1, false), "regression");
        } finally {
            b.dispose();
        }
    }

    @Test
    void shouldRejectACsvWithTheModelsColumnsMisnamed() throws Exception {
        Booster b = train("binary:logistic", trainYBinary, true, 2, Map.of());
        try {
            Path model = save(b, "names.json");
            Path input = csv("positional.csv", scoreX, 3, false);
            CliRunner.Result r = CliRunner.runReal("score", "--model", model.toString(), "--input",
                    input.toString());
            assertEquals(ExitCodes.FAILURE, r.exitCode());
            assertEquals(1, r.errLines().length, r.err());
            assertTrue(r.err().startsWith("hotpath: error: " + input + " line 1: unknown columns 'f3', 'f2', 'f0',"
                    + " 'f1'; the model's 4 features are: amount, age, country, velocity"), r.err());
        } finally {
            b.dispose();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldInspectJsonAndUbjModels() throws Exception {
        Booster b = train("binary:logistic", trainYBinary, true, 20, Map.of());
        try {
            for (String file : new String[] {"inspect.json", "inspect.ubj"}) {
                Path model = save(b, file);
                CliRunner.Result r = CliRunner.runReal("inspect", "--model", model.toString());
                assertEquals(ExitCodes.OK, r.exitCode(), r.err());
                assertEquals("", r.err());
                Map<String, Object> json = (Map<String, Object>) InspectCommandTest.parse(r.out());
                assertEquals(InspectCommandTest.KEYS, new ArrayList<>(json.keySet()));
                assertEquals(file.endsWith(".json") ? "xgboost-json" : "xgboost-ubj", json.get("format"));
                assertTrue(((String) json.get("format_version")).startsWith("3.4"), json.toString());
                assertEquals("binary:logistic", json.get("objective"));
                assertEquals("gbtree", json.get("booster"));
                assertEquals(4L, json.get("num_features"));
                assertEquals(1L, json.get("num_outputs"));
                assertEquals(20L, json.get("num_trees"));
                long depth = (Long) json.get("max_depth");
                assertTrue(depth >= 1 && depth <= 4, "max_depth " + depth);
                assertEquals(List.of(NAMES), json.get("feature_names"));
                assertEquals(List.of("float", "float", "float", "float"), json.get("feature_types"));
                String baseScore = (String) json.get("base_score");
                assertTrue(baseScore != null && !baseScore.isEmpty(), json.toString());
                assertEquals(sha256(model), json.get("checksum"));
                assertTrue(((String) json.get("source")).endsWith(file), json.toString());
                assertTrue(json.get("properties") instanceof Map, json.toString());
            }
        } finally {
            b.dispose();
        }
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
