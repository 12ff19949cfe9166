package dev.hotpath.stream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One real broker for every test class of a test JVM that does not stop or restart it (starting one takes 15-25 s on
 * a loaded 2-core box). Tests isolate themselves with their own topics. Started on first use; killed and its
 * directory deleted when the JVM exits.
 */
public final class SharedBroker {
    private static EmbeddedKafkaBroker broker;

    private SharedBroker() {
    }

    /** @return the running shared broker */
    public static synchronized EmbeddedKafkaBroker get() {
        if (broker == null || !broker.isRunning()) {
            try {
                Path dir = Files.createTempDirectory("hotpath-kafka-");
                broker = EmbeddedKafkaBroker.start(dir);
                EmbeddedKafkaBroker b = broker;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    b.close();
                    deleteRecursively(dir);
                }, "shared-broker-cleanup"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return broker;
    }

    /** Deletes a directory tree, best effort. */
    public static void deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
