/**
 * ONNX models scored through ONNX Runtime Java 1.23.2, behind Hotpath's {@link dev.hotpath.scoring.Model} API.
 *
 * <pre>{@code
 * try (OnnxModel model = OnnxReader.read(Path.of("fraud.onnx"), OnnxOptions.defaults())) {
 *     float[] row = new float[model.numFeatures()];   // reuse per thread
 *     row[0] = 42.5f;
 *     float p = model.score(row);                    // single-output models
 * }
 * }</pre>
 *
 * <p><b>Entry points:</b> {@link dev.hotpath.formats.onnx.OnnxReader#read(java.nio.file.Path, OnnxOptions)} loads
 * and validates a {@code .onnx} file (what is accepted, which output is scored and where feature names come from
 * are documented there); {@link dev.hotpath.formats.onnx.OnnxReader#looksLikeOnnx(byte[], int)} sniffs the format;
 * {@link dev.hotpath.formats.onnx.OnnxOptions} holds session options and limits;
 * {@link dev.hotpath.formats.onnx.OnnxNativeLibraries} pre-extracts the native library for
 * {@code -Donnxruntime.native.path}; {@link dev.hotpath.formats.onnx.OnnxRuntimeSupport} says whether ONNX Runtime
 * (an optional dependency of this module) is on the class path, without loading it;
 * {@link dev.hotpath.formats.onnx.OnnxLogLevel} quiets ONNX Runtime's native stderr logging. Before ONNX Runtime
 * sees a file, its protobuf structure and every {@code ai.onnx.ml} tree ensemble are validated in Java, because
 * ONNX Runtime aborts the JVM on some corrupt ones (see {@code README-onnx.md} for what remains).
 *
 * <p><b>Threading:</b> every public type is immutable and thread-safe except {@code OnnxOptions.Builder}. One
 * ONNX Runtime session per model is shared by all threads; each scoring thread gets its own preallocated tensors on
 * its first call. {@link dev.hotpath.formats.onnx.OnnxModel#close()} is safe while other threads are scoring.
 *
 * <p><b>Allocation:</b> the scoring methods add no allocation of their own after a thread's first call. ONNX
 * Runtime's public Java API allocates a fixed amount inside every {@code run} (about 368 B for one input and one
 * output, measured; see {@code BENCHMARKS.md}); this is the one documented exception to Hotpath's zero-allocation
 * rule. Loading is a cold path and allocates freely.
 */
package dev.hotpath.formats.onnx;
