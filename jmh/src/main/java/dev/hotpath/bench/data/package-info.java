/**
 * Benchmark inputs: deterministic synthetic fraud-like rows, XGBoost4J-trained models cached under
 * {@code jmh/target/bench-data} (trained with progress, and only those the selected benchmarks need:
 * {@link dev.hotpath.bench.data.PrepareData}, {@link dev.hotpath.bench.data.UsesModels}) and their ONNX export; and
 * a user's own model and rows for {@code OwnModelBenchmark} ({@link dev.hotpath.bench.data.OwnModelInput}).
 *
 * <p><b>Threading:</b> generation is guarded by file locks; the records are immutable; the rest is used from one
 * thread. <b>Allocation:</b> set-up code, allocates freely and is never measured.
 */
package dev.hotpath.bench.data;
