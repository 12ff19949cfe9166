package dev.hotpath.scoring;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Descriptive facts about a loaded model, for logs, metrics, {@code hotpath inspect} and shadow-log attribution.
 * Immutable and thread-safe.
 *
 * @param format the file format, e.g. {@code xgboost-json}, {@code xgboost-ubj}, {@code xgboost-binary},
 *     {@code onnx}, or {@code in-memory}
 * @param formatVersion the version of the software that wrote the file, e.g. {@code 3.4.0}, or {@code ""}
 * @param objective the objective or task, e.g. {@code binary:logistic}; {@code ""} when unknown
 * @param booster the model family, e.g. {@code gbtree}, {@code dart}, {@code gblinear}, {@code onnx}
 * @param numTrees the number of trees scored (0 for non-tree models)
 * @param maxDepth the deepest root-to-leaf path (0 for non-tree models)
 * @param checksum the SHA-256 of the model file in lower-case hex ({@code ""} if not loaded from bytes); this is
 *     the model's identity in shadow logs and swap reports
 * @param source where the model was loaded from (a path), or {@code ""}
 * @param properties further format-specific facts in a stable order (e.g. {@code base_score}); unmodifiable
 */
public record ModelInfo(
        String format,
        String formatVersion,
        String objective,
        String booster,
        int numTrees,
        int maxDepth,
        String checksum,
        String source,
        Map<String, String> properties) {

    /** Copies {@code properties} into an unmodifiable, insertion-ordered map and rejects nulls. */
    public ModelInfo {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(formatVersion, "formatVersion");
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(booster, "booster");
        Objects.requireNonNull(checksum, "checksum");
        Objects.requireNonNull(source, "source");
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /**
     * A short identity for logs and shadow records: the first 12 hex digits of the checksum, or the format when
     * there is no checksum.
     *
     * @return a short, stable id
     */
    public String shortId() {
        return checksum.length() >= 12 ? checksum.substring(0, 12) : format;
    }
}
