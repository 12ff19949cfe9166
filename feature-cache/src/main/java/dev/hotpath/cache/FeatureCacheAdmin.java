package dev.hotpath.cache;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The four {@code hotpath cache ...} commands as plain static methods, so the CLI only parses arguments and prints
 * the returned JSON. Every method prepares the JVM for Chronicle first ({@link ChronicleJvmFlags#check()}, analytics
 * and banner off) and throws {@link FeatureCacheException} (or {@link dev.hotpath.scoring.ConfigurationException}
 * for missing JVM flags) with a message fit for the user; exit non-zero on those.
 *
 * <table>
 * <caption>CLI mapping</caption>
 * <tr><th>command</th><th>method</th></tr>
 * <tr><td>{@code hotpath cache create --view DEF.json --dir D --entities N}</td><td>{@link #create}</td></tr>
 * <tr><td>{@code hotpath cache load --view NAME --dir D --csv FILE}</td>
 *     <td>{@link #load} with {@link #stderrProgress()}</td></tr>
 * <tr><td>{@code hotpath cache get --view NAME --dir D --id ID}</td><td>{@link #get}</td></tr>
 * <tr><td>{@code hotpath cache stats --dir D}</td><td>{@link #stats}</td></tr>
 * </table>
 *
 * <p>Stateless; thread-safe. Cold path.
 */
public final class FeatureCacheAdmin {
    private FeatureCacheAdmin() {
    }

    /**
     * Creates a view: validates the definition, creates generation 1 sized for {@code entities} (plus headroom), and
     * publishes its manifest. Refuses if the view exists already.
     *
     * @param viewDefinition the JSON definition file ({@link FeatureView} documents the format)
     * @param dir the cache directory (created if absent)
     * @param entities expected number of entities, 1 to {@link FeatureWriter#MAX_ENTITIES}
     * @return JSON: {@code {"view", "schemaFingerprint", "generation", "file", "manifest", "features",
     *         "entriesCapacity", "fileSizeBytes"}}
     * @throws FeatureFileException if the definition is invalid
     * @throws FeatureCacheException if the view exists already
     */
    public static String create(Path viewDefinition, Path dir, long entities) {
        Objects.requireNonNull(viewDefinition, "viewDefinition");
        Objects.requireNonNull(dir, "dir");
        ChronicleRuntime.ensureReady();
        FeatureView view = FeatureView.fromJson(viewDefinition);
        Path manifest = Manifest.path(dir, view.name());
        if (Files.exists(manifest)) {
            String existing;
            try {
                existing = "schema " + Manifest.read(dir, view.name()).view.fingerprintHex();
            } catch (FeatureFileException e) {
                existing = "an unreadable manifest";
            }
            throw new FeatureCacheException("view \"" + view.name() + "\" already exists in " + dir + " (" + existing
                    + ", " + manifest + "). To rebuild it use `hotpath cache load`; to change its definition, load"
                    + " a new generation with the new definition (FeatureCsvLoader.load(dir, newView, ...)) or"
                    + " create a view under a new name.");
        }
        try (FeatureWriter w = FeatureWriter.createGeneration(dir, view, entities,
                WriterOptions.builder().heartbeatInterval(Duration.ZERO).build())) {
            w.publish();
            WriterStats s = w.stats();
            return json(g -> {
                g.writeStartObject();
                g.writeStringField("view", view.name());
                g.writeStringField("schemaFingerprint", view.fingerprintHex());
                g.writeNumberField("generation", w.generation());
                g.writeStringField("file", w.file().getFileName().toString());
                g.writeStringField("manifest", manifest.toString());
                g.writeNumberField("features", view.dimension());
                g.writeNumberField("entriesCapacity", s.entriesCapacity());
                g.writeNumberField("fileSizeBytes", s.fileSizeBytes());
                g.writeEndObject();
            });
        }
    }

    /**
     * Builds a new generation of an existing view from a CSV file ({@link FeatureCsvLoader} documents the format)
     * and publishes it when complete.
     *
     * @param viewName the view
     * @param dir the cache directory
     * @param csv the CSV file
     * @param progress receives progress (use {@link #stderrProgress()} in the CLI); may be null
     * @return JSON of the {@link LoadResult}
     * @throws FeatureFileException if the view, the CSV or a row is invalid (naming file, line, column)
     */
    public static String load(String viewName, Path dir, Path csv, LoadProgressListener progress) {
        return FeatureCsvLoader.load(dir, viewName, csv, WriterOptions.defaults(), progress).toJson();
    }

    /**
     * Reads one entity as a scoring process would.
     *
     * @param viewName the view
     * @param dir the cache directory
     * @param id the entity id (decimal for long-keyed views)
     * @return JSON: {@code {"view", "id", "status", "generation", "schemaFingerprint", "eventTimeMillis",
     *         "writeTimeMillis", "features": {name: value}}}; times are present only when a record was found; NaN
     *         is written as {@code "NaN"}
     * @throws FeatureFileException if the view's manifest or generation is missing or corrupt
     */
    public static String get(String viewName, Path dir, String id) {
        Objects.requireNonNull(id, "id");
        try (FeatureReader r = FeatureReader.open(dir, viewName,
                ReaderOptions.builder().refreshInterval(Duration.ZERO).build())) {
            return r.lookup(id).toJson();
        }
    }

    /**
     * Describes every view in a directory: definition summary, generation, entries, capacity, file size, age of
     * the newest write and of the writer's heartbeat, watermark. A view whose files are broken is listed with an
     * {@code "error"} instead of failing the whole command.
     *
     * @param dir the cache directory
     * @return JSON: {@code {"dir", "views": [ ... ]}}
     * @throws FeatureFileException if {@code dir} is not a directory
     */
    public static String stats(Path dir) {
        return stats(dir, null, null);
    }

    /**
     * Extra per-view information for {@link #stats(Path, String, StatsSection)}, supplied by a module that knows
     * more about a view than its files (e.g. the state of a stream follower that keeps it fresh).
     */
    @FunctionalInterface
    public interface StatsSection {
        /**
         * @param dir the cache directory
         * @param viewName a view that has a manifest in {@code dir}
         * @return a complete JSON value describing the view, or null if there is nothing to add for it
         */
        String json(Path dir, String viewName);
    }

    /**
     * {@link #stats(Path)} plus a top-level array {@code sectionName} holding {@code section}'s JSON for every view
     * it describes (views it returns null for are left out).
     *
     * @param dir the cache directory
     * @param sectionName name of the extra array, e.g. {@code "followers"}; null for none
     * @param section supplies each view's entry; null for none
     * @return JSON: {@code {"dir", "views": [ ... ], sectionName: [ ... ]}}
     * @throws FeatureFileException if {@code dir} is not a directory
     */
    public static String stats(Path dir, String sectionName, StatsSection section) {
        Objects.requireNonNull(dir, "dir");
        ChronicleRuntime.ensureReady();
        if (!Files.isDirectory(dir)) {
            throw new FeatureFileException(dir + ": not a directory");
        }
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("dir", dir.toString());
            g.writeArrayFieldStart("views");
            for (String name : Manifest.listViews(dir)) {
                try (FeatureReader r = FeatureReader.open(dir, name,
                        ReaderOptions.builder().refreshInterval(Duration.ZERO).build())) {
                    r.stats().writeJson(g);
                } catch (FeatureCacheException e) {
                    g.writeStartObject();
                    g.writeStringField("view", name);
                    g.writeStringField("error", e.getMessage());
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            if (sectionName != null && section != null) {
                g.writeArrayFieldStart(sectionName);
                for (String name : Manifest.listViews(dir)) {
                    String extra = section.json(dir, name);
                    if (extra != null) {
                        // Copied token by token, so it is checked and printed like the rest.
                        try (com.fasterxml.jackson.core.JsonParser p = Json.FACTORY.createParser(extra)) {
                            p.nextToken();
                            g.copyCurrentStructure(p);
                        }
                    }
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        });
    }

    /**
     * @return a progress listener for {@link #load} that prints lines like
     *         {@code "loaded 300000 / 1000000 rows (30%)"} to standard error
     */
    public static LoadProgressListener stderrProgress() {
        return progressTo(System.err);
    }

    static LoadProgressListener progressTo(PrintStream out) {
        return (done, total) -> out.println("loaded " + done + " / " + total + " rows ("
                + (total == 0 ? 100 : done * 100 / total) + "%)");
    }

    private interface JsonBody {
        void write(JsonGenerator g) throws IOException;
    }

    private static String json(JsonBody body) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = Json.FACTORY.createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }
}
