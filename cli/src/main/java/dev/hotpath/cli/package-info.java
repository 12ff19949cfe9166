/**
 * The {@code hotpath} command line: {@link dev.hotpath.cli.HotpathCli} (the picocli root and {@code main} class)
 * with its commands ({@code score}, {@code explain}, {@code inspect}, {@code cache}, {@code shadow}, {@code demo}), the
 * streaming CSV engine behind {@code score} and {@code explain}, and the
 * {@link dev.hotpath.shadow.report.ExitCodes} contract. Run it through {@code bin/hotpath}.
 *
 * <p><b>Threading:</b> every command runs on the calling thread; objects here are single-use and not thread-safe.
 * <b>Allocation:</b> this is tooling, not the scoring hot path; the CSV scorer streams with bounded memory (one
 * batch of rows) and allocates per value only the strings it parses and prints.
 */
package dev.hotpath.cli;
