package dev.hotpath.formats;

import dev.hotpath.formats.lightgbm.LightgbmOptions;
import dev.hotpath.formats.onnx.OnnxOptions;
import dev.hotpath.formats.xgboost.XgboostOptions;
import dev.hotpath.scoring.ModelLimits;
import java.util.Objects;

/**
 * Options for {@link ModelLoader}: one set per format. Immutable and thread-safe.
 *
 * @param xgboost options used when the file is an XGBoost model
 * @param onnx options used when the file is an ONNX model
 * @param lightgbm options used when the file is a LightGBM text model
 */
public record LoadOptions(XgboostOptions xgboost, OnnxOptions onnx, LightgbmOptions lightgbm) {
    private static final LoadOptions DEFAULTS = new LoadOptions(XgboostOptions.defaults(), OnnxOptions.defaults(),
            LightgbmOptions.defaults());

    /** Rejects nulls. */
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
     */
    public LoadOptions(XgboostOptions xgboost, OnnxOptions onnx) {
        this(xgboost, onnx, LightgbmOptions.defaults());
    }

    /** @return default options for every format */
    public static LoadOptions defaults() {
        return DEFAULTS;
    }

    /**
     * @param limits size limits to apply to every format
     * @return a copy using {@code limits}
     */
    public LoadOptions withLimits(ModelLimits limits) {
        return new LoadOptions(xgboost.withLimits(limits), onnx.toBuilder().limits(limits).build(),
                lightgbm.withLimits(limits));
    }

    /**
     * @param options XGBoost options
     * @return a copy using them
     */
    public LoadOptions withXgboost(XgboostOptions options) {
        return new LoadOptions(options, onnx, lightgbm);
    }

    /**
     * @param options ONNX options
     * @return a copy using them
     */
    public LoadOptions withOnnx(OnnxOptions options) {
        return new LoadOptions(xgboost, options, lightgbm);
    }

    /**
     * @param options LightGBM options
     * @return a copy using them
     */
    public LoadOptions withLightgbm(LightgbmOptions options) {
        return new LoadOptions(xgboost, onnx, options);
    }
}
