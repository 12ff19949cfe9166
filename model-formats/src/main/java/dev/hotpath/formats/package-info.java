/**
 * Loading model files: {@link dev.hotpath.formats.ModelLoader} recognises the format from the content and delegates
 * to the XGBoost reader ({@code dev.hotpath.formats.xgboost}, pure Java), the LightGBM reader
 * ({@code dev.hotpath.formats.lightgbm}, pure Java) or the ONNX reader ({@code dev.hotpath.formats.onnx}, ONNX
 * Runtime, an optional dependency). For files you do not build yourself,
 * {@link dev.hotpath.formats.LoadOptions#withChildJvmCheck} loads and scores each model in a short-lived child JVM
 * ({@link dev.hotpath.formats.ChildJvmCheck}) before it is loaded here, so a native crash cannot take this JVM down.
 *
 * <p><b>Threading:</b> loaders and checks are stateless (or immutable) and thread-safe. <b>Allocation:</b> loading is a cold path and
 * allocates; the loaded models' scoring methods follow {@link dev.hotpath.scoring.Model}'s contract.
 */
package dev.hotpath.formats;
