package dev.hotpath.bench.report;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/** JMH JSON entries in the exact shape JMH 1.37 writes with {@code -rf json -prof gc}, built for tests. */
final class ReportFixtures {
    private ReportFixtures() {
    }

    /** An entry; {@code allocNorm == null} leaves the metric out, as JMH does at exactly 0 B/op. */
    static String entry(String method, String params, String mode, double score, String unit, Double allocNorm,
                        boolean gcProfiled) {
        StringBuilder sec = new StringBuilder();
        if (gcProfiled) {
            sec.append("\"gc.alloc.rate\" : {\"score\" : 0.001, \"scoreError\" : \"NaN\", \"scoreUnit\" : \"MB/sec\"},");
            if (allocNorm != null) {
                sec.append("\"gc.alloc.rate.norm\" : {\"score\" : ").append(allocNorm)
                        .append(", \"scoreError\" : 0.5, \"scoreUnit\" : \"B/op\"},");
            }
            sec.append("\"gc.count\" : {\"score\" : 0.0, \"scoreError\" : \"NaN\", \"scoreUnit\" : \"counts\"}");
        }
        String pct = mode.equals("sample")
                ? "\"scorePercentiles\" : {\"0.0\" : 1.0, \"50.0\" : 2.0, \"90.0\" : 3.0, \"99.0\" : 4.0,"
                        + " \"99.9\" : 5.0, \"99.99\" : 6.0, \"99.999\" : 7.0, \"100.0\" : 8.0},"
                : "\"scorePercentiles\" : {\"0.0\" : 1.0, \"100.0\" : 2.0},";
        return "{\"jmhVersion\" : \"1.37\", \"benchmark\" : \"dev.hotpath.bench." + method + "\", \"mode\" : \""
                + mode + "\", \"threads\" : 1, \"forks\" : 1, \"params\" : {" + params + "},"
                + " \"primaryMetric\" : {\"score\" : " + score + ", \"scoreError\" : 0.25, " + pct
                + " \"scoreUnit\" : \"" + unit + "\", \"rawData\" : [[1.0, 2.0]]},"
                + " \"secondaryMetrics\" : {" + sec + "}}";
    }

    /** An entry that also carries {@link ThreadAllocationProfiler}'s request-thread metric. */
    static String entryWithThreadMetric(String method, double allocNorm, double threadNorm) {
        String e = entry(method, "", "avgt", 6.0, "us/op", allocNorm, true);
        return e.replace("\"gc.count\"", "\"" + ThreadAllocationProfiler.METRIC + "\" : {\"score\" : " + threadNorm
                + ", \"scoreError\" : \"NaN\", \"scoreUnit\" : \"B/op\"}, \"gc.count\"");
    }

    /** An entry whose gc.alloc.rate.norm has the given per-iteration values (one fork). */
    static String entryWithIterations(String method, double... perIteration) {
        double mean = 0;
        StringBuilder raw = new StringBuilder();
        for (double v : perIteration) {
            mean += v / perIteration.length;
            raw.append(raw.length() == 0 ? "" : ", ").append(v);
        }
        String e = entry(method, "", "avgt", 6.0, "us/op", mean, true);
        return e.replace("\"scoreError\" : 0.5, \"scoreUnit\" : \"B/op\"}",
                "\"scoreError\" : 0.5, \"scoreUnit\" : \"B/op\", \"rawData\" : [[" + raw + "]]}");
    }

    /** The entry with another primary error; {@code NaN} as JMH writes it (a string) for a single iteration. */
    static String withError(String entry, double error) {
        return entry.replaceFirst("\"scoreError\" : 0\\.25,",
                "\"scoreError\" : " + (Double.isNaN(error) ? "\"NaN\"" : Double.toString(error)) + ",");
    }

    static List<JmhResult> parse(String... entries) throws IOException {
        String json = "[" + String.join(",", entries) + "]";
        return JmhResult.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
    }

    /** Roles by method name, so the tests need no annotated classes. */
    static BenchmarkRoles roles(Set<String> controls, String comparedTo) {
        return new BenchmarkRoles() {
            @Override
            public boolean zeroAllocation(JmhResult r) {
                return r.method().startsWith("hotpath");
            }

            @Override
            public boolean allocationControl(JmhResult r) {
                return controls.contains(r.method());
            }

            @Override
            public String comparedTo(JmhResult r) {
                return r.method().startsWith("hotpath") ? null : comparedTo;
            }

            @Override
            public int operationsPerCall(JmhResult r) {
                return r.method().endsWith("Batch64") ? 64 : 1;
            }
        };
    }
}
