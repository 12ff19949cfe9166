package dev.hotpath.shadow.report;

import static dev.hotpath.shadow.report.ReportFixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.shadow.ShadowEvalException;
import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.log.ShadowLogWriter;

/**
 * End-to-end report checks on logs whose contents are chosen so every expected number can be derived by hand
 * (derivations in the comments).
 */
class ShadowReportTest {
    @TempDir
    Path dir;

    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    private ShadowReport shiftedReport(ShadowGates gates) {
        ShadowLogWriter w = ReportFixtures.writer(dir, 11);
        ReportFixtures.models(w, 0.9f, 0.9f);
        float[] p = ReportFixtures.primaryGrid();
        ReportFixtures.comparisons(w, p, ReportFixtures.shifted(p, 0.0503f), 0);
        ReportFixtures.counters(w, T0 + 1, 1000, 1000);
        w.close();
        return ShadowReport.builder().addLog(dir).gates(gates).clock(FIXED).build();
    }

    @Test
    void shouldReportHandDerivedShiftFlipsAndKappaForAShiftedShadow() {
        ShadowReport r = shiftedReport(ShadowGates.none());
        ShadowComparison c = r.comparison(2);
        assertEquals(1000, c.records());
        assertEquals(1000, c.validPairs());
        assertEquals("fraud-v8", c.shadow().name());
        assertEquals("fraud-v7", c.primaries().get(0).name());

        // Deciles of p sit at 0.1005, 0.2005, ...; s = p + 0.0503 puts 50 requests in the first bin, 100 in bins
        // 1..8 and 150 in the last: PSI = (0.05 - 0.1) ln(0.5) + (0.15 - 0.1) ln(1.5)
        assertEquals(10, c.psiBins());
        assertEquals(-0.05 * Math.log(0.5) + 0.05 * Math.log(1.5), c.psi(), 1e-9);
        // The CDFs differ by the share of p in a window of width 0.0503: at most 51 grid points of 1000.
        assertEquals(0.051, c.ks(), 1e-12);
        assertEquals(1.0, c.spearman(), 1e-12, "a shift keeps the order");
        assertEquals(1.0, c.kendallTauB(), 1e-12);

        // Primary blocks p >= 0.9: i >= 900 (100). Shadow blocks p >= 0.8497: i >= 850 (150).
        DecisionTable t = c.configured();
        assertEquals(850, t.bothAllow());
        assertEquals(50, t.newBlocks());
        assertEquals(0, t.releases());
        assertEquals(100, t.bothBlock());
        assertEquals(0.05, t.flipRate(), 1e-12);
        assertEquals(0.05, t.deltaBlockRate(), 1e-12);
        // p_o = 0.95, p_e = 0.1 * 0.15 + 0.9 * 0.85 = 0.78
        assertEquals((0.95 - 0.78) / (1 - 0.78), t.kappa(), 1e-12);

        // Matching the primary's 10% block rate: the 100th largest shadow score is s(900); no flips remain.
        assertEquals(0.9005f + 0.0503f, c.matchedThreshold(), 1e-6f);
        assertEquals(0, c.matched().flipRate(), 1e-12);
        assertEquals(1.0, c.matched().kappa(), 1e-12);
        for (TopKOverlap k : c.topK()) {
            assertEquals(1.0, k.overlap(), 1e-12, "top " + k.fraction());
        }
        assertEquals(List.of(1, 5, 10, 50), c.topK().stream().map(TopKOverlap::k).toList());

        // Latencies 1000..1999 ns (primary) and 1500..2499 ns (shadow); HdrHistogram keeps 3 digits.
        assertEquals(1000, c.primaryLatency().count());
        assertEquals(1499, c.primaryLatency().p50(), 2);
        assertEquals(1999, c.shadowLatency().p50(), 2);
        assertEquals(2499, c.shadowLatency().max(), 2);
        assertEquals(1.0, c.coverage().coverage(), 1e-12);
        assertEquals(Verdict.PASS, r.verdict(), "no gates");
        assertEquals(20, c.topDisagreements().size());
        assertEquals(0.0503, Math.abs(c.topDisagreements().get(0).delta()), 1e-6);
        assertEquals(20, c.topNewBlocks().size());
        assertTrue(c.topNewBlocks().stream().allMatch(d -> d.kind().equals("new block")));
        assertEquals(0, c.topReleases().size());
    }

    @Test
    void shouldReportNoShiftAndFullAgreementWhenTheShadowEqualsThePrimary() {
        ShadowLogWriter w = ReportFixtures.writer(dir, 12);
        ReportFixtures.models(w, 0.9f, 0.9f);
        float[] p = ReportFixtures.primaryGrid();
        ReportFixtures.comparisons(w, p, p, 0);
        ReportFixtures.counters(w, T0, 1000, 1000);
        w.close();
        ShadowReport r = ShadowReport.builder().addLog(dir).build();
        ShadowComparison c = r.comparison(2);
        assertEquals(0.0, c.psi(), 1e-12);
        assertEquals(0.0, c.ks(), 1e-12);
        assertEquals(0.0, c.jsDistance(), 1e-12);
        assertEquals(1.0, c.configured().agreement(), 1e-12);
        assertEquals(1.0, c.configured().kappa(), 1e-12);
        assertTrue(c.topDisagreements().isEmpty(), "identical scores are no disagreement");
        assertEquals(Verdict.PASS, r.verdict(), "default gates: " + c.gates());
        assertTrue(r.recommendation().contains("passes every gate"), r.recommendation());
    }

    @Test
    void shouldMeasureCoverageAgainstTheTrafficAShadowSawNotTheWholeRun() {
        // A shadow swapped in half-way (a promotion): 2,000 requests accepted in the run, 1,000 of them dispatched
        // to this shadow after it was registered, all 1,000 recorded. Complete, not 50 %.
        ShadowLogWriter w = ReportFixtures.writer(dir, 14);
        ReportFixtures.models(w, 0.5f, 0.5f);
        float[] p = ReportFixtures.primaryGrid();
        ReportFixtures.comparisons(w, p, p, 0);
        ReportFixtures.counters(w, T0, 2000, 1000);
        // At the promotion 7 requests served by this model as the primary were not given to it as a shadow.
        long[] later = ReportFixtures.shadow(1000, 0);
        later[ShadowLogFormat.S_SKIPPED_SELF] = 7;
        w.appendCounters(T0 + 1, 2, later);
        w.close();
        ShadowReport r = ShadowReport.builder().addLog(dir).build();
        ShadowComparison c = r.comparison(2);
        assertEquals(2000, c.coverage().accepted());
        assertEquals(1000, c.coverage().dispatched());
        assertEquals(7, c.coverage().skippedSelf());
        assertEquals(1.0, c.coverage().coverage(), 1e-12);
        assertEquals(Verdict.PASS, c.verdict(), "default gates: " + c.gates());
        assertTrue(r.toText().contains("7 skipped (served by this model as the primary"), r.toText());
    }

    @Test
    void shouldFailTheCoverageGateAndExplainTheDropsFromTheCounters() {
        ShadowLogWriter w = ReportFixtures.writer(dir, 13);
        ReportFixtures.models(w, 0.5f, 0.5f);
        float[] p = ReportFixtures.primaryGrid();
        ReportFixtures.comparisons(w, p, p, 0);
        // Two counter intervals: the second one dropped 60 of 560 sampled (10.7%) at the intake ring.
        w.appendCounters(T0, ShadowLogFormat.SCOPE_GLOBAL, ReportFixtures.global(1000, 600, 0));
        w.appendCounters(T0 + 10_000_000_000L, ShadowLogFormat.SCOPE_GLOBAL, ReportFixtures.global(2000, 1100, 60));
        // 1,100 dispatched to the shadow: 1,000 queued (and recorded), 100 dropped at its full queue.
        w.appendCounters(T0 + 10_000_000_000L, 2, ReportFixtures.shadow(1000, 100));
        w.close();
        ShadowReport r = ShadowReport.builder().addLog(dir).build();
        ShadowComparison c = r.comparison(2);
        assertEquals(1100, c.coverage().accepted());
        assertEquals(1100, c.coverage().dispatched());
        assertEquals(1000.0 / 1100, c.coverage().coverage(), 1e-12);
        assertEquals(100, c.coverage().droppedBacklog());
        assertEquals(60, c.coverage().droppedRingFull());
        assertEquals(Verdict.FAIL, c.verdict(), "coverage 90.9% is below the 95% default");
        assertEquals(Verdict.FAIL, r.verdict());
        assertTrue(r.recommendation().startsWith("Do not promote fraud-v8@rc1: coverage="), r.recommendation());
        assertEquals(2, r.run().dropIntervals().size());
        assertEquals(60.0 / 560, r.run().maxIntervalDropRate(), 1e-12);
        assertTrue(r.run().warnings().stream().anyMatch(s -> s.contains("dropped because the intake ring was full")),
                r.run().warnings().toString());
    }

    @Test
    void shouldCountACopiedSegmentOnceAndNameBothFilesInEveryFormat() throws Exception {
        // Before: the copy was counted too (2,000 records of 1,000 dispatched: "coverage 200%", verdict PASS).
        ShadowLogWriter w = ReportFixtures.writer(dir, 19);
        ReportFixtures.models(w, 0.5f, 0.5f);
        float[] p = ReportFixtures.primaryGrid();
        ReportFixtures.comparisons(w, p, p, 0);
        ReportFixtures.counters(w, T0, 1000, 1000);
        w.close();
        Path original = w.finishedFiles().get(0);
        Path copy = dir.resolve("copy-of-" + original.getFileName());
        Files.copy(original, copy);

        ShadowReport r = ShadowReport.builder().addLog(dir).build();
        assertEquals(1000, r.comparison(2).records());
        assertEquals(1.0, r.comparison(2).coverage().coverage(), 1e-12);
        assertEquals(0, r.comparison(2).duplicateRequestIds());
        assertTrue(r.run().warnings().stream().anyMatch(s -> s.contains("were found in two files")),
                r.run().warnings().toString());
        String text = r.toText();
        assertTrue(text.contains("LOG INTEGRITY") && text.contains("REPEATED"), text);
        assertTrue(text.contains(copy.getFileName().toString()) && text.contains(original.getFileName().toString()),
                text);
        Object json = ReportFixtures.parseJson(r.toJson());
        assertEquals("REPEATED", ReportFixtures.path(json, "run", "sequenceProblems", "0", "kind"));
        assertEquals((double) r.run().read().recordsRepeated(), ReportFixtures.path(json, "run", "recordsRepeated"));
        assertTrue(r.run().read().recordsRepeated() >= 1000, "the copy's comparisons at least");
        String html = r.toHtml();
        assertTrue(html.contains("Log integrity") && html.contains(copy.getFileName().toString()), "html");
    }

    @Test
    void shouldNameADeletedMiddleSegmentAndReportTheCoverageItCosts() throws Exception {
        ShadowLogWriter w = ReportFixtures.smallSegmentWriter(dir, 20);
        ReportFixtures.models(w, 0.5f, 0.5f);
        float[] p = new float[3000];
        for (int i = 0; i < p.length; i++) {
            p[i] = (i % 1000 + 0.5f) / 1000f;
        }
        ReportFixtures.comparisons(w, p, p, 0);
        ReportFixtures.counters(w, T0 + 5_000_000_000L, 3000, 3000);
        w.close();
        List<Path> segments = w.finishedFiles();
        assertTrue(segments.size() >= 3, "segments " + segments.size());
        Files.delete(segments.get(1));

        ShadowReport r = ShadowReport.builder().addLog(dir).build();
        ShadowComparison c = r.comparison(2);
        long missing = r.run().read().recordsMissing();
        assertTrue(missing > 0);
        // Every record lost with the segment was a comparison (its MODEL_INFO block aside): 3,000 were written.
        assertEquals(3000, c.records() + missing - 2, "the deleted segment's comparisons, and its 2 MODEL_INFO");
        assertEquals((double) c.records() / 3000, c.coverage().coverage(), 1e-12);
        assertEquals(Verdict.FAIL, c.verdict(), "coverage below 95%");
        String text = r.toText().replaceAll("\\s+", " "); // long lines are wrapped
        assertTrue(text.contains("MISSING") && text.contains("missing between " + segments.get(0).getFileName()
                + " and " + segments.get(2).getFileName()), text);
        Object json = ReportFixtures.parseJson(r.toJson());
        assertEquals("MISSING", ReportFixtures.path(json, "run", "sequenceProblems", "0", "kind"));
        assertEquals(segments.get(0).toString(),
                ReportFixtures.path(json, "run", "sequenceProblems", "0", "otherSegment"));
        assertTrue(r.toHtml().contains("missing between " + segments.get(0).getFileName()), "html");
    }

    @Test
    void shouldGateOnlyOnTheNamedShadowsAndMapTheVerdictToTheExitCode() {
        // Shadow 2 equals the primary (passes); shadow 3, unnamed in the log, ranks in reverse (Spearman -1 fails).
        ShadowLogWriter w = ReportFixtures.writer(dir, 22);
        ReportFixtures.models(w, 0.5f, 0.5f);
        float[] p = ReportFixtures.primaryGrid();
        ReportFixtures.comparisons(w, p, p, 0);
        for (int i = 0; i < p.length; i++) {
            w.appendComparison(T0 + i * 1_000_000L, i, 0, 1, 3, p[i], 1f - p[i], 0, 0, 0, i + 1000, i + 1500, 0,
                    10_000);
        }
        w.close();
        ShadowGates spearman = ShadowGates.parse("spearman>=0.8");
        ShadowReport all = ShadowReport.builder().addLog(dir).gates(spearman).build();
        assertEquals(Verdict.FAIL, all.verdict());
        assertEquals(ExitCodes.GATE_FAILED, all.exitCode());

        ShadowReport one = ShadowReport.builder().addLog(dir).gates(spearman).gateShadow("fraud-v8").build();
        assertEquals(Verdict.FAIL, one.comparison(3).verdict(), "still evaluated and reported");
        assertFalse(one.isGated(one.comparison(3)));
        assertTrue(one.isGated(one.comparison(2)));
        assertEquals(Verdict.PASS, one.verdict());
        assertEquals(ExitCodes.OK, one.exitCode());
        assertTrue(one.recommendation().endsWith("1 other shadow(s) are reported but not gated."),
                one.recommendation());
        assertTrue(one.toText().contains("verdict FAIL (not gated)"), one.toText());
        assertEquals(Boolean.FALSE, ReportFixtures.path(ReportFixtures.parseJson(one.toJson()), "shadows", "1",
                "gated"));
        assertEquals(ExitCodes.GATE_FAILED, ShadowReport.builder().addLog(dir).gates(spearman).gateShadow("3")
                .build().exitCode(), "by log id");
        assertEquals(ExitCodes.OK, ShadowReport.builder().addLog(dir).gates(spearman).gateShadow("fraud-v8@rc1")
                .build().exitCode(), "by name@version");
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ShadowReport.builder().addLog(dir).gateShadow("fraud-v9").build());
        assertEquals("no shadow named 'fraud-v9' in the log; its shadows: fraud-v8 [2], shadow-3 [3]",
                e.getMessage());
    }

    @Test
    void shouldCountErrorsAndBreakerSkipsAndExcludeThemFromScoreMetrics() {
        ShadowLogWriter w = ReportFixtures.writer(dir, 14);
        ReportFixtures.models(w, 0.5f, 0.5f);
        float[] p = ReportFixtures.primaryGrid();
        ReportFixtures.comparisons(w, p, p, 0);
        float[] nan = {Float.NaN, Float.NaN, Float.NaN};
        float[] p3 = {0.1f, 0.2f, 0.3f};
        for (int i = 0; i < 3; i++) {
            w.appendComparison(T0, 5000 + i, 0, 1, 2, p3[i], nan[i], 0, ShadowLogFormat.DECISION_NONE,
                    i == 0 ? ShadowLogFormat.FLAG_BREAKER_OPEN : ShadowLogFormat.FLAG_SHADOW_ERROR, 1, 0, 0, 10_000);
        }
        w.close();
        ShadowComparison c = ShadowReport.builder().addLog(dir).gates(ShadowGates.parse("error_rate<=0.001"))
                .build().comparison(2);
        assertEquals(1003, c.records());
        assertEquals(1000, c.validPairs());
        assertEquals(2, c.errors());
        assertEquals(1, c.breakerSkipped());
        assertEquals(3.0 / 1003, c.errorRate(), 1e-12);
        assertEquals(0.0, c.psi(), 1e-12, "the failed records do not enter the distributions");
        assertEquals(Verdict.FAIL, c.verdict());
        assertEquals(-1, c.coverage().accepted(), "no counters were written");
        assertTrue(Double.isNaN(c.coverage().coverage()));
    }

    @Test
    void shouldJoinLabelsAndWarnThatBlockedTrafficHasNoLabels() throws Exception {
        ShadowLogWriter w = ReportFixtures.writer(dir, 15);
        ReportFixtures.models(w, 0.5f, 0.5f);
        // ids 0..5; primary blocks ids 4 and 5 (>= 0.5), the shadow blocks 2, 3 and 5.
        float[] p = {0.1f, 0.2f, 0.3f, 0.4f, 0.8f, 0.9f};
        float[] s = {0.1f, 0.2f, 0.6f, 0.7f, 0.3f, 0.95f};
        ReportFixtures.comparisons(w, p, s, 0);
        w.close();
        // Only allowed traffic (ids 0..3) got labels, as happens in production: 2 and 3 turned out to be fraud.
        Path labels = dir.resolve("labels.csv");
        Files.writeString(labels, "request_id,label\n0,0\n1,0\n2,1\n3,true\n999,1\n");
        ShadowReport r = ShadowReport.builder().addLog(dir).labels(labels).build();
        LabelSummary l = r.comparison(2).labels();
        assertEquals(6, l.requests());
        assertEquals(4, l.labelled());
        assertEquals(2, l.primaryBlocked());
        assertEquals(0, l.labelledPrimaryBlocked());
        // Primary on the 4 labelled: blocks none -> TP 0, FN 2, precision undefined, recall 0.
        assertEquals(0, l.primary().truePositives());
        assertEquals(2, l.primary().falseNegatives());
        assertTrue(Double.isNaN(l.primary().precision()));
        assertEquals(0.0, l.primary().recall(), 1e-12);
        // Shadow blocks 2 and 3, both fraud: precision 1, recall 1.
        assertEquals(2, l.shadow().truePositives());
        assertEquals(1.0, l.shadow().precision(), 1e-12);
        assertEquals(1.0, l.shadow().recall(), 1e-12);
        // PR-AUC: primary ranks 3 (0.4, +), 2 (0.3, +), 1, 0 -> AP 1; shadow ranks 3 (+), 2 (+) -> AP 1.
        assertEquals(1.0, l.primary().prAuc(), 1e-12);
        // Brier of the shadow: ((.1)^2 + (.2)^2 + (.6-1)^2 + (.7-1)^2) / 4 = (.01 + .04 + .16 + .09) / 4
        assertEquals(0.075, l.shadow().brier(), 1e-6);
        assertTrue(l.warnings().stream().anyMatch(x -> x.startsWith("Selection bias")), l.warnings().toString());
        String text = r.toText();
        assertTrue(text.contains("WARNING: Selection bias"), text);
    }

    @Test
    void shouldRejectAMalformedLabelsFileNamingTheLine() throws Exception {
        ShadowLogWriter w = ReportFixtures.writer(dir, 16);
        ReportFixtures.models(w, 0.5f, 0.5f);
        ReportFixtures.comparisons(w, new float[] {0.1f}, new float[] {0.2f}, 0);
        w.close();
        Path labels = dir.resolve("labels.csv");
        Files.writeString(labels, "request_id,label\n1,0\n2,maybe\n");
        ShadowEvalException e = assertThrows(ShadowEvalException.class,
                () -> ShadowReport.builder().addLog(dir).labels(labels).build());
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("maybe"), e.getMessage());
    }

    @Test
    void shouldMapStringLabelIdsWithTheDocumentedHash() throws Exception {
        ShadowLogWriter w = ReportFixtures.writer(dir, 17);
        ReportFixtures.models(w, 0.5f, 0.5f);
        long id = dev.hotpath.shadow.ShadowSampling.requestIdOf("txn-abc");
        w.appendComparison(T0, id, 0, 1, 2, 0.9f, 0.9f, 1, 1, 0, 1, 1, 0, 10_000);
        w.close();
        Path labels = dir.resolve("labels.csv");
        Files.writeString(labels, "txn-abc,1\n");
        LabelSummary l = ShadowReport.builder().addLog(dir).labels(labels).build().comparison(2).labels();
        assertEquals(1, l.labelled());
        assertEquals(1, l.shadow().truePositives());
    }

    @Test
    void shouldWriteJsonThatCiCanGateOn() {
        ShadowReport r = shiftedReport(ShadowGates.parse("psi<0.01, warn:spearman>=0.99"));
        Object json = ReportFixtures.parseJson(r.toJson());
        assertEquals(1.0, ReportFixtures.path(json, "reportVersion"));
        assertEquals("FAIL", ReportFixtures.path(json, "verdict"));
        assertEquals("2026-01-02T03:04:05Z", ReportFixtures.path(json, "generatedAt"));
        assertEquals(2.0, ReportFixtures.path(json, "shadows", "0", "model", "id"));
        assertEquals(r.comparison(2).psi(), (Double) ReportFixtures.path(json, "shadows", "0", "drift", "psi"), 0);
        assertEquals(50.0, ReportFixtures.path(json, "shadows", "0", "decisions", "configured", "newBlocks"));
        assertEquals("FAIL", ReportFixtures.path(json, "shadows", "0", "gates", "0", "verdict"));
        assertEquals("PASS", ReportFixtures.path(json, "shadows", "0", "gates", "1", "verdict"));
        assertNull(ReportFixtures.path(json, "shadows", "0", "labels"));
        assertEquals(1000.0, ReportFixtures.path(json, "run", "accepted"));
    }

    @Test
    void shouldApplyAThresholdOverrideInsteadOfTheLoggedThresholds() {
        // Logged thresholds 0.9; at 0.95 the primary blocks i >= 950 (50 requests) and the shadow (p + 0.0503)
        // i >= 900 (100), so 50 requests are blocked by both.
        ShadowLogWriter w = ReportFixtures.writer(dir, 21);
        ReportFixtures.models(w, 0.9f, 0.9f);
        float[] p = ReportFixtures.primaryGrid();
        ReportFixtures.comparisons(w, p, ReportFixtures.shifted(p, 0.0503f), 0);
        w.close();
        ShadowReport r = ShadowReport.builder().addLog(dir).threshold(0.95f).gates(ShadowGates.none()).build();
        Object root = ReportFixtures.parseJson(r.toJson());
        assertEquals(0.95, (Double) ReportFixtures.path(root, "shadows", "0", "thresholds", "primary"), 1e-6);
        assertEquals(0.95, (Double) ReportFixtures.path(root, "shadows", "0", "thresholds", "shadow"), 1e-6);
        assertEquals(50.0, ReportFixtures.path(root, "shadows", "0", "decisions", "configured", "bothBlock"));
    }

    @Test
    void shouldWriteATextReportAnEngineerCanRead() {
        String text = shiftedReport(ShadowGates.defaults()).toText();
        for (String expected : new String[] {"SHADOW EVALUATION REPORT", "VERDICT: PASS", "fraud-v8@rc1 [2]",
            "Shift     PSI 0.0549", "Spearman rho 1", "primary allows", "new blocks 5.00%",
            "block-rate-matched", "Latency", "Largest score differences", "Flips at the configured", "Gates"}) {
            assertTrue(text.contains(expected), "missing '" + expected + "' in:\n" + text);
        }
        for (String line : text.split("\n")) {
            assertTrue(line.length() <= 160, "line too long for a terminal: " + line);
        }
    }

    @Test
    void shouldWriteASingleSelfContainedHtmlPage() {
        ShadowReport r = shiftedReport(ShadowGates.defaults());
        String html = r.toHtml();
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.trim().endsWith("</html>"));
        assertEquals(3, count(html, "<svg "), "histogram, scatter and latency plots");
        for (String forbidden : new String[] {"http://", "https://", "src=", "<link", "<script", "url(", "@import",
            "<iframe", "<img", "xlink:href"}) {
            assertFalse(html.contains(forbidden), "external reference '" + forbidden + "' in the HTML");
        }
        assertFalse(html.matches("(?s).*href=\"(?!#).*"), "links may only point inside the page");
        assertTrue(html.contains("fraud-v8"));
        assertTrue(html.contains("<style>"));
    }

    @Test
    void shouldEscapeModelNamesInHtml() {
        ShadowLogWriter w = ReportFixtures.writer(dir, 18);
        w.registerModel(new dev.hotpath.shadow.log.ModelDescriptor(2, ShadowLogFormat.ROLE_SHADOW,
                "<script>alert(1)</script>", "", "", "", 0.5f, 1, 0, 0));
        ReportFixtures.comparisons(w, new float[] {0.1f, 0.2f}, new float[] {0.3f, 0.1f}, 0);
        w.close();
        String html = ShadowReport.builder().addLog(dir).build().toHtml();
        assertFalse(html.contains("<script>"));
        assertTrue(html.contains("&lt;script&gt;"));
    }

    @Test
    void shouldFailWithAClearMessageWhenThereIsNoLog() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        ShadowEvalException e = assertThrows(ShadowEvalException.class,
                () -> ShadowReport.builder().addLog(empty).build());
        assertTrue(e.getMessage().contains("no shadow log files"), e.getMessage());
        assertThrows(ShadowEvalException.class, () -> ShadowReport.builder().addLog(dir.resolve("missing")).build());
        assertThrows(ConfigurationException.class, () -> ShadowReport.builder().build());
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
