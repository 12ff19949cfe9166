package dev.hotpath.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.hotpath.scoring.HotpathException;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The manifest of one view: {@code <dir>/<view>.manifest.json}. It embeds the view definition and names the
 * current generation's map file ({@code <view>.<fingerprint>.<generation>.cm3}). It is replaced atomically (write
 * a temporary file, fsync, rename, fsync the directory), so readers see either the old or the new version, never
 * a partial one. Immutable, thread-safe; every method is a cold path.
 */
final class Manifest {
    static final int FORMAT_VERSION = 1;
    static final String SUFFIX = ".manifest.json";
    static final long MAX_MANIFEST_BYTES = 8L << 20;
    private static final Pattern GENERATION_FILE =
            Pattern.compile("([A-Za-z0-9_-]{1,64})\\.([0-9a-f]{8})\\.([0-9]{6,19})\\.cm3");

    final FeatureView view;
    final long generation;
    final String fileName;
    final int recordSize;
    final long entriesCapacity;
    final int averageKeyBytes;
    final long createdAtMillis;
    final long writerPid;
    /**
     * File names of earlier <em>published</em> generations that are kept (newest first): retention keeps only these,
     * so a file a killed build left behind is never kept as "the previous generation". Optional in the JSON (absent
     * in manifests written before it existed).
     */
    final List<String> previousFiles;

    Manifest(FeatureView view, long generation, int recordSize, long entriesCapacity, int averageKeyBytes,
             long createdAtMillis, long writerPid) {
        this(view, generation, recordSize, entriesCapacity, averageKeyBytes, createdAtMillis, writerPid, List.of());
    }

    private Manifest(FeatureView view, long generation, int recordSize, long entriesCapacity, int averageKeyBytes,
                     long createdAtMillis, long writerPid, List<String> previousFiles) {
        this.view = Objects.requireNonNull(view);
        this.generation = generation;
        this.fileName = generationFileName(view.name(), view.fingerprint(), generation);
        this.recordSize = recordSize;
        this.entriesCapacity = entriesCapacity;
        this.averageKeyBytes = averageKeyBytes;
        this.createdAtMillis = createdAtMillis;
        this.writerPid = writerPid;
        this.previousFiles = List.copyOf(previousFiles);
    }

    /** @return this manifest with {@link #previousFiles} replaced */
    Manifest withPreviousFiles(List<String> files) {
        return new Manifest(view, generation, recordSize, entriesCapacity, averageKeyBytes, createdAtMillis, writerPid,
                files);
    }

    static Path path(Path dir, String viewName) {
        return dir.resolve(viewName + SUFFIX);
    }

    static String generationFileName(String viewName, int fingerprint, long generation) {
        return String.format("%s.%08x.%06d.cm3", viewName, fingerprint, generation);
    }

    Path file(Path dir) {
        return dir.resolve(fileName);
    }

    /**
     * @param dir the directory the parsed path is resolved in
     * @param viewName the view
     * @param fileName a file name
     * @return the parsed name if it is a generation file of {@code viewName}, else null
     */
    static GenerationFile parseGenerationFileName(Path dir, String viewName, String fileName) {
        Matcher m = GENERATION_FILE.matcher(fileName);
        if (!m.matches() || !m.group(1).equals(viewName)) {
            return null;
        }
        return new GenerationFile(dir.resolve(fileName), Integer.parseUnsignedInt(m.group(2), 16),
                Long.parseLong(m.group(3)));
    }

    /** A parsed generation file name. */
    static final class GenerationFile {
        final Path path;
        final int fingerprint;
        final long generation;

        GenerationFile(Path path, int fingerprint, long generation) {
            this.path = path;
            this.fingerprint = fingerprint;
            this.generation = generation;
        }
    }

    /** Lists the generation files of one view in {@code dir}, in no particular order. */
    static List<GenerationFile> listGenerations(Path dir, String viewName) {
        List<GenerationFile> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, viewName + ".*.cm3")) {
            for (Path p : ds) {
                GenerationFile f = parseGenerationFileName(dir, viewName, p.getFileName().toString());
                if (f != null) {
                    out.add(f);
                }
            }
        } catch (IOException e) {
            throw new FeatureFileException(dir + ": cannot list generation files of view " + viewName + ": " + e, e);
        }
        return out;
    }

    /** Lists the view names that have a generation file but no manifest in {@code dir} (killed creates), sorted. */
    static List<String> listViewsWithoutManifest(Path dir) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.cm3")) {
            for (Path p : ds) {
                Matcher m = GENERATION_FILE.matcher(p.getFileName().toString());
                if (m.matches() && !Files.exists(path(dir, m.group(1)))) {
                    names.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new FeatureFileException(dir + ": cannot list generation files: " + e, e);
        }
        return new ArrayList<>(names);
    }

    /** Lists the view names that have a manifest in {@code dir}, sorted. */
    static List<String> listViews(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                names.add(f.substring(0, f.length() - SUFFIX.length()));
            }
        } catch (IOException e) {
            throw new FeatureFileException(dir + ": cannot list manifests: " + e, e);
        }
        names.sort(null);
        return names;
    }

    // --------------------------------------------------------------------------------------------- reading

    /**
     * Reads and validates a view's manifest.
     *
     * @throws FeatureFileException if it is missing or corrupt (naming the file and the field)
     */
    static Manifest read(Path dir, String viewName) {
        byte[] bytes = readBytes(dir, viewName);
        if (bytes == null) {
            Path file = path(dir, viewName);
            throw new FeatureFileException(file + ": manifest of view \"" + viewName + "\" not found in " + dir
                    + " (create the view first: hotpath cache create --view DEF.json --dir " + dir + " ...)");
        }
        return parse(bytes, dir, viewName);
    }

    /**
     * The manifest's raw bytes (readers compare them to notice a flip: unlike inode and mtime, which a file system
     * may reuse or round, two different manifests always differ in content), or null if there is none.
     */
    static byte[] readBytes(Path dir, String viewName) {
        Path file = path(dir, viewName);
        try {
            long size = Files.size(file);
            if (size > MAX_MANIFEST_BYTES) {
                throw new FeatureFileException(file + ": manifest is " + size + " bytes, more than the limit of "
                        + MAX_MANIFEST_BYTES);
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new FeatureFileException(file + ": cannot read manifest: " + e, e);
        }
    }

    /** Parses and validates manifest bytes read from {@code dir}'s manifest of {@code viewName}. */
    static Manifest parse(byte[] bytes, Path dir, String viewName) {
        Path file = path(dir, viewName);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new FeatureFileException(file + ": corrupt manifest: not valid UTF-8", e);
        }
        Manifest m = parse(text, file.toString());
        if (!m.view.name().equals(viewName)) {
            throw new FeatureFileException(file + ": manifest is for view \"" + m.view.name() + "\", expected \""
                    + viewName + "\"");
        }
        return m;
    }

    static Manifest parse(String json, String source) {
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new FeatureFileException(source + ": corrupt manifest: expected a JSON object");
            }
            Integer formatVersion = null;
            Integer layoutVersion = null;
            FeatureView view = null;
            String fingerprint = null;
            Long generation = null;
            String fileName = null;
            Integer recordSize = null;
            Long capacity = null;
            Integer averageKeyBytes = null;
            Long createdAt = null;
            Long pid = null;
            List<String> previous = List.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "formatVersion":
                        formatVersion = Json.expectInt(p, t, source, field);
                        break;
                    case "layoutVersion":
                        layoutVersion = Json.expectInt(p, t, source, field);
                        break;
                    case "view":
                        if (t != JsonToken.START_OBJECT) {
                            throw new FeatureFileException(source + ": corrupt manifest: \"view\" must be an object");
                        }
                        view = FeatureView.readObject(p, source + " (field view)");
                        break;
                    case "schemaFingerprint":
                        fingerprint = Json.expectString(p, t, source, field);
                        break;
                    case "generation":
                        generation = Json.expectLong(p, t, source, field);
                        break;
                    case "file":
                        fileName = Json.expectString(p, t, source, field);
                        break;
                    case "recordSize":
                        recordSize = Json.expectInt(p, t, source, field);
                        break;
                    case "entriesCapacity":
                        capacity = Json.expectLong(p, t, source, field);
                        break;
                    case "averageKeyBytes":
                        averageKeyBytes = Json.expectInt(p, t, source, field);
                        break;
                    case "createdAtMillis":
                        createdAt = Json.expectLong(p, t, source, field);
                        break;
                    case "writerPid":
                        pid = Json.expectLong(p, t, source, field);
                        break;
                    case "previousFiles":
                        previous = readPreviousFiles(p, t, source);
                        break;
                    default:
                        // Unknown fields are tolerated so a newer writer's additions do not break older readers;
                        // formatVersion guards incompatible changes.
                        p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new FeatureFileException(source + ": corrupt manifest: truncated or trailing content");
            }
            require(source, "formatVersion", formatVersion);
            require(source, "layoutVersion", layoutVersion);
            require(source, "view", view);
            require(source, "schemaFingerprint", fingerprint);
            require(source, "generation", generation);
            require(source, "file", fileName);
            require(source, "recordSize", recordSize);
            require(source, "entriesCapacity", capacity);
            require(source, "averageKeyBytes", averageKeyBytes);
            require(source, "createdAtMillis", createdAt);
            require(source, "writerPid", pid);
            if (formatVersion != FORMAT_VERSION) {
                throw new FeatureFileException(source + ": manifest formatVersion " + formatVersion
                        + " is not supported (expected " + FORMAT_VERSION + ")");
            }
            if (layoutVersion != RecordLayout.LAYOUT_VERSION) {
                throw new FeatureFileException(source + ": record layoutVersion " + layoutVersion
                        + " is not supported (expected " + RecordLayout.LAYOUT_VERSION + ")");
            }
            if (!fingerprint.equals(view.fingerprintHex())) {
                throw new FeatureFileException(source + ": corrupt manifest: schemaFingerprint " + fingerprint
                        + " does not match the embedded view definition (" + view.fingerprintHex() + ")");
            }
            if (generation < 1) {
                throw new FeatureFileException(source + ": corrupt manifest: generation must be >= 1, got "
                        + generation);
            }
            if (recordSize != RecordLayout.recordSize(view.dimension())) {
                throw new FeatureFileException(source + ": corrupt manifest: recordSize " + recordSize
                        + " does not match " + view.dimension() + " features (expected "
                        + RecordLayout.recordSize(view.dimension()) + ")");
            }
            if (capacity < 1 || averageKeyBytes < 1) {
                throw new FeatureFileException(source + ": corrupt manifest: entriesCapacity and averageKeyBytes"
                        + " must be positive");
            }
            Manifest m = new Manifest(view, generation, recordSize, capacity, averageKeyBytes, createdAt, pid,
                    previous);
            if (!m.fileName.equals(fileName)) {
                throw new FeatureFileException(source + ": corrupt manifest: file \"" + fileName
                        + "\" does not match view, fingerprint and generation (expected \"" + m.fileName + "\")");
            }
            for (String f : previous) {
                GenerationFile g = parseGenerationFileName(Path.of("."), view.name(), f);
                if (g == null || g.generation >= generation) {
                    throw new FeatureFileException(source + ": corrupt manifest: previousFiles entry \""
                            + HotpathException.printable(f) + "\" is not a file name of an earlier generation of view " + view.name());
                }
            }
            return m;
        } catch (IOException e) {
            throw new FeatureFileException(source + ": corrupt manifest (malformed JSON): " + e.getMessage(), e);
        }
    }

    private static final int MAX_PREVIOUS_FILES = 1000;

    private static List<String> readPreviousFiles(JsonParser p, JsonToken t, String source) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            throw new FeatureFileException(source + ": corrupt manifest: \"previousFiles\" must be an array of file"
                    + " names");
        }
        List<String> out = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            if (e != JsonToken.VALUE_STRING || out.size() >= MAX_PREVIOUS_FILES) {
                throw new FeatureFileException(source + ": corrupt manifest: \"previousFiles\" must be an array of at"
                        + " most " + MAX_PREVIOUS_FILES + " file names");
            }
            out.add(p.getText());
        }
        return out;
    }

    private static void require(String source, String field, Object value) {
        if (value == null) {
            throw new FeatureFileException(source + ": corrupt manifest: missing field \"" + field + "\"");
        }
    }

    // --------------------------------------------------------------------------------------------- writing

    String toJson() {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = Json.FACTORY.createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("formatVersion", FORMAT_VERSION);
            g.writeNumberField("layoutVersion", RecordLayout.LAYOUT_VERSION);
            g.writeFieldName("view");
            view.writeObject(g);
            g.writeStringField("schemaFingerprint", view.fingerprintHex());
            g.writeNumberField("generation", generation);
            g.writeStringField("file", fileName);
            g.writeStringField("dtype", "f32");
            g.writeNumberField("dimension", view.dimension());
            g.writeNumberField("recordSize", recordSize);
            g.writeNumberField("entriesCapacity", entriesCapacity);
            g.writeNumberField("averageKeyBytes", averageKeyBytes);
            g.writeNumberField("createdAtMillis", createdAtMillis);
            g.writeNumberField("writerPid", writerPid);
            if (!previousFiles.isEmpty()) {
                g.writeArrayFieldStart("previousFiles");
                for (String f : previousFiles) {
                    g.writeString(f);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString() + "\n";
    }

    /**
     * Atomically replaces the view's manifest with this one.
     *
     * @throws FeatureCacheException if the file system refuses
     */
    void writeAtomically(Path dir) {
        Path target = path(dir, view.name());
        Path tmp = dir.resolve("." + view.name() + SUFFIX + ".tmp-" + ProcessHandle.current().pid() + "-"
                + System.nanoTime());
        byte[] bytes = toJson().getBytes(StandardCharsets.UTF_8);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new FeatureCacheException(dir + ": the file system cannot rename atomically; the feature"
                        + " cache needs a local POSIX file system (tmpfs, ext4, xfs)", e);
            }
            fsyncDirectory(dir);
        } catch (IOException e) {
            throw new FeatureCacheException(target + ": cannot write manifest: " + e, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // Best effort: a stray temporary file is harmless (hidden name, never read).
            }
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Some file systems cannot fsync a directory; the rename itself is still atomic.
        }
    }

}
