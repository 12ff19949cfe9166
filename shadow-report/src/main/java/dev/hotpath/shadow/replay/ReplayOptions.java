package dev.hotpath.shadow.replay;

import dev.hotpath.scoring.ConfigurationException;

/**
 * Optional settings of a replay. Immutable and thread-safe; start from {@link #defaults()}.
 *
 * @param modelId the candidate's id in the new log, or -1 to take the smallest id not used in the source log
 * @param name the candidate's name, or {@code null} to derive it from the model's source file or checksum
 * @param version the candidate's version label, or {@code null} for the model's format version
 * @param threshold the candidate's decision threshold, or NaN for the primary's threshold from the source log
 * @param outputIndex which model output is the score, or -1 for the default (the only output, or output 1 of a
 *     two-output model)
 * @param copyFeatures whether the FEATURES records are copied into the new log, so it can be replayed again
 */
public record ReplayOptions(int modelId, String name, String version, float threshold, int outputIndex,
        boolean copyFeatures) {

    /** Validates ranges. */
    public ReplayOptions {
        if (modelId < -1 || modelId > 65534) {
            throw new ConfigurationException("replay modelId must be -1 (auto) or 0..65534, got " + modelId);
        }
        if (Float.isInfinite(threshold)) {
            throw new ConfigurationException("replay threshold must be finite or NaN (auto), got " + threshold);
        }
        if (outputIndex < -1) {
            throw new ConfigurationException("replay outputIndex must be >= -1, got " + outputIndex);
        }
    }

    /** @return automatic id, name, version, threshold and output; features copied */
    public static ReplayOptions defaults() {
        return new ReplayOptions(-1, null, null, Float.NaN, -1, true);
    }

    /**
     * @param id the candidate's id
     * @return a copy with that id
     */
    public ReplayOptions withModelId(int id) {
        return new ReplayOptions(id, name, version, threshold, outputIndex, copyFeatures);
    }

    /**
     * @param n the candidate's name
     * @return a copy with that name
     */
    public ReplayOptions withName(String n) {
        return new ReplayOptions(modelId, n, version, threshold, outputIndex, copyFeatures);
    }

    /**
     * @param t the candidate's threshold
     * @return a copy with that threshold
     */
    public ReplayOptions withThreshold(float t) {
        return new ReplayOptions(modelId, name, version, t, outputIndex, copyFeatures);
    }

    /**
     * @param i the output index
     * @return a copy with that output index
     */
    public ReplayOptions withOutputIndex(int i) {
        return new ReplayOptions(modelId, name, version, threshold, i, copyFeatures);
    }
}
