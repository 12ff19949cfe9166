package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.ConfigurationException;

/**
 * Which requests the {@link Scorer} explains with reason codes ({@link Scorer.Builder#reasons(int, ExplainWhen)}):
 * every scored request, or only those whose score reaches a threshold — typically the decline threshold, so that
 * reasons cost CPU only for the payments someone will ask about. A request answered with the fallback score is
 * never explained.
 *
 * <p><b>Thread-safety:</b> immutable. <b>Allocation:</b> {@link #test(float)} allocates nothing.
 */
public final class ExplainWhen {
    private static final ExplainWhen ALWAYS = new ExplainWhen(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
            true, "always");

    private final float min;
    private final float max;
    private final boolean always;
    private final String description;

    private ExplainWhen(float min, float max, boolean always, String description) {
        this.min = min;
        this.max = max;
        this.always = always;
        this.description = description;
    }

    /** @return explain every scored request */
    public static ExplainWhen always() {
        return ALWAYS;
    }

    /**
     * @param threshold the smallest score explained (e.g. the decline threshold of a fraud probability)
     * @return explain requests whose score is {@code >= threshold}
     * @throws ConfigurationException if the threshold is NaN
     */
    public static ExplainWhen scoreAtLeast(float threshold) {
        check(threshold);
        return new ExplainWhen(threshold, Float.POSITIVE_INFINITY, false, "score >= " + threshold);
    }

    /**
     * @param threshold the largest score explained (for scores where lower means riskier, e.g. a credit score)
     * @return explain requests whose score is {@code <= threshold}
     * @throws ConfigurationException if the threshold is NaN
     */
    public static ExplainWhen scoreAtMost(float threshold) {
        check(threshold);
        return new ExplainWhen(Float.NEGATIVE_INFINITY, threshold, false, "score <= " + threshold);
    }

    private static void check(float threshold) {
        if (Float.isNaN(threshold)) {
            throw new ConfigurationException("the score threshold for reasons must be a number, got NaN");
        }
    }

    /**
     * @param score the primary score of a request
     * @return whether the request is explained; a {@code NaN} score is explained only by {@link #always()}
     */
    public boolean test(float score) {
        return always || (score >= min && score <= max);
    }

    @Override
    public String toString() {
        return description;
    }
}
