package dev.hotpath.formats;

/** The model file formats {@link ModelLoader} recognises from a file's content. */
public enum ModelFormat {
    /** XGBoost JSON, UBJSON or legacy binary ({@code binf}), read in pure Java. */
    XGBOOST,
    /** ONNX, scored through ONNX Runtime. */
    ONNX,
    /** LightGBM text model ({@code save_model} / {@code model_to_string}), read in pure Java. */
    LIGHTGBM
}
