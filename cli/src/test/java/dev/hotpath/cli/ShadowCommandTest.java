package dev.hotpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.shadow.ShadowEvaluator;
import dev.hotpath.shadow.ShadowModelConfig;
import dev.hotpath.shadow.ShadowPublisher;
import dev.hotpath.shadow.report.ExitCodes;
import dev.hotpath.shadow.report.Gate;
import dev.hotpath.shadow.report.ShadowGates;
import dev.hotpath.shadow.report.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hotpath shadow report|replay} over a real shadow log written by shadow-eval's evaluator. */
class ShadowCommandTest {
    @TempDir
    static Path dir;
    static Path log;
    static Model primary = TestModels.threeFeatures();
    /** The primary's stumps with their leaves reversed: ranks requests the opposite way. */
    static Model reversed = TreeEnsemble.builder(3, 1).featureNames(List.of("amount", "age", "country"))
            .addTree(TestModels.stump(0, 100f, false, 1.5f, 0.25f), 0, 1f)
            .addTree(TestModels.stump(1, 30f, true, 0.125f, -0.5f), 0, 1f)
            .addTree(TestModels.stump(2, 2f, false, 4.0f, 0.0625f), 0, 1f)
            .build();

    @BeforeAll
    static void writeLog() throws Exception {
        log = Files.createDirectories(dir.resolve("log"));
        ShadowEvaluator shadow = ShadowEvaluator.builder(log)
                .primaryModel(1, "primary", primary)
                .primaryThreshold(2f)
                .addShadow(ShadowModelConfig.builder(2, "reversed", reversed).threshold(2f).build())
                .addShadow(ShadowModelConfig.builder(3, "twin", primary).threshold(2f).build())
                .featureCaptureRate(1.0)
                .build();
        shadow.start();
        try {
            ShadowPublisher publisher = shadow.publisher();
            Random rnd = new Random(3);
            float[] row = new float[3];
            int accepted = 0;
            for (long id = 0; id < 3_000; id++) {
                row[0] = rnd.nextInt(200);
                row[1] = rnd.nextInt(60);
                row[2] = rnd.nextInt(4);
                // The service passes what the report segments and weighs by: here the country and the amount.
                if (publisher.offer(id, row, 3, primary.score(row), 1, 1000, (int) row[2], 100L * (long) row[0])
                        == ShadowPublisher.ACCEPTED) {
                    accepted++;
                }
                if ((id & 255) == 0) {
                    Thread.sleep(1); // let the agent keep up so nothing is dropped
                }
            }
            assertTrue(accepted > 2_500, "accepted " + accepted);
        } finally {
            shadow.close();
        }
    }

    @Test
    void exportWritesEveryComparisonRecordAsCsvAndSendsParquetToTheSparkModule() throws Exception {
        Path csv = dir.resolve("export.csv");
        CliRunner.Result r = CliRunner.runReal("shadow", "export", "--log", log.toString(), "--output",
                csv.toString());
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        List<String> lines = Files.readAllLines(csv);
        String[] header = lines.get(0).split(",");
        assertEquals("request_id", header[0]);
        assertEquals("feature_2", header[header.length - 1], "three captured features");
        // two shadows, each compared on every accepted request
        long reversed = lines.stream().filter(l -> l.contains(",reversed,2,")).count();
        long twin = lines.stream().filter(l -> l.contains(",twin,3,")).count();
        assertEquals(reversed, twin);
        assertEquals(lines.size() - 1, reversed + twin);
        assertTrue(reversed > 2_500, "rows " + reversed);
        assertTrue(r.out().contains("exported " + (lines.size() - 1) + " comparison record(s)"), r.out());

        CliRunner.Result parquet = CliRunner.runReal("shadow", "export", "--log", log.toString(), "--output",
                dir.resolve("export.parquet").toString());
        assertEquals(ExitCodes.USAGE, parquet.exitCode(), parquet.out());
        assertTrue(parquet.err().contains("spark module"), parquet.err());
    }

    @Test
    void reportAddsAmountWeightedAndPerSegmentMetricsFromWhatTheServicePassed() throws Exception {
        Path json = dir.resolve("sliced.json");
        CliRunner.Result r = CliRunner.runReal("shadow", "report", "--log", log.toString(), "--weight", "amount",
                "--segment", "segment", "--min-segment-size", "50", "--json", json.toString(), "--shadow", "twin");
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        assertTrue(r.out().contains("WEIGHTED BY amount - shadow twin"), r.out());
        // country 0..3: four segments, none folded at 50 requests each
        assertTrue(r.out().contains("SEGMENTS BY segment - shadow twin [3]: 4 segment(s)"), r.out());
        String j = Files.readString(json);
        assertTrue(j.contains("\"slices\"") && j.contains("\"fraudCaught\""), j);
        assertTrue(!r.out().contains("No comparison record carries an amount"), r.out());

        CliRunner.Result bad = CliRunner.runReal("shadow", "report", "--log", log.toString(), "--segment",
                "country");
        assertEquals(ExitCodes.USAGE, bad.exitCode(), bad.out());
        assertTrue(bad.err().contains("'segment'"), bad.err());
    }

    @Test
    void reportPrintsTheComparisonWritesJsonAndHtmlAndFailsTheRankingGate() throws Exception {
        Path json = dir.resolve("report.json");
        Path html = dir.resolve("report.html");
        CliRunner.Result r = CliRunner.runReal("shadow", "report", "--log", log.toString(), "--json",
                json.toString(), "--html", html.toString());
        // The reversed model ranks requests the opposite way: Spearman < 0.8 fails a default gate.
        assertEquals(ExitCodes.GATE_FAILED, r.exitCode(), r.err());
        assertTrue(r.out().contains("reversed"), r.out());
        assertTrue(r.out().contains("verdict: FAIL"), r.out());
        assertTrue(r.out().contains("HTML report: file:"), r.out());
        assertTrue(Files.readString(json).contains("\"spearman\""), "JSON report has the rank correlation");
        assertTrue(Files.readString(html).startsWith("<!DOCTYPE html>"));
    }

    @Test
    void reportPassesWhenTheGatesAreRelaxed() {
        CliRunner.Result r = CliRunner.runReal("shadow", "report", "--log", log.toString(), "--quiet", "--gates",
                "warn:spearman>=0.8");
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        assertTrue(r.out().contains("verdict:"), r.out());
    }

    @Test
    void replayRescoresCapturedFeaturesIntoANewLog() throws Exception {
        Path out = dir.resolve("replayed");
        CliRunner.Result r = CliRunner.run(file -> primary, "shadow", "replay", "--log", log.toString(), "--model",
                dir.resolve("candidate.json").toString(), "--out", out.toString());
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        // Replaying the primary itself reproduces its logged scores: the new log compares identical models.
        CliRunner.Result report = CliRunner.runReal("shadow", "report", "--log", out.toString());
        assertEquals(ExitCodes.OK, report.exitCode(), report.out() + report.err());
    }

    @Test
    void aMissingLogIsARuntimeFailureWithOneLine() {
        CliRunner.Result r = CliRunner.runReal("shadow", "report", "--log", dir.resolve("nope").toString());
        assertEquals(ExitCodes.FAILURE, r.exitCode());
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.err().startsWith("hotpath: error: "), r.err());
    }

    @Test
    void reportGatesOnTheNamedShadowOnly() {
        // 'reversed' fails the default Spearman gate, 'twin' (the primary itself) passes every gate.
        CliRunner.Result twin = CliRunner.runReal("shadow", "report", "--log", log.toString(), "--shadow", "twin");
        assertEquals(ExitCodes.OK, twin.exitCode(), twin.err());
        assertTrue(twin.out().contains("verdict FAIL (not gated)"), twin.out());
        assertTrue(!twin.out().contains("verdict: FAIL") && twin.out().contains("verdict: "), twin.out());
        CliRunner.Result byId = CliRunner.runReal("shadow", "report", "--log", log.toString(), "--quiet",
                "--shadow", "2");
        assertEquals(ExitCodes.GATE_FAILED, byId.exitCode(), byId.err());
        CliRunner.Result unknown = CliRunner.runReal("shadow", "report", "--log", log.toString(), "--shadow",
                "twn");
        assertEquals(ExitCodes.USAGE, unknown.exitCode());
        assertTrue(unknown.err().startsWith("hotpath: error: no shadow named 'twn' in the log; its shadows: "
                + "reversed [2], twin [3]"), unknown.err());
    }

    @Test
    void aMisspeltGateOrANonFiniteThresholdIsAUsageError() {
        CliRunner.Result gate = CliRunner.runReal("shadow", "report", "--log", log.toString(), "--gates",
                "spearmann>=0.8");
        assertEquals(ExitCodes.USAGE, gate.exitCode());
        assertTrue(gate.err().contains("unknown gate metric 'spearmann'"), gate.err());
        assertTrue(gate.err().contains("--help"), gate.err());
        CliRunner.Result op = CliRunner.runReal("shadow", "report", "--log", log.toString(), "--gates", "psi<<1");
        assertEquals(ExitCodes.USAGE, op.exitCode(), op.err());
        CliRunner.Result nan = CliRunner.runReal("shadow", "report", "--log", log.toString(), "--threshold", "NaN");
        assertEquals(ExitCodes.USAGE, nan.exitCode(), nan.err());
    }

    @Test
    void reportHelpListsTheExitCodesAndEveryDefaultGateWithoutAPicocliWarning() {
        CliRunner.Result r = CliRunner.runReal("shadow", "report", "--help");
        assertEquals(ExitCodes.OK, r.exitCode());
        assertEquals("", r.err(), "nothing on stderr, e.g. no '[picocli WARN] Could not format'");
        String help = r.out().replaceAll("\\s+", " "); // picocli wraps long lines
        for (String meaning : new String[] {ExitCodes.OK_MEANING, ExitCodes.FAILURE_MEANING, ExitCodes.USAGE_MEANING,
            ExitCodes.GATE_FAILED_MEANING}) {
            assertTrue(help.contains(meaning), "missing '" + meaning + "' in:\n" + r.out());
        }
        // The lists follow the heading "(fail: decides the exit code, warn: is reported only)".
        String fail = help.substring(help.lastIndexOf("fail: "), help.lastIndexOf("warn: "));
        String warn = help.substring(help.lastIndexOf("warn: "), help.indexOf(" matched_flip_over_block_rate<=1: "));
        for (Gate g : ShadowGates.defaults().gates()) {
            String expr = g.metric().key() + g.operator()
                    + java.math.BigDecimal.valueOf(g.limit()).stripTrailingZeros().toPlainString();
            String section = g.level() == Verdict.FAIL ? fail : warn;
            assertTrue(section.matches("(?s).*\\b" + java.util.regex.Pattern.quote(expr) + "(?![\\d.]\\d).*"),
                    "default gate " + g.level() + " " + expr + " is not documented under " + g.level() + ":\n"
                    + r.out());
        }
        assertEquals(ShadowGates.defaults().gates().size(), (fail + warn).split(">=|<=|<|>").length - 1,
                "no other gates are documented");
    }

    @Test
    void shadowWithoutASubcommandIsAUsageError() {
        assertEquals(ExitCodes.USAGE, CliRunner.runReal("shadow").exitCode());
    }
}
