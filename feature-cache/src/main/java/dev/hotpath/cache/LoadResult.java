package dev.hotpath.cache;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * What a {@link FeatureCsvLoader} load published. Immutable and thread-safe.
 */
public final class LoadResult {
    private final FeatureView view;
    private final long generation;
    private final Path file;
    private final long rows;
    private final long entities;
    private final long duplicates;
    private final long elapsedMillis;
    private final long fileSizeBytes;

    LoadResult(FeatureView view, long generation, Path file, long rows, long entities, long duplicates,
               long elapsedMillis, long fileSizeBytes) {
        this.view = view;
        this.generation = generation;
        this.file = file;
        this.rows = rows;
        this.entities = entities;
        this.duplicates = duplicates;
        this.elapsedMillis = elapsedMillis;
        this.fileSizeBytes = fileSizeBytes;
    }

    /** @return the definition of the published generation */
    public FeatureView view() {
        return view;
    }

    /** @return the published generation */
    public long generation() {
        return generation;
    }

    /** @return the generation's map file */
    public Path file() {
        return file;
    }

    /** @return data rows read */
    public long rows() {
        return rows;
    }

    /** @return distinct entities stored */
    public long entities() {
        return entities;
    }

    /** @return rows whose id repeated an earlier row's (the later row won) */
    public long duplicates() {
        return duplicates;
    }

    /** @return wall time of the load including publishing, in milliseconds */
    public long elapsedMillis() {
        return elapsedMillis;
    }

    /** @return the map file's size in bytes */
    public long fileSizeBytes() {
        return fileSizeBytes;
    }

    /** @return this result as a pretty-printed JSON object */
    public String toJson() {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = Json.FACTORY.createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("view", view.name());
            g.writeStringField("schemaFingerprint", view.fingerprintHex());
            g.writeNumberField("generation", generation);
            g.writeStringField("file", file.getFileName().toString());
            g.writeNumberField("rows", rows);
            g.writeNumberField("entities", entities);
            g.writeNumberField("duplicates", duplicates);
            g.writeNumberField("elapsedMillis", elapsedMillis);
            g.writeNumberField("fileSizeBytes", fileSizeBytes);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    @Override
    public String toString() {
        return "LoadResult{" + view.name() + " generation " + generation + ", rows " + rows + ", entities " + entities
                + ", duplicates " + duplicates + ", " + elapsedMillis + " ms}";
    }
}
