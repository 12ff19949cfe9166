package dev.hotpath.formats;

import dev.hotpath.formats.lightgbm.LightgbmOptions;
import dev.hotpath.formats.onnx.OnnxOptions;
import dev.hotpath.formats.xgboost.XgboostOptions;
import dev.hotpath.scoring.ModelLimits;
import java.util.Objects;

/**
 * Options for {@link ModelLoader}: one set per format, and whether to check the model in a child JVM first.
 * Immutable and thread-safe.
 *
 * @param xgboost options used when the file is an XGBoost model
 * @param onnx options used when the file is an ONNX model
 * @param childJvmCheck when not {@code null}, every load first loads and scores the model in a short-lived child
 *     JVM (see {@link ChildJvmCheck}) and loads it here only if that succeeded; {@code null} (the default) loads
 *     in this JVM directly
 * @param lightgbm options used when the file is a LightGBM text model
 */
public record LoadOptions(XgboostOptions xgboost, OnnxOptions onnx, ChildJvmCheck childJvmCheck,
                          LightgbmOptions lightgbm) {
    private static final LoadOptions DEFAULTS = new LoadOptions(XgboostOptions.defaults(), OnnxOptions.defaults());

    /** Rejects {@code null} format options. */
    public LoadOptions {
        Objects.requireNonNull(xgboost, "xgboost");
        Objects.requireNonNull(onnx, "onnx");
        Objects.requireNonNull(lightgbm, "lightgbm");
    }

    /**
     * Options with LightGBM's defaults.
     *
     * @param xgboost options used when the file is an XGBoost model
     * @param onnx options used when the file is an ONNX model
     * @param childJvmCheck the child-JVM check, or {@code null} to load in this JVM directly
     */
    public LoadOptions(XgboostOptions xgboost, OnnxOptions onnx, ChildJvmCheck childJvmCheck) {
        this(xgboost, onnx, childJvmCheck, LightgbmOptions.defaults());
    }

    /**
     * Options that load in this JVM only, with LightGBM's defaults.
     *
     * @param xgboost options used when the file is an XGBoost model
     * @param onnx options used when the file is an ONNX model
     */
    public LoadOptions(XgboostOptions xgboost, OnnxOptions onnx) {
        this(xgboost, onnx, null);
    }

    /** @return default options for every format, no child-JVM check */
    public static LoadOptions defaults() {
        return DEFAULTS;
    }

    /**
     * @param limits limits applied to every format
     * @return a copy using {@code limits}
     */
    public LoadOptions withLimits(ModelLimits limits) {
        return new LoadOptions(xgboost.withLimits(limits), onnx.toBuilder().limits(limits).build(), childJvmCheck,
                lightgbm.withLimits(limits));
    }

    /**
     * @param options XGBoost options
     * @return a copy using them
     */
    public LoadOptions withXgboost(XgboostOptions options) {
        return new LoadOptions(options, onnx, childJvmCheck, lightgbm);
    }

    /**
     * @param options ONNX options
     * @return a copy using them
     */
    public LoadOptions withOnnx(OnnxOptions options) {
        return new LoadOptions(xgboost, options, childJvmCheck, lightgbm);
    }

    /**
     * @param options LightGBM options
     * @return a copy using them
     */
    public LoadOptions withLightgbm(LightgbmOptions options) {
        return new LoadOptions(xgboost, onnx, childJvmCheck, options);
    }

    /**
     * The safe way to load a model you did not build: check it in a child JVM before it reaches this one.
     *
     * @param check the check, or {@code null} to load in this JVM directly
     * @return a copy using it
     */
    public LoadOptions withChildJvmCheck(ChildJvmCheck check) {
        return new LoadOptions(xgboost, onnx, check, lightgbm);
    }
}
