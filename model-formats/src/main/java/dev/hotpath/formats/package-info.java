/**
 * Loading model files: {@link dev.hotpath.formats.ModelLoader} recognises the format from the content and delegates
 * to the XGBoost reader ({@code dev.hotpath.formats.xgboost}, pure Java), the LightGBM reader
 * ({@code dev.hotpath.formats.lightgbm}, pure Java) or the ONNX reader ({@code dev.hotpath.formats.onnx}, ONNX
 * Runtime).
 *
 * <p><b>Threading:</b> loaders are stateless and thread-safe. <b>Allocation:</b> loading is a cold path and
 * allocates; the loaded models' scoring methods follow {@link dev.hotpath.scoring.Model}'s contract.
 */
package dev.hotpath.formats;
