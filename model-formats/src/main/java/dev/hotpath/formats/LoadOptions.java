package dev.hotpath.formats;

import dev.hotpath.formats.onnx.OnnxOptions;
import dev.hotpath.formats.xgboost.XgboostOptions;
import dev.hotpath.scoring.ModelLimits;
import java.util.Objects;

/**
 * Options for {@link ModelLoader}: one set per format. Immutable and thread-safe.
 *
 * @param xgboost options used when the file is an XGBoost model
 * @param onnx options used when the file is an ONNX model
 */
public record LoadOptions(XgboostOptions xgboost, OnnxOptions onnx) {
    private static final LoadOptions DEFAULTS = new LoadOptions(XgboostOptions.defaults(), OnnxOptions.defaults());

    /** Rejects nulls. */
    public LoadOptions {
        Objects.requireNonNull(xgboost, "xgboost");
        Objects.requireNonNull(onnx, "onnx");
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
        return new LoadOptions(xgboost.withLimits(limits), onnx.toBuilder().limits(limits).build());
    }

    /**
     * @param options XGBoost options
     * @return a copy using them
     */
    public LoadOptions withXgboost(XgboostOptions options) {
        return new LoadOptions(options, onnx);
    }

    /**
     * @param options ONNX options
     * @return a copy using them
     */
    public LoadOptions withOnnx(OnnxOptions options) {
        return new LoadOptions(xgboost, options);
    }
}
