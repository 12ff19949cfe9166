package dev.hotpath.shadow.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.shadow.log.ShadowLogWriter;

/** A report over score pairs has exactly the statistics of a report over a shadow log with the same scores. */
class ScorePairsReportTest {
    private static final String GATES = "fail:spearman>=0.5, warn:psi<=0.1, fail:pr_auc_delta>=-0.5";

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void shouldComputeTheSameStatisticsAsTheLogReportOnTheSameScores() throws Exception {
        int n = 3000;
        SplittableRandom rnd = new SplittableRandom(3);
        float[] p = new float[n];
        float[] s = new float[n];
        int[] label = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) rnd.nextDouble();
            s[i] = i % 97 == 0 ? Float.NaN : (float) Math.min(1.0, Math.max(0.0, p[i] + 0.2 * rnd.nextDouble() - 0.1));
            label[i] = i % 7 == 0 ? -1 : rnd.nextDouble() < p[i] * 0.3 ? 1 : 0;
        }
        Path log = dir.resolve("log");
        StringBuilder csv = new StringBuilder("request_id,label\n");
        ScorePairs.Builder pairs = ScorePairs.builder("fraud-v7", "fraud-v8").labelsSource("column is_fraud");
        try (ShadowLogWriter w = ReportFixtures.writer(log, 1)) {
            ReportFixtures.models(w, 0.6f, 0.6f);
            for (int i = 0; i < n; i++) {
                int flags = Float.isNaN(s[i]) ? 1 : 0; // FLAG_SHADOW_ERROR, as the evaluator writes a failed shadow
                w.appendComparison(ReportFixtures.T0 + i, i, 0, 1, 2, p[i], s[i], 0, 0, flags, 0, 0, 0, 10_000);
                pairs.add(i, p[i], s[i], label[i]);
                if (label[i] >= 0) {
                    csv.append(i).append(',').append(label[i]).append('\n');
                }
            }
        }
        Path labels = dir.resolve("labels.csv");
        Files.writeString(labels, csv);

        ShadowReport fromLog = ShadowReport.builder().addLog(log).labels(labels).threshold(0.6f)
                .gates(ShadowGates.parse(GATES)).build();
        ShadowReport fromPairs = ShadowReport.builder().threshold(0.6f).gates(ShadowGates.parse(GATES))
                .build(pairs.sources(List.of("payments.parquet")).build());

        Map<String, Object> a = (Map<String, Object>) ReportFixtures.path(
                ReportFixtures.parseJson(fromLog.toJson()), "shadows", "0");
        Map<String, Object> b = (Map<String, Object>) ReportFixtures.path(
                ReportFixtures.parseJson(fromPairs.toJson()), "shadows", "0");
        // Everything but what only a log has (models' metadata, coverage, latency, times in the disagreement
        // tables) must be equal: the statistics, label metrics, gate values and verdict.
        List<String> logOnly = List.of("model", "primaries", "coverage", "latencyNanos", "topDisagreements",
                "topNewBlocks", "topReleases", "notes");
        assertEquals(a.keySet(), b.keySet());
        for (String key : a.keySet()) {
            if (!logOnly.contains(key)) {
                assertEquals(a.get(key), b.get(key), key);
            }
        }
        assertTrue(a.containsKey("drift") && a.containsKey("labels") && a.containsKey("gates"), a.keySet()
                .toString());
        assertNotEquals(null, ReportFixtures.path(b, "labels"), "the pairs' labels must reach the report");
        assertEquals(fromLog.verdict(), fromPairs.verdict());
        assertEquals("fraud-v8", fromPairs.comparisons().get(0).shadow().name());
        assertEquals("fraud-v7", fromPairs.comparisons().get(0).primaries().get(0).name());
        assertEquals(List.of("payments.parquet"), fromPairs.run().inputs());
        assertTrue(fromPairs.run().warnings().stream().noneMatch(w -> w.contains("COUNTERS")),
                "no log-only warnings for pairs: " + fromPairs.run().warnings());
    }

    @Test
    void shouldRefuseALabelOtherThanOneZeroOrUnknown() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ScorePairs.builder("a", "b").add(7, 0.1f, 0.2f, 2));
        assertTrue(e.getMessage().contains("row 7"), e.getMessage());
    }
}
