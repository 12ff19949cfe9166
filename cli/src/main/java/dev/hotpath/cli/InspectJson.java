package dev.hotpath.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelInfo;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the {@code hotpath inspect} document: a pretty-printed JSON object with the keys, in this order,
 * {@code format, format_version, objective, booster, num_features, num_outputs, num_trees, max_depth,
 * feature_names, feature_types, base_score, checksum, source, properties}.
 *
 * <p>{@code feature_types} are lower-case {@link FeatureType} names; {@code base_score} is the model's
 * {@code base_score} property as the string the reader recorded, or {@code null}; {@code properties} holds the
 * other {@link ModelInfo#properties()} as strings.
 *
 * <p>Stateless and thread-safe.
 */
final class InspectJson {
    /** The {@link ModelInfo#properties()} key reported as the top-level {@code base_score}. */
    static final String BASE_SCORE = "base_score";

    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private InspectJson() {
    }

    /**
     * @param model the model to describe
     * @param out receives the JSON and a final newline; flushed, not closed
     * @throws IOException if writing fails
     */
    static void write(Model model, Writer out) throws IOException {
        ModelInfo info = model.info();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("format", info.format());
            g.writeStringField("format_version", info.formatVersion());
            g.writeStringField("objective", info.objective());
            g.writeStringField("booster", info.booster());
            g.writeNumberField("num_features", model.numFeatures());
            g.writeNumberField("num_outputs", model.numOutputs());
            g.writeNumberField("num_trees", info.numTrees());
            g.writeNumberField("max_depth", info.maxDepth());
            g.writeArrayFieldStart("feature_names");
            for (String name : model.featureNames()) {
                g.writeString(name);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("feature_types");
            for (FeatureType type : model.featureTypes()) {
                g.writeString(type.name().toLowerCase(Locale.ROOT));
            }
            g.writeEndArray();
            String baseScore = info.properties().get(BASE_SCORE);
            if (baseScore != null) {
                g.writeStringField("base_score", baseScore);
            } else {
                g.writeNullField("base_score");
            }
            g.writeStringField("checksum", info.checksum());
            g.writeStringField("source", info.source());
            g.writeObjectFieldStart("properties");
            for (Map.Entry<String, String> e : info.properties().entrySet()) {
                if (!e.getKey().equals(BASE_SCORE)) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
    }
}
