package dev.hotpath.bench.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares two JMH JSON result files benchmark by benchmark (same method, mode and parameters) and says for each
 * whether the second run is slower, faster or the same within noise: {@code jmh/run.sh compare A.json B.json}.
 *
 * <p>The verdict comes from the two runs' error intervals (score ± error, JMH's 99.9 % confidence half-width), in
 * time per operation: intervals that overlap are <b>within noise</b>; disjoint intervals are <b>slower</b> or
 * <b>faster</b>, unless the change is below {@code --min-change} (then <b>within threshold</b>). A result whose
 * error exceeds its score ({@link JmhResult#noise()}) or that has no error (a single iteration) is <b>not
 * judged</b>. JMH's intervals describe the iterations of one run; they do not include what changes between runs
 * (another JVM, other JIT decisions, a busier machine), so on a shared machine judge small changes with a threshold
 * (e.g. {@code --min-change 5}) and by re-running. Allocation is compared too: a change of 1 B/op or more (the
 * allocation gate's threshold) is named.
 *
 * <p>Usage: {@code CompareRuns A.json B.json [--min-change PCT] [--fail-on-slower]}; exit code 0, or 3 with
 * {@code --fail-on-slower} when any benchmark is slower (a failed gate, as Hotpath's {@code GATE_FAILED}), 2 for
 * bad arguments, 1 for unreadable input. Stateless.
 */
public final class CompareRuns {
    /** How one benchmark changed. */
    public enum Verdict {
        /** B's interval lies above A's (more time per operation), by at least the threshold. */
        SLOWER("slower"),
        /** B's interval lies below A's. */
        FASTER("faster"),
        /** The intervals overlap. */
        WITHIN_NOISE("within noise"),
        /** The intervals are disjoint but the change is below the threshold. */
        WITHIN_THRESHOLD("within threshold"),
        /** A run's error exceeds its score, or it has no error, or the units are not times. */
        NOT_JUDGED("not judged"),
        /** Only in the first run. */
        ONLY_IN_A("only in A"),
        /** Only in the second run. */
        ONLY_IN_B("only in B");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        /** @return the words printed in the table */
        public String text() {
            return text;
        }
    }

    /**
     * One benchmark in both runs.
     *
     * @param a the first run's result, or {@code null}
     * @param b the second run's result, or {@code null}
     * @param change B's time per operation relative to A's ({@code 0.1} = 10 % more time), NaN if not comparable
     * @param verdict the verdict
     * @param why why it was not judged, else empty
     */
    public record Row(JmhResult a, JmhResult b, double change, Verdict verdict, String why) {
        /** @return the result that names the row */
        JmhResult any() {
            return b != null ? b : a;
        }
    }

    private CompareRuns() {
    }

    /**
     * Compares two runs.
     *
     * @param runA the baseline
     * @param runB the run judged against it
     * @param minChange the smallest relative change called slower or faster, e.g. {@code 0.05}; 0 for none
     * @return one row per benchmark: B's order, then those only in A
     */
    public static List<Row> compare(List<JmhResult> runA, List<JmhResult> runB, double minChange) {
        Map<String, JmhResult> byKey = new LinkedHashMap<>();
        for (JmhResult r : runA) {
            byKey.put(key(r), r);
        }
        List<Row> rows = new ArrayList<>();
        for (JmhResult b : runB) {
            JmhResult a = byKey.remove(key(b));
            rows.add(a == null ? new Row(null, b, Double.NaN, Verdict.ONLY_IN_B, "") : judge(a, b, minChange));
        }
        for (JmhResult a : byKey.values()) {
            rows.add(new Row(a, null, Double.NaN, Verdict.ONLY_IN_A, ""));
        }
        return rows;
    }

    private static String key(JmhResult r) {
        return r.benchmark() + " " + r.mode() + " " + r.params();
    }

    static Row judge(JmhResult a, JmhResult b, double minChange) {
        double ta = ResultTable.nanosPerOp(a);
        double tb = ResultTable.nanosPerOp(b);
        if (Double.isNaN(ta) || Double.isNaN(tb) || ta <= 0) {
            return new Row(a, b, Double.NaN, Verdict.NOT_JUDGED, "units are not times: " + a.scoreUnit() + ", "
                    + b.scoreUnit());
        }
        double change = tb / ta - 1;
        if (a.noise() || b.noise()) {
            return new Row(a, b, change, Verdict.NOT_JUDGED, (a.noise() ? "A" : "B") + " is noise (error > score)");
        }
        if (Double.isNaN(a.scoreError()) || Double.isNaN(b.scoreError())) {
            return new Row(a, b, change, Verdict.NOT_JUDGED, "no error bars (a single iteration)");
        }
        double[] ia = interval(a);
        double[] ib = interval(b);
        if (ib[0] <= ia[1] && ia[0] <= ib[1]) {
            return new Row(a, b, change, Verdict.WITHIN_NOISE, "");
        }
        if (Math.abs(change) < minChange) {
            return new Row(a, b, change, Verdict.WITHIN_THRESHOLD, "");
        }
        return new Row(a, b, change, change > 0 ? Verdict.SLOWER : Verdict.FASTER, "");
    }

    /** The score's error interval as time per operation in nanoseconds, {@code [low, high]}. */
    static double[] interval(JmhResult r) {
        double t = ResultTable.nanosPerOp(r);
        double s = r.score();
        double e = r.scoreError();
        if (r.scoreUnit().startsWith("ops/")) {
            // time = unit / throughput: the interval's ends swap, and a throughput down to 0 means no upper bound
            double unit = t * s;
            return new double[] {unit / (s + e), s - e > 0 ? unit / (s - e) : Double.POSITIVE_INFINITY};
        }
        double perUnit = t / s;
        return new double[] {(s - e) * perUnit, (s + e) * perUnit};
    }

    /**
     * Renders the comparison.
     *
     * @param rows the rows
     * @param nameA the first run's name
     * @param nameB the second run's name
     * @param minChange the threshold used
     * @return Markdown: a table, a summary line and the definitions
     */
    public static String render(List<Row> rows, String nameA, String nameB, double minChange) {
        StringBuilder sb = new StringBuilder();
        sb.append("A = ").append(nameA).append(", B = ").append(nameB).append("\n\n");
        sb.append("| benchmark | params | mode | A | B | units | time/op change | verdict | B/op A → B |\n");
        sb.append("|---|---|---|---:|---:|---|---:|---|---|\n");
        Map<Verdict, Integer> counts = new LinkedHashMap<>();
        for (Verdict v : Verdict.values()) {
            counts.put(v, 0);
        }
        for (Row row : rows) {
            counts.merge(row.verdict(), 1, Integer::sum);
            JmhResult r = row.any();
            String units = row.a() != null && row.b() != null && !row.a().scoreUnit().equals(row.b().scoreUnit())
                    ? row.a().scoreUnit() + " → " + row.b().scoreUnit() : r.scoreUnit();
            sb.append("| ").append(r.className()).append('.').append(r.method())
                    .append(" | ").append(ResultTable.displayParams(r))
                    .append(" | ").append(r.mode())
                    .append(" | ").append(figure(row.a()))
                    .append(" | ").append(figure(row.b()))
                    .append(" | ").append(units)
                    .append(" | ").append(Double.isNaN(row.change()) ? ""
                            : String.format(Locale.ROOT, "%+.1f %%", row.change() * 100))
                    .append(" | ").append(verdictText(row))
                    .append(" | ").append(allocation(row.a(), row.b()))
                    .append(" |\n");
        }
        sb.append('\n').append(rows.size()).append(rows.size() == 1 ? " benchmark: " : " benchmarks: ");
        List<String> parts = new ArrayList<>();
        for (Map.Entry<Verdict, Integer> e : counts.entrySet()) {
            if (e.getValue() > 0) {
                parts.add(e.getValue() + " " + e.getKey().text());
            }
        }
        sb.append(String.join(", ", parts)).append(".\n\n");
        sb.append("Verdicts compare the time per operation of B with A's. Each run's interval is score ± error (JMH's"
                + " 99.9 % confidence half-width): overlapping intervals are *within noise*; disjoint ones are *slower*"
                + " or *faster*");
        sb.append(minChange > 0 ? String.format(Locale.ROOT, ", or *within threshold* when the change is under"
                + " %.1f %%", minChange * 100) : "");
        sb.append(". A run whose error exceeds its score, or that has no error, is *not judged*. The intervals do not"
                + " include run-to-run variation (another JVM, JIT decisions, machine load): re-run before trusting a"
                + " small change. *time/op change*: B's time per operation relative to A's (+10 % = 10 % slower)."
                + " *B/op*: request-thread bytes per operation when both runs have them, else `gc.alloc.rate.norm`;"
                + " changes of 1 B/op or more are marked.\n");
        return sb.toString();
    }

    private static String verdictText(Row row) {
        String t = row.verdict().text();
        if (row.verdict() == Verdict.SLOWER || row.verdict() == Verdict.FASTER) {
            t = "**" + t + "**";
        }
        return row.why().isEmpty() ? t : t + ": " + row.why();
    }

    private static String figure(JmhResult r) {
        if (r == null) {
            return "";
        }
        String s = ResultTable.number(r.score());
        return Double.isNaN(r.scoreError()) ? s : s + " ± " + ResultTable.number(r.scoreError());
    }

    static String allocation(JmhResult a, JmhResult b) {
        if (a == null || b == null || !a.gcProfiled() || !b.gcProfiled()) {
            return "";
        }
        boolean thread = !Double.isNaN(a.requestThreadBytesPerOp()) && !Double.isNaN(b.requestThreadBytesPerOp());
        double ba = thread ? a.requestThreadBytesPerOp() : a.allocBytesPerOp();
        double bb = thread ? b.requestThreadBytesPerOp() : b.allocBytesPerOp();
        String s = ResultTable.bytes(ba) + " → " + ResultTable.bytes(bb);
        double d = bb - ba;
        if (Math.abs(d) >= AllocationGate.THRESHOLD_BYTES_PER_OP) {
            s += String.format(Locale.ROOT, " **(%+.0f B/op)**", d);
        }
        return s;
    }

    /**
     * Compares two result files and prints the table; exits with {@link #run}'s code.
     *
     * @param args {@code A.json B.json [--min-change PCT] [--fail-on-slower]}
     */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Compares two result files and prints the table.
     *
     * @param args {@code A.json B.json [--min-change PCT] [--fail-on-slower]}
     * @param out where the table (and {@code --help}) goes
     * @param err where problems go
     * @return 0; 3 with {@code --fail-on-slower} when any benchmark is slower (Hotpath's exit-code contract,
     *     {@code ExitCodes} in shadow-report, which the benchmarks do not depend on: 3 means "ran fine, a gate
     *     failed", so CI can tell a regression from a broken tool); 2 for a usage error; 1 for unreadable input
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> files = new ArrayList<>();
        double minChange = 0;
        boolean failOnSlower = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--fail-on-slower" -> failOnSlower = true;
                case "--min-change" -> {
                    if (i + 1 == args.length) {
                        return usage(err, "--min-change needs a percentage");
                    }
                    try {
                        minChange = Double.parseDouble(args[++i].replace("%", "")) / 100;
                    } catch (NumberFormatException e) {
                        return usage(err, "--min-change: not a number: " + args[i]);
                    }
                }
                case "-h", "--help" -> {
                    return usage(out, null);
                }
                default -> {
                    if (args[i].startsWith("-")) {
                        return usage(err, "unknown option " + args[i]);
                    }
                    files.add(args[i]);
                }
            }
        }
        if (files.size() != 2) {
            return usage(err, "give two result files");
        }
        List<JmhResult> a;
        List<JmhResult> b;
        try {
            a = JmhResult.read(Path.of(files.get(0)));
            b = JmhResult.read(Path.of(files.get(1)));
        } catch (IOException e) {
            err.println("compare: cannot read " + e.getMessage());
            return 1;
        }
        List<Row> rows = compare(a, b, minChange);
        out.print(render(rows, files.get(0), files.get(1), minChange));
        return failOnSlower && rows.stream().anyMatch(r -> r.verdict() == Verdict.SLOWER) ? 3 : 0;
    }

    private static int usage(PrintStream to, String problem) {
        if (problem != null) {
            to.println("compare: " + problem);
        }
        to.println("usage: jmh/run.sh compare A.json B.json"
                + " [--min-change PCT] [--fail-on-slower]\n"
                + "  A.json          the baseline run (e.g. one under benchmarks/)\n"
                + "  B.json          the run to judge (jmh/run.sh prints where it wrote it)\n"
                + "  --min-change P  call a change slower/faster only from P percent on (default 0)\n"
                + "  --fail-on-slower  exit 3 when any benchmark is slower (1: unreadable input, 2: usage)");
        return problem == null ? 0 : 2;
    }
}
