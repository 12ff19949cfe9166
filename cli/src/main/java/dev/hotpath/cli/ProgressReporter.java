package dev.hotpath.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Prints progress of a long-running command on stderr, and only when the run is long: nothing during the first
 * {@code initialDelayNs}, then one line every {@code intervalNs}, and a summary at the end if any progress line was
 * printed. Short runs therefore print nothing. Never writes to stdout.
 *
 * <p>Not thread-safe: call from the thread doing the work. {@link #update(long)} reads the clock and otherwise
 * allocates nothing unless it prints.
 */
final class ProgressReporter {
    /** Default delay before the first progress line: runs shorter than this stay silent. */
    static final long DEFAULT_INITIAL_DELAY_NS = 2_000_000_000L;
    /** Default interval between progress lines. */
    static final long DEFAULT_INTERVAL_NS = 2_000_000_000L;

    private final PrintWriter err;
    private final LongSupplier nanoClock;
    private final String what;
    private final long intervalNs;
    private final boolean enabled;
    private final long startNs;
    private long nextReportNs;
    private boolean printed;

    /**
     * @param err where progress goes (stderr)
     * @param nanoClock a monotonic clock in nanoseconds, {@code System::nanoTime} outside tests
     * @param what the verb for the lines, e.g. {@code scored}
     * @param initialDelayNs silence before the first line
     * @param intervalNs time between lines
     * @param enabled {@code false} makes every method a no-op
     */
    ProgressReporter(PrintWriter err, LongSupplier nanoClock, String what, long initialDelayNs, long intervalNs,
                     boolean enabled) {
        this.err = err;
        this.nanoClock = nanoClock;
        this.what = what;
        this.intervalNs = intervalNs;
        this.enabled = enabled;
        this.startNs = enabled ? nanoClock.getAsLong() : 0L;
        this.nextReportNs = startNs + initialDelayNs;
    }

    /**
     * @param err where progress goes
     * @param what the verb for the lines
     * @param enabled {@code false} for silence
     * @return a reporter on the system clock with the default delay and interval
     */
    static ProgressReporter standard(PrintWriter err, String what, boolean enabled) {
        return new ProgressReporter(err, System::nanoTime, what, DEFAULT_INITIAL_DELAY_NS, DEFAULT_INTERVAL_NS,
                enabled);
    }

    /**
     * Reports the rows done so far if a line is due.
     *
     * @param rows rows completed since the start
     */
    void update(long rows) {
        if (!enabled) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (now - nextReportNs < 0) {
            return;
        }
        err.println(line(rows, now, ""));
        err.flush();
        printed = true;
        nextReportNs = now + intervalNs;
    }

    /**
     * Prints the summary line if progress was shown during the run.
     *
     * @param rows rows completed in total
     */
    void finish(long rows) {
        if (!enabled || !printed) {
            return;
        }
        err.println(line(rows, nanoClock.getAsLong(), ", done"));
        err.flush();
    }

    /** @return whether any line was printed */
    boolean printedAnything() {
        return printed;
    }

    private String line(long rows, long now, String suffix) {
        double seconds = Math.max(1e-9, (now - startNs) / 1e9);
        return String.format(Locale.ROOT, "hotpath: %s %,d rows in %.1f s (%,.0f rows/s)%s", what, rows, seconds,
                rows / seconds, suffix);
    }
}
