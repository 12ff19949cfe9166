package dev.hotpath.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.hotpath.scoring.scorer.FeatureStatus;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Everything one {@link FeatureReader#lookup(CharSequence) lookup} found about an entity: the status, the values a
 * {@code read} would have produced (defaults unless {@link FeatureStatus#PRESENT}), and the record's times. For tools
 * and debugging, not the request path. Immutable and thread-safe.
 */
public final class FeatureLookup {
    private final FeatureView view;
    private final long generation;
    private final String id;
    private final FeatureStatus status;
    private final float[] values;
    private final long eventTimeMillis;
    private final long writeTimeMillis;

    FeatureLookup(FeatureView view, long generation, String id, FeatureStatus status, float[] values,
                  long eventTimeMillis, long writeTimeMillis) {
        this.view = view;
        this.generation = generation;
        this.id = id;
        this.status = status;
        this.values = values.clone();
        this.eventTimeMillis = eventTimeMillis;
        this.writeTimeMillis = writeTimeMillis;
    }

    /** @return the definition the values follow */
    public FeatureView view() {
        return view;
    }

    /** @return the generation read, 0 if none was served */
    public long generation() {
        return generation;
    }

    /** @return the id looked up */
    public String id() {
        return id;
    }

    /** @return the read status */
    public FeatureStatus status() {
        return status;
    }

    /** @return a copy of the values (defaults unless present) */
    public float[] values() {
        return values.clone();
    }

    /** @return the record's event time, or -1 when no valid record was found */
    public long eventTimeMillis() {
        return eventTimeMillis;
    }

    /** @return the record's write time, or -1 when no valid record was found */
    public long writeTimeMillis() {
        return writeTimeMillis;
    }

    /**
     * @return {@code {"view", "id", "status", "generation", "schemaFingerprint", "eventTimeMillis",
     *         "writeTimeMillis", "features": {name: value}}}, pretty-printed; NaN is written as {@code "NaN"}
     */
    public String toJson() {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = Json.FACTORY.createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("view", view.name());
            g.writeStringField("id", id);
            g.writeStringField("status", status.name());
            g.writeNumberField("generation", generation);
            g.writeStringField("schemaFingerprint", view.fingerprintHex());
            if (eventTimeMillis >= 0) {
                g.writeNumberField("eventTimeMillis", eventTimeMillis);
                g.writeNumberField("writeTimeMillis", writeTimeMillis);
            }
            g.writeObjectFieldStart("features");
            for (int i = 0; i < values.length; i++) {
                g.writeFieldName(view.featureNames().get(i));
                g.writeNumber(values[i]);
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    @Override
    public String toString() {
        return "FeatureLookup{" + view.name() + "/" + id + " " + status + " generation " + generation + "}";
    }
}
