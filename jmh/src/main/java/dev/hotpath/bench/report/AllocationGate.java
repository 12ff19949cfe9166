package dev.hotpath.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The zero-allocation gate for CI: reads a JMH JSON result file produced with {@code -prof gc} and fails when any
 * zero-allocation benchmark (a {@code hotpath…} method or one marked {@link dev.hotpath.bench.ZeroAllocation})
 * allocated 1 B/op or more. A missing {@code gc.alloc.rate.norm} counts as 0 (JMH omits it at exactly 0). The
 * threshold sits far above JMH's own ≈10⁻⁴ B/op noise and below the smallest Java object (16 B).
 *
 * <p>A zero-allocation benchmark is judged by its best measurement iteration, as
 * {@code dev.hotpath.scoring.testing.AllocationProbe} takes the best round: a JIT event can allocate a few hundred
 * bytes once, long after warm-up, while an allocation on the path itself recurs in every iteration. When the run
 * also used {@link ThreadAllocationProfiler}, it is judged by what its own (request) threads allocated, since
 * {@code -prof gc} also charges steady background allocation (Chronicle Map housekeeping, shadow agents) to every
 * operation.
 *
 * <p>A Hotpath benchmark marked {@link dev.hotpath.bench.AllocatesNoMoreThan} (ONNX: ONNX Runtime's Java API
 * allocates on every call) must instead allocate less than 1 B/op more than the named raw-library benchmark of the
 * same run.
 *
 * <p>It also refuses to pass blind: the run must contain results, every result must carry {@code -prof gc}
 * metrics, and at least one {@link dev.hotpath.bench.AllocationControl} benchmark must be present and seen
 * allocating.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.hotpath.bench.report.AllocationGate result.json}; exit code 0 pass,
 * 1 fail, 2 unreadable input.
 */
public final class AllocationGate {
    /** Bytes per operation at or above which a zero-allocation benchmark fails. */
    public static final double THRESHOLD_BYTES_PER_OP = 1.0;

    private AllocationGate() {
    }

    /**
     * The gate's decision.
     *
     * @param failures one line per failure
     * @param lines one line per checked benchmark (for the log)
     */
    public record Verdict(List<String> failures, List<String> lines) {
        /** @return whether the gate passes */
        public boolean passed() {
            return failures.isEmpty();
        }
    }

    /**
     * Checks results.
     *
     * @param results JMH results
     * @param roles which benchmarks are zero-allocation and which are controls
     * @return the verdict
     */
    public static Verdict check(List<JmhResult> results, BenchmarkRoles roles) {
        List<String> failures = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        if (results.isEmpty()) {
            failures.add("no benchmark results: nothing was measured");
        }
        int controls = 0;
        for (JmhResult r : results) {
            String name = r.className() + "." + r.method() + (r.params().isEmpty() ? "" : " [" + r.paramString() + "]");
            double bytes = r.allocBytesPerOp();
            String fig = String.format(Locale.ROOT, "%.4f B/op", bytes);
            if (!r.gcProfiled()) {
                failures.add(name + ": no gc.alloc metrics; run JMH with -prof gc");
                continue;
            }
            if (roles.allocationControl(r)) {
                controls++;
                if (bytes < THRESHOLD_BYTES_PER_OP) {
                    failures.add(name + ": allocation control measured " + fig
                            + "; the measurement cannot see allocation");
                } else {
                    lines.add("control  " + name + ": " + fig + " (seen, as it must be)");
                }
            } else if (roles.allocatesNoMoreThan(r) != null) {
                String rawName = roles.allocatesNoMoreThan(r);
                JmhResult raw = find(results, r, rawName);
                if (raw == null) {
                    failures.add(name + ": its allocation is judged against " + rawName
                            + ", which is not in this run");
                } else if (bytes >= raw.allocBytesPerOp() + THRESHOLD_BYTES_PER_OP) {
                    failures.add(name + ": allocates " + fig + ", more than " + rawName + " ("
                            + String.format(Locale.ROOT, "%.4f B/op", raw.allocBytesPerOp())
                            + "): Hotpath must add nothing to the library's own allocation");
                } else {
                    lines.add("floor    " + name + ": " + fig + " <= " + rawName + " "
                            + String.format(Locale.ROOT, "%.4f B/op", raw.allocBytesPerOp()) + " ok");
                }
            } else if (roles.zeroAllocation(r)) {
                double best = r.bestIterationBytesPerOp();
                String where = Double.isNaN(r.requestThreadBytesPerOp()) ? "all threads" : "request thread";
                fig = String.format(Locale.ROOT, "%.4f B/op on the %s in the best iteration (mean over all"
                        + " threads %.4f)", best, where, bytes);
                if (best >= THRESHOLD_BYTES_PER_OP) {
                    failures.add(name + ": allocates " + fig + ", must be 0 (limit "
                            + THRESHOLD_BYTES_PER_OP + " B/op)");
                } else {
                    lines.add("zero     " + name + ": " + fig + " ok");
                }
            } else {
                lines.add("peer     " + name + ": " + fig + " (not gated)");
            }
        }
        if (!results.isEmpty() && controls == 0) {
            failures.add("no allocation control benchmark ran (AllocationControlBenchmark.controlBoxing): the gate"
                    + " cannot prove it sees allocation");
        }
        return new Verdict(failures, lines);
    }

    private static JmhResult find(List<JmhResult> results, JmhResult like, String method) {
        for (JmhResult o : results) {
            if (o.fullClassName().equals(like.fullClassName()) && o.method().equals(method)
                    && o.params().equals(like.params())) {
                return o;
            }
        }
        return null;
    }

    /**
     * Runs the gate on one or more JMH JSON result files (their results are checked together).
     *
     * @param args the result files
     */
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: AllocationGate <jmh-result.json>...");
            System.exit(2);
        }
        List<JmhResult> results = new ArrayList<>();
        for (String file : args) {
            try {
                results.addAll(JmhResult.read(Path.of(file)));
            } catch (IOException e) {
                System.err.println("allocation gate: cannot read " + file + ": " + e.getMessage());
                System.exit(2);
                return;
            }
        }
        Verdict v = check(results, BenchmarkRoles.fromAnnotations());
        v.lines().forEach(System.out::println);
        if (v.passed()) {
            System.out.println("allocation gate: PASSED (" + results.size() + " results)");
        } else {
            v.failures().forEach(f -> System.out.println("FAIL     " + f));
            System.out.println("allocation gate: FAILED (" + v.failures().size() + " problems)");
            System.exit(1);
        }
    }
}
