package dev.hotpath.shadow.report;

/**
 * One request on which the primary and a shadow disagree strongly, for analyst review. Immutable.
 *
 * @param requestId the request id
 * @param epochNanos when the primary decided
 * @param primaryScore the primary's score
 * @param shadowScore the shadow's score
 * @param primaryBlocks whether the primary blocks at the report's threshold
 * @param shadowBlocks whether the shadow blocks at the report's threshold
 * @param featuresCaptured whether a FEATURES record exists for it (replayable)
 */
public record Disagreement(long requestId, long epochNanos, float primaryScore, float shadowScore,
        boolean primaryBlocks, boolean shadowBlocks, boolean featuresCaptured) {

    /** @return shadow score minus primary score */
    public double delta() {
        return (double) shadowScore - primaryScore;
    }

    /** @return {@code new block}, {@code release} or {@code same decision} */
    public String kind() {
        if (primaryBlocks == shadowBlocks) {
            return "same decision";
        }
        return shadowBlocks ? "new block" : "release";
    }
}
