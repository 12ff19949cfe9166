package dev.hotpath.formats.onnx;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.ModelLimits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How {@link OnnxReader} builds an {@link OnnxModel}: ONNX Runtime session options, which model input(s) and output
 * to use, batch and file-size limits, and where the native library comes from.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder()}; every setter validates its argument at once and throws
 * {@link ConfigurationException} with a message saying what is allowed. Constructed only on cold paths.
 *
 * <pre>{@code
 * OnnxOptions options = OnnxOptions.builder()
 *         .intraOpThreads(1)                 // the default: one request = one thread
 *         .outputName("probabilities")       // instead of the automatic choice
 *         .maxBatchRows(128)
 *         .build();
 * }</pre>
 */
public final class OnnxOptions {

    /** Default number of rows one batched ONNX Runtime call scores; larger batches are split. */
    public static final int DEFAULT_MAX_BATCH_ROWS = 256;
    /** Largest accepted {@link Builder#maxBatchRows(int)}. */
    public static final int MAX_BATCH_ROWS_LIMIT = 65_536;
    /** Largest accepted thread count for {@link Builder#intraOpThreads(int)} and {@link Builder#interOpThreads(int)}. */
    public static final int MAX_THREADS = 1_024;
    /** Default bound on how long {@link OnnxModel#close()} waits for in-flight calls before returning. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private static final OnnxOptions DEFAULTS = new Builder().build();

    private final int intraOpThreads;
    private final int interOpThreads;
    private final String outputName;
    private final List<String> inputNames;
    private final int maxBatchRows;
    private final ModelLimits limits;
    private final Duration closeTimeout;
    private final boolean cpuArenaAllocator;
    private final Path nativeLibraryDirectory;
    private final OnnxLogLevel nativeLogLevel;

    private OnnxOptions(Builder b) {
        this.intraOpThreads = b.intraOpThreads;
        this.interOpThreads = b.interOpThreads;
        this.outputName = b.outputName;
        this.inputNames = Collections.unmodifiableList(new ArrayList<>(b.inputNames));
        this.maxBatchRows = b.maxBatchRows;
        this.limits = b.limits;
        this.closeTimeout = b.closeTimeout;
        this.cpuArenaAllocator = b.cpuArenaAllocator;
        this.nativeLibraryDirectory = b.nativeLibraryDirectory;
        this.nativeLogLevel = b.nativeLogLevel;
    }

    /**
     * The defaults: one intra-op and one inter-op thread, automatic input and output choice, batches of up to
     * {@value #DEFAULT_MAX_BATCH_ROWS} rows, {@link ModelLimits#defaults()}, a 10 s close timeout, ONNX Runtime's CPU
     * arena on, the native library found the usual way (extracted to {@code java.io.tmpdir} unless the JVM was
     * started with {@code -Donnxruntime.native.path}), and ONNX Runtime's native log at {@link OnnxLogLevel#WARNING}.
     *
     * @return the shared default options
     */
    public static OnnxOptions defaults() {
        return DEFAULTS;
    }

    /** @return a new builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a new builder initialised with these options */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.intraOpThreads = intraOpThreads;
        b.interOpThreads = interOpThreads;
        b.outputName = outputName;
        b.inputNames = new ArrayList<>(inputNames);
        b.maxBatchRows = maxBatchRows;
        b.limits = limits;
        b.closeTimeout = closeTimeout;
        b.cpuArenaAllocator = cpuArenaAllocator;
        b.nativeLibraryDirectory = nativeLibraryDirectory;
        b.nativeLogLevel = nativeLogLevel;
        return b;
    }

    /** @return threads ONNX Runtime may use inside one operator (ONNX Runtime's intra-op pool); default 1 */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /** @return threads ONNX Runtime may use across independent graph branches (inter-op pool); default 1 */
    public int interOpThreads() {
        return interOpThreads;
    }

    /** @return the model output to score, or empty to let the reader choose (see {@link OnnxReader}) */
    public Optional<String> outputName() {
        return Optional.ofNullable(outputName);
    }

    /**
     * @return the model inputs in the order their features appear in a Hotpath row; empty means the model must have
     *     exactly one input. Unmodifiable.
     */
    public List<String> inputNames() {
        return inputNames;
    }

    /** @return the most rows one batched ONNX Runtime call scores */
    public int maxBatchRows() {
        return maxBatchRows;
    }

    /**
     * @return the load-time limits; ONNX uses {@code maxFileBytes}, {@code maxFeatures}, {@code maxOutputs} and
     *     {@code maxStringBytes}
     */
    public ModelLimits limits() {
        return limits;
    }

    /** @return how long {@link OnnxModel#close()} waits for scoring calls in flight before it returns */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** @return whether ONNX Runtime's CPU memory arena is enabled for the session */
    public boolean cpuArenaAllocator() {
        return cpuArenaAllocator;
    }

    /**
     * @return the directory holding pre-extracted ONNX Runtime native libraries, or empty to use ONNX Runtime's own
     *     loading (see {@link Builder#nativeLibraryDirectory(Path)})
     */
    public Optional<Path> nativeLibraryDirectory() {
        return Optional.ofNullable(nativeLibraryDirectory);
    }

    /**
     * @return the least severe ONNX Runtime native log message written to stderr (see
     *     {@link Builder#nativeLogLevel(OnnxLogLevel)})
     */
    public OnnxLogLevel nativeLogLevel() {
        return nativeLogLevel;
    }

    @Override
    public String toString() {
        return "OnnxOptions{intraOpThreads=" + intraOpThreads + ", interOpThreads=" + interOpThreads
                + ", outputName=" + (outputName == null ? "<auto>" : outputName)
                + ", inputNames=" + (inputNames.isEmpty() ? "<single input>" : inputNames)
                + ", maxBatchRows=" + maxBatchRows + ", maxFileBytes=" + limits.maxFileBytes()
                + ", closeTimeout=" + closeTimeout + ", cpuArenaAllocator=" + cpuArenaAllocator
                + ", nativeLibraryDirectory=" + (nativeLibraryDirectory == null ? "<default>" : nativeLibraryDirectory)
                + ", nativeLogLevel=" + nativeLogLevel + '}';
    }

    /**
     * Collects and validates options. Not thread-safe; every setter validates its argument immediately and throws
     * {@link ConfigurationException}. Reusable: {@link #build()} may be called more than once.
     */
    public static final class Builder {
        private int intraOpThreads = 1;
        private int interOpThreads = 1;
        private String outputName;
        private List<String> inputNames = new ArrayList<>();
        private int maxBatchRows = DEFAULT_MAX_BATCH_ROWS;
        private ModelLimits limits = ModelLimits.defaults();
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private boolean cpuArenaAllocator = true;
        private Path nativeLibraryDirectory;
        private OnnxLogLevel nativeLogLevel = OnnxLogLevel.WARNING;

        private Builder() {
        }

        /**
         * Threads ONNX Runtime may use inside one operator. The default, 1, keeps each request on its own thread with
         * no hand-off; raise it only for large models scored by few threads.
         *
         * @param threads 1 to {@value #MAX_THREADS}
         * @return this builder
         */
        public Builder intraOpThreads(int threads) {
            this.intraOpThreads = checkThreads("intraOpThreads", threads);
            return this;
        }

        /**
         * Threads ONNX Runtime may use across independent graph branches. Only matters with parallel execution, which
         * Hotpath does not enable (execution is sequential), so the default 1 is nearly always right.
         *
         * @param threads 1 to {@value #MAX_THREADS}
         * @return this builder
         */
        public Builder interOpThreads(int threads) {
            this.interOpThreads = checkThreads("interOpThreads", threads);
            return this;
        }

        /**
         * Scores the named model output instead of the automatic choice. It must be a float tensor output of the
         * model (checked at load time).
         *
         * @param name a graph output name, e.g. {@code probabilities}
         * @return this builder
         */
        public Builder outputName(String name) {
            this.outputName = checkName("outputName", name);
            return this;
        }

        /**
         * Maps a model with several float inputs onto one Hotpath row: the row holds the features of
         * {@code names[0]}, then those of {@code names[1]}, and so on. Every model input must be listed exactly once
         * (checked at load time). Not needed for single-input models.
         *
         * @param names the model's input names in row order; non-empty, distinct
         * @return this builder
         */
        public Builder inputNames(List<String> names) {
            Objects.requireNonNull(names, "names");
            if (names.isEmpty()) {
                throw new ConfigurationException("inputNames must list at least one model input");
            }
            Set<String> seen = new HashSet<>();
            List<String> copy = new ArrayList<>(names.size());
            for (String n : names) {
                String checked = checkName("inputNames", n);
                if (!seen.add(checked)) {
                    throw new ConfigurationException("inputNames lists '" + checked + "' twice: " + names);
                }
                copy.add(checked);
            }
            this.inputNames = copy;
            return this;
        }

        /**
         * Convenience for {@link #inputNames(List)}.
         *
         * @param names the model's input names in row order; non-empty, distinct
         * @return this builder
         */
        public Builder inputNames(String... names) {
            return inputNames(java.util.Arrays.asList(names));
        }

        /**
         * The most rows one batched call hands to ONNX Runtime; longer batches are split. Each scoring thread that
         * uses batch scoring keeps {@code maxBatchRows × (features + outputs) × 4} bytes of direct memory.
         *
         * @param rows 1 to {@value #MAX_BATCH_ROWS_LIMIT}
         * @return this builder
         */
        public Builder maxBatchRows(int rows) {
            if (rows < 1 || rows > MAX_BATCH_ROWS_LIMIT) {
                throw new ConfigurationException("maxBatchRows must be between 1 and " + MAX_BATCH_ROWS_LIMIT
                        + ", got " + rows);
            }
            this.maxBatchRows = rows;
            return this;
        }

        /**
         * Load-time limits (file size, features, outputs, string lengths).
         *
         * @param limits the limits
         * @return this builder
         */
        public Builder limits(ModelLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * Rejects model files larger than this many bytes; shorthand for
         * {@code limits(limits().withMaxFileBytes(bytes))}.
         *
         * @param bytes positive
         * @return this builder
         */
        public Builder maxFileBytes(long bytes) {
            if (bytes <= 0) {
                throw new ConfigurationException("maxFileBytes must be positive, got " + bytes);
            }
            this.limits = limits.withMaxFileBytes(bytes);
            return this;
        }

        /**
         * How long {@link OnnxModel#close()} waits for scoring calls still in flight. If they have not finished by
         * then, {@code close()} returns anyway and the last of those calls releases the native session when it
         * finishes; the session is never released while a call is inside ONNX Runtime.
         *
         * @param timeout between 1 ms and 1 hour
         * @return this builder
         */
        public Builder closeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new ConfigurationException("closeTimeout must be between 1 ms and 1 hour, got " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /**
         * Enables or disables ONNX Runtime's CPU memory arena for the session (on by default, as in ONNX Runtime).
         * Turning it off trades a little latency for memory that does not grow with the largest batch seen.
         *
         * @param enabled whether to use the arena
         * @return this builder
         */
        public Builder cpuArenaAllocator(boolean enabled) {
            this.cpuArenaAllocator = enabled;
            return this;
        }

        /**
         * Loads ONNX Runtime's native libraries from a directory instead of extracting about 22 MB into
         * {@code java.io.tmpdir} at every JVM start (fill it once with {@link OnnxNativeLibraries#extractTo(Path)}).
         * This sets ONNX Runtime's {@code onnxruntime.native.path} system property before ONNX Runtime is first
         * initialised, so it only works if no ONNX model was loaded earlier in this JVM; starting the JVM with
         * {@code -Donnxruntime.native.path=DIR} is equivalent and always works.
         *
         * @param directory an existing directory containing {@link OnnxNativeLibraries#libraryFileNames()}
         * @return this builder
         */
        public Builder nativeLibraryDirectory(Path directory) {
            Objects.requireNonNull(directory, "directory");
            Path abs = directory.toAbsolutePath().normalize();
            if (!Files.isDirectory(abs)) {
                throw new ConfigurationException("nativeLibraryDirectory " + abs + " is not a directory");
            }
            for (String lib : OnnxNativeLibraries.libraryFileNames()) {
                if (!Files.isRegularFile(abs.resolve(lib))) {
                    throw new ConfigurationException("nativeLibraryDirectory " + abs + " does not contain " + lib
                            + "; fill it with OnnxNativeLibraries.extractTo(dir)");
                }
            }
            this.nativeLibraryDirectory = abs;
            return this;
        }

        /**
         * How much ONNX Runtime's own (native) logger writes to the process's stderr, which bypasses SLF4J: applied
         * to each session (load-time and scoring messages of this model) and to the process-wide environment when
         * this is the first ONNX model the JVM loads. Errors reach the caller as exceptions either way; choose
         * {@link OnnxLogLevel#FATAL} where stderr must carry only your own output (the {@code hotpath} command
         * does).
         *
         * @param level the least severe message written; default {@link OnnxLogLevel#WARNING}, ONNX Runtime's own
         * @return this builder
         */
        public Builder nativeLogLevel(OnnxLogLevel level) {
            this.nativeLogLevel = Objects.requireNonNull(level, "level");
            return this;
        }

        /** @return the immutable options */
        public OnnxOptions build() {
            return new OnnxOptions(this);
        }

        private static int checkThreads(String what, int threads) {
            if (threads < 1 || threads > MAX_THREADS) {
                throw new ConfigurationException(what + " must be between 1 and " + MAX_THREADS + ", got " + threads);
            }
            return threads;
        }

        private static String checkName(String what, String name) {
            if (name == null || name.isBlank()) {
                throw new ConfigurationException(what + " must be a non-blank model input/output name, got "
                        + (name == null ? "null" : "'" + name + "'"));
            }
            return name;
        }
    }
}
