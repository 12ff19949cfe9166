/**
 * Compiled model representations that every model format is read into: {@link
 * dev.hotpath.scoring.model.TreeEnsemble} (built with {@link dev.hotpath.scoring.model.TreeEnsembleBuilder} from
 * {@link dev.hotpath.scoring.model.TreeNodes}), {@link dev.hotpath.scoring.model.LinearModel}, and the
 * {@link dev.hotpath.scoring.model.OutputTransform}s.
 *
 * <p><b>Threading:</b> builders are single-threaded; the models they build are immutable and thread-safe.
 * <b>Allocation:</b> the models' scoring methods allocate nothing after each thread's first call.
 */
package dev.hotpath.scoring.model;
