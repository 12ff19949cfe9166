package dev.hotpath.cache;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real child JVM running a test main class with this JVM's class path. Every wait is bounded and
 * {@link #close()} always kills the process, so no test can hang CI or leak processes. Public for the tests of
 * modules that use this module's test-jar (feature-stream).
 */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private ChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // The process died; readers of `lines` time out.
            }
        }, "child-stdout-pump");
        pump.setDaemon(true);
        pump.start();
    }

    /** The JVM options of this (test) JVM that a child needs: Chronicle's flags and system properties. */
    public static List<String> chronicleJvmOptions() {
        List<String> out = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("-D")
                    || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc-unsafe")) {
                out.add(arg);
            }
        }
        return out;
    }

    /**
     * Starts {@code mainClass} with the given JVM options, this JVM's class path, and {@code args}.
     *
     * @param workDir where the child's stderr is captured
     */
    public static ChildJvm start(Path workDir, List<String> jvmOptions, Class<?> mainClass, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(workDir, "child-", ".stderr");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
        return new ChildJvm(pb.start(), err);
    }

    /** Waits for a stdout line starting with {@code prefix}; returns it, or fails with the child's output. */
    public String awaitLine(String prefix, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new AssertionError("child did not print \"" + prefix + "...\" within " + timeout + " " + unit
                        + "; alive=" + process.isAlive() + ", stdout so far=" + seen + ", stderr=" + stderrText());
            }
            seen.add(line);
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** Waits for exit; returns the exit code, or fails (and kills) after the timeout. */
    public int awaitExit(long timeout, TimeUnit unit) throws InterruptedException {
        if (!process.waitFor(timeout, unit)) {
            process.destroyForcibly();
            throw new AssertionError("child did not exit within " + timeout + " " + unit + "; stderr="
                    + stderrText());
        }
        return process.exitValue();
    }

    /** SIGTERM (on Linux, {@code destroy} sends SIGTERM): the child's shutdown hooks run; returns its exit code. */
    public int terminate(long timeout, TimeUnit unit) throws InterruptedException {
        process.destroy();
        return awaitExit(timeout, unit);
    }

    /** @return whether the child is still running */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL (on Linux, {@code destroyForcibly} sends SIGKILL), then waits for the process to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("child survived SIGKILL for 30 s");
        }
    }

    public long pid() {
        return process.pid();
    }

    public String stdoutSoFar() {
        lines.drainTo(seen);
        return String.join("\n", seen);
    }

    public String stderrText() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
