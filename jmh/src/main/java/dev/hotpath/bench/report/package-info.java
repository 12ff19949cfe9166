/**
 * Command-line tools over JMH's JSON results: the Markdown table printer ({@link
 * dev.hotpath.bench.report.ResultTable}) and the CI zero-allocation gate ({@link
 * dev.hotpath.bench.report.AllocationGate}). Pure Java, so CI needs neither jq nor Python.
 *
 * <p><b>Threading:</b> stateless. <b>Allocation:</b> not on any hot path.
 */
package dev.hotpath.bench.report;
