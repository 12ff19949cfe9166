/**
 * The {@link dev.hotpath.scoring.scorer.Scorer}: the façade a payment service embeds, from request ids and
 * request-time values to a score, with feature views ({@link dev.hotpath.scoring.scorer.FeatureSource}), shadow
 * evaluation ({@link dev.hotpath.scoring.scorer.ShadowControl} and its
 * {@link dev.hotpath.scoring.scorer.ShadowSink}; the primary's shadow identity is resolved once per model, at build
 * and swap time), hot model swaps behind a parity gate, metrics ({@link dev.hotpath.scoring.scorer.MetricsSnapshot})
 * and readiness ({@link dev.hotpath.scoring.scorer.ScorerHealth}).
 *
 * <p><b>Health SPI.</b> A view reports whether it serves and how fresh it is
 * ({@link dev.hotpath.scoring.scorer.FeatureSource#health()} returning a
 * {@link dev.hotpath.scoring.scorer.ViewHealth}); whatever keeps a view fresh in-process (a Kafka follower) reports
 * whether it is live through {@link dev.hotpath.scoring.scorer.FeatureFeed}. The scorer judges both against the
 * bounds its builder was given; see {@link dev.hotpath.scoring.scorer.Scorer#health()}.
 *
 * <p><b>Threading:</b> a {@code Scorer} is thread-safe; {@code ScoreRequest} and {@code ScoreResult} are per-thread
 * flyweights. <b>Allocation:</b> {@code Scorer.score} allocates nothing after warm-up; {@code metrics()} and
 * {@code health()} are cold and allocate.
 */
package dev.hotpath.scoring.scorer;
