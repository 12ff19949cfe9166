package dev.hotpath.shadow.log;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import dev.hotpath.scoring.ConfigurationException;

/**
 * Identity of a primary or shadow model as recorded in a log's MODEL_INFO records: the report names models by
 * these, never by position, so a log read a month later still says which artefact produced which score.
 * Immutable and thread-safe; allocation only at construction.
 *
 * @param modelId the u16 id used in COMPARISON records, {@code 0..65534}
 * @param role {@link ShadowLogFormat#ROLE_PRIMARY} or {@link ShadowLogFormat#ROLE_SHADOW}
 * @param name a human name, e.g. {@code fraud-v8}
 * @param version a version label, e.g. a date or build number; may be empty
 * @param checksum the artefact's SHA-256 (from {@code ModelInfo.checksum()}); may be empty
 * @param description free text, e.g. format and objective; may be empty
 * @param threshold the decision threshold (score {@code >=} threshold blocks); NaN when unknown
 * @param numFeatures the model's input width, or -1 when unknown
 * @param outputIndex which model output is the score
 * @param latencyBudgetNanos the latency budget of a shadow, 0 when none
 */
public record ModelDescriptor(int modelId, int role, String name, String version, String checksum,
        String description, float threshold, int numFeatures, int outputIndex, long latencyBudgetNanos) {

    /** Validates every field eagerly. */
    public ModelDescriptor {
        if (modelId < 0 || modelId >= ShadowLogFormat.SCOPE_GLOBAL) {
            throw new ConfigurationException("model id must be in 0..65534, got " + modelId);
        }
        if (role != ShadowLogFormat.ROLE_PRIMARY && role != ShadowLogFormat.ROLE_SHADOW) {
            throw new ConfigurationException("model role must be 0 (primary) or 1 (shadow), got " + role);
        }
        checkString("name", name);
        checkString("version", version);
        checkString("checksum", checksum);
        checkString("description", description);
        if (name.isEmpty()) {
            throw new ConfigurationException("model " + modelId + ": name must not be empty");
        }
    }

    private static void checkString(String field, String value) {
        Objects.requireNonNull(value, field);
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > ShadowLogFormat.MAX_MODEL_STRING_BYTES) {
            throw new ConfigurationException("model " + field + " is " + bytes + " UTF-8 bytes; at most "
                    + ShadowLogFormat.MAX_MODEL_STRING_BYTES + " are stored");
        }
    }

    /** @return whether this describes a primary model */
    public boolean isPrimary() {
        return role == ShadowLogFormat.ROLE_PRIMARY;
    }

    /** @return {@code name} plus {@code @version} when a version is set, for display */
    public String label() {
        return version.isEmpty() ? name : name + "@" + version;
    }

    String[] strings() {
        return new String[] {name, version, checksum, description};
    }
}
