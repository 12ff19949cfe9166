package dev.hotpath.bench.data;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Generates the models the selected benchmarks need, and only those, before JMH starts its forks:
 * {@code java -cp benchmarks.jar dev.hotpath.bench.data.PrepareData <the JMH arguments>}. The selection is JMH's
 * own: the include regexes, {@code -e} excludes and {@code -p} parameter overrides are parsed by JMH's
 * {@link CommandLineOptions} and matched against the jar's benchmark list, so {@code run.sh} passes the same
 * arguments to both. What each benchmark needs comes from {@link UsesModels} and the effective parameter values.
 *
 * <p>Last, it waits while another JMH run on the machine holds JMH's lock ({@link #awaitJmhLock}), so that on a
 * shared machine a run queues instead of failing.
 *
 * <p>Exit codes: 0 done, 1 no benchmark matches, 2 bad arguments. Stateless; set-up code, allocates freely.
 */
public final class PrepareData {
    /** The model id of the ONNX network ({@link BenchData#mlp()}). */
    static final String MLP = "mlp";

    private PrepareData() {
    }

    /**
     * What a selection needs.
     *
     * @param benchmarks the selected benchmark methods (a method counts once, whatever its parameters)
     * @param models the model ids needed, cheapest first
     */
    record Plan(List<String> benchmarks, List<String> models) {
    }

    /**
     * Works out what the benchmarks that {@code options} select need.
     *
     * @param list the benchmark list (the jar's)
     * @param options the JMH command line
     * @return the plan
     * @throws IllegalStateException if a benchmark class declares an unknown model id
     */
    static Plan plan(BenchmarkList list, CommandLineOptions options) {
        OutputFormat silent = OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT);
        List<String> includes = options.getIncludes().isEmpty() ? List.of(".*") : options.getIncludes();
        SortedSet<BenchmarkListEntry> entries = list.find(silent, includes, options.getExcludes());
        Set<String> benchmarks = new LinkedHashSet<>();
        Set<String> models = new TreeSet<>((a, b) -> Integer.compare(cost(a), cost(b)));
        for (BenchmarkListEntry e : entries) {
            benchmarks.add(e.getUsername());
            Map<String, String[]> declared = e.getParams().orElse(Map.of());
            Class<?> c;
            try {
                c = Class.forName(e.getUserClassQName(), false, PrepareData.class.getClassLoader());
            } catch (ClassNotFoundException ex) {
                continue; // a stale benchmark list; JMH will report it
            }
            UsesModels[] uses = c.getAnnotationsByType(UsesModels.class);
            if (uses.length == 0) {
                List<String> byConvention = effective(options, declared, "model");
                if (!byConvention.isEmpty() && byConvention.stream().allMatch(PrepareData::isModelSpec)) {
                    models.addAll(byConvention);
                }
                continue;
            }
            for (UsesModels u : uses) {
                if (!u.when().isEmpty()) {
                    String[] kv = u.when().split("=", 2);
                    if (kv.length != 2 || !effective(options, declared, kv[0]).contains(kv[1])) {
                        continue;
                    }
                }
                List<String> ids = new ArrayList<>(Arrays.asList(u.value()));
                if (!u.param().isEmpty()) {
                    ids.addAll(effective(options, declared, u.param()));
                }
                for (String id : ids) {
                    if (!isModelSpec(id) && !id.equals(MLP)) {
                        throw new IllegalStateException(c.getName() + ": @UsesModels names '" + id
                                + "', not a benchmark model (" + knownIds() + ")");
                    }
                    models.add(id);
                }
            }
        }
        return new Plan(List.copyOf(benchmarks), List.copyOf(models));
    }

    /** The values a parameter takes in the run: the command line's {@code -p} if given, else the declared ones. */
    private static List<String> effective(CommandLineOptions options, Map<String, String[]> declared, String name) {
        String[] d = declared.get(name);
        if (d == null) {
            return List.of(); // the benchmark has no such parameter; JMH ignores -p for it too
        }
        Collection<String> fromCommandLine = options.getParameter(name).orElse(null);
        return fromCommandLine != null ? List.copyOf(fromCommandLine) : List.of(d);
    }

    private static boolean isModelSpec(String id) {
        for (ModelSpec s : ModelSpec.values()) {
            if (s.id().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private static String knownIds() {
        StringBuilder sb = new StringBuilder();
        for (ModelSpec s : ModelSpec.values()) {
            sb.append(s.id()).append(", ");
        }
        return sb.append(MLP).toString();
    }

    /** Generation cost order: the network is written in milliseconds; the specs train in order of their size. */
    private static int cost(String id) {
        return id.equals(MLP) ? -1 : ModelSpec.of(id).ordinal();
    }

    /**
     * Generates what the selection needs.
     *
     * @param args the JMH arguments (regexes, {@code -e}, {@code -p}, …); others are accepted and ignored
     */
    public static void main(String[] args) {
        CommandLineOptions options;
        try {
            options = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("PrepareData: " + e.getMessage());
            System.exit(2);
            return;
        }
        Plan plan = plan(BenchmarkList.defaultList(), options);
        if (plan.benchmarks().isEmpty()) {
            System.err.println("no benchmark matches " + options.getIncludes()
                    + (options.getExcludes().isEmpty() ? "" : " (excluding " + options.getExcludes() + ")")
                    + "; list them with: java -jar jmh/target/benchmarks.jar -l");
            System.exit(1);
            return;
        }
        StringBuilder sb = new StringBuilder("# data: " + plan.benchmarks().size() + " benchmark methods selected; ");
        if (plan.models().isEmpty()) {
            sb.append("no generated models needed");
        } else {
            sb.append("models needed:");
            for (String id : plan.models()) {
                sb.append(' ').append(id).append(isCached(id) ? " (cached)" : " (to generate)");
            }
        }
        System.out.println(sb);
        System.out.flush();
        for (String id : plan.models()) {
            if (id.equals(MLP)) {
                BenchData.mlp();
            } else {
                BenchData.model(ModelSpec.of(id));
            }
        }
        awaitJmhLock(Path.of(System.getProperty("java.io.tmpdir"), "jmh.lock"));
    }

    /**
     * Waits until no other JMH run holds JMH's machine-wide lock file: JMH refuses to start while another run holds
     * it (two runs would disturb each other's figures), which on a shared machine makes a run fail at once. The
     * lock is free again when this returns; another run can still take it first, and JMH then says so.
     *
     * @param lockFile JMH's lock file ({@code java.io.tmpdir/jmh.lock})
     */
    static void awaitJmhLock(Path lockFile) {
        long start = System.nanoTime();
        long lastSaid = 0;
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (;;) {
                try (FileLock lock = ch.tryLock()) {
                    if (lock != null) {
                        return;
                    }
                }
                long waited = System.nanoTime() - start;
                if (lastSaid == 0 || waited - lastSaid >= 60_000_000_000L) {
                    System.out.println("# waiting for another JMH run on this machine to finish (it holds " + lockFile
                            + (lastSaid == 0 ? ")" : "; " + waited / 60_000_000_000L + " min so far)"));
                    System.out.flush();
                    lastSaid = Math.max(1, waited);
                }
                Thread.sleep(2000);
            }
        } catch (IOException | OverlappingFileLockException e) {
            // Cannot tell: let JMH decide, as it would have without this wait.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean isCached(String id) {
        if (id.equals(MLP)) {
            return Files.exists(BenchData.mlpFile());
        }
        BenchData.ModelFiles f = BenchData.files(ModelSpec.of(id));
        return Files.exists(f.xgboostJson()) && Files.exists(f.onnx());
    }
}
