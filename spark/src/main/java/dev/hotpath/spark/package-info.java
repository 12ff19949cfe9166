/**
 * Offline scoring and backtests on Apache Spark (4.2.0, provided) with the production scorer: the
 * {@link dev.hotpath.spark.HotpathTransformer} (Spark ML, usable from Java, Scala and PySpark), the
 * {@link dev.hotpath.spark.HotpathSql} function and the {@link dev.hotpath.spark.Backtest} command.
 *
 * <p><b>Thread-safety:</b> transformers are configured from one thread and may then transform from any; the SQL
 * function and the per-JVM model cache are thread-safe. <b>Allocation:</b> not a request path; per partition the
 * transformer allocates its batch buffers once and nothing per row for scalar outputs (Spark's own rows aside);
 * the SQL function reuses per-thread buffers.
 */
package dev.hotpath.spark;
