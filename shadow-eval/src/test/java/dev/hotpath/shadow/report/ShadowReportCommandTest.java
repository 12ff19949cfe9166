package dev.hotpath.shadow.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.shadow.log.ShadowLogWriter;

class ShadowReportCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Path log() {
        Path logDir = dir.resolve("log");
        ShadowLogWriter w = ReportFixtures.writer(logDir, 21);
        ReportFixtures.models(w, 0.9f, 0.9f);
        float[] p = ReportFixtures.primaryGrid();
        ReportFixtures.comparisons(w, p, ReportFixtures.shifted(p, 0.0503f), 0);
        ReportFixtures.counters(w, ReportFixtures.T0, 1000, 1000);
        w.close();
        return logDir;
    }

    private int run(ShadowReportOptions options) {
        return ShadowReportCommand.run(options, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void shouldWriteAllOutputsAndExitZeroWhenTheGatesPass() throws Exception {
        Path json = dir.resolve("report.json");
        Path html = dir.resolve("report.html");
        int code = run(ShadowReportOptions.builder().log(log()).json(json).html(html).build());
        assertEquals(ShadowReportCommand.EXIT_OK, code, err.toString(StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("SHADOW EVALUATION REPORT"));
        assertTrue(text.trim().endsWith("verdict: PASS"), text);
        assertTrue(Files.readString(json).contains("\"reportVersion\" : 1"));
        assertTrue(Files.readString(html).startsWith("<!DOCTYPE html>"));
    }

    @Test
    void shouldExitWithTheGateFailureCodeWhenAFailGateDoesNotHold() {
        int code = run(ShadowReportOptions.builder().log(log()).gates(ShadowGates.parse("flip_rate<0.01"))
                .text(false).build());
        assertEquals(ShadowReportCommand.EXIT_GATE_FAILED, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("verdict: FAIL"));
    }

    @Test
    void shouldOverrideTheLoggedThresholds() {
        // At 0.95 the primary blocks i >= 950 (50) and the shadow i >= 900 (100): 50 new blocks either way, but the
        // JSON must show the override.
        Path json = dir.resolve("r.json");
        assertEquals(0, run(ShadowReportOptions.builder().log(log()).threshold(0.95f).json(json)
                .gates(ShadowGates.none()).text(false).build()));
        Object root = ReportFixtures.parseJson(readString(json));
        assertEquals(0.95, (Double) ReportFixtures.path(root, "shadows", "0", "thresholds", "primary"), 1e-6);
        assertEquals(50.0, ReportFixtures.path(root, "shadows", "0", "decisions", "configured", "bothBlock"));
    }

    @Test
    void shouldExitWithTheInputErrorCodeAndAMessageWhenTheLogIsMissing() {
        int code = run(ShadowReportOptions.builder().log(dir.resolve("nope")).build());
        assertEquals(ShadowReportCommand.EXIT_INPUT_ERROR, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("does not exist"), err.toString());
        assertThrows(ConfigurationException.class, () -> ShadowReportOptions.builder().build());
        assertThrows(ConfigurationException.class, () -> ShadowGates.parse("psi<<0.1"));
        assertThrows(ConfigurationException.class, () -> ShadowGates.parse("nonsense<0.1"));
    }

    private static String readString(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
