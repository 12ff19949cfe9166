/**
 * Deterministic benchmark data: synthetic fraud-like rows, XGBoost4J-trained models cached under
 * {@code jmh/target/bench-data}, and their ONNX export.
 *
 * <p><b>Threading:</b> generation is guarded by file locks; the records are immutable. <b>Allocation:</b> set-up
 * code, allocates freely and is never measured.
 */
package dev.hotpath.bench.data;
