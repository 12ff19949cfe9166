/**
 * A tiny protobuf encoder and an XGBoost → ONNX {@code TreeEnsembleClassifier} writer, so the benchmark can run the
 * same trees in ONNX Runtime without a protobuf library or Python.
 *
 * <p><b>Threading:</b> writers are single-threaded; the static converter is stateless. <b>Allocation:</b> model
 * generation time only.
 */
package dev.hotpath.bench.onnx;
