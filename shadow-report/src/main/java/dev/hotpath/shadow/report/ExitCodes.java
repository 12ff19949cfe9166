package dev.hotpath.shadow.report;

/**
 * The process exit codes of every Hotpath tool: the {@code hotpath} command line, and any job that ends with a
 * report's verdict ({@link ShadowReport#exitCode()}). A stable contract for scripts and CI, defined only here; the
 * {@code *_MEANING} texts are the ones {@code hotpath --help} prints and every document quotes.
 *
 * <p>Constants only; thread-safe.
 */
public final class ExitCodes {
    /** The command did what was asked; for a report, no FAIL-level gate failed. */
    public static final int OK = 0;

    /**
     * A runtime failure: unreadable or invalid model, log or labels file, bad input data, I/O error. The CLI prints
     * one line {@code hotpath: error: …} on stderr (plus the stack trace with {@code --verbose} or
     * {@code HOTPATH_DEBUG=1}).
     */
    public static final int FAILURE = 1;

    /**
     * A usage error: unknown option or command, missing or malformed argument, including an unknown gate metric
     * or shadow name.
     */
    public static final int USAGE = 2;

    /**
     * The command ran correctly but a FAIL-level gate it evaluates did not hold ({@code hotpath shadow report}):
     * the candidate should not be promoted. Distinct from {@link #FAILURE} so that CI can tell "the candidate is
     * worse" from "the tool broke". WARN-level gates never change the exit code.
     */
    public static final int GATE_FAILED = 3;

    /** What {@link #OK} means, as the documents state it. */
    public static final String OK_MEANING = "success; for 'shadow report': no FAIL gate failed (WARN gates never"
            + " change the exit code)";
    /** What {@link #FAILURE} means, as the documents state it. */
    public static final String FAILURE_MEANING = "runtime failure: unreadable or invalid model, log or labels file,"
            + " bad input data, I/O error; one line 'hotpath: error: ...' on stderr (--verbose adds the stack trace)";
    /** What {@link #USAGE} means, as the documents state it. */
    public static final String USAGE_MEANING = "usage error: unknown command or option, missing or malformed"
            + " argument, unknown gate metric or shadow name";
    /** What {@link #GATE_FAILED} means, as the documents state it. */
    public static final String GATE_FAILED_MEANING = "a FAIL gate failed in 'shadow report': do not promote the"
            + " candidate (CI should block)";

    private ExitCodes() {
    }
}
