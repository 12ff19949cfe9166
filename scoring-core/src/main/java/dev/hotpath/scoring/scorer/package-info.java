/**
 * The {@link dev.hotpath.scoring.scorer.Scorer}: the façade a payment service embeds, from request ids and
 * request-time values to a score, with feature views ({@link dev.hotpath.scoring.scorer.FeatureSource}), shadow
 * evaluation ({@link dev.hotpath.scoring.scorer.ShadowControl} and its
 * {@link dev.hotpath.scoring.scorer.ShadowSink}; the primary's shadow identity is resolved once per model, at build
 * and swap time), hot model swaps behind a parity gate, and metrics.
 *
 * <p><b>Threading:</b> a {@code Scorer} is thread-safe; {@code ScoreRequest} and {@code ScoreResult} are per-thread
 * flyweights. <b>Allocation:</b> {@code Scorer.score} allocates nothing after warm-up.
 */
package dev.hotpath.scoring.scorer;
