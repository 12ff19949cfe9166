/**
 * Shadow (challenger) evaluation: score candidate models on the same features as the primary, off the request
 * thread, and log both predictions durably.
 *
 * <ul>
 *   <li>{@link dev.hotpath.shadow.ShadowEvaluator}: builds ({@link dev.hotpath.shadow.ShadowEvaluatorBuilder}) and
 *       runs the pipeline (intake ring, dispatcher, one worker per shadow, writer); configured with
 *       {@link dev.hotpath.shadow.ShadowModelConfig}s and {@link dev.hotpath.shadow.log.LogOptions}. It is the
 *       {@code Scorer}'s {@code ShadowControl}.</li>
 *   <li>{@link dev.hotpath.shadow.ShadowPublisher}: the request-thread handle and the {@code Scorer}'s
 *       {@code ShadowSink}:
 *       {@code offer(requestId, features, nFeatures, primaryScore, primaryModelId, primaryLatencyNanos)}.</li>
 *   <li>{@link dev.hotpath.shadow.ShadowSampling}: deterministic sampling and string-id hashing.</li>
 * </ul>
 *
 * <p><b>Model ids:</b> every model in the log has a u16 id; primaries and shadows share one id space and one name
 * registry, so a model keeps its id when its role changes. Shadows get theirs in their config. A primary offered
 * to directly uses an id named with {@code builder.primaryModel(id, name, model)}; the {@code Scorer} instead
 * resolves its primary's id by name once per model, when it is built and at each swap
 * ({@link dev.hotpath.shadow.ShadowEvaluator#resolvePrimary}), and offers with that number: nothing is looked up per
 * request. At a promotion the new shadow takes over in queue order, and no request is compared with the model that
 * served it. The offline report and replay are in the shadow-report module.
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
