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
 * {@code hotpath cache create|load|get|stats|repair}: manage feature views (memory-mapped Chronicle Map files). The work
 * is done by feature-cache's {@link FeatureCacheAdmin}; this class only parses arguments. Every command prints
 * JSON on stdout.
 */
@Command(name = "cache", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
        description = "Feature views in memory-mapped Chronicle Map files: create, bulk-load, look up, stats,"
                + " repair.",
        subcommands = {CacheCommand.Create.class, CacheCommand.Load.class, CacheCommand.Get.class,
            CacheCommand.Stats.class, CacheCommand.Repair.class})
final class CacheCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "missing command: create, load, get, stats or repair");
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

        @Option(names = "--definition", paramLabel = "DEF.json",
                description = "Build the new generation with this definition instead of the published one: to"
                        + " change the view's schema, or to rebuild a view whose manifest is lost or unusable and"
                        + " that 'cache repair' cannot recover. Its name must be the --view name.")
        private Path definition;

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
            printJson(spec, definition == null ? FeatureCacheAdmin.load(target.view, target.dir, csv, progress)
                    : FeatureCacheAdmin.load(target.view, target.dir, csv, definition, progress));
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
                    + " write, writer heartbeat, and every generation file with its state (current, previous,"
                    + " building, orphaned by a load that did not finish, superseded).",
            footer = {"%nExit codes: 0 ok; 1 if the directory or any view cannot be read (corrupt manifest,"
                    + " missing or damaged generation file, read-only file system), with one error line naming"
                    + " each such view; 2 usage error."})
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

    /** {@code hotpath cache repair}. */
    @Command(name = "repair", mixinStandardHelpOptions = true, sortOptions = false,
            versionProvider = ManifestVersionProvider.class,
            description = "Rebuilds a view's manifest when it is corrupt, half-written or missing, or names a"
                    + " generation file that is gone or damaged: from the view's definition and the newest"
                    + " generation file that was published and still validates (a file left by a load that did not"
                    + " finish is never used). The broken manifest is kept as <view>.manifest.json.broken-<ms>."
                    + " A valid manifest is left alone. Refused while a load of the view is running.",
            footer = {"%nPrints JSON: view, repaired (true/false), generation, file, problem (what was wrong),"
                    + " brokenManifestSavedAs, skipped (newer files not used, with the reason).",
                "If no valid published generation is left, rebuild from data instead:"
                    + " hotpath cache load --view NAME --dir D --csv FILE --definition DEF.json",
                "%nExit codes: 0 repaired or nothing to repair; 1 nothing to recover from (the message names every"
                    + " file and why it was skipped); 2 usage error."})
    static final class Repair implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--view", required = true, paramLabel = "DEF.json",
                description = "The view's definition (the file it was created with).")
        private Path view;

        @Option(names = "--dir", required = true, paramLabel = "D", description = "The cache directory.")
        private Path dir;

        @Option(names = "--generation", paramLabel = "N",
                description = "Restore exactly generation N (it must validate; it need not be marked published,"
                        + " which files from Hotpath versions before the mark are not), even over a valid manifest."
                        + " Newer generation files then count as unpublished: the next load deletes them.")
        private long generation;

        @Override
        public Integer call() throws IOException {
            if (generation < 0) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--generation must be a positive generation number, got " + generation);
            }
            printJson(spec, FeatureCacheAdmin.repair(view, dir, generation));
            return ExitCodes.OK;
        }
    }
}
