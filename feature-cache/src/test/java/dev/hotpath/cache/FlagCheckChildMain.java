package dev.hotpath.cache;

import dev.hotpath.scoring.ConfigurationException;

import java.nio.file.Path;

/**
 * Child JVM for the flag-check test: runs an entry point and prints {@code ERROR <message>} (exit 3) if it refuses
 * to run, {@code OK} (exit 0) otherwise.
 */
public final class FlagCheckChildMain {
    private FlagCheckChildMain() {
    }

    public static void main(String[] args) {
        try {
            FeatureCacheAdmin.stats(Path.of(args[0]));
            System.out.println("OK");
        } catch (ConfigurationException e) {
            System.out.println("ERROR " + e.getMessage());
            System.out.flush();
            System.exit(3);
        }
    }
}
