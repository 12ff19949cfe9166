package dev.hotpath.formats.xgboost;

import dev.hotpath.formats.ModelBytes;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelLimits;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads XGBoost model files — JSON, UBJSON and the legacy binary format — into Hotpath {@link Model}s whose margins
 * are bit-identical to XGBoost's (see {@code dev.hotpath.scoring.model.TreeEnsemble}).
 *
 * <p>The format is detected from the content, never from the file name (XGBoost 2.1+ writes UBJSON into
 * {@code .model} files):
 * <ul>
 *   <li>{@code binf} at offset 0: legacy binary (XGBoost 1.1 – 3.0);</li>
 *   <li><code>'{'</code>, optional whitespace, then {@code '"'}: JSON text;</li>
 *   <li><code>'{'</code> followed by a UBJSON integer-type marker ({@code i U I l L}; XGBoost always writes {@code L}):
 *       UBJSON;</li>
 *   <li>anything else: tried as header-less legacy binary (XGBoost 1.0 and earlier wrote no {@code binf}).</li>
 * </ul>
 *
 * <p>Supported: boosters {@code gbtree}, {@code dart} (all three JSON layouts and the binary one) and
 * {@code gblinear}; every objective of XGBoost 1.7–3.4 with its output transform; multi-class grouping,
 * {@code num_parallel_tree}, vector-leaf trees (2.x and 3.2+ layouts), categorical splits, {@code base_score} in
 * every encoding, {@code best_iteration} and iteration ranges ({@link XgboostOptions}), feature names and types.
 * Transforms follow the XGBoost version that wrote the file (3.4 sorts quantile outputs, earlier versions do not).
 *
 * <p>Hostile or broken files fail with a {@link ModelFormatException} naming the file, the byte offset or document
 * path, and what was expected; sizes are checked against {@link ModelLimits} before memory is allocated. While
 * reading, the heap needed is about 2–3× the file size (2.2–2.7× for a 2,000-tree model, {@code BENCHMARKS.md}); a
 * UBJSON file is parsed from a 64 KB window and never held whole.
 *
 * <p><b>Thread-safety:</b> stateless; all methods may be called concurrently. <b>Allocation:</b> reading allocates
 * (load time only); the returned models score without allocating.
 */
public final class XgboostReader {
    private static final int SNIFF_WHITESPACE_LIMIT = 64;

    /** The detected container format. */
    enum Kind { JSON, UBJ, BINARY, HEADERLESS_BINARY }

    private XgboostReader() {
    }

    /**
     * Reads a model file.
     *
     * @param file the model file (any extension)
     * @param options limits and iteration selection
     * @return the immutable, thread-safe model
     * @throws ModelFormatException if the file cannot be read, is malformed, truncated, inconsistent, exceeds the
     *     limits or uses an unsupported feature
     * @throws dev.hotpath.scoring.ConfigurationException if the requested iteration range does not fit the model
     */
    public static Model read(Path file, XgboostOptions options) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        try (ModelFileInput in = ModelFileInput.open(file, options.limits().maxFileBytes())) {
            if (in.length > 0 && sniff(in.buf, in.limit) == Kind.UBJ) {
                // Parsed straight from the file's window: the file never exists as one array (ModelFileInput).
                ParsedModel parsed = DocModelParser.parse(UbjDocReader.read(in, options.limits()), "xgboost-ubj",
                        in.source, options.limits());
                return ModelAssembler.assemble(parsed, in.source, in.checksum(), options);
            }
            byte[] bytes = in.readAll();
            in.requireEnd("file");
            return read(bytes, in.source, in.checksum(), options);
        }
    }

    /**
     * Reads a model from memory.
     *
     * @param bytes the complete file contents (not modified, not retained)
     * @param sourceName a name for error messages and {@link dev.hotpath.scoring.ModelInfo#source()}
     * @param options limits and iteration selection
     * @return the immutable, thread-safe model
     * @throws ModelFormatException if the bytes are not a valid XGBoost model within the limits
     * @throws dev.hotpath.scoring.ConfigurationException if the requested iteration range does not fit the model
     */
    public static Model read(byte[] bytes, String sourceName, XgboostOptions options) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(options, "options");
        String source = sourceName == null ? "<in-memory>" : sourceName;
        return read(bytes, source, null, options);
    }

    /** @param checksum the SHA-256 of {@code bytes} if already computed, else {@code null} */
    private static Model read(byte[] bytes, String source, String checksum, XgboostOptions options) {
        ModelBytes.check(bytes, source, options.limits());
        ParsedModel parsed = parse(bytes, source, options.limits());
        return ModelAssembler.assemble(parsed, source, checksum != null ? checksum : ModelBytes.sha256(bytes),
                options);
    }

    /**
     * A cheap content sniff for format detectors: whether {@code head} starts like an XGBoost JSON, UBJSON or
     * {@code binf} legacy binary model. Header-less legacy binary files (XGBoost 1.0 and earlier) start with a raw
     * float and cannot be recognised reliably, so they are <em>not</em> reported here (although
     * {@link #read(Path, XgboostOptions)} accepts them). A JSON object that merely starts with a quoted key is
     * reported too; {@code read} then decides.
     *
     * <p>Thread-safe; allocates nothing.
     *
     * @param head the first bytes of the file (64 are plenty)
     * @param len how many bytes of {@code head} are valid
     * @return whether the content looks like an XGBoost model
     */
    public static boolean looksLikeXgboost(byte[] head, int len) {
        if (head == null || len <= 0) {
            return false;
        }
        Kind k = sniff(head, Math.min(len, head.length));
        return k == Kind.JSON || k == Kind.UBJ || k == Kind.BINARY;
    }

    static Kind sniff(byte[] b, int len) {
        if (len >= 4 && b[0] == 'b' && b[1] == 'i' && b[2] == 'n' && b[3] == 'f') {
            return Kind.BINARY;
        }
        int i = skipWhitespace(b, 0, len);
        if (i < len && b[i] == '{') {
            int j = skipWhitespace(b, i + 1, len);
            if (j < len && b[j] == '"') {
                return Kind.JSON;
            }
            if (i == 0 && len > 1) {
                int c = b[1];
                if (c == 'i' || c == 'U' || c == 'I' || c == 'l' || c == 'L') {
                    return Kind.UBJ;
                }
            }
        }
        return Kind.HEADERLESS_BINARY;
    }

    private static int skipWhitespace(byte[] b, int from, int len) {
        int i = from;
        int end = Math.min(len, from + SNIFF_WHITESPACE_LIMIT);
        while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
        return i;
    }

    static ParsedModel parse(byte[] bytes, String source, ModelLimits limits) {
        switch (sniff(bytes, bytes.length)) {
            case JSON:
                return DocModelParser.parse(JsonDocReader.read(bytes, source, limits), "xgboost-json", source,
                        limits);
            case UBJ:
                return DocModelParser.parse(UbjDocReader.read(bytes, source, limits), "xgboost-ubj", source, limits);
            case BINARY:
                return LegacyBinaryParser.parse(bytes, 4, source, limits);
            default:
                return parseHeaderless(bytes, source, limits);
        }
    }

    private static ParsedModel parseHeaderless(byte[] bytes, String source, ModelLimits limits) {
        int i = skipWhitespace(bytes, 0, bytes.length);
        if (i < bytes.length && bytes[i] == '{') {
            int j = skipWhitespace(bytes, i + 1, bytes.length);
            if (j < bytes.length && bytes[j] == '}') {
                throw new ModelFormatException(source, "offset " + j, "the document is an empty JSON object, not a"
                        + " model");
            }
        }
        if (bytes.length < LegacyBinaryParser.LEARNER_PARAM_BYTES) {
            throw new ModelFormatException(source, "offset 0", "not an XGBoost model: expected 'binf' (legacy "
                    + "binary), '{' followed by '\"' (JSON) or '{' followed by 'L' (UBJSON); the "
                    + bytes.length + "-byte file is too short for a header-less legacy binary model either");
        }
        try {
            return LegacyBinaryParser.parse(bytes, 0, source, limits);
        } catch (ModelFormatException e) {
            throw new ModelFormatException(source, e.location(), "not an XGBoost model: it starts with neither "
                    + "'binf' (legacy binary), '{' + '\"' (JSON) nor '{' + 'L' (UBJSON), and reading it as a "
                    + "header-less legacy binary model failed: " + e.expectation(), e);
        }
    }

    static ModelFormatException tooLarge(String source, long size, long max) {
        return new ModelFormatException(source, null, "the file is " + size + " bytes, more than "
                + "ModelLimits.maxFileBytes = " + max);
    }
}
