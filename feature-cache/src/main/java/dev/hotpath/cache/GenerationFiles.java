package dev.hotpath.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The generation files of one view, judged against its manifest: which one is served, which earlier published ones
 * are kept, and which were never published (a build that was killed, or one still running).
 *
 * <p>Why it matters: a build killed before {@code publish} leaves its whole pre-allocated file behind (hundreds of MB
 * on a tmpfs). The manifest is the only record of what was published, so a file whose generation is newer than the
 * manifest's was never published: the next build deletes such files (under the view's build lock, when no other
 * build can be running), and retention keeps only files the manifests list as published.
 *
 * <p>Stateless; cold path. Callers that delete must hold the view's {@link BuildLock}.
 */
final class GenerationFiles {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationFiles.class);

    /** What a generation file is, relative to the manifest. */
    enum State {
        /** The generation the manifest names: served. */
        CURRENT,
        /** An earlier published generation the manifest keeps (retention). */
        PREVIOUS,
        /** Newer than the manifest's generation while a build holds the view's lock: being built now. */
        BUILDING,
        /** Newer than the manifest's generation and no build running: left by a build that did not finish. */
        ORPHANED,
        /** Older than the manifest's generation and not kept: deleted by the next publish. */
        SUPERSEDED;

        String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private GenerationFiles() {
    }

    /**
     * Deletes the view's generation files that were never published (generation newer than the manifest's) and stale
     * temporary manifests. Must hold the view's build lock, so no build is running and every such file is a leftover.
     * Does nothing when the manifest is missing or unreadable: what was published is unknown then, and the files may
     * be a view whose manifest was lost ({@code cache repair} recovers it); retention at the next publish that
     * replaces a readable manifest cleans up.
     *
     * @return the bytes freed
     */
    static long deleteUnpublished(Path dir, String viewName) {
        long published;
        try {
            if (!Files.exists(Manifest.path(dir, viewName))) {
                if (!Manifest.listGenerations(dir, viewName).isEmpty()) {
                    LOG.warn("view {}: generation files but no manifest in {}; keeping them (if the manifest was lost,"
                            + " hotpath cache repair recovers the view from them)", viewName, dir);
                }
                return 0;
            }
            published = Manifest.read(dir, viewName).generation;
        } catch (FeatureFileException e) {
            LOG.warn("view {}: manifest unreadable, so unpublished generation files are kept for now: {}", viewName,
                    e.getMessage());
            return 0;
        }
        long freed = 0;
        for (Manifest.GenerationFile f : Manifest.listGenerations(dir, viewName)) {
            if (f.generation > published) {
                long size = sizeOf(f.path);
                if (delete(f.path, viewName, "unpublished generation " + f.generation + " (left by a build that did"
                        + " not finish, e.g. a killed load)", true)) {
                    freed += Math.max(0, size);
                }
            }
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "." + viewName + Manifest.SUFFIX + ".tmp-*")) {
            for (Path p : ds) {
                delete(p, viewName, "temporary manifest of a publish that did not finish", true);
            }
        } catch (IOException e) {
            LOG.warn("view {}: cannot list temporary manifests in {}: {}", viewName, dir, e.toString());
        }
        return freed;
    }

    /**
     * The published generations to keep once {@code outgoing}'s generation is superseded: {@code outgoing}'s own file,
     * then the files it kept, newest first, as far as they still exist, at most {@code retained}.
     *
     * @param outgoing the manifest being replaced, or null if there is none
     */
    static List<String> keptAfter(Path dir, Manifest outgoing, int retained) {
        List<String> keep = new ArrayList<>();
        if (outgoing == null) {
            return keep;
        }
        List<String> candidates = new ArrayList<>();
        candidates.add(outgoing.fileName);
        candidates.addAll(outgoing.previousFiles);
        for (String name : candidates) {
            if (keep.size() >= retained) {
                break;
            }
            if (!keep.contains(name) && Files.isRegularFile(dir.resolve(name))) {
                keep.add(name);
            }
        }
        return keep;
    }

    /**
     * Deletes every generation file of the view older than {@code generation} except {@code keep}. Must hold the
     * view's build lock. Processes still mapping a deleted file keep working (Linux frees it after the last unmap).
     */
    static void deleteSuperseded(Path dir, String viewName, long generation, List<String> keep) {
        Set<String> kept = new HashSet<>(keep);
        for (Manifest.GenerationFile f : Manifest.listGenerations(dir, viewName)) {
            if (f.generation < generation && !kept.contains(f.path.getFileName().toString())) {
                delete(f.path, viewName, "superseded generation " + f.generation, false);
            }
        }
    }

    /**
     * Writes {@code "generationFiles": [{"file", "generation", "sizeBytes", "state"}, ...]} (newest first) and
     * {@code "unpublishedBytes"} for one view.
     *
     * @param manifest the view's manifest, or null if it has none
     */
    static void writeJson(JsonGenerator g, Path dir, String viewName, Manifest manifest) throws IOException {
        boolean building = BuildLock.isHeld(dir, viewName);
        List<Manifest.GenerationFile> files = Manifest.listGenerations(dir, viewName);
        files.sort(Comparator.comparingLong((Manifest.GenerationFile f) -> f.generation).reversed());
        long unpublished = 0;
        g.writeArrayFieldStart("generationFiles");
        for (Manifest.GenerationFile f : files) {
            State state = state(f, manifest, building);
            long size = sizeOf(f.path);
            if (state == State.ORPHANED || state == State.BUILDING) {
                unpublished += Math.max(0, size);
            }
            g.writeStartObject();
            g.writeStringField("file", f.path.getFileName().toString());
            g.writeNumberField("generation", f.generation);
            g.writeNumberField("sizeBytes", size);
            g.writeStringField("state", state.jsonName());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("unpublishedBytes", unpublished);
    }

    static State state(Manifest.GenerationFile f, Manifest manifest, boolean building) {
        long published = manifest == null ? 0 : manifest.generation;
        if (f.generation > published) {
            return building ? State.BUILDING : State.ORPHANED;
        }
        String name = f.path.getFileName().toString();
        if (name.equals(manifest.fileName)) {
            return State.CURRENT;
        }
        return manifest.previousFiles.contains(name) ? State.PREVIOUS : State.SUPERSEDED;
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private static boolean delete(Path p, String viewName, String what, boolean unexpected) {
        try {
            if (Files.deleteIfExists(p)) {
                if (unexpected) {
                    LOG.warn("view {}: deleted {}: {}", viewName, what, p);
                } else {
                    LOG.info("view {}: deleted {}: {}", viewName, what, p);
                }
                return true;
            }
        } catch (IOException e) {
            LOG.warn("view {}: cannot delete {} {}: {}", viewName, what, p, e.toString());
        }
        return false;
    }
}
