package dev.hotpath.formats;

import dev.hotpath.formats.onnx.OnnxRuntimeException;
import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.ModelFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Loads and scores a model in a short-lived <em>child JVM</em> before {@link ModelLoader} loads it into this one, so
 * that a file that crashes a native library (ONNX Runtime aborts or segfaults on some corrupt graphs that no Java
 * check catches) kills only the child. Turn it on with {@link LoadOptions#withChildJvmCheck(ChildJvmCheck)}, for
 * example in the loader of a {@code ModelDirectoryWatcher} that deploys models you do not build yourself:
 *
 * <pre>{@code
 * ChildJvmCheck check = ChildJvmCheck.builder()
 *         .rows(goldenFeatureNames, goldenRows)      // the parity gate's rows: scored in the child too
 *         .build();
 * LoadOptions options = LoadOptions.defaults().withChildJvmCheck(check);
 * ModelDirectoryWatcher.start(dir, file -> ModelLoader.load(file, options), scorer, Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>The child runs this JVM's {@code java} with the same class path (override with {@link Builder#classPath}),
 * loads the file with the same {@link LoadOptions}, scores the given rows (mapped to the model's features by name;
 * missing features are NaN) plus an all-zero and an all-NaN row, one at a time and as one batch, and exits. Only
 * if it reports success is the file loaded here; the in-process model must then have the checksum the child saw
 * (else the file changed in between and the load is refused). A crash, a timeout or any other failure becomes a
 * {@link ModelFormatException} naming the file and saying what happened to the child (exit status, the native
 * library's last output); a {@code ModelFormatException} or {@code ConfigurationException} the child threw is
 * rethrown as it is. The child gets a private working directory and {@code java.io.tmpdir}, deleted afterwards,
 * so neither crash reports nor ONNX Runtime's extracted libraries are left behind.
 *
 * <p>Cost: one JVM start plus the load, typically 1-3 s; meant for deployments, not for request paths. The
 * child's heap is as large as this JVM's maximum unless set with {@link Builder#maxHeapBytes(long)}.
 *
 * <p>Immutable and thread-safe; {@link #check} may be called concurrently (each call has its own child and
 * directory). Cold path only.
 */
public final class ChildJvmCheck {
    /** Default bound on the child's whole run. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    private static final Logger LOG = LoggerFactory.getLogger(ChildJvmCheck.class);
    private static final int OUTPUT_LINES_REPORTED = 6;

    private final List<String> featureNames;
    private final float[][] rows;
    private final Duration timeout;
    private final long maxHeapBytes;
    private final List<String> jvmOptions;
    private final Path javaExecutable;
    private final String classPath;
    private final Path workRoot;

    private ChildJvmCheck(Builder b) {
        this.featureNames = List.copyOf(b.featureNames);
        this.rows = b.rows;
        this.timeout = b.timeout;
        this.maxHeapBytes = b.maxHeapBytes;
        this.jvmOptions = List.copyOf(b.jvmOptions);
        this.javaExecutable = b.javaExecutable;
        this.classPath = b.classPath;
        this.workRoot = b.workRoot;
    }

    /** @return a builder with the defaults: no rows beyond the probes, a 2-minute timeout, this JVM's class path */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a check with all defaults */
    public static ChildJvmCheck defaults() {
        return builder().build();
    }

    /** @return how long the child may run */
    public Duration timeout() {
        return timeout;
    }

    /** @return the number of rows given with {@link Builder#rows} (the two probe rows not counted) */
    public int rowCount() {
        return rows.length;
    }

    /**
     * Loads and scores {@code file} in a child JVM.
     *
     * @param file the model file
     * @param options how to load it (its own child check is ignored)
     * @return the SHA-256 of the file as the child read it ({@code ""} for readers that report none)
     * @throws ModelFormatException if the child refused the model, crashed, timed out or failed otherwise
     * @throws ConfigurationException if the child refused the options, or could not be started
     */
    public String check(Path file, LoadOptions options) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        String source = file.toString();
        long start = System.nanoTime();
        Path work = null;
        try {
            work = workRoot == null ? Files.createTempDirectory("hotpath-check-")
                    : Files.createTempDirectory(Files.createDirectories(workRoot), "hotpath-check-");
            String checksum = run(file.toAbsolutePath(), source, options, work);
            LOG.info("{}: loaded and scored {} row(s) in a child JVM in {} ms", source, rows.length + 2,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            return checksum;
        } catch (IOException e) {
            throw new ConfigurationException("cannot run the child-JVM check of " + source + ": " + e, e);
        } finally {
            deleteQuietly(work);
        }
    }

    private String run(Path file, String source, LoadOptions options, Path work) throws IOException {
        Path out = work.resolve("stdout.txt");
        Path err = work.resolve("stderr.txt");
        List<String> cmd = command(work);
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(work.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
        } catch (IOException e) {
            throw new ConfigurationException("cannot start a child JVM (" + javaExecutable + ") to check " + source
                    + ": " + e.getMessage(), e);
        }
        try (OutputStream stdin = p.getOutputStream();
             DataOutputStream data = new DataOutputStream(new BufferedOutputStream(stdin))) {
            ChildJvmCheckProtocol.writeRequest(data, new ChildJvmCheckProtocol.Request(file,
                    options.withChildJvmCheck(null), featureNames, rows));
        } catch (IOException e) {
            // The child died before it read the request: its exit status says why.
            LOG.debug("writing the request to the child JVM failed", e);
        }
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ModelFormatException(source, null, "a completed child-JVM check; the waiting thread was "
                    + "interrupted, so the model was not loaded", e);
        }
        if (!finished) {
            p.destroyForcibly();
            waitQuietly(p);
            throw new ModelFormatException(source, null, "a model that loads and scores within " + timeout
                    + " in a child JVM; the child did not finish and was killed, so the model was not loaded"
                    + lastLines(err));
        }
        return interpret(source, p.exitValue(), read(out), err, work);
    }

    private List<String> command(Path work) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable.toString());
        cmd.add("-Xmx" + Math.max(64L << 20, maxHeapBytes));
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:-CreateCoredumpOnCrash");
        cmd.add("-XX:ErrorFile=" + work.resolve("hs_err_pid%p.log"));
        cmd.add("-Djava.io.tmpdir=" + work);
        String nativePath = System.getProperty("onnxruntime.native.path");
        if (nativePath != null) {
            cmd.add("-Donnxruntime.native.path=" + nativePath);
        }
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(ChildJvmCheckMain.class.getName());
        return cmd;
    }

    private static String interpret(String source, int exit, String stdout, Path err, Path work) throws IOException {
        String loadedChecksum = null;
        for (String line : stdout.split("\\R")) {
            if (!line.startsWith(ChildJvmCheckProtocol.PREFIX)) {
                continue;
            }
            String[] verb = line.substring(ChildJvmCheckProtocol.PREFIX.length()).split(" ", 2);
            String arg = verb.length > 1 ? verb[1] : "";
            switch (verb[0]) {
                case ChildJvmCheckProtocol.LOADED -> {
                    String[] parts = ChildJvmCheckProtocol.unpack(arg);
                    loadedChecksum = parts == null || parts.length == 0 ? "" : parts[0];
                }
                case ChildJvmCheckProtocol.OK -> {
                    if (exit == ChildJvmCheckProtocol.EXIT_OK && loadedChecksum != null) {
                        return loadedChecksum;
                    }
                }
                case ChildJvmCheckProtocol.REFUSED -> throw refused(source, ChildJvmCheckProtocol.unpack(arg));
                case ChildJvmCheckProtocol.FAILED -> {
                    String[] parts = ChildJvmCheckProtocol.unpack(arg);
                    throw new ModelFormatException(source, null, "a model that loads and scores in a child JVM; "
                            + "there it failed with " + (parts == null || parts.length < 2 ? "an unknown error"
                            : parts[0] + ": " + parts[1]) + ", so it was not loaded");
                }
                default -> {
                    // not ours
                }
            }
        }
        String stage = loadedChecksum == null ? "loading" : "scoring";
        throw new ModelFormatException(source, null, "a model that loads and scores in a child JVM; " + stage
                + " it " + describeDeath(exit, err, work) + ", so it was not loaded into this JVM" + lastLines(err)
                + crashReport(work));
    }

    private static RuntimeException refused(String source, String[] parts) {
        if (parts == null || parts.length < 5) {
            return new ModelFormatException(source, null, "a model the child JVM accepts; it refused it with an "
                    + "unreadable report");
        }
        String type = parts[0];
        if (type.equals(ModelFormatException.class.getName())) {
            return new ModelFormatException(parts[2].isEmpty() ? source : parts[2],
                    parts[3].isEmpty() ? null : parts[3], parts[4]);
        }
        if (type.equals(ConfigurationException.class.getName())) {
            return new ConfigurationException(parts[1]);
        }
        if (type.equals(OnnxRuntimeException.class.getName())) {
            return new OnnxRuntimeException(parts[1] + " (in the child JVM of the load check)", null);
        }
        return new ModelFormatException(source, null, "a model the child JVM accepts; it refused it: " + type + ": "
                + parts[1]);
    }

    /** Signals (exit status 128 + n) and HotSpot's fatal-error handler (which exits with 1 after its report). */
    private static String describeDeath(int exit, Path err, Path work) throws IOException {
        boolean hotspotCrash = read(err).contains("A fatal error has been detected by the Java Runtime Environment")
                || hasCrashReport(work);
        if (exit > 128) {
            int signal = exit - 128;
            String name = switch (signal) {
                case 6 -> "SIGABRT";
                case 9 -> "SIGKILL";
                case 7 -> "SIGBUS";
                case 11 -> "SIGSEGV";
                default -> "signal " + signal;
            };
            return "killed the child JVM (exit status " + exit + ": " + name
                    + (signal == 6 ? ", a native library aborted" : signal == 9 ? ", perhaps the OOM killer" : "")
                    + ")";
        }
        if (hotspotCrash) {
            return "crashed the child JVM in native code (HotSpot fatal error, exit status " + exit + ")";
        }
        return "ended the child JVM without a result (exit status " + exit + ")";
    }

    private static boolean hasCrashReport(Path work) throws IOException {
        try (Stream<Path> files = Files.list(work)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("hs_err_pid"));
        }
    }

    /** The signal and "Problematic frame" of a HotSpot crash report: they name the native library. */
    private static String crashReport(Path work) throws IOException {
        try (Stream<Path> files = Files.list(work)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (!f.getFileName().toString().startsWith("hs_err_pid")) {
                    continue;
                }
                List<String> lines = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
                String signal = "";
                for (int i = 0; i + 1 < lines.size(); i++) {
                    String l = lines.get(i);
                    if (signal.isEmpty() && l.startsWith("#  SIG")) {
                        signal = "; " + l.substring(1).trim();
                    }
                    if (l.startsWith("# Problematic frame:")) {
                        String frame = lines.get(i + 1).replaceFirst("^#\\s*", "").trim();
                        return signal + "; problematic frame: " + frame;
                    }
                }
                return signal;
            }
        }
        return "";
    }

    private static String lastLines(Path err) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String l : read(err).split("\\R")) {
            String t = l.trim();
            if (!t.isEmpty() && !t.equals("#")) {
                lines.add(t);
            }
        }
        if (lines.isEmpty()) {
            return "";
        }
        List<String> tail = lines.subList(Math.max(0, lines.size() - OUTPUT_LINES_REPORTED), lines.size());
        return "; the child's last output: " + String.join(" | ", tail);
    }

    private static String read(Path p) throws IOException {
        if (!Files.exists(p)) {
            return "";
        }
        byte[] b = Files.readAllBytes(p);
        int max = 64 * 1024;
        return new String(b, Math.max(0, b.length - max), Math.min(b.length, max), StandardCharsets.UTF_8);
    }

    private static void waitQuietly(Process p) {
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not delete the child-JVM check directory {}: {}", dir, e.toString());
        }
    }

    @Override
    public String toString() {
        return "ChildJvmCheck[rows=" + rows.length + ", timeout=" + timeout + ", maxHeapBytes=" + maxHeapBytes
                + ", jvmOptions=" + jvmOptions + ", java=" + javaExecutable + "]";
    }

    /** Builds a {@link ChildJvmCheck}; each setter validates its argument. Not thread-safe. */
    public static final class Builder {
        private List<String> featureNames = List.of();
        private float[][] rows = new float[0][];
        private Duration timeout = DEFAULT_TIMEOUT;
        private long maxHeapBytes = Runtime.getRuntime().maxMemory();
        private List<String> jvmOptions = List.of();
        private Path javaExecutable = Path.of(System.getProperty("java.home"), "bin", "java");
        private String classPath = System.getProperty("java.class.path", "");
        private Path workRoot;

        private Builder() {
        }

        /**
         * Rows the child scores, e.g. the parity gate's golden rows; columns are matched to the model's features
         * by name, and features the rows do not name are NaN.
         *
         * @param featureNames column names
         * @param rows the rows (copied), each as wide as {@code featureNames}
         * @return this builder
         * @throws ConfigurationException if a row has the wrong width or a name repeats
         */
        public Builder rows(List<String> featureNames, float[][] rows) {
            List<String> names = List.copyOf(featureNames);
            if (names.stream().distinct().count() != names.size()) {
                throw new ConfigurationException("child-JVM check rows: feature names must be distinct: " + names);
            }
            float[][] copy = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                if (rows[i].length != names.size()) {
                    throw new ConfigurationException("child-JVM check rows[" + i + "] has " + rows[i].length
                            + " values but " + names.size() + " feature names were given");
                }
                copy[i] = rows[i].clone();
            }
            this.featureNames = names;
            this.rows = copy;
            return this;
        }

        /**
         * @param timeout how long the child may take to start, load and score (1 s to 1 hour)
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.compareTo(Duration.ofSeconds(1)) < 0
                    || timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new ConfigurationException("child-JVM check timeout must be between 1 s and 1 hour, got "
                        + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @param bytes the child's maximum heap ({@code -Xmx}), at least 64 MiB
         * @return this builder
         */
        public Builder maxHeapBytes(long bytes) {
            if (bytes < 64L << 20) {
                throw new ConfigurationException("child-JVM check maxHeapBytes must be at least 64 MiB, got " + bytes);
            }
            this.maxHeapBytes = bytes;
            return this;
        }

        /**
         * @param options extra JVM options for the child, after Hotpath's own (e.g. {@code -Dfoo=bar})
         * @return this builder
         */
        public Builder jvmOptions(List<String> options) {
            for (String o : options) {
                if (o == null || o.isBlank()) {
                    throw new ConfigurationException("child-JVM check options must not be blank: " + options);
                }
            }
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        /**
         * @param java the {@code java} launcher for the child (default: this JVM's)
         * @return this builder
         */
        public Builder javaExecutable(Path java) {
            if (java == null || !Files.isExecutable(java)) {
                throw new ConfigurationException("child-JVM check java executable " + java
                        + " does not exist or is not executable");
            }
            this.javaExecutable = java;
            return this;
        }

        /**
         * @param classPath the child's class path; it must hold hotpath-model-formats and its dependencies
         *     (default: this JVM's {@code java.class.path}, which fits applications started with {@code -cp};
         *     set it for fat-jar launchers that load classes from nested jars)
         * @return this builder
         */
        public Builder classPath(String classPath) {
            if (classPath == null || classPath.isBlank()) {
                throw new ConfigurationException("child-JVM check class path must not be empty");
            }
            this.classPath = classPath;
            return this;
        }

        /**
         * @param directory where the child's private working directories are created (default: the system temp
         *     directory); must be on an executable file system if ONNX Runtime extracts its libraries there
         * @return this builder
         */
        public Builder workDirectory(Path directory) {
            this.workRoot = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * @return the check
         * @throws ConfigurationException if this JVM's launcher or class path cannot be found
         */
        public ChildJvmCheck build() {
            if (!Files.isExecutable(javaExecutable)) {
                throw new ConfigurationException("child-JVM check: no java executable at " + javaExecutable
                        + "; set one with javaExecutable(...)");
            }
            if (classPath.isBlank()) {
                throw new ConfigurationException("child-JVM check: java.class.path is empty; set the class path "
                        + "with classPath(...)");
            }
            return new ChildJvmCheck(this);
        }
    }
}
