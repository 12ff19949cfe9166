/**
 * Why a model scored a row the way it did: exact path-dependent TreeSHAP contributions
 * ({@link dev.hotpath.scoring.explain.TreeExplainer}) and reason codes built from them
 * ({@link dev.hotpath.scoring.explain.ReasonCodes}, {@link dev.hotpath.scoring.explain.ReasonCodeExplainer}).
 *
 * <p><b>Threading:</b> explainers and reason-code configurations are immutable and thread-safe; scratch and result
 * objects ({@link dev.hotpath.scoring.explain.TreeExplainer.Scratch}, {@link dev.hotpath.scoring.explain.TopReasons})
 * are per-thread flyweights. <b>Allocation:</b> building an explainer precomputes its tables; explaining a row
 * allocates nothing after a thread's first call (or nothing at all with caller-owned scratch and results).
 */
package dev.hotpath.scoring.explain;
