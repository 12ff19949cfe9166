package dev.hotpath.cache;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code hotpath cache ...} commands as plain static methods, so the CLI only parses arguments and prints
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
 * <tr><td>{@code hotpath cache repair --view DEF.json --dir D}</td><td>{@link #repair(Path, Path)}</td></tr>
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
                throw new FeatureCacheException("view \"" + view.name() + "\" already exists in " + dir + " but its"
                        + " manifest is unusable (" + e.getMessage() + "). Recover it from the newest valid published"
                        + " generation: hotpath cache repair --view " + viewDefinition + " --dir " + dir, e);
            }
            throw new FeatureCacheException("view \"" + view.name() + "\" already exists in " + dir + " (" + existing
                    + ", " + manifest + "). To rebuild it use `hotpath cache load`; to change its definition, load"
                    + " a new generation with the new definition (`hotpath cache load --definition NEW.json`) or"
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
     * Like {@link #load(String, Path, Path, LoadProgressListener)}, but the new generation follows the definition
     * in {@code viewDefinition} instead of the published one: for a schema change, and to rebuild a view whose
     * manifest is lost or unusable (the published manifest is not read; publishing replaces it).
     *
     * @param viewName the view; must be the definition's name
     * @param dir the cache directory
     * @param csv the CSV file
     * @param viewDefinition the JSON definition file of the new generation
     * @param progress receives progress; may be null
     * @return JSON of the {@link LoadResult}
     * @throws FeatureFileException if the definition, the CSV or a row is invalid, or the definition names another
     *                              view
     */
    public static String load(String viewName, Path dir, Path csv, Path viewDefinition,
                              LoadProgressListener progress) {
        Objects.requireNonNull(viewName, "viewName");
        ChronicleRuntime.ensureReady();
        FeatureView view = FeatureView.fromJson(viewDefinition);
        if (!view.name().equals(viewName)) {
            throw new FeatureFileException(viewDefinition + ": defines view \"" + view.name() + "\", not \"" + viewName
                    + "\"");
        }
        return FeatureCsvLoader.load(dir, view, csv, WriterOptions.defaults(), progress).toJson();
    }

    /**
     * Rebuilds a view's manifest when it is corrupt, half-written or missing, or names a generation file that is gone
     * or damaged: from the definition and the newest generation file that was published and still validates. The
     * broken manifest is kept as {@code <view>.manifest.json.broken-<millis>}. Does nothing (and says so) when the
     * manifest and its generation are valid. Takes the view's build lock, so it is refused while a load runs.
     *
     * @param viewDefinition the JSON definition the view was built with
     * @param dir the cache directory
     * @return JSON: {@code {"view", "repaired", "generation", "file", "manifest", "problem",
     *         "brokenManifestSavedAs" (if moved), "skipped": [{"file", "reason"}]}}
     * @throws FeatureCacheException if no valid published generation with the definition's schema exists (naming
     *                               every file and why it was skipped), or a load is running
     */
    public static String repair(Path viewDefinition, Path dir) {
        return repair(viewDefinition, dir, 0);
    }

    /**
     * {@link #repair(Path, Path)} restoring one given generation (which must validate; it need not carry the
     * published mark, which files written by earlier Hotpath versions lack), even if the manifest is valid.
     *
     * @param viewDefinition the JSON definition the view was built with
     * @param dir the cache directory
     * @param generation the generation to restore; 0 means the newest valid published one
     * @return JSON as for {@link #repair(Path, Path)}
     */
    public static String repair(Path viewDefinition, Path dir, long generation) {
        Objects.requireNonNull(viewDefinition, "viewDefinition");
        Objects.requireNonNull(dir, "dir");
        if (generation < 0) {
            throw new IllegalArgumentException("generation must be >= 0, got " + generation);
        }
        ChronicleRuntime.ensureReady();
        return ManifestRepair.repair(dir, FeatureView.fromJson(viewDefinition), generation);
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
     * the newest write and of the writer's heartbeat, watermark, and every generation file with its state
     * ({@code current}, {@code previous}, {@code building}, {@code orphaned}: left by a build that did not finish,
     * deleted by the next build; {@code superseded}: deleted by the next publish) plus {@code unpublishedBytes}.
     * A view that has generation files but no manifest (a {@code create} that did not finish) is listed with
     * {@code "published": false}.
     *
     * @param dir the cache directory
     * @return JSON: {@code {"dir", "views": [ ... ]}}
     * @throws FeatureFileException if {@code dir} is not a directory
     * @throws FeatureCacheException if any view cannot be read (naming each such view and why), e.g. a corrupt
     *                               manifest, a missing or damaged generation file, or a read-only file system
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
        List<String> problems = new ArrayList<>();
        List<String> views = Manifest.listViews(dir);
        String json = json(g -> {
            g.writeStartObject();
            g.writeStringField("dir", dir.toString());
            g.writeArrayFieldStart("views");
            for (String name : views) {
                try (FeatureReader r = FeatureReader.open(dir, name,
                        ReaderOptions.builder().refreshInterval(Duration.ZERO).build())) {
                    ReaderStats stats = r.stats();
                    g.writeStartObject();
                    stats.writeFields(g);
                    GenerationFiles.writeJson(g, dir, name, Manifest.read(dir, name));
                    g.writeEndObject();
                } catch (FeatureCacheException e) {
                    problems.add("view " + name + ": " + e.getMessage());
                }
            }
            for (String name : Manifest.listViewsWithoutManifest(dir)) {
                g.writeStartObject();
                g.writeStringField("view", name);
                g.writeBooleanField("published", false);
                GenerationFiles.writeJson(g, dir, name, null);
                g.writeEndObject();
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
        if (!problems.isEmpty()) {
            throw new FeatureCacheException("cannot read " + problems.size() + " of " + views.size() + " view(s) in "
                    + dir + ": " + String.join("; ", problems));
        }
        return json;
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

    interface JsonBody {
        void write(JsonGenerator g) throws IOException;
    }

    static String json(JsonBody body) {
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
