/**
 * Shadow (challenger) evaluation: score candidate models on the same features as the primary, off the request
 * thread, and log both predictions durably.
 *
 * <ul>
 *   <li>{@link dev.hotpath.shadow.ShadowEvaluator}: builds and runs the pipeline (intake ring, dispatcher, one
 *       worker per shadow, writer); configured with {@link dev.hotpath.shadow.ShadowModelConfig}s.</li>
 *   <li>{@link dev.hotpath.shadow.ShadowPublisher}: the request-thread handle;
 *       {@code offer(requestId, features, nFeatures, primaryScore, primaryModelId, primaryLatencyNanos)}.</li>
 *   <li>{@link dev.hotpath.shadow.ShadowSampling}: deterministic sampling and string-id hashing.</li>
 * </ul>
 *
 * <pre>{@code
 * ShadowEvaluator shadow = ShadowEvaluator.builder(Path.of("/var/log/hotpath/shadow"))
 *         .primaryModel(1, "fraud-v7", primaryModel).primaryThreshold(0.8f)
 *         .addShadow(ShadowModelConfig.builder(2, "fraud-v8", candidate).build())
 *         .sampleRate(0.25).featureCaptureRate(0.01)
 *         .build();
 * shadow.start();
 * int result = shadow.publisher().offer(requestId, features, n, score, 1, latencyNanos);
 * }</pre>
 *
 * <p><b>Threading:</b> {@code ShadowPublisher.offer} is called by any number of request threads; a dispatcher, one
 * worker per shadow and a writer run on daemon Agrona agent threads. Stages are connected by Agrona ring buffers
 * (many-to-one intake, one-to-one per shadow, many-to-one records); each stage drops and counts rather than waits.
 * <b>Allocation:</b> {@code offer} allocates nothing in any branch; the agents allocate nothing in steady state
 * apart from rate-limited log lines; building, starting, closing and {@code stats()} allocate.
 * <b>JVM flag:</b> Agrona 2.x needs {@value dev.hotpath.shadow.JvmFlags#AGRONA_EXPORT}.
 */
package dev.hotpath.shadow;
