package dev.hotpath.cli;

import dev.hotpath.cache.FeatureCacheAdmin;
import dev.hotpath.cache.FeatureView;
import dev.hotpath.cache.LoadProgressListener;
import dev.hotpath.stream.FollowerOptions;
import dev.hotpath.stream.StartPosition;
import dev.hotpath.stream.StreamAdmin;
import dev.hotpath.stream.UpdateFormat;
import dev.hotpath.shadow.report.ExitCodes;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hotpath cache create|load|get|stats|repair|follow|publish}: manage feature views (memory-mapped Chronicle
 * Map files) and keep them fresh from Kafka. The work is done by feature-cache's {@link FeatureCacheAdmin} and
 * feature-stream's {@link StreamAdmin}; this class only parses arguments. Every command but {@code follow} prints
 * JSON on stdout.
 */
@Command(name = "cache", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
        description = "Feature views in memory-mapped Chronicle Map files: create, bulk-load, look up, stats,"
                + " repair; follow a Kafka topic into a view, publish a CSV to a topic.",
        subcommands = {CacheCommand.Create.class, CacheCommand.Load.class, CacheCommand.Get.class,
            CacheCommand.Stats.class, CacheCommand.Repair.class, CacheCommand.Follow.class,
            CacheCommand.Publish.class})
final class CacheCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "missing command: create, load, get, stats, repair, follow or publish");
    }

    static void printJson(CommandSpec spec, String json) throws IOException {
        Writer out = new OutputStreamWriter(HotpathCli.from(spec).stdout(), StandardCharsets.UTF_8);
        out.write(json.endsWith("\n") ? json : json + "\n");
        out.flush();
    }

    /**
     * Progress of a CSV pass on stderr: {@code hotpath: <verb> N of M rows (P%) in S s}, at most every 2 s and at
     * the end; nothing when {@code quiet}.
     */
    static LoadProgressListener progress(PrintWriter err, String verb, boolean quiet) {
        long start = System.nanoTime();
        long[] last = {start};
        return (done, total) -> {
            long now = System.nanoTime();
            if (!quiet && (now - last[0] > 2_000_000_000L || done == total)) {
                last[0] = now;
                err.printf(Locale.ROOT, "hotpath: %s %,d of %,d rows (%.0f%%) in %.1f s%n", verb, done, total,
                        total == 0 ? 100.0 : 100.0 * done / total, (now - start) / 1e9);
                err.flush();
            }
        };
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
            LoadProgressListener progress = progress(HotpathCli.from(spec).stderr(), "loaded", noProgress);
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
                    + " building, orphaned by a load that did not finish, superseded); under \"followers\", each"
                    + " Kafka follower's state, lag, counters and positions as it last stored them (statusAgeMillis"
                    + " says how long ago).",
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
            printJson(spec, FeatureCacheAdmin.stats(dir, "followers", StreamAdmin::followerStatsJson));
            return ExitCodes.OK;
        }
    }

    /** The Kafka connection options of {@code follow} and {@code publish}. */
    static final class KafkaTopic {
        @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,...]",
                description = "Kafka's bootstrap.servers.")
        String bootstrapServers;

        @Option(names = "--topic", required = true, paramLabel = "T", description = "The view's update topic.")
        String topic;
    }

    private static <E extends Enum<E>> E choice(CommandSpec spec, Class<E> type, String option, String value) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), option + " must be one of "
                    + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT) + ", got \"" + value + "\"");
        }
    }

    /** {@code hotpath cache follow}. */
    @Command(name = "follow", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
            description = {"Follows a Kafka topic into a view on this host, until SIGTERM or Ctrl-C (then it stores"
                    + " its positions and exits). Every partition is read (no consumer group) unless --partitions"
                    + " names a shard. Updates are applied last writer wins by event time; positions are stored in"
                    + " D next to the view, so a restart resumes. A new host, a new schema, --from earliest, a"
                    + " recreated topic or out-of-range offsets bootstrap a new generation from the topic, which"
                    + " readers switch to when it is complete. A status line goes to stderr every few seconds.",
                "The update format (keys, binary and JSON values, tombstones) is in feature-stream/README.md."})
    static final class Follow implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--view", required = true, paramLabel = "NAME|DEF.json",
                description = "The view: a definition file (a new host, a schema change), or the name of a view"
                        + " already in D.")
        private String view;

        @Option(names = "--dir", required = true, paramLabel = "D", description = "This host's views directory.")
        private Path dir;

        @Mixin
        private KafkaTopic kafka;

        @Option(names = "--from", paramLabel = "stored|earliest|latest|offsets", defaultValue = "stored",
                description = "Where to start: the stored positions (default; bootstraps when there are none),"
                        + " a rebuild from the earliest offsets, the topic's end, or --offsets.")
        private String from;

        @Option(names = "--offsets", paramLabel = "P:O[,P:O...]",
                description = "Start offsets per partition (implies --from offsets): where --snapshot was taken,"
                        + " or where the published generation was built.")
        private String offsets;

        @Option(names = "--snapshot", paramLabel = "FILE.csv",
                description = "Bootstrap from this CSV snapshot (hotpath cache load's format) taken at --offsets,"
                        + " then catch up from the topic before publishing.")
        private Path snapshot;

        @Option(names = "--format", paramLabel = "auto|json|binary", defaultValue = "auto",
                description = "Which update values to accept (default: both, told apart by the first byte).")
        private String format;

        @Option(names = "--partitions", split = ",", paramLabel = "P[,P...]",
                description = "Follow only these partitions (a sharded fleet); default all.")
        private int[] partitions;

        @Option(names = "--dead-letter-topic", paramLabel = "T",
                description = "Forward rejected records here, with the reason in headers.")
        private String deadLetterTopic;

        @Option(names = "--require-values", split = ",", paramLabel = "FEATURE[,...]",
                description = "Reject updates where these features are missing (NaN).")
        private List<String> requireValues;

        @Option(names = "--live-threshold-ms", paramLabel = "MS", defaultValue = "5000",
                description = "Freshness lag up to which the follower reports LIVE (default ${DEFAULT-VALUE}).")
        private long liveThresholdMillis;

        @Option(names = "--status-interval-ms", paramLabel = "MS", defaultValue = "5000",
                description = "Time between status lines on stderr (default ${DEFAULT-VALUE}).")
        private long statusIntervalMillis;

        @Option(names = "--no-rebootstrap",
                description = "On a recreated topic or out-of-range offsets, fail instead of re-bootstrapping.")
        private boolean noRebootstrap;

        @Option(names = "--consumer-property", paramLabel = "KEY=VALUE",
                description = "A Kafka client property (security settings, ...); repeatable.")
        private Map<String, String> consumerProperties = new LinkedHashMap<>();

        @Override
        public Integer call() throws InterruptedException {
            if (statusIntervalMillis < 100) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--status-interval-ms must be at least 100");
            }
            UpdateFormat accepted = choice(spec, UpdateFormat.class, "--format", format);
            StartPosition start = choice(spec, StartPosition.class, "--from", from);
            FollowerOptions.Builder b = FollowerOptions.builder(kafka.bootstrapServers, kafka.topic)
                    .format(accepted)
                    .liveThreshold(Duration.ofMillis(liveThresholdMillis))
                    .rebootstrapOnReset(!noRebootstrap)
                    .deadLetterTopic(deadLetterTopic);
            if (offsets != null) {
                b.offsets(StreamAdmin.parseOffsets(offsets));
            } else {
                b.startFrom(start);
            }
            if (snapshot != null) {
                b.snapshot(snapshot);
            }
            if (partitions != null) {
                b.partitions(partitions);
            }
            if (requireValues != null) {
                b.requireValues(requireValues);
            }
            consumerProperties.forEach(b::consumerProperty);
            FollowerOptions options = b.build();
            FeatureView definition = StreamAdmin.resolveView(dir, view);
            return StreamAdmin.follow(dir, definition, options, HotpathCli.from(spec).stderr(),
                    Duration.ofMillis(statusIntervalMillis));
        }
    }

    /** {@code hotpath cache publish}. */
    @Command(name = "publish", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
            description = "Backfills a view's topic from a CSV file (hotpath cache load's format): one update per"
                    + " row, keyed by the id, with the row's event_time_millis (or now). Waits until the brokers"
                    + " acknowledged every record; progress on stderr; prints JSON with the topic's end offsets.")
    static final class Publish implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--view", required = true, paramLabel = "DEF.json|NAME",
                description = "The view definition file, or the name of a view in --dir.")
        private String view;

        @Option(names = "--dir", paramLabel = "D", description = "Where --view NAME is published.")
        private Path dir;

        @Option(names = "--csv", required = true, paramLabel = "FILE", description = "The rows to publish.")
        private Path csv;

        @Mixin
        private KafkaTopic kafka;

        @Option(names = "--format", paramLabel = "binary|json", defaultValue = "binary",
                description = "The update format to write (default ${DEFAULT-VALUE}).")
        private String format;

        @Option(names = "--partitions", paramLabel = "N",
                description = "Create the topic (compacted) with N partitions if it does not exist.")
        private int partitions;

        @Option(names = "--producer-property", paramLabel = "KEY=VALUE",
                description = "A Kafka producer property (security settings, compression, ...); repeatable.")
        private Map<String, String> producerProperties = new LinkedHashMap<>();

        @Option(names = "--no-progress", description = "Do not print progress on stderr.")
        private boolean noProgress;

        @Override
        public Integer call() throws IOException {
            UpdateFormat f = choice(spec, UpdateFormat.class, "--format", format);
            if (f == UpdateFormat.AUTO) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--format must be binary or json");
            }
            if (dir == null && !view.endsWith(".json") && !java.nio.file.Files.isRegularFile(Path.of(view))) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--view " + view + " is not a definition file; give --dir where the view is published");
            }
            FeatureView definition = StreamAdmin.resolveView(dir == null ? Path.of(".") : dir, view);
            printJson(spec, StreamAdmin.publish(definition, csv, kafka.bootstrapServers, kafka.topic, f, partitions,
                    producerProperties, progress(HotpathCli.from(spec).stderr(), "published", noProgress)));
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
