/**
 * Compiled model representations that every model format is read into: {@link
 * dev.hotpath.scoring.model.TreeEnsemble} (built with {@link dev.hotpath.scoring.model.TreeEnsembleBuilder} from
 * XGBoost-form {@link dev.hotpath.scoring.model.TreeNodes} or LightGBM-form
 * {@link dev.hotpath.scoring.model.LightgbmTree}s), {@link dev.hotpath.scoring.model.LinearModel}, and the
 * {@link dev.hotpath.scoring.model.OutputTransform}s (float, XGBoost) and
 * {@link dev.hotpath.scoring.model.DoubleOutputTransform}s (double, LightGBM).
 *
 * <p><b>Threading:</b> builders are single-threaded; the models they build are immutable and thread-safe.
 * <b>Allocation:</b> the models' scoring methods allocate nothing after each thread's first call.
 */
package dev.hotpath.scoring.model;
