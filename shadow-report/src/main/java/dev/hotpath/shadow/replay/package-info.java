/**
 * Offline replay: score a candidate model over the feature vectors captured in a shadow log and write a new log
 * in the same format, so it can be compared with {@code hotpath shadow report} without deploying it.
 *
 * <pre>{@code
 * ReplayResult r = ShadowReplay.replay(Path.of("shadow-logs"), candidateModel, Path.of("replayed"));
 * System.out.println(r.summary());
 * }</pre>
 *
 * <p><b>Threading:</b> {@link dev.hotpath.shadow.replay.ShadowReplay} is stateless; each call runs on the calling
 * thread. <b>Allocation:</b> cold path.
 */
package dev.hotpath.shadow.replay;
