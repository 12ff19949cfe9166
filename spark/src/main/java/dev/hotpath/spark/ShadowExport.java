package dev.hotpath.spark;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.report.ComparisonExport;
import dev.hotpath.shadow.report.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code hotpath shadow export --output FILE.parquet}: the table of {@link ComparisonExport} (the same rows and
 * columns as the CLI's CSV) written as one Parquet file by Spark in local mode. Parquet needs the Hadoop and Parquet
 * jars that only this module's (provided) Spark class path has, so {@code bin/hotpath} runs this class for
 * {@code .parquet} outputs and the CLI jar stays free of them. Not thread-safe: one run per instance.
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Writes the raw comparison records of shadow logs as one Parquet file (the columns of the"
                + " CSV export: see 'hotpath shadow export --help').")
public final class ShadowExport implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--log", required = true, paramLabel = "DIR",
            description = "A shadow log directory (or file); repeatable.")
    private List<Path> logs;

    @Option(names = "--output", required = true, paramLabel = "FILE.parquet",
            description = "The Parquet file to write, overwritten.")
    private Path output;

    @Option(names = "--threshold", paramLabel = "T",
            description = "Decide both models at this threshold instead of the ones recorded in the log.")
    private Float threshold;

    private PrintStream stdout = System.out;

    /**
     * Runs the command line and exits with its code; the arguments may start with {@code shadow export}.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /**
     * @param stdout where the summary line goes
     * @param stderr errors
     * @param args the arguments, optionally starting with {@code shadow export}
     * @return the exit code
     */
    public static int run(PrintStream stdout, PrintStream stderr, String... args) {
        String[] a = args;
        if (a.length >= 2 && a[0].equals("shadow") && a[1].equals("export")) {
            a = java.util.Arrays.copyOfRange(a, 2, a.length);
        }
        ShadowExport e = new ShadowExport();
        e.stdout = stdout;
        CommandLine cl = new CommandLine(e);
        cl.setOut(new java.io.PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true));
        cl.setErr(new java.io.PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof ConfigurationException) {
                cmd.getErr().println("hotpath shadow export: usage error: " + ex.getMessage());
                return ExitCodes.USAGE;
            }
            cmd.getErr().println("hotpath shadow export: error: " + ex.getMessage());
            return ExitCodes.FAILURE;
        });
        return cl.execute(a);
    }

    @Override
    public Integer call() throws IOException {
        if (!output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".parquet")) {
            throw new ParameterException(spec.commandLine(), "--output must end in .parquet here (CSV: the CLI"
                    + " writes it), got " + output);
        }
        if (threshold != null && !Float.isFinite(threshold)) {
            throw new ParameterException(spec.commandLine(), "--threshold must be a finite number, got "
                    + threshold);
        }
        ComparisonExport export = ComparisonExport.read(logs, threshold == null ? Float.NaN : threshold);
        boolean own = SparkSession.getDefaultSession().isEmpty() && SparkSession.getActiveSession().isEmpty();
        SparkSession spark = SparkSession.builder().appName("hotpath shadow export").master("local[1]")
                .getOrCreate();
        if (own) {
            spark.sparkContext().setLogLevel("WARN");
        }
        try {
            write(spark, export, output);
        } finally {
            if (own) {
                spark.stop();
            }
        }
        stdout.println("exported " + export.rows().size() + " comparison record(s), "
                + export.columnNames().size() + " column(s), to " + output.toAbsolutePath());
        return ExitCodes.OK;
    }

    /** @return the Parquet schema of an export: {@link ComparisonExport#columnNames()} with their types */
    static StructType schema(ComparisonExport export) {
        DataType[] types = {DataTypes.LongType, DataTypes.LongType, DataTypes.TimestampType, DataTypes.StringType,
            DataTypes.IntegerType, DataTypes.FloatType, DataTypes.FloatType, DataTypes.BooleanType,
            DataTypes.StringType, DataTypes.IntegerType, DataTypes.FloatType, DataTypes.FloatType,
            DataTypes.BooleanType, DataTypes.BooleanType, DataTypes.BooleanType, DataTypes.BooleanType,
            DataTypes.BooleanType, DataTypes.IntegerType, DataTypes.IntegerType, DataTypes.LongType,
            DataTypes.IntegerType, DataTypes.DoubleType};
        List<StructField> fields = new ArrayList<>();
        List<String> names = export.columnNames();
        for (int i = 0; i < names.size(); i++) {
            boolean nullable = i >= types.length || i == 6 || i == 7 || i == 11 || i == 12;
            fields.add(DataTypes.createStructField(names.get(i), i < types.length ? types[i] : DataTypes.FloatType,
                    nullable));
        }
        return new StructType(fields.toArray(new StructField[0]));
    }

    /** Writes one Parquet file: Spark writes a directory of parts, coalesced to one part moved into place. */
    static void write(SparkSession spark, ComparisonExport export, Path file) throws IOException {
        StructType schema = schema(export);
        int width = schema.size();
        int features = export.featureColumns();
        List<Row> rows = new ArrayList<>(export.rows().size());
        for (ComparisonExport.Row r : export.rows()) {
            Object[] v = new Object[width];
            boolean pKnown = !Float.isNaN(r.primaryThreshold());
            boolean sKnown = !Float.isNaN(r.shadowThreshold());
            Object[] fixed = {r.requestId(), r.epochNanos(),
                java.sql.Timestamp.from(java.time.Instant.ofEpochSecond(0, r.epochNanos())), r.primaryModel(),
                r.primaryModelId(), r.primaryScore(), pKnown ? r.primaryThreshold() : null,
                pKnown ? r.primaryBlocks() : null, r.shadowModel(), r.shadowModelId(), r.shadowScore(),
                sKnown ? r.shadowThreshold() : null, sKnown ? r.shadowBlocks() : null,
                r.has(ShadowLogFormat.FLAG_SHADOW_ERROR), r.has(ShadowLogFormat.FLAG_BREAKER_OPEN),
                r.has(ShadowLogFormat.FLAG_OVER_BUDGET), r.has(ShadowLogFormat.FLAG_REPLAY),
                r.primaryLatencyNanos(), r.shadowLatencyNanos(), r.amountMinor(), r.segmentKey(),
                r.sampleRateE4() / 10_000.0};
            System.arraycopy(fixed, 0, v, 0, fixed.length);
            float[] f = r.features();
            for (int i = 0; i < features; i++) {
                v[fixed.length + i] = f != null && i < f.length ? (Object) f[i] : null;
            }
            rows.add(RowFactory.create(v));
        }
        Path parts = file.resolveSibling(file.getFileName() + ".parts");
        spark.createDataFrame(rows, schema).coalesce(1).write().mode("overwrite").parquet(parts.toString());
        Path part;
        try (Stream<Path> s = Files.list(parts)) {
            part = s.filter(p -> p.getFileName().toString().startsWith("part-")
                    && p.getFileName().toString().endsWith(".parquet")).findFirst()
                    .orElseThrow(() -> new IOException("Spark wrote no Parquet part under " + parts));
        }
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
        try (Stream<Path> s = Files.walk(parts)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
