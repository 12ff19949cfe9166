package dev.hotpath.scoring.scorer;

/**
 * The result of a successful swap.
 *
 * @param previousModelId the id of the model that was serving
 * @param modelId the id of the model now serving
 * @param version the scorer's new model version
 * @param goldenRowsChecked how many golden rows the candidate passed (0 without a parity gate)
 * @param drainNanos how long in-flight requests on the previous model took to finish
 */
public record SwapReport(String previousModelId, String modelId, long version, int goldenRowsChecked,
                         long drainNanos) {
}
