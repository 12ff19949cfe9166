package dev.hotpath.shadow.report;

/**
 * Overlap of the riskiest {@code k} requests by primary and by shadow score. Immutable.
 *
 * @param fraction k as a share of requests
 * @param k the set size
 * @param overlap {@code |top_k(primary) ∩ top_k(shadow)| / k}
 */
public record TopKOverlap(double fraction, int k, double overlap) {
}
