package dev.hotpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.shadow.report.ExitCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hotpath explain} on model files trained and saved by XGBoost4J 3.4.0, run in-process with the production
 * loader: every written contribution is compared with XGBoost4J's own {@code predictContrib} (within 1e-6 of the
 * row's total absolute contribution), and the reason codes of {@code --top} with codes computed from XGBoost's
 * contributions.
 */
class ExplainCommandTest {
    private static final String[] NAMES = {"amount", "amount_z", "txn_1h", "txn_24h", "country", "age"};
    private static final int NF = NAMES.length;
    private static final int ROWS = 300;
    /** The CSV's columns in another order than the model's. */
    private static final int[] CSV_ORDER = {5, 3, 1, 0, 2, 4};

    @TempDir
    static Path dir;
    static Path binary;
    static Path multi;
    static Path csv;
    static float[] x;
    static float[][] binaryContrib;
    static float[][] multiContrib;

    @BeforeAll
    static void trainAndPredict() throws Exception {
        SplittableRandom rnd = new SplittableRandom(42);
        int train = 1000;
        float[] tx = rows(rnd, train);
        float[] yb = new float[train];
        float[] ym = new float[train];
        for (int r = 0; r < train; r++) {
            double z = v(tx, r, 0) + 0.5 * v(tx, r, 2) - v(tx, r, 3) + (v(tx, r, 4) > 2 ? 1 : 0) + rnd.nextGaussian();
            yb[r] = z > 0.5 ? 1 : 0;
            ym[r] = z < -0.5 ? 0 : z < 1 ? 1 : 2;
        }
        binary = dir.resolve("binary.json");
        multi = dir.resolve("multi.ubj");
        Booster b = train(tx, yb, Map.of("objective", "binary:logistic"), 30);
        Booster m = train(tx, ym, Map.of("objective", "multi:softprob", "num_class", 3), 10);
        b.saveModel(binary.toString());
        m.saveModel(multi.toString());
        x = rows(rnd, ROWS);
        DMatrix d = new DMatrix(x, ROWS, NF, Float.NaN);
        binaryContrib = b.predictContrib(d, 0);
        multiContrib = m.predictContrib(d, 0);
        d.dispose();
        b.dispose();
        m.dispose();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < NF; i++) {
            sb.append(i == 0 ? "" : ",").append(NAMES[CSV_ORDER[i]]);
        }
        sb.append('\n');
        for (int r = 0; r < ROWS; r++) {
            for (int i = 0; i < NF; i++) {
                float value = x[r * NF + CSV_ORDER[i]];
                sb.append(i == 0 ? "" : ",").append(Float.isNaN(value) ? "" : Float.toString(value));
            }
            sb.append('\n');
        }
        csv = dir.resolve("rows.csv");
        Files.writeString(csv, sb.toString(), StandardCharsets.UTF_8);
    }

    @AfterAll
    static void noop() {
        // the temporary directory is removed by JUnit
    }

    private static Booster train(float[] tx, float[] y, Map<String, Object> extra, int rounds) throws XGBoostError {
        DMatrix d = new DMatrix(tx, tx.length / NF, NF, Float.NaN);
        d.setLabel(y);
        d.setFeatureNames(NAMES);
        Map<String, Object> p = new HashMap<>(extra);
        p.put("max_depth", 5);
        p.put("nthread", 1);
        p.put("seed", 3);
        try {
            return XGBoost.train(d, p, rounds, new HashMap<>(), null, null);
        } finally {
            d.dispose();
        }
    }

    private static float[] rows(SplittableRandom rnd, int n) {
        float[] out = new float[n * NF];
        for (int i = 0; i < out.length; i++) {
            out[i] = rnd.nextInt(12) == 0 ? Float.NaN : i % NF == 4 ? rnd.nextInt(5) : (float) rnd.nextGaussian();
        }
        return out;
    }

    private static double v(float[] a, int r, int f) {
        float value = a[r * NF + f];
        return Float.isNaN(value) ? 0 : value;
    }

    private static List<String[]> csvRows(String text) {
        List<String[]> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            out.add(line.split(",", -1));
        }
        return out;
    }

    private static void assertClose(float[] want, String[] got, String what) {
        double total = 0;
        for (float w : want) {
            total += Math.abs(w);
        }
        assertEquals(want.length, got.length, what + " columns");
        for (int j = 0; j < want.length; j++) {
            double g = Float.parseFloat(got[j]);
            assertTrue(Math.abs(g - want[j]) <= 1e-6 * total, String.format(Locale.ROOT,
                    "%s column %d: XGBoost %s, hotpath %s", what, j, want[j], got[j]));
        }
    }

    @Test
    void shouldWriteEveryContributionInXgboostsOrder() throws IOException {
        Path out = dir.resolve("contrib.csv");
        CliRunner.Result r = CliRunner.runReal("explain", "--model", binary.toString(), "--input", csv.toString(),
                "--output", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String[]> lines = csvRows(Files.readString(out));
        assertEquals(List.of("amount", "amount_z", "txn_1h", "txn_24h", "country", "age", "bias"),
                Arrays.asList(lines.get(0)));
        assertEquals(ROWS + 1, lines.size());
        for (int row = 0; row < ROWS; row++) {
            assertClose(binaryContrib[row], lines.get(row + 1), "row " + row);
        }
    }

    @Test
    void shouldPrefixEachClassBlockOfAMultiClassModel() {
        CliRunner.Result r = CliRunner.runReal("explain", "--model", multi.toString(), "--input", csv.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String[]> lines = csvRows(r.out());
        assertEquals(3 * (NF + 1), lines.get(0).length);
        assertEquals("class0.amount", lines.get(0)[0]);
        assertEquals("class0.bias", lines.get(0)[NF]);
        assertEquals("class2.bias", lines.get(0)[3 * (NF + 1) - 1]);
        for (int row = 0; row < ROWS; row++) {
            assertClose(multiContrib[row], lines.get(row + 1), "row " + row);
        }
    }

    @Test
    void shouldWriteTheTopReasonCodesOfTheMap() throws IOException {
        Path map = dir.resolve("reasons.json");
        Files.writeString(map, "{\"codes\": {\"AMOUNT\": [\"amount\", \"amount_z\"], \"VELOCITY\": [\"txn_1h\","
                + " \"txn_24h\"]}, \"exclude\": [\"age\"]}");
        CliRunner.Result r = CliRunner.runReal("explain", "--model", binary.toString(), "--input", csv.toString(),
                "--top", "2", "--reasons", map.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String[]> lines = csvRows(r.out());
        assertEquals(List.of("reason_1", "contribution_1", "reason_2", "contribution_2"), Arrays.asList(lines.get(0)));
        int rowsWithTwo = 0;
        for (int row = 0; row < ROWS; row++) {
            float[] c = binaryContrib[row];
            // codes from XGBoost's own contributions: AMOUNT, VELOCITY, country; age excluded
            double[] byCode = {c[0] + c[1], c[2] + c[3], c[4]};
            String[] names = {"AMOUNT", "VELOCITY", "country"};
            List<Integer> order = new ArrayList<>(List.of(0, 1, 2));
            order.removeIf(i -> byCode[i] <= 0);
            order.sort((a, b) -> Double.compare(byCode[b], byCode[a]));
            String[] got = lines.get(row + 1);
            assertEquals(4, got.length, "row " + row);
            for (int i = 0; i < 2; i++) {
                if (i >= order.size()) {
                    assertEquals("", got[2 * i], "row " + row + " rank " + i);
                    assertEquals("", got[2 * i + 1]);
                    continue;
                }
                double want = byCode[order.get(i)];
                boolean nearTie = order.size() > i + 1 && Math.abs(byCode[order.get(i + 1)] - want) < 1e-5
                        || i > 0 && Math.abs(byCode[order.get(i - 1)] - want) < 1e-5;
                if (!nearTie) {
                    assertEquals(names[order.get(i)], got[2 * i], "row " + row + " rank " + i);
                }
                assertEquals(want, Float.parseFloat(got[2 * i + 1]), 1e-5, "row " + row + " rank " + i);
            }
            rowsWithTwo += order.size() >= 2 ? 1 : 0;
        }
        assertTrue(rowsWithTwo > 20, "rows with two reasons: " + rowsWithTwo);
    }

    @Test
    void shouldGiveOneBlockPerClassUnlessTheMapNamesOne() throws IOException {
        CliRunner.Result all = CliRunner.runReal("explain", "--model", multi.toString(), "--input", csv.toString(),
                "--top", "1");
        assertEquals(0, all.exitCode(), all.err());
        assertEquals(List.of("class0.reason_1", "class0.contribution_1", "class1.reason_1", "class1.contribution_1",
                "class2.reason_1", "class2.contribution_1"), Arrays.asList(csvRows(all.out()).get(0)));
        Path map = dir.resolve("class2.json");
        Files.writeString(map, "{\"class\": 2, \"direction\": \"either\"}");
        CliRunner.Result one = CliRunner.runReal("explain", "--model", multi.toString(), "--input", csv.toString(),
                "--top", "1", "--reasons", map.toString());
        assertEquals(0, one.exitCode(), one.err());
        List<String[]> lines = csvRows(one.out());
        assertEquals(List.of("reason_1", "contribution_1"), Arrays.asList(lines.get(0)));
        for (int row = 0; row < ROWS; row++) {
            float[] c = Arrays.copyOfRange(multiContrib[row], 2 * (NF + 1), 3 * (NF + 1) - 1);
            int best = 0;
            for (int f = 1; f < NF; f++) {
                best = Math.abs(c[f]) > Math.abs(c[best]) ? f : best;
            }
            assertEquals(c[best], Float.parseFloat(lines.get(row + 1)[1]), 1e-5, "row " + row);
        }
    }

    @Test
    void shouldRefuseOnnxModelsNamingTheReason() {
        Path onnx = Path.of(System.getProperty("hotpath.repo.root", "..")).resolve(
                "model-formats/src/test/resources/onnx/logreg.onnx");
        CliRunner.Result r = CliRunner.runReal("explain", "--model", onnx.toString(), "--input", csv.toString());
        assertEquals(ExitCodes.FAILURE, r.exitCode());
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.err().startsWith("hotpath: error: cannot explain the onnx model"), r.err());
        assertTrue(r.err().contains("no tree structure"), r.err());
    }

    @Test
    void shouldReportBadInputAndMapsLikeScore() throws IOException {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "amount,amount_z,txn_1h,txn_24h,country,age,zip\n");
        CliRunner.Result r = CliRunner.runReal("explain", "--model", binary.toString(), "--input", bad.toString());
        assertEquals(ExitCodes.FAILURE, r.exitCode());
        assertTrue(r.err().contains("line 1: unknown column 'zip'"), r.err());

        Path map = dir.resolve("typo.json");
        Files.writeString(map, "{\"codes\": {\"AMOUNT\": [\"amnt\"]}}");
        CliRunner.Result typo = CliRunner.runReal("explain", "--model", binary.toString(), "--input", csv.toString(),
                "--top", "3", "--reasons", map.toString());
        assertEquals(ExitCodes.FAILURE, typo.exitCode());
        assertTrue(typo.err().contains("1 feature(s) the model does not have: amnt"), typo.err());

        Files.writeString(map, "{\"direction\": \"up\"}");
        CliRunner.Result dir2 = CliRunner.runReal("explain", "--model", binary.toString(), "--input",
                csv.toString(), "--top", "3", "--reasons", map.toString());
        assertTrue(dir2.err().contains("typo.json: direction: expected one of positive, negative, either, found"
                + " \"up\""), dir2.err());

        CliRunner.Result usage = CliRunner.runReal("explain", "--model", binary.toString(), "--input",
                csv.toString(), "--reasons", map.toString());
        assertEquals(ExitCodes.USAGE, usage.exitCode());
        assertTrue(usage.err().contains("--reasons needs --top K"), usage.err());
    }
}
