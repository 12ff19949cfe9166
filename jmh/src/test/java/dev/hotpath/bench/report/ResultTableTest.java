package dev.hotpath.bench.report;

import static dev.hotpath.bench.report.ReportFixtures.entry;
import static dev.hotpath.bench.report.ReportFixtures.parse;
import static dev.hotpath.bench.report.ReportFixtures.roles;
import static dev.hotpath.bench.report.ReportFixtures.withError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
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

    @Test
    void shouldFlagARowWhoseErrorExceedsItsScoreAsNoiseAndPrintNoRatioFromIt() throws Exception {
        List<JmhResult> r = parse(
                entry("TreeEnsembleBenchmark.hotpathSingleRow", "\"model\" : \"fraud\"", "avgt", 4.0, "us/op", null,
                        true),
                withError(entry("TreeEnsembleBenchmark.xgboost4jInplacePredict", "\"model\" : \"fraud\"", "avgt",
                        55.06, "us/op", 96.0, true), 214.1),
                entry("TreeEnsembleBenchmark.onnxRuntimeTreeEnsemble", "\"model\" : \"fraud\"", "avgt", 32.0,
                        "us/op", 448.0, true));
        String t = ResultTable.render(r, ROLES);
        String noisy = row(t, "xgboost4jInplacePredict", "model=fraud");
        assertTrue(noisy.contains("| 55.060 | 214.1 (noise) |"), noisy);
        assertTrue(noisy.endsWith("| none: this row is noise |"), noisy);
        assertFalse(noisy.contains("×"), noisy);
        assertTrue(row(t, "onnxRuntimeTreeEnsemble", "model=fraud").contains("| 8.00× hotpathSingleRow |"), t);
        assertFalse(row(t, "hotpathSingleRow", "model=fraud").contains("noise"), t);
    }

    @Test
    void shouldPrintNoRatioAgainstAHotpathFigureThatIsNoise() throws Exception {
        String t = ResultTable.render(parse(
                withError(entry("TreeEnsembleBenchmark.hotpathSingleRow", "", "avgt", 4.0, "us/op", null, true), 4.5),
                entry("TreeEnsembleBenchmark.xgboost4jInplacePredict", "", "avgt", 64.0, "us/op", 96.0, true)),
                ROLES);
        assertTrue(row(t, "hotpathSingleRow", "").contains("| 4.500 (noise) |"), t);
        assertTrue(row(t, "xgboost4jInplacePredict", "").endsWith("| none: hotpathSingleRow is noise |"), t);
    }

    @Test
    void shouldNotCallAFigureWithoutAnErrorNoise() throws Exception {
        String t = ResultTable.render(parse(
                entry("TreeEnsembleBenchmark.hotpathSingleRow", "", "avgt", 4.0, "us/op", null, true),
                withError(entry("TreeEnsembleBenchmark.xgboost4jInplacePredict", "", "avgt", 64.0, "us/op", 96.0,
                        true), Double.NaN)), ROLES);
        assertTrue(row(t, "xgboost4jInplacePredict", "").endsWith("| 16× hotpathSingleRow |"), t);
    }

    @Test
    void shouldDefineEveryColumnOfBothTablesUnderThem() throws Exception {
        String t = ResultTable.render(parse(
                entry("TreeEnsembleBenchmark.hotpathBatch64", "", "avgt", 3.0, "us/op", null, true),
                ReportFixtures.entryWithThreadMetric("TreeEnsembleBenchmark.hotpathSingleRow", 0.01, 0.0),
                entry("EndToEndBenchmark.score", "", "sample", 3.0, "us/op", null, true)), ROLES);
        // header cell -> the term the legend defines in bold
        Map<String, String> term = Map.of("score", "score ± error", "± error", "score ± error", "p50", "p50 … max",
                "p99", "p50 … max", "p99.9", "p50 … max", "p99.99", "p50 … max", "max", "p50 … max");
        int checked = 0;
        for (String line : t.split("\n")) {
            if (line.startsWith("| benchmark |")) {
                for (String cell : line.substring(1, line.length() - 1).split("\\|")) {
                    String column = cell.strip();
                    String name = term.getOrDefault(column, column);
                    assertTrue(t.contains("**" + name + "**"), "column '" + column + "' is not defined:\n" + t);
                    checked++;
                }
            }
        }
        assertEquals(10 + 8, checked, "both tables' headers, every column:\n" + t);
        assertTrue(row(t, "hotpathBatch64", "").contains("| us/op | 64 |"), "operations per call:\n" + t);
        assertTrue(row(t, "hotpathSingleRow", "").contains("| us/op | 1 |"), t);
    }

    @Test
    void shouldShowFileParametersByTheirFileNameOnly() throws Exception {
        String t = ResultTable.render(parse(entry("OwnModelBenchmark.hotpathSingleRow",
                "\"modelFile\" : \"/models/v7/fraud.ubj\", \"rowsFile\" : \"rows.csv\"", "avgt", 1.0, "us/op", null,
                true)), ROLES);
        assertTrue(t.contains("| modelFile=fraud.ubj,rowsFile=rows.csv |"), t);
        assertFalse(t.contains("/models/v7"), t);
    }

    @Test
    void shouldCompareWithTheHotpathMethodWhenThePeerHasMoreParameters() throws Exception {
        BenchmarkRoles roles = roles(Set.of(), "hotpathScore");
        String t = ResultTable.render(parse(
                entry("EndToEndBenchmark.hotpathScore", "\"views\" : \"a\"", "avgt", 6.0, "us/op", null, true),
                entry("EndToEndBenchmark.hotpathScore", "\"views\" : \"b\"", "avgt", 12.0, "us/op", null, true),
                entry("EndToEndBenchmark.scoreWithTwoShadows", "\"sampleRate\" : \"0.1\", \"views\" : \"b\"",
                        "avgt", 18.0, "us/op", 1.0, true)), roles);
        assertTrue(row(t, "scoreWithTwoShadows", "sampleRate=0.1,views=b").endsWith("| 1.50× hotpathScore |"), t);
    }
}
