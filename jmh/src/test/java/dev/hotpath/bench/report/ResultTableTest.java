package dev.hotpath.bench.report;

import static dev.hotpath.bench.report.ReportFixtures.entry;
import static dev.hotpath.bench.report.ReportFixtures.parse;
import static dev.hotpath.bench.report.ReportFixtures.roles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResultTableTest {
    private static final BenchmarkRoles ROLES = roles(Set.of(), "hotpathSingleRow");

    private static String row(String table, String method, String params) {
        for (String line : table.split("\n")) {
            if (line.contains("." + method + " ") && line.contains("| " + params + " |")) {
                return line;
            }
        }
        throw new AssertionError(method + " " + params + " not in\n" + table);
    }

    @Test
    void shouldPrintZeroWhenJmhOmittedTheAllocationMetric() throws Exception {
        String t = ResultTable.render(parse(
                entry("TreeEnsembleBenchmark.hotpathSingleRow", "\"model\" : \"fraud\"", "avgt", 3.2, "us/op", null,
                        true)), ROLES);
        assertTrue(row(t, "hotpathSingleRow", "model=fraud").contains("| us/op | 0 |"), t);
    }

    @Test
    void shouldPrintThePeerToHotpathRatioForTheSameParams() throws Exception {
        List<JmhResult> r = parse(
                entry("TreeEnsembleBenchmark.hotpathSingleRow", "\"model\" : \"fraud\"", "avgt", 4.0, "us/op", null,
                        true),
                entry("TreeEnsembleBenchmark.hotpathSingleRow", "\"model\" : \"small\"", "avgt", 1.0, "us/op", null,
                        true),
                // 128 us vs 4 us -> 32, printed without decimals from 10 up
                entry("TreeEnsembleBenchmark.xgboost4jInplacePredict", "\"model\" : \"fraud\"", "avgt", 128.0,
                        "us/op", 96.0, true),
                // 6000 ns = 6 us vs 4 us: units are normalised
                entry("TreeEnsembleBenchmark.onnxRuntimeTreeEnsemble", "\"model\" : \"fraud\"", "avgt", 6000.0,
                        "ns/op", 448.0, true));
        String t = ResultTable.render(r, ROLES);
        assertTrue(row(t, "xgboost4jInplacePredict", "model=fraud").contains("| 32× hotpathSingleRow |"), t);
        assertTrue(row(t, "onnxRuntimeTreeEnsemble", "model=fraud").contains("| 1.50× hotpathSingleRow |"), t);
        assertTrue(row(t, "onnxRuntimeTreeEnsemble", "model=fraud").contains("| 448.0 |"), t);
    }

    @Test
    void shouldSayWhenTheHotpathReferenceIsMissing() throws Exception {
        String t = ResultTable.render(parse(entry("TreeEnsembleBenchmark.xgboost4jInplacePredict",
                "\"model\" : \"large\"", "avgt", 500.0, "us/op", 96.0, true)), ROLES);
        assertTrue(t.contains("(hotpathSingleRow not in this run)"), t);
    }

    @Test
    void shouldConvertThroughputToTimePerOperation() throws Exception {
        JmhResult r = parse(entry("X.y", "", "thrpt", 2.0, "ops/us", null, true)).get(0);
        assertEquals(500.0, ResultTable.nanosPerOp(r), 1e-9);
        JmhResult ms = parse(entry("X.y", "", "avgt", 2.0, "ms/op", null, true)).get(0);
        assertEquals(2e6, ResultTable.nanosPerOp(ms), 1e-9);
    }

    @Test
    void shouldPrintPercentilesForSampleTime() throws Exception {
        String t = ResultTable.render(parse(entry("EndToEndBenchmark.score", "", "sample", 3.0, "us/op", null, true)),
                ROLES);
        assertTrue(t.contains("| p50 | p99 | p99.9 | p99.99 | max |"), t);
        assertTrue(t.contains("| EndToEndBenchmark.score |  | us/op | 2.000 | 4.000 | 5.000 | 6.000 | 8.000 |"), t);
    }
}
