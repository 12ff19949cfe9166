package dev.hotpath.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

import dev.hotpath.formats.LoadOptions;
import dev.hotpath.formats.ModelLoader;
import dev.hotpath.formats.onnx.OnnxLogLevel;
import dev.hotpath.formats.onnx.OnnxOptions;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelLimits;

/**
 * A model file's bytes, read once on the driver through Hadoop's file systems (so {@code hdfs://}, {@code s3a://},
 * {@code file:} and plain local paths all work), and turned into a compiled {@link Model} wherever they are needed
 * with {@link ModelLoader}: the format is detected from the content, so every format Hotpath reads works here too.
 *
 * <p>Immutable; loading is a cold path.
 */
final class ModelBytes {
    /** ONNX Runtime's native logger writes to the executor's stderr; errors reach us as exceptions anyway. */
    static final LoadOptions OPTIONS = LoadOptions.defaults().withOnnx(OnnxOptions.builder()
            .nativeLogLevel(OnnxLogLevel.WARNING).build());

    private final String source;
    private final byte[] bytes;
    private final String sha256;

    private ModelBytes(String source, byte[] bytes) {
        this.source = source;
        this.bytes = bytes;
        this.sha256 = sha256(bytes);
    }

    /**
     * Reads a model file.
     *
     * @param path a Hadoop path or URI, e.g. {@code s3a://models/fraud.ubj} or {@code models/fraud.json}
     * @param conf the Hadoop configuration (the session's)
     * @return the bytes
     * @throws ModelFormatException naming the path if it is missing, a directory, too large or unreadable
     */
    static ModelBytes read(String path, Configuration conf) {
        long max = Math.min(ModelLimits.defaults().maxFileBytes(), Integer.MAX_VALUE - 16L);
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
            FileSystem fs = p.getFileSystem(conf);
            FileStatus st = fs.getFileStatus(p);
            if (st.isDirectory()) {
                throw new ModelFormatException(path, null, "is a directory; expected a model file");
            }
            if (st.getLen() > max) {
                throw new ModelFormatException(path, null, "is " + st.getLen() + " bytes; at most " + max
                        + " are read (ModelLimits.maxFileBytes)");
            }
            try (InputStream in = fs.open(p)) {
                byte[] b = in.readNBytes((int) st.getLen() + 1);
                if (b.length > st.getLen()) {
                    throw new ModelFormatException(path, null, "grew while it was read; write model files elsewhere"
                            + " and rename them into place");
                }
                return new ModelBytes(path, b);
            }
        } catch (FileNotFoundException e) {
            throw new ModelFormatException(path, null, "file not found", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFormatException(path, null, "cannot read the model file: " + e.getMessage(), e);
        }
    }

    /**
     * @param source the name errors and {@code ModelInfo.source()} use
     * @param bytes the file content (not copied)
     * @return the bytes
     */
    static ModelBytes of(String source, byte[] bytes) {
        return new ModelBytes(source, bytes);
    }

    String source() {
        return source;
    }

    byte[] bytes() {
        return bytes;
    }

    /** @return the SHA-256 of the bytes in lower-case hex, the same as {@code ModelInfo.checksum()} */
    String sha256() {
        return sha256;
    }

    /**
     * Compiles the model. {@link ModelLoader} reads files, so the bytes go through a private temporary file that is
     * deleted again; errors name {@link #source()}, not that file.
     *
     * @return the model; the caller closes it
     * @throws ModelFormatException naming the source if the content is not a model Hotpath can load
     */
    Model load() {
        return load(source, bytes, sha256);
    }

    static Model load(String source, byte[] bytes, String expectedSha256) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("hotpath-model-");
            String name = new org.apache.hadoop.fs.Path(source).getName();
            Path file = dir.resolve(name.isEmpty() ? "model" : name);
            Files.write(file, bytes);
            Model m;
            try {
                m = ModelLoader.load(file, OPTIONS);
            } catch (ModelFormatException e) {
                throw new ModelFormatException(source, e.location(), e.expectation(), e);
            }
            String got = m.info().checksum();
            // Readers that report no checksum ("") cannot be cross-checked; the cache key is ours either way.
            if (!got.isEmpty() && !expectedSha256.equals(got)) {
                m.close();
                throw new ModelFormatException(source, null, "the bytes received have SHA-256 " + got + ", not "
                        + expectedSha256 + " as read on the driver");
            }
            return m;
        } catch (IOException e) {
            throw new ModelFormatException(source, null, "cannot stage the model in a temporary file: "
                    + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // A leftover temporary file is harmless; the model is loaded either way.
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
