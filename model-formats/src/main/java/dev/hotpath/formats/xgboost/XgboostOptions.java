package dev.hotpath.formats.xgboost;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.ModelLimits;
import java.util.Objects;

/**
 * How {@link XgboostReader} reads a model: the size limits to enforce and which boosting iterations to score.
 *
 * <p>By default every tree is scored, as XGBoost4J's {@code predict} does unless told otherwise. Two mutually
 * exclusive ways select fewer iterations:
 * <ul>
 *   <li>{@link #withBestIteration()}: iterations {@code [0, best_iteration + 1)} when the model carries a
 *       {@code best_iteration} attribute (set by early stopping), all iterations otherwise — what XGBoost's
 *       scikit-learn wrapper does;</li>
 *   <li>{@link #withIterationRange(int, int)}: XGBoost's {@code iteration_range = [begin, end)}, where
 *       {@code end == 0} means "to the last iteration".</li>
 * </ul>
 * An iteration is one boosting round: all trees of all classes and parallel trees of that round. Linear
 * ({@code gblinear}) models ignore iteration selection except that a non-zero {@code begin} is rejected, as in XGBoost.
 *
 * <p>Immutable and thread-safe; the {@code with…} methods return new instances and validate their arguments.
 */
public final class XgboostOptions {
    private static final XgboostOptions DEFAULTS = new XgboostOptions(ModelLimits.defaults(), false, false, 0, 0);

    private final ModelLimits limits;
    private final boolean bestIteration;
    private final boolean hasRange;
    private final int rangeBegin;
    private final int rangeEnd;

    private XgboostOptions(ModelLimits limits, boolean bestIteration, boolean hasRange, int rangeBegin,
            int rangeEnd) {
        this.limits = limits;
        this.bestIteration = bestIteration;
        this.hasRange = hasRange;
        this.rangeBegin = rangeBegin;
        this.rangeEnd = rangeEnd;
    }

    /**
     * @return the defaults: {@link ModelLimits#defaults()}, every iteration scored
     */
    public static XgboostOptions defaults() {
        return DEFAULTS;
    }

    /**
     * @param limits the size limits to enforce while reading (file size, trees, nodes, depth, features, …)
     * @return a copy with these limits
     * @throws NullPointerException if {@code limits} is null
     */
    public XgboostOptions withLimits(ModelLimits limits) {
        return new XgboostOptions(Objects.requireNonNull(limits, "limits"), bestIteration, hasRange, rangeBegin,
                rangeEnd);
    }

    /**
     * Scores iterations {@code [0, best_iteration + 1)} when the model has a {@code best_iteration} attribute, and
     * every iteration when it has none.
     *
     * @return a copy that honours early stopping
     * @throws ConfigurationException if an iteration range is already set
     */
    public XgboostOptions withBestIteration() {
        if (hasRange) {
            throw new ConfigurationException("withBestIteration() and withIterationRange(" + rangeBegin + ", "
                    + rangeEnd + ") are mutually exclusive; call withAllIterations() first");
        }
        return new XgboostOptions(limits, true, false, 0, 0);
    }

    /**
     * Scores only boosting iterations {@code [begin, end)}, like XGBoost's {@code iteration_range}.
     *
     * @param begin first iteration, {@code >= 0}
     * @param end one past the last iteration, or 0 for "all remaining"; otherwise {@code >= begin}
     * @return a copy with this range
     * @throws ConfigurationException if the range is invalid or best-iteration selection is already set
     */
    public XgboostOptions withIterationRange(int begin, int end) {
        if (begin < 0 || end < 0 || (end != 0 && end < begin)) {
            throw new ConfigurationException("iteration range [" + begin + ", " + end + ") is invalid: need "
                    + "0 <= begin and (end == 0 or end >= begin)");
        }
        if (bestIteration) {
            throw new ConfigurationException("withIterationRange(" + begin + ", " + end + ") and withBestIteration()"
                    + " are mutually exclusive; call withAllIterations() first");
        }
        return new XgboostOptions(limits, false, true, begin, end);
    }

    /**
     * @return a copy that scores every iteration (clears best-iteration and range selection)
     */
    public XgboostOptions withAllIterations() {
        return new XgboostOptions(limits, false, false, 0, 0);
    }

    /** @return the size limits enforced while reading */
    public ModelLimits limits() {
        return limits;
    }

    /** @return whether {@code best_iteration} (when present) limits the scored iterations */
    public boolean useBestIteration() {
        return bestIteration;
    }

    /** @return whether an explicit iteration range is set */
    public boolean hasIterationRange() {
        return hasRange;
    }

    /** @return the first scored iteration of the explicit range (0 when none is set) */
    public int iterationBegin() {
        return rangeBegin;
    }

    /** @return one past the last scored iteration of the explicit range; 0 means "all remaining" */
    public int iterationEnd() {
        return rangeEnd;
    }

    /**
     * @return a new {@code {begin, end}} array when an explicit iteration range is set, otherwise {@code null}
     */
    public int[] iterationRange() {
        return hasRange ? new int[] {rangeBegin, rangeEnd} : null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof XgboostOptions)) {
            return false;
        }
        XgboostOptions x = (XgboostOptions) o;
        return limits.equals(x.limits) && bestIteration == x.bestIteration && hasRange == x.hasRange
                && rangeBegin == x.rangeBegin && rangeEnd == x.rangeEnd;
    }

    @Override
    public int hashCode() {
        return Objects.hash(limits, bestIteration, hasRange, rangeBegin, rangeEnd);
    }

    @Override
    public String toString() {
        String iterations = bestIteration ? "best" : hasRange ? "[" + rangeBegin + ", " + rangeEnd + ")" : "all";
        return "XgboostOptions[iterations=" + iterations + ", " + limits + "]";
    }
}
