package dev.hotpath.bench.report;

import static dev.hotpath.bench.report.ReportFixtures.entry;
import static dev.hotpath.bench.report.ReportFixtures.entryWithThreadMetric;
import static dev.hotpath.bench.report.ReportFixtures.parse;
import static dev.hotpath.bench.report.ReportFixtures.withError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.bench.report.CompareRuns.Row;
import dev.hotpath.bench.report.CompareRuns.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The noise verdicts of {@code jmh/run.sh compare}, on JMH JSON in the shape JMH writes. */
class CompareRunsTest {
    private static final String FRAUD = "\"model\" : \"fraud\"";

    private static String single(double score, double error, String unit) {
        return withError(entry("TreeEnsembleBenchmark.hotpathSingleRow", FRAUD, "avgt", score, unit, null, true),
                error);
    }

    private static Row judge(String a, String b) throws Exception {
        return judge(a, b, 0);
    }

    private static Row judge(String a, String b, double minChange) throws Exception {
        List<Row> rows = CompareRuns.compare(parse(a), parse(b), minChange);
        assertEquals(1, rows.size(), rows.toString());
        return rows.get(0);
    }

    @Test
    void shouldCallOverlappingIntervalsWithinNoise() throws Exception {
        // [3.70, 3.90] and [3.85, 4.05]: 4 % slower on the means, but the intervals overlap
        Row r = judge(single(3.8, 0.1, "us/op"), single(3.95, 0.1, "us/op"));
        assertEquals(Verdict.WITHIN_NOISE, r.verdict());
        assertEquals(0.0395, r.change(), 1e-3);
    }

    @Test
    void shouldCallDisjointIntervalsSlowerOrFaster() throws Exception {
        Row slower = judge(single(3.8, 0.05, "us/op"), single(4.2, 0.05, "us/op"));
        assertEquals(Verdict.SLOWER, slower.verdict());
        assertEquals(0.105, slower.change(), 1e-3);
        Row faster = judge(single(4.2, 0.05, "us/op"), single(3.8, 0.05, "us/op"));
        assertEquals(Verdict.FASTER, faster.verdict());
        assertEquals(-0.095, faster.change(), 1e-3);
    }

    @Test
    void shouldCompareAcrossTimeUnits() throws Exception {
        // 3.8 us = 3,800 ns; B 3,000 ± 10 ns
        Row r = judge(single(3.8, 0.05, "us/op"), single(3000, 10, "ns/op"));
        assertEquals(Verdict.FASTER, r.verdict());
        assertEquals(3000.0 / 3800 - 1, r.change(), 1e-9);
    }

    @Test
    void shouldTreatHigherThroughputAsFaster() throws Exception {
        String a = withError(entry("X.hotpathOps", "", "thrpt", 100, "ops/us", null, true), 2);
        String b = withError(entry("X.hotpathOps", "", "thrpt", 80, "ops/us", null, true), 2);
        Row r = judge(a, b);
        assertEquals(Verdict.SLOWER, r.verdict());
        assertEquals(0.25, r.change(), 1e-9); // 10 ns -> 12.5 ns per operation
        // 100 ± 2 ops/us is 9.80 … 10.20 ns/op
        double[] i = CompareRuns.interval(parse(a).get(0));
        assertEquals(1000.0 / 102, i[0], 1e-9);
        assertEquals(1000.0 / 98, i[1], 1e-9);
    }

    @Test
    void shouldNotJudgeARunWhoseErrorExceedsItsScore() throws Exception {
        Row r = judge(single(55.06, 214.1, "us/op"), single(30.0, 0.5, "us/op"));
        assertEquals(Verdict.NOT_JUDGED, r.verdict());
        assertTrue(r.why().contains("A is noise"), r.why());
    }

    @Test
    void shouldNotJudgeARunWithoutErrorBars() throws Exception {
        Row r = judge(single(3.8, Double.NaN, "us/op"), single(5.0, 0.01, "us/op"));
        assertEquals(Verdict.NOT_JUDGED, r.verdict());
        assertTrue(r.why().contains("no error bars"), r.why());
    }

    @Test
    void shouldCallASmallDisjointChangeWithinTheThreshold() throws Exception {
        String a = single(3.80, 0.01, "us/op");
        String b = single(3.90, 0.01, "us/op"); // +2.6 %, disjoint
        assertEquals(Verdict.SLOWER, judge(a, b, 0).verdict());
        assertEquals(Verdict.WITHIN_THRESHOLD, judge(a, b, 0.05).verdict());
        assertEquals(Verdict.SLOWER, judge(a, single(4.2, 0.01, "us/op"), 0.05).verdict());
    }

    @Test
    void shouldMatchByParametersAndListBenchmarksInOneRunOnly() throws Exception {
        List<Row> rows = CompareRuns.compare(
                parse(single(3.8, 0.05, "us/op"),
                        entry("TreeEnsembleBenchmark.hotpathSingleRow", "\"model\" : \"large\"", "avgt", 30, "us/op",
                                null, true)),
                parse(entry("TreeEnsembleBenchmark.hotpathSingleRow", "\"model\" : \"small\"", "avgt", 0.4, "us/op",
                        null, true), single(3.8, 0.05, "us/op")), 0);
        assertEquals(3, rows.size());
        assertEquals(Verdict.ONLY_IN_B, rows.get(0).verdict());
        assertEquals("small", rows.get(0).b().params().get("model"));
        assertEquals(Verdict.WITHIN_NOISE, rows.get(1).verdict());
        assertEquals(Verdict.ONLY_IN_A, rows.get(2).verdict());
        assertEquals("large", rows.get(2).a().params().get("model"));
    }

    @Test
    void shouldMarkAnAllocationChangeOfOneByteOrMore() throws Exception {
        JmhResult a = parse(entryWithThreadMetric("X.hotpathY", 0.02, 0.0)).get(0);
        JmhResult same = parse(entryWithThreadMetric("X.hotpathY", 0.9, 0.4)).get(0);
        JmhResult more = parse(entryWithThreadMetric("X.hotpathY", 24.1, 24.0)).get(0);
        assertEquals("0 → 0.400", CompareRuns.allocation(a, same));
        assertEquals("0 → 24.0 **(+24 B/op)**", CompareRuns.allocation(a, more));
    }

    @Test
    void shouldSummariseTheVerdictsUnderTheTable() throws Exception {
        List<Row> rows = CompareRuns.compare(parse(single(3.8, 0.05, "us/op")),
                parse(single(4.4, 0.05, "us/op")), 0);
        String t = CompareRuns.render(rows, "base.json", "new.json", 0);
        assertTrue(t.startsWith("A = base.json, B = new.json\n"), t);
        assertTrue(t.contains("| TreeEnsembleBenchmark.hotpathSingleRow | model=fraud | avgt | 3.800 ± 0.0500 |"
                + " 4.400 ± 0.0500 | us/op | +15.8 % | **slower** |"), t);
        assertTrue(t.contains("1 benchmark: 1 slower."), t);
        assertTrue(t.contains("*within noise*"), t);
    }

    @Test
    void shouldExitThreeOnlyWhenAskedToFailOnASlowerBenchmark(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.json"), "[" + single(3.8, 0.05, "us/op") + "]");
        Path slower = Files.writeString(dir.resolve("b.json"), "[" + single(4.2, 0.05, "us/op") + "]");
        Path faster = Files.writeString(dir.resolve("c.json"), "[" + single(3.0, 0.05, "us/op") + "]");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        String[] slowerArgs = {a.toString(), slower.toString(), "--fail-on-slower"};
        assertEquals(3, CompareRuns.run(slowerArgs, o, e), "a failed gate, as Hotpath's GATE_FAILED");
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("hotpathSingleRow"), out.toString());
        assertEquals(0, CompareRuns.run(new String[] {a.toString(), slower.toString()}, o, e),
                "without --fail-on-slower a slower run is only reported");
        assertEquals(0, CompareRuns.run(new String[] {a.toString(), faster.toString(), "--fail-on-slower"}, o, e));
        assertEquals(2, CompareRuns.run(new String[] {a.toString(), "--bogus"}, o, e), "usage error");
        assertEquals(1, CompareRuns.run(new String[] {a.toString(), dir.resolve("missing.json").toString()}, o, e),
                "unreadable input");
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot read"), err.toString());
    }
}
