/**
 * JMH benchmarks comparing Hotpath with its peers (XGBoost4J, ONNX Runtime) in the same run, with allocation
 * measured by {@code -prof gc}. Run them from the shaded jar with {@code jmh/run.sh} (see {@code jmh/README.md});
 * {@code jmh/smoke.sh} is the CI allocation gate. {@link dev.hotpath.bench.OwnModelBenchmark} runs the tree benchmarks
 * on a model file and rows of the user's choosing. Benchmark classes and method names are a contract: scripts and
 * {@code BENCHMARKS.md} refer to them.
 *
 * <p><b>Threading:</b> JMH state objects are per thread ({@code Scope.Thread}). <b>Allocation:</b> every
 * {@code hotpath…} method must allocate nothing ({@link dev.hotpath.bench.ZeroAllocation}; over an ONNX model, nothing
 * beyond ONNX Runtime's own per-call allocation); peers may allocate.
 */
package dev.hotpath.bench;
