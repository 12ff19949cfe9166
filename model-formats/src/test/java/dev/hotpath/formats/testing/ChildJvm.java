package dev.hotpath.formats.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code main} class of the test class path in a separate JVM, for what must not happen in the test JVM:
 * native crashes (ONNX Runtime aborting), a class path without ONNX Runtime, a private {@code java.io.tmpdir}.
 * Its stdout and stderr go to files in {@code workDir}, which is also the child's working directory, so crash reports
 * ({@code hs_err_pid*.log}) land there too.
 *
 * <p>Stateless; test code.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /** What a child JVM did: its exit code, stdout and stderr. */
    public record Result(int exitCode, String out, String err) {
        /** @return stdout followed by stderr */
        public String output() {
            return out + err;
        }

        /** @return whether the JVM died of a native crash (a signal, or HotSpot's fatal-error report) */
        public boolean crashed() {
            return exitCode > 128 || output().contains("A fatal error has been detected by the Java Runtime");
        }
    }

    /** The test class path, as Surefire passes it (or this JVM's class path outside Surefire). */
    public static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** @return the {@code java} launcher of this JVM */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Runs {@code mainClass} and waits for it.
     *
     * @param workDir working directory and home of the output file
     * @param classPath the child's class path
     * @param jvmArgs options before the main class
     * @param mainClass the class to run
     * @param args its arguments
     * @param timeout how long to wait before killing it (then an {@link AssertionError})
     * @return the exit code and output
     */
    public static Result run(Path workDir, String classPath, List<String> jvmArgs, String mainClass,
                             List<String> args, Duration timeout) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.add("-Xmx256m");
        cmd.add("-XX:-CreateCoredumpOnCrash");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.addAll(args);
        Path out = Files.createTempFile(workDir, "child-", ".out");
        Path err = Files.createTempFile(workDir, "child-", ".err");
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("child JVM " + mainClass + " did not finish in " + timeout + ":\n"
                    + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
