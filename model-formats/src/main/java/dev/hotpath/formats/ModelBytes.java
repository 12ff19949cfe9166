package dev.hotpath.formats;

import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What the pure-Java readers share about a model file's bytes: reading them within
 * {@link ModelLimits#maxFileBytes()}, refusing empty or oversized content, and the SHA-256 that identifies a model
 * ({@link dev.hotpath.scoring.ModelInfo#checksum()}).
 *
 * <p>Stateless and thread-safe; load time only.
 */
public final class ModelBytes {
    private ModelBytes() {
    }

    /**
     * Reads a whole model file, checking its size first.
     *
     * @param file the file
     * @param limits the limits ({@code maxFileBytes})
     * @return the file's bytes
     * @throws ModelFormatException if the file cannot be read or is larger than the limit
     */
    public static byte[] read(Path file, ModelLimits limits) {
        String source = file.toString();
        try {
            check(Files.size(file), source, limits);
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelFormatException(source, null, "cannot read the model file: " + e, e);
        }
    }

    /**
     * @param bytes a model's complete content
     * @param source the file or other source, for the message
     * @param limits the limits ({@code maxFileBytes})
     * @throws ModelFormatException if the content is empty or larger than the limit
     */
    public static void check(byte[] bytes, String source, ModelLimits limits) {
        check(bytes.length, source, limits);
        if (bytes.length == 0) {
            throw new ModelFormatException(source, "offset 0", "the file is empty");
        }
    }

    private static void check(long size, String source, ModelLimits limits) {
        if (size > limits.maxFileBytes()) {
            throw new ModelFormatException(source, null, "the file is " + size + " bytes, more than "
                    + "ModelLimits.maxFileBytes = " + limits.maxFileBytes());
        }
    }

    /**
     * @param bytes a model's complete content
     * @return its SHA-256 in lower-case hex
     */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
