/**
 * The shadow report: compares every shadow with the primary from one or more logs (and optional labels) and
 * renders JSON for CI gates, plain text for terminals and one self-contained HTML page.
 *
 * <ul>
 *   <li>{@link dev.hotpath.shadow.report.ShadowReport}: {@code builder().addLog(dir)...build()}, then
 *       {@code writeText/writeJson/writeHtml}.</li>
 *   <li>{@link dev.hotpath.shadow.report.ShadowMetrics}: PSI, KS, Jensen–Shannon, Spearman, Kendall tau-b,
 *       Cohen's kappa, top-k overlap, PR-AUC, ROC-AUC, Brier, with their formulas.</li>
 *   <li>{@link dev.hotpath.shadow.report.ShadowGates}: configurable promotion gates (recommend only); a report can
 *       gate on chosen shadows only ({@code Builder.gateShadow}).</li>
 *   <li>{@link dev.hotpath.shadow.report.ExitCodes}: the exit codes of every Hotpath tool, defined once;
 *       {@code ShadowReport.exitCode()} maps a verdict to them.</li>
 * </ul>
 *
 * <p><b>Threading:</b> built reports and all value types are immutable and thread-safe; builders are not.
 * <b>Allocation:</b> cold path only; a report holds about 50 bytes per comparison record while it is computed.
 */
package dev.hotpath.shadow.report;
