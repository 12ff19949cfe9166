package dev.hotpath.formats.lightgbm;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.ModelLimits;
import java.util.Objects;

/**
 * How {@link LightgbmReader} reads a model: the size limits to enforce and which boosting iterations to score.
 *
 * <p>By default every tree is scored, as LightGBM's {@code predict} does. {@link #withIterations(int, int)} selects
 * {@code count} iterations from {@code start}, like LightGBM's {@code start_iteration} and {@code num_iteration}
 * prediction parameters; a random forest ({@code average_output}) then averages over the selected iterations, as
 * LightGBM does. An iteration is one boosting round: {@code num_tree_per_iteration} trees (one per class).
 *
 * <p>Immutable and thread-safe; the {@code with…} methods return new instances and validate their arguments.
 */
public final class LightgbmOptions {
    private static final LightgbmOptions DEFAULTS = new LightgbmOptions(ModelLimits.defaults(), 0, 0);

    private final ModelLimits limits;
    private final int startIteration;
    private final int numIterations;

    private LightgbmOptions(ModelLimits limits, int startIteration, int numIterations) {
        this.limits = limits;
        this.startIteration = startIteration;
        this.numIterations = numIterations;
    }

    /** @return the defaults: {@link ModelLimits#defaults()}, every iteration scored */
    public static LightgbmOptions defaults() {
        return DEFAULTS;
    }

    /**
     * @param limits the size limits to enforce while reading (file size, trees, nodes, features, classes, names)
     * @return a copy with these limits
     * @throws NullPointerException if {@code limits} is null
     */
    public LightgbmOptions withLimits(ModelLimits limits) {
        return new LightgbmOptions(Objects.requireNonNull(limits, "limits"), startIteration, numIterations);
    }

    /**
     * Scores only iterations {@code [start, start + count)}.
     *
     * @param start first iteration, {@code >= 0}
     * @param count number of iterations, or {@code 0} for "all from {@code start}"
     * @return a copy with this selection
     * @throws ConfigurationException if {@code start} or {@code count} is negative
     */
    public LightgbmOptions withIterations(int start, int count) {
        if (start < 0 || count < 0) {
            throw new ConfigurationException("iterations start " + start + ", count " + count
                    + " are invalid: need start >= 0 and count >= 0 (0 = all remaining)");
        }
        return new LightgbmOptions(limits, start, count);
    }

    /** @return the size limits enforced while reading */
    public ModelLimits limits() {
        return limits;
    }

    /** @return the first scored iteration (0 by default) */
    public int startIteration() {
        return startIteration;
    }

    /** @return the number of scored iterations, 0 meaning all from {@link #startIteration()} */
    public int numIterations() {
        return numIterations;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LightgbmOptions x && limits.equals(x.limits) && startIteration == x.startIteration
                && numIterations == x.numIterations;
    }

    @Override
    public int hashCode() {
        return Objects.hash(limits, startIteration, numIterations);
    }

    @Override
    public String toString() {
        String iterations = startIteration == 0 && numIterations == 0 ? "all"
                : "[" + startIteration + ", " + (numIterations == 0 ? "end" : startIteration + numIterations) + ")";
        return "LightgbmOptions[iterations=" + iterations + ", " + limits + "]";
    }
}
