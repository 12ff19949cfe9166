package dev.hotpath.bench.data;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Reports the progress of training one benchmark model: a line when training starts, one at most every
 * {@code interval} with the trees done, the time spent and a linear estimate of the time left, and one when it ends.
 * The large model takes minutes; without this a run looks hung.
 *
 * <p>Not thread-safe: one instance per training, called from the training thread. Allocates a line per report.
 */
final class TrainingProgress {
    /** Report at most this often. */
    static final long DEFAULT_INTERVAL_NANOS = 10_000_000_000L;

    private final ModelSpec spec;
    private final PrintStream out;
    private final long intervalNanos;
    private final LongSupplier clock;
    private long start;
    private long lastReport;

    /**
     * @param spec the model being trained
     * @param out where the lines go
     * @param intervalNanos the least time between two progress lines
     */
    TrainingProgress(ModelSpec spec, PrintStream out, long intervalNanos) {
        this(spec, out, intervalNanos, System::nanoTime);
    }

    TrainingProgress(ModelSpec spec, PrintStream out, long intervalNanos, LongSupplier clock) {
        this.spec = spec;
        this.out = out;
        this.intervalNanos = intervalNanos;
        this.clock = clock;
    }

    /** Prints what is about to be trained. */
    void start() {
        start = clock.getAsLong();
        lastReport = start;
        out.printf(Locale.ROOT, "[hotpath-jmh] training %s: %,d trees of depth %d on %,d rows x %d features"
                + " (XGBoost4J, cached afterwards)%n", spec.id(), spec.trees(), spec.depth(), spec.trainingRows(),
                spec.features());
        out.flush();
    }

    /**
     * @param trees the trees trained so far
     */
    void treeDone(int trees) {
        long now = clock.getAsLong();
        long elapsed = now - start;
        if (trees >= spec.trees()) {
            out.printf(Locale.ROOT, "[hotpath-jmh] trained %s: %,d trees in %s%n", spec.id(), trees,
                    duration(elapsed));
            out.flush();
            return;
        }
        if (now - lastReport < intervalNanos) {
            return;
        }
        lastReport = now;
        long left = (long) ((double) elapsed / trees * (spec.trees() - trees));
        out.printf(Locale.ROOT, "[hotpath-jmh] training %s: %,d/%,d trees (%d%%), %s so far, about %s left%n",
                spec.id(), trees, spec.trees(), 100L * trees / spec.trees(), duration(elapsed), duration(left));
        out.flush();
    }

    /**
     * @param nanos a duration
     * @return e.g. {@code 0.4 s}, {@code 41 s}, {@code 6 min 35 s}
     */
    static String duration(long nanos) {
        double s = nanos / 1e9;
        if (s < 10) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        long whole = Math.round(s);
        return whole < 60 ? whole + " s" : (whole / 60) + " min " + (whole % 60) + " s";
    }
}
