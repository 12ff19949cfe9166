package dev.hotpath.examples.demo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Child JVMs for tests ({@link Jvm} starts them); every wait is bounded. */
final class ChildJvm {
    private ChildJvm() {
    }

    static Process start(Class<?> main, Path log, String... args) throws Exception {
        return Jvm.start(main, log, args);
    }

    /** Waits for the child to exit 0 within the timeout, else kills it and fails with its output. */
    static void awaitSuccess(Process p, Path log, long timeoutSeconds) throws Exception {
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (!done || p.exitValue() != 0) {
            String out = java.nio.file.Files.exists(log)
                    ? java.nio.file.Files.readString(log, StandardCharsets.UTF_8) : "";
            throw new AssertionError("child JVM " + (done ? "exited " + p.exitValue() : "timed out") + ":\n"
                    + out);
        }
    }
}
