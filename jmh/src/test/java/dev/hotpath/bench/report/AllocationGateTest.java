package dev.hotpath.bench.report;

import static dev.hotpath.bench.report.ReportFixtures.entry;
import static dev.hotpath.bench.report.ReportFixtures.parse;
import static dev.hotpath.bench.report.ReportFixtures.roles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.bench.AllocationControlBenchmark;
import dev.hotpath.bench.TreeEnsembleBenchmark;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AllocationGateTest {
    private static final BenchmarkRoles ROLES = roles(Set.of("controlBoxing"), "hotpathSingleRow");
    private static final String CONTROL = entry("AllocationControlBenchmark.controlBoxing", "", "avgt", 5, "ns/op",
            16.0, true);

    @Test
    void shouldPassWhenHotpathMetricIsMissingBecauseJmhOmitsExactZero() throws Exception {
        AllocationGate.Verdict v = AllocationGate.check(parse(CONTROL,
                entry("TreeEnsembleBenchmark.hotpathSingleRow", "\"model\" : \"fraud\"", "avgt", 3, "us/op", null,
                        true)), ROLES);
        assertTrue(v.passed(), v.failures().toString());
    }

    @Test
    void shouldPassBelowOneBytePerOpAndIgnorePeers() throws Exception {
        AllocationGate.Verdict v = AllocationGate.check(parse(CONTROL,
                entry("TreeEnsembleBenchmark.hotpathSingleRow", "", "avgt", 3, "us/op", 0.0004, true),
                entry("TreeEnsembleBenchmark.xgboost4jInplacePredict", "", "avgt", 130, "us/op", 96.0, true)), ROLES);
        assertTrue(v.passed(), v.failures().toString());
    }

    @Test
    void shouldFailWhenAHotpathBenchmarkAllocates() throws Exception {
        AllocationGate.Verdict v = AllocationGate.check(parse(CONTROL,
                entry("TreeEnsembleBenchmark.hotpathBatch64", "\"model\" : \"large\"", "avgt", 3, "us/op", 1.0,
                        true)), ROLES);
        assertFalse(v.passed());
        assertEquals(1, v.failures().size());
        assertTrue(v.failures().get(0).contains("hotpathBatch64 [model=large]"), v.failures().get(0));
    }

    @Test
    void shouldFailWhenTheControlIsNotSeenAllocating() throws Exception {
        AllocationGate.Verdict v = AllocationGate.check(parse(
                entry("AllocationControlBenchmark.controlBoxing", "", "avgt", 5, "ns/op", null, true),
                entry("TreeEnsembleBenchmark.hotpathSingleRow", "", "avgt", 3, "us/op", null, true)), ROLES);
        assertFalse(v.passed());
        assertTrue(v.failures().get(0).contains("cannot see allocation"), v.failures().toString());
    }

    @Test
    void shouldFailWhenNoControlRan() throws Exception {
        AllocationGate.Verdict v = AllocationGate.check(parse(
                entry("TreeEnsembleBenchmark.hotpathSingleRow", "", "avgt", 3, "us/op", null, true)), ROLES);
        assertFalse(v.passed());
        assertTrue(v.failures().get(0).contains("no allocation control"), v.failures().toString());
    }

    @Test
    void shouldFailWithoutGcProfiler() throws Exception {
        AllocationGate.Verdict v = AllocationGate.check(parse(CONTROL,
                entry("TreeEnsembleBenchmark.hotpathSingleRow", "", "avgt", 3, "us/op", null, false)), ROLES);
        assertFalse(v.passed());
        assertTrue(v.failures().get(0).contains("-prof gc"), v.failures().toString());
    }

    @Test
    void shouldJudgeByTheRequestThreadWhenThatMetricIsPresent() throws Exception {
        // 1.2 B/op over all threads is steady background allocation; the request thread allocated nothing.
        assertTrue(AllocationGate.check(parse(CONTROL,
                ReportFixtures.entryWithThreadMetric("EndToEndBenchmark.hotpathScore", 1.2, 0.0)), ROLES).passed());
        AllocationGate.Verdict v = AllocationGate.check(parse(CONTROL,
                ReportFixtures.entryWithThreadMetric("EndToEndBenchmark.hotpathScore", 24.5, 24.0)), ROLES);
        assertFalse(v.passed());
        assertTrue(v.failures().get(0).contains("on the request thread"), v.failures().toString());
        String table = ResultTable.render(parse(ReportFixtures.entryWithThreadMetric(
                "EndToEndBenchmark.hotpathScore", 1.2, 0.0)), ROLES);
        assertTrue(table.contains("| request-thread B/op |"), table);
        assertTrue(table.contains("| 1.2 | 0 |"), table);
    }

    @Test
    void shouldForgiveAOneOffIterationButNotARecurringAllocation() throws Exception {
        // A JIT event allocating once in the first measured iteration (mean 100 B/op, best 0)...
        assertTrue(AllocationGate.check(parse(CONTROL,
                ReportFixtures.entryWithIterations("TreeEnsembleBenchmark.hotpathSingleRow", 300.0, 0.0, 0.0)),
                ROLES).passed());
        // ...but an allocation on the path shows in every iteration.
        assertFalse(AllocationGate.check(parse(CONTROL,
                ReportFixtures.entryWithIterations("TreeEnsembleBenchmark.hotpathSingleRow", 24.0, 16.0, 24.0)),
                ROLES).passed());
    }

    @Test
    void shouldFailOnAnEmptyRun() {
        assertFalse(AllocationGate.check(List.of(), ROLES).passed());
    }

    @Test
    void shouldGateZeroAllocationBenchmarksInheritedByNestedClasses() throws Exception {
        // JMH names them dev.hotpath.bench.ScorerThroughputBenchmark.TwoThreads.<method> (binary name ...$TwoThreads).
        BenchmarkRoles real = BenchmarkRoles.fromAnnotations();
        List<JmhResult> r = parse(CONTROL,
                entry("ScorerThroughputBenchmark.TwoThreads.scorerRequestFields", "", "avgt", 1, "us/op", 16.0, true));
        assertTrue(real.zeroAllocation(r.get(1)));
        assertEquals("bareModel", real.comparedTo(r.get(1)));
        AllocationGate.Verdict v = AllocationGate.check(r, real);
        assertFalse(v.passed(), "16 B/op on a @ZeroAllocation method must fail the gate");
    }

    @Test
    void shouldReadRolesFromTheRealBenchmarkAnnotations() throws Exception {
        BenchmarkRoles real = BenchmarkRoles.fromAnnotations();
        List<JmhResult> r = parse(CONTROL,
                entry("TreeEnsembleBenchmark.hotpathBatch64", "", "avgt", 1, "us/op", null, true),
                entry("TreeEnsembleBenchmark.onnxRuntimeTreeEnsemble", "", "avgt", 1, "us/op", 400.0, true));
        assertEquals(AllocationControlBenchmark.class.getName(), r.get(0).fullClassName());
        assertTrue(real.allocationControl(r.get(0)));
        assertFalse(real.zeroAllocation(r.get(0)));
        assertTrue(real.zeroAllocation(r.get(1)));
        assertEquals(TreeEnsembleBenchmark.class.getName(), r.get(2).fullClassName());
        assertFalse(real.zeroAllocation(r.get(2)));
        assertEquals("hotpathSingleRow", real.comparedTo(r.get(2)));
        assertTrue(AllocationGate.check(r, real).passed());
    }
}
