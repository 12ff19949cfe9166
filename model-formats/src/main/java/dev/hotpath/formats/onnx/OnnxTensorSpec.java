package dev.hotpath.formats.onnx;

import java.util.List;
import java.util.Objects;

/**
 * The declared type and shape of one model input or output, as {@code hotpath inspect} shows it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the graph input or output name
 * @param elementType the ONNX element type in lower case, e.g. {@code float}, {@code int64}
 * @param dimensions one entry per axis: a fixed size in decimal, or the symbolic name of a dynamic axis
 *     ({@code N}, {@code batch}, …; {@code ?} when the model gives none). Unmodifiable.
 */
public record OnnxTensorSpec(String name, String elementType, List<String> dimensions) {

    /**
     * Rejects nulls and copies {@code dimensions}.
     *
     * @param name the graph input or output name
     * @param elementType the ONNX element type in lower case
     * @param dimensions one entry per axis
     */
    public OnnxTensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(elementType, "elementType");
        dimensions = List.copyOf(dimensions);
    }

    /** @return e.g. {@code input:float[N,200]} */
    public String describe() {
        return name + ":" + elementType + "[" + String.join(",", dimensions) + "]";
    }

    @Override
    public String toString() {
        return describe();
    }
}
