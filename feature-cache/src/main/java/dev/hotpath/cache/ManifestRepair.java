package dev.hotpath.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Rebuilds a view's manifest from its definition and the newest valid <em>published</em> generation file, for when
 * the manifest is corrupt or half-written, missing, or names a generation file that is gone or damaged.
 *
 * <p>A generation counts as published when its meta record carries {@link RecordLayout#FLAG_PUBLISHED} (set just
 * before each manifest flip): a file a killed build left behind is never chosen. Each candidate must also open and
 * pass the same validation as a reader's open (Chronicle header, file length, key and value classes, meta record's
 * fingerprint, generation and dimension). The unusable manifest is kept next to the new one as
 * {@code <view>.manifest.json.broken-<millis>}.
 *
 * <p>Runs under the view's build lock (refused while a load is running). Stateless; cold path.
 */
final class ManifestRepair {
    private static final Logger LOG = LoggerFactory.getLogger(ManifestRepair.class);

    private ManifestRepair() {
    }

    /**
     * @param generation the generation to restore, or 0 for the newest valid published one (a forced generation
     *                   need not carry the published mark: files written before the mark existed lack it)
     * @return JSON describing what was done
     */
    static String repair(Path dir, FeatureView view, long generation) {
        ChronicleRuntime.ensureReady();
        if (!Files.isDirectory(dir)) {
            throw new FeatureFileException(dir + ": not a directory");
        }
        String name = view.name();
        BuildLock lock = BuildLock.acquire(dir, name);
        try {
            Path manifestPath = Manifest.path(dir, name);
            String problem;
            Manifest current = null;
            if (!Files.exists(manifestPath)) {
                problem = "missing";
            } else {
                try {
                    current = Manifest.read(dir, name);
                    problem = null;
                } catch (FeatureFileException e) {
                    problem = e.getMessage();
                }
            }
            if (current != null) {
                if (current.view.fingerprint() != view.fingerprint()) {
                    throw new FeatureCacheException(manifestPath + ": the manifest is readable and follows schema "
                            + current.view.fingerprintHex() + ", but the given definition has schema "
                            + view.fingerprintHex() + "; pass the definition the view was built with");
                }
                if (generation == 0) {
                    try {
                        MapHandle.openExisting(dir, current).close();
                        return result(dir, view, false, current, "none: the manifest and generation "
                                + current.generation + " are valid", null, List.of());
                    } catch (FeatureFileException e) {
                        problem = "its generation " + current.generation + " is unusable: " + e.getMessage();
                    }
                } else {
                    problem = "generation " + generation + " requested";
                }
            }

            List<Manifest.GenerationFile> files = Manifest.listGenerations(dir, name);
            files.sort(Comparator.comparingLong((Manifest.GenerationFile f) -> f.generation).reversed());
            List<String[]> skipped = new ArrayList<>();
            Manifest chosen = null;
            for (Manifest.GenerationFile f : files) {
                String file = f.path.getFileName().toString();
                if (generation != 0 && f.generation != generation) {
                    continue;
                }
                if (f.fingerprint != view.fingerprint()) {
                    skipped.add(new String[] {file, String.format("schema %08x, not the definition's %s",
                            f.fingerprint, view.fingerprintHex())});
                    continue;
                }
                String why = null;
                Manifest probe = probeManifest(view, f.generation, 1);
                try (MapHandle h = MapHandle.openExisting(dir, probe)) {
                    MapHandle.Meta meta = h.metaLocked ? null : h.readMeta();
                    if (meta == null) {
                        why = "its meta record is unreadable (a process died holding its lock)";
                    } else if (!meta.published && generation == 0) {
                        why = "never published (left by a build that did not finish)";
                    } else {
                        long capacity = meta.entriesCapacity > 0 ? meta.entriesCapacity
                                : Math.max(1, h.entityCount());
                        chosen = new Manifest(view, f.generation, probe.recordSize, capacity, probe.averageKeyBytes,
                                meta.createdAtMillis, meta.writerPid);
                    }
                } catch (FeatureCacheException e) {
                    why = e.getMessage();
                }
                if (chosen != null) {
                    break;
                }
                skipped.add(new String[] {file, why});
            }
            if (chosen == null) {
                StringBuilder msg = new StringBuilder("view ").append(name).append(": no ")
                        .append(generation == 0 ? "valid published generation" : "valid generation " + generation)
                        .append(" with schema ").append(view.fingerprintHex()).append(" in ").append(dir)
                        .append(" to rebuild the manifest from (manifest: ").append(problem).append(")");
                for (String[] s : skipped) {
                    msg.append("; ").append(s[0]).append(": ").append(s[1]);
                }
                msg.append(". Rebuild the data instead: hotpath cache load --view ").append(name).append(" --dir ")
                        .append(dir).append(" --csv FILE --definition DEF.json");
                throw new FeatureCacheException(msg.toString());
            }
            Path savedAs = null;
            if (Files.exists(manifestPath)) {
                savedAs = dir.resolve(manifestPath.getFileName() + ".broken-" + System.currentTimeMillis());
                try {
                    Files.move(manifestPath, savedAs, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new FeatureCacheException(manifestPath + ": cannot move the broken manifest aside: " + e, e);
                }
            }
            chosen.writeAtomically(dir);
            LOG.warn("view {}: manifest rebuilt from generation {} ({}); previous manifest: {}", name,
                    chosen.generation, chosen.fileName, problem);
            return result(dir, view, true, chosen, problem, savedAs, skipped);
        } finally {
            lock.release();
        }
    }

    /**
     * A manifest good enough to open an existing generation file: Chronicle takes capacity and key size from the
     * file's own header, so only what validation checks (definition, generation, record size) must be right.
     */
    private static Manifest probeManifest(FeatureView view, long generation, long capacity) {
        int averageKeyBytes = view.keyKind() == KeyKind.STRING ? WriterOptions.defaults().averageIdBytes() : 8;
        return new Manifest(view, generation, RecordLayout.recordSize(view.dimension()), capacity, averageKeyBytes,
                0L, 0L);
    }

    private static String result(Path dir, FeatureView view, boolean repaired, Manifest m, String previous,
                                 Path savedAs, List<String[]> skipped) {
        return FeatureCacheAdmin.json(g -> {
            g.writeStartObject();
            g.writeStringField("view", view.name());
            g.writeBooleanField("repaired", repaired);
            g.writeNumberField("generation", m.generation);
            g.writeStringField("file", m.fileName);
            g.writeStringField("manifest", Manifest.path(dir, view.name()).toString());
            g.writeStringField("problem", previous);
            if (savedAs != null) {
                g.writeStringField("brokenManifestSavedAs", savedAs.toString());
            }
            writeSkipped(g, skipped);
            g.writeEndObject();
        });
    }

    private static void writeSkipped(JsonGenerator g, List<String[]> skipped) throws IOException {
        g.writeArrayFieldStart("skipped");
        for (String[] s : skipped) {
            g.writeStartObject();
            g.writeStringField("file", s[0]);
            g.writeStringField("reason", s[1]);
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
