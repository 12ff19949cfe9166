package dev.hotpath.cli;

import dev.hotpath.cache.FeatureCacheAdmin;
import dev.hotpath.cache.LoadProgressListener;
import dev.hotpath.shadow.report.ExitCodes;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hotpath cache create|load|get|stats}: manage feature views (memory-mapped Chronicle Map files). The work
 * is done by feature-cache's {@link FeatureCacheAdmin}; this class only parses arguments. Every command prints
 * JSON on stdout.
 */
@Command(name = "cache", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
        description = "Feature views in memory-mapped Chronicle Map files: create, bulk-load, look up, stats.",
        subcommands = {CacheCommand.Create.class, CacheCommand.Load.class, CacheCommand.Get.class,
            CacheCommand.Stats.class})
final class CacheCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "missing command: create, load, get or stats");
    }

    static void printJson(CommandSpec spec, String json) throws IOException {
        Writer out = new OutputStreamWriter(HotpathCli.from(spec).stdout(), StandardCharsets.UTF_8);
        out.write(json.endsWith("\n") ? json : json + "\n");
        out.flush();
    }

    /** The options every command on one existing view takes: which view, in which cache directory. */
    static final class ViewInDir {
        @Option(names = "--view", required = true, paramLabel = "NAME", description = "The view's name.")
        String view;

        @Option(names = "--dir", required = true, paramLabel = "D", description = "The cache directory.")
        Path dir;
    }

    /** {@code hotpath cache create}. */
    @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
            description = "Creates an empty, published view from a JSON definition (name, keyKind, ttlMillis,"
                    + " features with optional defaults), sized for N entities with headroom.")
    static final class Create implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--view", required = true, paramLabel = "DEF.json", description = "The view definition.")
        private Path view;

        @Option(names = "--dir", required = true, paramLabel = "D", description = "The cache directory.")
        private Path dir;

        @Option(names = "--entities", required = true, paramLabel = "N", description = "Entities to size for.")
        private long entities;

        @Override
        public Integer call() throws IOException {
            printJson(spec, FeatureCacheAdmin.create(view, dir, entities));
            return ExitCodes.OK;
        }
    }

    /** {@code hotpath cache load}. */
    @Command(name = "load", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
            description = "Builds a new generation of a view from a CSV file (an id column, then feature columns"
                    + " matched by name) and publishes it when complete; readers switch to it. Progress on"
                    + " stderr.")
    static final class Load implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private ViewInDir target;

        @Option(names = "--csv", required = true, paramLabel = "FILE", description = "The rows to load.")
        private Path csv;

        @Option(names = "--no-progress", description = "Do not print progress on stderr.")
        private boolean noProgress;

        @Override
        public Integer call() throws IOException {
            PrintWriter err = HotpathCli.from(spec).stderr();
            long start = System.nanoTime();
            long[] last = {start};
            LoadProgressListener progress = (done, total) -> {
                long now = System.nanoTime();
                if (!noProgress && (now - last[0] > 2_000_000_000L || done == total)) {
                    last[0] = now;
                    err.printf(Locale.ROOT, "hotpath: loaded %,d of %,d rows (%.0f%%) in %.1f s%n", done, total,
                            total == 0 ? 100.0 : 100.0 * done / total, (now - start) / 1e9);
                    err.flush();
                }
            };
            printJson(spec, FeatureCacheAdmin.load(target.view, target.dir, csv, progress));
            return ExitCodes.OK;
        }
    }

    /** {@code hotpath cache get}. */
    @Command(name = "get", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
            description = "Looks one entity up: status (PRESENT, NOT_FOUND, STALE, ...), times and named features"
                    + " (defaults when not PRESENT).")
    static final class Get implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private ViewInDir target;

        @Option(names = "--id", required = true, paramLabel = "ID", description = "The entity id.")
        private String id;

        @Override
        public Integer call() throws IOException {
            printJson(spec, FeatureCacheAdmin.get(target.view, target.dir, id));
            return ExitCodes.OK;
        }
    }

    /** {@code hotpath cache stats}. */
    @Command(name = "stats", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
            description = "Every view in a cache directory: entries, file size, generation, age of the newest"
                    + " write, writer heartbeat.")
    static final class Stats implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "D", description = "The cache directory.")
        private Path dir;

        @Override
        public Integer call() throws IOException {
            printJson(spec, FeatureCacheAdmin.stats(dir));
            return ExitCodes.OK;
        }
    }
}
