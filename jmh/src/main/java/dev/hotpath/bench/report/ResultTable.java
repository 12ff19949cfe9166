package dev.hotpath.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints a JMH JSON result file as Markdown: benchmark, parameters, mode, score ± error, units, allocation
 * ({@code gc.alloc.rate.norm}, B/op; printed as 0 when JMH omitted it because it was exactly 0) and, for every
 * benchmark with a {@link dev.hotpath.bench.ComparedTo}, the ratio of its time per operation to that Hotpath
 * method's for the same parameters in the same run ({@code 30×} means 30 times slower than Hotpath; below 1, faster).
 * {@code SampleTime} results get a second table of percentiles.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.hotpath.bench.report.ResultTable result.json}. Stateless.
 */
public final class ResultTable {
    private ResultTable() {
    }

    /**
     * Renders the tables.
     *
     * @param results JMH results
     * @param roles which Hotpath method each peer is compared with
     * @return Markdown
     */
    public static String render(List<JmhResult> results, BenchmarkRoles roles) {
        StringBuilder sb = new StringBuilder();
        boolean threadMetric = results.stream().anyMatch(r -> !Double.isNaN(r.requestThreadBytesPerOp()));
        sb.append("| benchmark | params | mode | score | ± error | units | alloc B/op |")
                .append(threadMetric ? " request-thread B/op |" : "").append(" vs Hotpath |\n");
        sb.append("|---|---|---|---:|---:|---|---:|").append(threadMetric ? "---:|" : "").append("---|\n");
        for (JmhResult r : results) {
            sb.append("| ").append(r.className()).append('.').append(r.method())
                    .append(" | ").append(r.paramString())
                    .append(" | ").append(r.mode())
                    .append(" | ").append(number(r.score()))
                    .append(" | ").append(Double.isNaN(r.scoreError()) ? "" : number(r.scoreError()))
                    .append(" | ").append(r.scoreUnit())
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
                        .append(" | ").append(r.paramString())
                        .append(" | ").append(r.scoreUnit())
                        .append(" | ").append(pct(p, "50.0"))
                        .append(" | ").append(pct(p, "99.0"))
                        .append(" | ").append(pct(p, "99.9"))
                        .append(" | ").append(pct(p, "99.99"))
                        .append(" | ").append(pct(p, "100.0"))
                        .append(" |\n");
            }
        }
        return sb.toString();
    }

    private static String pct(Map<String, Double> p, String key) {
        Double v = p.get(key);
        return v == null ? "" : number(v);
    }

    private static String bytes(JmhResult r) {
        if (!r.gcProfiled()) {
            return "n/a";
        }
        double b = r.allocBytesPerOp();
        if (b == 0) {
            return "0";
        }
        if (b < 0.001) {
            return String.format(Locale.ROOT, "%.1e", b);
        }
        return b < 1 ? String.format(Locale.ROOT, "%.3f", b) : String.format(Locale.ROOT, "%.1f", b);
    }

    private static String threadBytes(JmhResult r) {
        double b = r.requestThreadBytesPerOp();
        if (Double.isNaN(b)) {
            return "";
        }
        return b == 0 ? "0" : b < 0.001 ? String.format(Locale.ROOT, "%.1e", b)
                : String.format(Locale.ROOT, b < 1 ? "%.3f" : "%.1f", b);
    }

    static String ratio(JmhResult r, List<JmhResult> all, BenchmarkRoles roles) {
        String target = roles.comparedTo(r);
        if (target == null) {
            return "";
        }
        for (JmhResult ref : all) {
            if (ref.fullClassName().equals(r.fullClassName()) && ref.method().equals(target)
                    && ref.params().equals(r.params())) {
                double mine = nanosPerOp(r);
                double theirs = nanosPerOp(ref);
                if (Double.isNaN(mine) || Double.isNaN(theirs) || theirs <= 0) {
                    return "";
                }
                double x = mine / theirs;
                String f = x >= 10 ? String.format(Locale.ROOT, "%.0f", x) : String.format(Locale.ROOT, "%.2f", x);
                return f + "× " + target;
            }
        }
        return "(" + target + " not in this run)";
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

    private static String number(double v) {
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
