/**
 * The shadow log: a compact, crash-tolerant binary format ({@link dev.hotpath.shadow.log.ShadowLogFormat},
 * written by {@link dev.hotpath.shadow.log.LogRecordEncoder}), its rotating writer
 * ({@link dev.hotpath.shadow.log.ShadowLogWriter}, configured by {@link dev.hotpath.shadow.log.LogOptions}) and its
 * recovering reader ({@link dev.hotpath.shadow.log.ShadowLogReader}). Each writer numbers its records across all
 * its segments; the reader counts a repeated segment once and reports missing ones
 * ({@link dev.hotpath.shadow.log.SequenceProblem}).
 *
 * <pre>{@code
 * ReadSummary summary = ShadowLogReader.read(Path.of("/var/log/hotpath/shadow"), new LogRecordVisitor() {
 *     public void onComparison(ComparisonRecord r) {
 *         System.out.println(r.requestId() + " " + r.primaryScore() + " " + r.shadowScore());
 *     }
 * });
 * System.out.println(summary.describe());   // what was read, what a crash left unreadable
 * }</pre>
 *
 * <p><b>Threading:</b> a writer is owned by one thread; the reader is stateless and may be used from any thread;
 * record flyweights passed to a {@link dev.hotpath.shadow.log.LogRecordVisitor} are valid only during the call.
 * <b>Allocation:</b> appending records and writing blocks allocate nothing in steady state; opening, rotating,
 * recovering and reading allocate.
 */
package dev.hotpath.shadow.log;
