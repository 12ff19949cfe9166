/**
 * Command-line tools over JMH's JSON results: the Markdown table printer with its column legend and noise flags
 * ({@link dev.hotpath.bench.report.ResultTable}), the comparison of two runs with a noise verdict
 * ({@link dev.hotpath.bench.report.CompareRuns}) and the CI zero-allocation gate
 * ({@link dev.hotpath.bench.report.AllocationGate}). Pure Java, so CI needs neither jq nor Python.
 *
 * <p><b>Threading:</b> stateless. <b>Allocation:</b> not on any hot path.
 */
package dev.hotpath.bench.report;
