package dev.hotpath.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints a JMH JSON result file as Markdown: one row per result with its score ± error, operations per call,
 * allocation and, for every benchmark with a {@link dev.hotpath.bench.ComparedTo}, the ratio of its time per
 * operation to that Hotpath method's for the same parameters in the same run; {@code SampleTime} results get a second
 * table of percentiles. A result whose error exceeds its score is marked {@code (noise)} and no ratio is computed
 * from it. Every column is defined in a legend under the tables ({@link #legend}), so a pasted table explains itself.
 * Parameters that are file paths are shown by their file name.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.hotpath.bench.report.ResultTable result.json}. Stateless.
 */
public final class ResultTable {
    private ResultTable() {
    }

    /**
     * Renders the tables and their legend.
     *
     * @param results JMH results
     * @param roles which Hotpath method each peer is compared with, and operations per call
     * @return Markdown
     */
    public static String render(List<JmhResult> results, BenchmarkRoles roles) {
        StringBuilder sb = new StringBuilder();
        boolean threadMetric = results.stream().anyMatch(r -> !Double.isNaN(r.requestThreadBytesPerOp()));
        boolean batches = results.stream().anyMatch(r -> roles.operationsPerCall(r) > 1);
        sb.append("| benchmark | params | mode | score | ± error | units |").append(batches ? " ops/call |" : "")
                .append(" alloc B/op |").append(threadMetric ? " request-thread B/op |" : "").append(" vs Hotpath |\n");
        sb.append("|---|---|---|---:|---:|---|").append(batches ? "---:|" : "").append("---:|")
                .append(threadMetric ? "---:|" : "").append("---|\n");
        for (JmhResult r : results) {
            sb.append("| ").append(r.className()).append('.').append(r.method())
                    .append(" | ").append(displayParams(r))
                    .append(" | ").append(r.mode())
                    .append(" | ").append(number(r.score()))
                    .append(" | ").append(Double.isNaN(r.scoreError()) ? "" : number(r.scoreError()))
                    .append(r.noise() ? " (noise)" : "")
                    .append(" | ").append(r.scoreUnit())
                    .append(batches ? " | " + roles.operationsPerCall(r) : "")
                    .append(" | ").append(bytes(r))
                    .append(threadMetric ? " | " + threadBytes(r) : "")
                    .append(" | ").append(ratio(r, results, roles))
                    .append(" |\n");
        }
        boolean anySample = results.stream().anyMatch(r -> !r.percentiles().isEmpty());
        if (anySample) {
            sb.append("\n| benchmark | params | units | p50 | p99 | p99.9 | p99.99 | max |\n");
            sb.append("|---|---|---|---:|---:|---:|---:|---:|\n");
            for (JmhResult r : results) {
                if (r.percentiles().isEmpty()) {
                    continue;
                }
                Map<String, Double> p = r.percentiles();
                sb.append("| ").append(r.className()).append('.').append(r.method())
                        .append(" | ").append(displayParams(r))
                        .append(" | ").append(r.scoreUnit())
                        .append(" | ").append(pct(p, "50.0"))
                        .append(" | ").append(pct(p, "99.0"))
                        .append(" | ").append(pct(p, "99.9"))
                        .append(" | ").append(pct(p, "99.99"))
                        .append(" | ").append(pct(p, "100.0"))
                        .append(" |\n");
            }
        }
        sb.append('\n').append(legend(batches, threadMetric, anySample));
        return sb.toString();
    }

    /**
     * The definitions of the columns shown.
     *
     * @param batches whether the ops/call column is shown
     * @param threadMetric whether the request-thread column is shown
     * @param percentiles whether the percentile table is shown
     * @return Markdown
     */
    static String legend(boolean batches, boolean threadMetric, boolean percentiles) {
        StringBuilder sb = new StringBuilder("Columns:\n\n");
        sb.append("* **benchmark**, **params**: the benchmark class and method, and its `@Param` values (file paths"
                + " shown by their file name).\n");
        sb.append("* **mode**: `avgt` average time per operation; `sample` sampled time per operation (percentiles in"
                + " the second table); `thrpt` operations per unit of time; `ss` the time of single operations.\n");
        sb.append("* **score ± error**: JMH's mean over every measurement iteration of every fork, in **units**, and"
                + " the half-width of its 99.9 % confidence interval. **(noise)**: the error exceeds the score, so the"
                + " figure is not reliable (too few iterations, or a busy machine) and no ratio is computed from it;"
                + " re-run with `full` or on a quieter machine.\n");
        if (batches) {
            sb.append("* **ops/call**: operations per call of the benchmark method (`@OperationsPerInvocation`). Above"
                    + " 1 the method scores that many rows per call (a batch) and its score and B/op are per row (the"
                    + " call's figures divided by ops/call); at 1 they are per call.\n");
        }
        sb.append("* **alloc B/op**: bytes allocated per operation in the whole JVM during measurement (`-prof gc`,"
                + " `gc.alloc.rate.norm`), background and JMH threads included; 0 when JMH omitted the metric because"
                + " it measured none.\n");
        if (threadMetric) {
            sb.append("* **request-thread B/op**: bytes allocated per operation by the benchmark's own threads only"
                    + " (`ThreadAllocationProfiler`), i.e. by the request path; the zero-allocation gate judges Hotpath"
                    + " methods by this.\n");
        }
        sb.append("* **vs Hotpath**: this row's time per operation divided by the named Hotpath method's, same class,"
                + " same parameter values, same run: `17×` takes 17 times as long as Hotpath (Hotpath is 17 times faster),"
                + " `0.80×` takes 0.8 of Hotpath's time. Per operation: a batch row's per-row time against the"
                + " single-row method's per-call time. Empty for Hotpath's own rows; none when either row is"
                + " noise.\n");
        if (percentiles) {
            sb.append("* **p50 … max**: percentiles of the sampled operation times (`sample` mode), in **units**.\n");
        }
        return sb.toString();
    }

    /** @return the parameters as {@code k=v,…}, with file paths shortened to their file names */
    static String displayParams(JmhResult r) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : r.params().entrySet()) {
            String v = e.getValue();
            int slash = Math.max(v.lastIndexOf('/'), v.lastIndexOf('\\'));
            sb.append(sb.length() > 0 ? "," : "").append(e.getKey()).append('=')
                    .append(slash >= 0 && slash < v.length() - 1 ? v.substring(slash + 1) : v);
        }
        return sb.toString();
    }

    private static String pct(Map<String, Double> p, String key) {
        Double v = p.get(key);
        return v == null ? "" : number(v);
    }

    private static String bytes(JmhResult r) {
        return r.gcProfiled() ? bytes(r.allocBytesPerOp()) : "n/a";
    }

    private static String threadBytes(JmhResult r) {
        double b = r.requestThreadBytesPerOp();
        return Double.isNaN(b) ? "" : bytes(b);
    }

    /**
     * @param b bytes per operation
     * @return e.g. {@code 0}, {@code 3.5e-04}, {@code 0.011}, {@code 96.0}
     */
    static String bytes(double b) {
        if (b == 0) {
            return "0";
        }
        if (b < 0.001) {
            return String.format(Locale.ROOT, "%.1e", b);
        }
        return String.format(Locale.ROOT, b < 1 ? "%.3f" : "%.1f", b);
    }

    static String ratio(JmhResult r, List<JmhResult> all, BenchmarkRoles roles) {
        String target = roles.comparedTo(r);
        if (target == null) {
            return "";
        }
        JmhResult ref = reference(r, target, all);
        if (ref == null) {
            return "(" + target + " not in this run)";
        }
        if (r.noise()) {
            return "none: this row is noise";
        }
        if (ref.noise()) {
            return "none: " + target + " is noise";
        }
        double mine = nanosPerOp(r);
        double theirs = nanosPerOp(ref);
        if (Double.isNaN(mine) || Double.isNaN(theirs) || theirs <= 0) {
            return "";
        }
        double x = mine / theirs;
        String f = x >= 10 ? String.format(Locale.ROOT, "%.0f", x) : String.format(Locale.ROOT, "%.2f", x);
        return f + "× " + target;
    }

    /**
     * The Hotpath result a peer is compared with: same class, and the same values for every parameter the Hotpath
     * method has (a peer may have more, e.g. a sample rate of its own); the same mode if the run has it.
     */
    private static JmhResult reference(JmhResult r, String target, List<JmhResult> all) {
        JmhResult anyMode = null;
        for (JmhResult ref : all) {
            if (ref.fullClassName().equals(r.fullClassName()) && ref.method().equals(target)
                    && r.params().entrySet().containsAll(ref.params().entrySet())) {
                if (ref.mode().equals(r.mode())) {
                    return ref;
                }
                anyMode = anyMode == null ? ref : anyMode;
            }
        }
        return anyMode;
    }

    /** Time per operation in nanoseconds for time units ({@code us/op}) and throughput units ({@code ops/us}). */
    static double nanosPerOp(JmhResult r) {
        String u = r.scoreUnit();
        int slash = u.indexOf('/');
        if (slash < 0) {
            return Double.NaN;
        }
        String num = u.substring(0, slash);
        String den = u.substring(slash + 1);
        if (den.equals("op")) {
            double unit = nanos(num);
            return r.score() * unit;
        }
        if (num.equals("ops")) {
            double unit = nanos(den);
            return r.score() == 0 ? Double.NaN : unit / r.score();
        }
        return Double.NaN;
    }

    private static double nanos(String unit) {
        switch (unit) {
            case "ns":
                return 1;
            case "us":
                return 1e3;
            case "ms":
                return 1e6;
            case "s":
                return 1e9;
            case "min":
                return 60e9;
            default:
                return Double.NaN;
        }
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.3f", v);
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /**
     * Prints the tables for a result file.
     *
     * @param args the result file
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: ResultTable <jmh-result.json>");
            System.exit(2);
        }
        try {
            System.out.print(render(JmhResult.read(Path.of(args[0])), BenchmarkRoles.fromAnnotations()));
        } catch (IOException e) {
            System.err.println("cannot read " + args[0] + ": " + e.getMessage());
            System.exit(2);
        }
    }
}
