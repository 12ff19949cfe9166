package dev.hotpath.cli;

/**
 * The process exit codes of {@code hotpath}: a stable contract for scripts. Every subcommand returns one of these.
 *
 * <p>Constants only; thread-safe.
 */
public final class ExitCodes {
    /** The command did what was asked. */
    public static final int OK = 0;

    /**
     * A runtime failure: unreadable or invalid model, bad input data, I/O error. One line
     * {@code hotpath: error: …} is printed on stderr (plus the stack trace with {@code --verbose} or
     * {@code HOTPATH_DEBUG=1}).
     */
    public static final int FAILURE = 1;

    /** A usage error: unknown option or subcommand, missing or malformed argument (reported by picocli). */
    public static final int USAGE = 2;

    /**
     * The command ran correctly but a quality gate it evaluates did not pass (used by {@code hotpath shadow report}
     * when a candidate model fails its promotion gate). Distinct from {@link #FAILURE} so that CI can tell "the
     * candidate is worse" from "the tool broke".
     */
    public static final int GATE_FAILED = 3;

    private ExitCodes() {
    }
}
