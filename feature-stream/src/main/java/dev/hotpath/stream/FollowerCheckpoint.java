package dev.hotpath.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.hotpath.cache.FeatureCacheException;
import dev.hotpath.cache.FeatureFileException;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A follower's stored positions, {@code <dir>/<view>.follower.json}: for one view generation and one topic
 * (name and id), the next offset to apply in each partition. Written atomically (temporary file, fsync, rename,
 * fsync of the directory) <em>after</em> the updates it covers were applied to the generation, so a follower killed
 * at any moment resumes from positions whose updates are all in the view; re-applying the few after them is
 * harmless (last writer wins by event time). The file also carries the follower's last {@link FollowerStats} for
 * {@code hotpath cache stats}.
 *
 * <p>Immutable, thread-safe; every method is a cold path.
 */
final class FollowerCheckpoint {
    static final int FORMAT_VERSION = 1;
    static final String SUFFIX = ".follower.json";
    /** Largest checkpoint read: positions of 100k partitions and a status fit easily. */
    static final long MAX_BYTES = 16L << 20;
    /** Most partitions a checkpoint may list. */
    static final int MAX_PARTITIONS = 100_000;
    static final JsonFactory JSON = new JsonFactory();

    final String view;
    final String fingerprintHex;
    final long generation;
    final String topic;
    final String topicId;
    final Map<Integer, Long> positions;

    FollowerCheckpoint(String view, String fingerprintHex, long generation, String topic, String topicId,
                       Map<Integer, Long> positions) {
        this.view = view;
        this.fingerprintHex = fingerprintHex;
        this.generation = generation;
        this.topic = topic;
        this.topicId = topicId;
        this.positions = Collections.unmodifiableMap(new TreeMap<>(positions));
    }

    static Path path(Path dir, String view) {
        return dir.resolve(view + SUFFIX);
    }

    /**
     * @return the checkpoint, or null if there is none (no file, or a file with only a status)
     * @throws FeatureFileException if it exists but is unreadable or corrupt (naming the file and the field)
     */
    static FollowerCheckpoint read(Path dir, String view) {
        Path file = path(dir, view);
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new FeatureFileException(file + ": follower checkpoint is " + size + " bytes, more than the"
                        + " limit of " + MAX_BYTES);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new FeatureFileException(file + ": cannot read follower checkpoint: " + e, e);
        }
        return parse(bytes, file.toString());
    }

    static FollowerCheckpoint parse(byte[] bytes, String source) {
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw corrupt(source, "expected a JSON object");
            }
            Integer format = null;
            String view = null;
            String fp = null;
            Long generation = null;
            String topic = null;
            String topicId = null;
            Map<Integer, Long> positions = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "formatVersion":
                        format = t == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : null;
                        break;
                    case "view":
                        view = text(p, t, source, field);
                        break;
                    case "schemaFingerprint":
                        fp = text(p, t, source, field);
                        break;
                    case "generation":
                        generation = number(p, t, source, field);
                        break;
                    case "topic":
                        topic = text(p, t, source, field);
                        break;
                    case "topicId":
                        topicId = text(p, t, source, field);
                        break;
                    case "positions":
                        if (t != JsonToken.START_OBJECT) {
                            throw corrupt(source, "\"positions\" must be an object {\"partition\": offset}");
                        }
                        positions = new TreeMap<>();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            int partition;
                            try {
                                partition = Integer.parseInt(p.currentName());
                            } catch (NumberFormatException e) {
                                throw corrupt(source, "positions key \"" + p.currentName() + "\" is not a partition");
                            }
                            long offset = number(p, p.nextToken(), source, "positions." + partition);
                            if (partition < 0 || offset < 0) {
                                throw corrupt(source, "negative partition or offset in positions");
                            }
                            if (positions.size() >= MAX_PARTITIONS) {
                                throw corrupt(source, "more than " + MAX_PARTITIONS + " partitions");
                            }
                            positions.put(partition, offset);
                        }
                        break;
                    default:
                        // "status" and anything newer: informational.
                        p.skipChildren();
                }
            }
            if (format == null || format != FORMAT_VERSION) {
                throw corrupt(source, "formatVersion " + format + " is not supported (expected " + FORMAT_VERSION
                        + ")");
            }
            if (fp == null && generation == null && topic == null && topicId == null && positions == null) {
                // Only a status: the follower has not published a generation yet (a first bootstrap).
                return null;
            }
            if (view == null || fp == null || generation == null || topic == null || topicId == null
                    || positions == null) {
                throw corrupt(source, "needs view, schemaFingerprint, generation, topic, topicId and positions");
            }
            return new FollowerCheckpoint(view, fp, generation, topic, topicId, positions);
        } catch (IOException e) {
            throw new FeatureFileException(source + ": corrupt follower checkpoint (malformed JSON): "
                    + e.getMessage(), e);
        }
    }

    private static String text(JsonParser p, JsonToken t, String source, String field) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw corrupt(source, "\"" + field + "\" must be a string");
        }
        return p.getText();
    }

    private static long number(JsonParser p, JsonToken t, String source, String field) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT || (p.getNumberType() != JsonParser.NumberType.INT
                && p.getNumberType() != JsonParser.NumberType.LONG)) {
            throw corrupt(source, "\"" + field + "\" must be an integer");
        }
        return p.getLongValue();
    }

    private static FeatureFileException corrupt(String source, String what) {
        return new FeatureFileException(source + ": corrupt follower checkpoint: " + what);
    }

    /**
     * Writes the checkpoint file: {@code keep}'s positions (null while the follower has none: a first bootstrap) and
     * the follower's current status.
     */
    static void write(Path dir, String view, FollowerCheckpoint keep, FollowerStats status) {
        write(dir, view, keep, status, status.phase());
    }

    /** {@link #write(Path, String, FollowerCheckpoint, FollowerStats)} reporting the follower in phase {@code phase}. */
    static void write(Path dir, String view, FollowerCheckpoint keep, FollowerStats status, FollowerState phase) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("formatVersion", FORMAT_VERSION);
            g.writeStringField("view", view);
            if (keep != null) {
                g.writeStringField("schemaFingerprint", keep.fingerprintHex);
                g.writeNumberField("generation", keep.generation);
                g.writeStringField("topic", keep.topic);
                g.writeStringField("topicId", keep.topicId);
                g.writeObjectFieldStart("positions");
                for (Map.Entry<Integer, Long> e : keep.positions.entrySet()) {
                    g.writeNumberField(Integer.toString(e.getKey()), e.getValue());
                }
                g.writeEndObject();
            }
            g.writeNumberField("storedAtMillis", status.now());
            g.writeNumberField("pid", ProcessHandle.current().pid());
            g.writeFieldName("status");
            status.writeJson(g, phase);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeAtomically(dir, path(dir, view), (w.toString() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void writeAtomically(Path dir, Path target, byte[] bytes) {
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new FeatureCacheException(dir + ": the file system cannot rename atomically; follower"
                        + " positions need it", e);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException ignored) {
                // Some file systems cannot fsync a directory; the rename is still atomic.
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
            throw new FeatureCacheException(target + ": cannot store follower positions: " + e, e);
        }
    }

    /**
     * The {@code hotpath cache stats} entry of a view's follower: the stored status (as the follower last wrote
     * it) plus its age; null if the view has no follower checkpoint.
     */
    static String statsJson(Path dir, String view) {
        Path file = path(dir, view);
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                return null;
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
        StringWriter w = new StringWriter();
        try (JsonParser p = JSON.createParser(bytes); JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("view", view);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "storedAtMillis":
                        g.writeNumberField("statusAgeMillis", Math.max(0, System.currentTimeMillis()
                                - p.getLongValue()));
                        break;
                    case "generation":
                    case "topicId":
                    case "pid":
                    case "positions":
                    case "status":
                        g.writeFieldName(field.equals("generation") ? "positionsGeneration" : field);
                        g.copyCurrentStructure(p);
                        break;
                    default:
                        p.skipChildren();
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            return "{\"view\": \"" + view + "\", \"error\": \"unreadable follower checkpoint " + file.getFileName()
                    + "\"}";
        }
        return w.toString();
    }
}
