package dev.hotpath.shadow.report;

import java.io.PrintStream;
import java.nio.file.Path;

import dev.hotpath.scoring.HotpathException;

/**
 * The body of {@code hotpath shadow report}: the CLI parses arguments into {@link ShadowReportOptions} and calls
 * {@link #run}; everything else (reading, computing, writing files, exit code) happens here. Never calls
 * {@code System.exit}. Stateless and thread-safe.
 */
public final class ShadowReportCommand {
    /** Exit code: the report was written and no FAIL-level gate failed. */
    public static final int EXIT_OK = 0;
    /** Exit code: a FAIL-level gate failed (or nothing could be compared); CI should block the promotion. */
    public static final int EXIT_GATE_FAILED = 1;
    /** Exit code: the inputs could not be read or an output could not be written. */
    public static final int EXIT_INPUT_ERROR = 2;

    private ShadowReportCommand() {
    }

    /**
     * Computes the report, prints the text version to {@code out} (unless {@code --quiet}), writes the JSON and
     * HTML files if requested, and prints a final verdict line.
     *
     * @param options parsed options
     * @param out standard output
     * @param err standard error (messages for input errors)
     * @return {@link #EXIT_OK}, {@link #EXIT_GATE_FAILED} or {@link #EXIT_INPUT_ERROR}
     */
    public static int run(ShadowReportOptions options, PrintStream out, PrintStream err) {
        ShadowReport report;
        try {
            ShadowReport.Builder b = ShadowReport.builder().labels(options.labels()).gates(options.gates());
            for (Path p : options.logs()) {
                b.addLog(p);
            }
            if (options.threshold() != null) {
                b.threshold(options.threshold());
            }
            report = b.build();
            if (options.json() != null) {
                report.writeJson(options.json());
            }
            if (options.html() != null) {
                report.writeHtml(options.html());
            }
        } catch (HotpathException e) {
            err.println("hotpath shadow report: " + e.getMessage());
            return EXIT_INPUT_ERROR;
        }
        if (options.text()) {
            report.writeText(out);
        }
        if (options.json() != null) {
            out.println("JSON report: " + options.json());
        }
        if (options.html() != null) {
            out.println("HTML report: " + options.html());
        }
        out.println("verdict: " + report.verdict());
        out.flush();
        return report.verdict() == Verdict.FAIL ? EXIT_GATE_FAILED : EXIT_OK;
    }
}
