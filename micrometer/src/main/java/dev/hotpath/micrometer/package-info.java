/**
 * Micrometer {@link io.micrometer.core.instrument.binder.MeterBinder}s for Hotpath, an optional module (scoring-core
 * stays free of Micrometer): {@link dev.hotpath.micrometer.ScorerMeterBinder} (requests, feature reads by status,
 * shadow offers, swaps, latency per stage, readiness), {@link dev.hotpath.micrometer.FeatureReaderMeterBinder} (a
 * view's generation, size and freshness), {@link dev.hotpath.micrometer.ShadowEvaluatorMeterBinder} (offers, drops
 * by reason, per-shadow calls and latency, the log on disk) and {@link dev.hotpath.micrometer.FeatureFeedMeterBinder}
 * (whatever feeds a view, through the {@link dev.hotpath.scoring.scorer.FeatureFeed} SPI), with
 * {@link dev.hotpath.micrometer.FeatureStreamFollowerMeterBinder} adding the Kafka follower's own state, counters and
 * rejects by reason (feature-stream is an optional dependency). Names follow Micrometer's
 * conventions: dotted lower case, base units (seconds, bytes), one instance tag and an {@code outcome} tag for
 * counters split by result. The table is in the module README.
 *
 * <p><b>Threading:</b> binders are thread-safe. <b>Allocation:</b> nothing on the request path; reading the meters
 * takes one sample of the observed object per refresh interval (allocates, cold).
 */
package dev.hotpath.micrometer;
