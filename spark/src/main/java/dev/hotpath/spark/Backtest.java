package dev.hotpath.spark;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.HotpathException;
import dev.hotpath.shadow.report.ExitCodes;
import dev.hotpath.shadow.report.ScorePairs;
import dev.hotpath.shadow.report.ShadowGates;
import dev.hotpath.shadow.report.ShadowReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code hotpath backtest}: scores a historical table with the current and the candidate model on Spark and writes
 * the scores and the same comparison report as {@code hotpath shadow report} (text, JSON, HTML; same gates; exit
 * code 3 when a FAIL gate fails). Run by {@code bin/hotpath backtest} (local mode) or with {@code spark-submit
 * --class dev.hotpath.spark.Backtest} and the same arguments (a cluster).
 *
 * <p>The report is computed by {@link ShadowReport.Builder#build(ScorePairs)}: the same code as a shadow log's.
 * Not thread-safe: one run per instance.
 */
@Command(name = "backtest", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Scores a historical table (Parquet or CSV) with the current and the candidate model on Spark,"
                + " writes the scores and the same comparison report as 'hotpath shadow report' (text, JSON, HTML)"
                + " to --out. Exit code 3 when a FAIL gate fails.",
        footer = {"%nDefault gates (latency and coverage do not exist offline):",
            "  fail: " + Backtest.DEFAULT_FAIL_GATES,
            "  warn: " + Backtest.DEFAULT_WARN_GATES,
            "%nExit codes: 0 ok, 1 runtime failure, 2 usage error, 3 a FAIL gate failed."})
public final class Backtest implements Callable<Integer> {
    static final String DEFAULT_FAIL_GATES = "spearman>=0.8, matched_flip_over_block_rate<=1, error_rate<=0.001";
    static final String DEFAULT_WARN_GATES = "psi<=0.1, ks<=0.1, js_distance<=0.1, spearman>=0.9,"
            + " matched_flip_over_block_rate<=0.5, error_rate<=0.0001";
    /** The column of the 0-based input row number when no {@code --id} is given. */
    static final String ROW = "row";

    @Spec
    private CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "CURRENT",
            description = "The model in production (any format Hotpath reads; any Hadoop path).")
    private String model;

    @Option(names = "--candidate", required = true, paramLabel = "NEW", description = "The model to test.")
    private String candidate;

    @Option(names = "--input", required = true, paramLabel = "DATA",
            description = "The table: a Parquet file or directory, or CSV (with a header) when the name ends"
                    + " in .csv or --input-format csv. Feature columns are named like the models' features.")
    private String input;

    @Option(names = "--input-format", paramLabel = "parquet|csv",
            description = "The input's format; default from the name (.csv is CSV, anything else Parquet).")
    private String inputFormat;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output directory: scores/, report.txt, report.json, report.html.")
    private Path out;

    @Option(names = "--id", paramLabel = "COLUMN",
            description = "An integral id column identifying rows in the scores and the report (default: the"
                    + " 0-based input row, column 'row').")
    private String id;

    @Option(names = "--labels", paramLabel = "COLUMN",
            description = "Label column (1/true = fraud, 0/false = genuine, null = unknown): adds precision,"
                    + " recall, PR-AUC and Brier per model.")
    private String labels;

    @Option(names = "--weight", paramLabel = "COLUMN",
            description = "A numeric column to weigh rows by, e.g. the amount: adds amount-weighted precision,"
                    + " recall and block rate (fraud money caught, good money blocked). Must be >= 0, not null.")
    private String weight;

    @Option(names = "--segment", paramLabel = "COLUMN",
            description = "A column to segment by, e.g. country (repeatable): every metric per segment, largest"
                    + " shift first.")
    private List<String> segments;

    @Option(names = "--min-segment-size", paramLabel = "N", defaultValue = "100",
            description = "Rows a segment needs to be listed on its own; smaller ones fold into (other)."
                    + " Default ${DEFAULT-VALUE}.")
    private int minSegmentSize;

    @Option(names = "--max-segments", paramLabel = "N", defaultValue = "20",
            description = "Segments listed per column at most; the rest fold into (other). Default ${DEFAULT-VALUE}.")
    private int maxSegments;

    @Option(names = "--threshold", paramLabel = "T",
            description = "Decision threshold (block when score >= T) for both models; default 0.5.")
    private Float threshold;

    @Option(names = "--gates", paramLabel = "EXPR",
            description = "Gates replacing the defaults, e.g. 'psi<0.1, spearman>=0.9, warn:ks<0.1'.")
    private String gates;

    @Option(names = "--scores-format", paramLabel = "parquet|csv", defaultValue = "parquet",
            description = "Format of DIR/scores (columns row or the --id column, current, candidate);"
                    + " default ${DEFAULT-VALUE}.")
    private String scoresFormat;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master; default local[*], or the one spark-submit configured.")
    private String master;

    @Option(names = "--quiet", description = "Do not print the text report (the verdict line still prints).")
    private boolean quiet;

    private PrintStream stdout = System.out;

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /**
     * @param stdout the text report and verdict
     * @param stderr errors
     * @param args the arguments
     * @return the exit code
     */
    public static int run(PrintStream stdout, PrintStream stderr, String... args) {
        Backtest b = new Backtest();
        b.stdout = stdout;
        CommandLine cl = new CommandLine(b);
        cl.setOut(new java.io.PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true));
        cl.setErr(new java.io.PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigurationException) {
                cmd.getErr().println("hotpath backtest: usage error: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            cmd.getErr().println("hotpath backtest: error: " + rootMessage(e));
            if (System.getenv("HOTPATH_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return ExitCodes.FAILURE;
        });
        return cl.execute(args);
    }

    private static String rootMessage(Throwable e) {
        // Spark wraps what a task threw; the Hotpath exception inside says what is wrong.
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof HotpathException) {
                return c.getMessage();
            }
        }
        return String.valueOf(e.getMessage());
    }

    @Override
    public Integer call() throws IOException {
        if (threshold != null && !Float.isFinite(threshold)) {
            throw new ParameterException(spec.commandLine(), "--threshold must be finite, got " + threshold);
        }
        ShadowGates g;
        try {
            g = ShadowGates.parse(gates != null ? gates : defaultGates());
        } catch (ConfigurationException e) {
            throw new ParameterException(spec.commandLine(), "--gates: " + e.getMessage(), e);
        }
        String scoresFmt = scoresFormat.toLowerCase(Locale.ROOT);
        if (!scoresFmt.equals("parquet") && !scoresFmt.equals("csv")) {
            throw new ParameterException(spec.commandLine(), "--scores-format must be parquet or csv, got "
                    + scoresFormat);
        }
        String inFmt = inputFormat != null ? inputFormat.toLowerCase(Locale.ROOT)
                : input.toLowerCase(Locale.ROOT).endsWith(".csv") ? "csv" : "parquet";
        if (!inFmt.equals("parquet") && !inFmt.equals("csv")) {
            throw new ParameterException(spec.commandLine(), "--input-format must be parquet or csv, got "
                    + inputFormat);
        }
        if (minSegmentSize < 1) {
            throw new ParameterException(spec.commandLine(), "--min-segment-size must be >= 1, got "
                    + minSegmentSize);
        }
        if (maxSegments < 1 || maxSegments > 1000) {
            throw new ParameterException(spec.commandLine(), "--max-segments must be in 1..1000, got " + maxSegments);
        }
        if (segments == null) {
            segments = List.of();
        }
        Files.createDirectories(out);

        SparkSession.Builder sb = SparkSession.builder().appName("hotpath backtest");
        if (master != null) {
            sb.master(master);
        } else if (!masterConfigured()) {
            sb.master("local[*]");
        }
        // A session that already exists (a notebook, a test, spark-submit's) is used and left running.
        boolean own = SparkSession.getDefaultSession().isEmpty() && SparkSession.getActiveSession().isEmpty();
        SparkSession spark = sb.getOrCreate();
        if (own) {
            // A command-line run: Spark's INFO lines would bury the report and errors on the terminal.
            spark.sparkContext().setLogLevel("WARN");
        }
        try {
            ShadowReport report = run(spark, g, inFmt, scoresFmt);
            report.writeJson(out.resolve("report.json"));
            report.writeHtml(out.resolve("report.html"));
            Files.writeString(out.resolve("report.txt"), report.toText(), StandardCharsets.UTF_8);
            Writer w = new OutputStreamWriter(stdout, StandardCharsets.UTF_8);
            if (!quiet) {
                report.writeText(w);
            }
            w.write("scores: " + out.resolve("scores").toAbsolutePath() + " (" + scoresFmt + ")\n");
            w.write("HTML report: " + out.resolve("report.html").toAbsolutePath().toUri() + "\n");
            w.write("verdict: " + report.verdict() + "\n");
            w.flush();
            return report.exitCode();
        } finally {
            if (own) {
                spark.stop();
            }
        }
    }

    static String defaultGates() {
        StringBuilder sb = new StringBuilder();
        for (String s : DEFAULT_FAIL_GATES.split(",")) {
            sb.append(sb.length() == 0 ? "" : ", ").append("fail:").append(s.strip());
        }
        for (String s : DEFAULT_WARN_GATES.split(",")) {
            sb.append(", warn:").append(s.strip());
        }
        return sb.toString();
    }

    private ShadowReport run(SparkSession spark, ShadowGates g, String inFmt, String scoresFmt) {
        Dataset<Row> table = inFmt.equals("csv")
                ? spark.read().option("header", "true").option("inferSchema", "true").csv(input)
                : spark.read().parquet(input);
        String key = id != null ? id : ROW;
        if (id != null) {
            int i = FeatureBinding.fieldIndex(table.schema(), id);
            if (i < 0) {
                throw new SparkInputException(id, "--id column '" + id + "' is not in " + input);
            }
            DataType t = table.schema().fields()[i].dataType();
            if (t != DataTypes.LongType && t != DataTypes.IntegerType) {
                throw new SparkInputException(id, "--id column '" + id + "' has type " + t.simpleString()
                        + "; expected int or long");
            }
        } else {
            table = withRowNumbers(spark, table);
        }
        if (labels != null) {
            int i = FeatureBinding.fieldIndex(table.schema(), labels);
            if (i < 0) {
                throw new SparkInputException(labels, "--labels column '" + labels + "' is not in " + input);
            }
            DataType t = table.schema().fields()[i].dataType();
            if (FeatureBinding.scalarKind(t) < 0) {
                throw new SparkInputException(labels, "--labels column '" + labels + "' has type "
                        + t.simpleString() + "; expected 1/0 numbers or booleans");
            }
        }
        if (weight != null) {
            int i = FeatureBinding.fieldIndex(table.schema(), weight);
            if (i < 0) {
                throw new SparkInputException(weight, "--weight column '" + weight + "' is not in " + input);
            }
            DataType t = table.schema().fields()[i].dataType();
            if (FeatureBinding.scalarKind(t) < 0 || t == DataTypes.BooleanType) {
                throw new SparkInputException(weight, "--weight column '" + weight + "' has type "
                        + t.simpleString() + "; expected a number");
            }
        }
        for (String seg : segments) {
            if (FeatureBinding.fieldIndex(table.schema(), seg) < 0) {
                throw new SparkInputException(seg, "--segment column '" + seg + "' is not in " + input);
            }
        }
        // Both transformers validate their schema here, on the driver, before any task runs.
        Dataset<Row> scored = new HotpathTransformer().setModelPath(model).setOutputCol("current").transform(table);
        scored = new HotpathTransformer().setModelPath(candidate).setOutputCol("candidate").transform(scored);
        List<String> cols = new ArrayList<>(List.of(key, "current", "candidate"));
        Dataset<Row> scores = scored.select(key, "current", "candidate");
        Path scoresDir = out.resolve("scores");
        if (scoresFmt.equals("csv")) {
            scores.write().mode("overwrite").option("header", "true").csv(scoresDir.toString());
        } else {
            scores.write().mode("overwrite").parquet(scoresDir.toString());
        }
        // The report reads the written scores back, so the report and the files can never disagree.
        Dataset<Row> back = scoresFmt.equals("csv")
                ? spark.read().schema(scores.schema()).option("header", "true").csv(scoresDir.toString())
                : spark.read().parquet(scoresDir.toString());
        Dataset<Row> pairsIn = back;
        List<String> extra = new ArrayList<>();
        if (labels != null) {
            extra.add(labels);
        }
        if (weight != null && !extra.contains(weight)) {
            extra.add(weight);
        }
        for (String seg : segments) {
            if (!extra.contains(seg)) {
                extra.add(seg);
            }
        }
        if (!extra.isEmpty()) {
            cols.addAll(extra);
            List<String> keep = new ArrayList<>(List.of(key));
            keep.addAll(extra);
            pairsIn = back.join(table.select(keep.stream().map(org.apache.spark.sql.functions::col)
                    .toArray(org.apache.spark.sql.Column[]::new)), key);
        }
        ScorePairs.Builder pb = ScorePairs.builder(name(model), name(candidate)).sources(List.of(input));
        if (labels != null) {
            pb.labelsSource("column " + labels).labelled();
        }
        if (weight != null) {
            pb.weight(weight);
        }
        if (!segments.isEmpty()) {
            pb.segments(segments.toArray(String[]::new));
        }
        int weightAt = weight == null ? -1 : cols.indexOf(weight);
        int[] segmentAt = segments.stream().mapToInt(cols::indexOf).toArray();
        String[] segmentValues = new String[segmentAt.length];
        Iterator<Row> it = pairsIn.select(cols.stream().map(org.apache.spark.sql.functions::col)
                .toArray(org.apache.spark.sql.Column[]::new)).toLocalIterator();
        while (it.hasNext()) {
            Row r = it.next();
            long rid = ((Number) r.get(0)).longValue();
            int label = labels == null ? -1 : label(r, 3);
            if (weightAt < 0 && segmentAt.length == 0) {
                pb.add(rid, r.getFloat(1), r.getFloat(2), label);
                continue;
            }
            double w = 0;
            if (weightAt >= 0) {
                if (r.isNullAt(weightAt)) {
                    throw new SparkInputException(weight, "--weight column '" + weight + "' is null in row " + rid);
                }
                w = ((Number) r.get(weightAt)).doubleValue();
            }
            for (int j = 0; j < segmentAt.length; j++) {
                segmentValues[j] = r.isNullAt(segmentAt[j]) ? null : String.valueOf(r.get(segmentAt[j]));
            }
            try {
                pb.add(rid, r.getFloat(1), r.getFloat(2), label, w, segmentValues);
            } catch (ConfigurationException e) {
                throw new SparkInputException(weight, "--weight column: " + e.getMessage());
            }
        }
        ShadowReport.Builder rb = ShadowReport.builder().gates(g).minSegmentSize(minSegmentSize)
                .maxSegments(maxSegments);
        if (threshold != null) {
            rb.threshold(threshold);
        }
        return rb.build(pb.build());
    }

    private int label(Row r, int i) {
        if (r.isNullAt(i)) {
            return -1;
        }
        Object v = r.get(i);
        double d = v instanceof Boolean ? ((Boolean) v ? 1 : 0) : ((Number) v).doubleValue();
        if (d != 0 && d != 1) {
            throw new SparkInputException(labels, "--labels column '" + labels + "' has the value " + v
                    + "; expected 1 (fraud), 0 (genuine) or null (unknown)");
        }
        return (int) d;
    }

    /** Appends the 0-based input row number as column {@value #ROW}. */
    private static Dataset<Row> withRowNumbers(SparkSession spark, Dataset<Row> table) {
        if (FeatureBinding.fieldIndex(table.schema(), ROW) >= 0) {
            throw new SparkInputException(ROW, "the input already has a column '" + ROW + "': name it with --id");
        }
        StructType schema = table.schema().add(ROW, DataTypes.LongType, false);
        int width = table.schema().size();
        JavaRDD<Row> rows = table.javaRDD().zipWithIndex().map(t -> {
            Object[] v = new Object[width + 1];
            for (int i = 0; i < width; i++) {
                v[i] = t._1().get(i);
            }
            v[width] = t._2();
            return RowFactory.create(v);
        });
        return spark.createDataFrame(rows, schema);
    }

    private static String name(String path) {
        String n = new org.apache.hadoop.fs.Path(path).getName();
        return n.isEmpty() ? path : n;
    }

    /** @return whether spark-submit has chosen a master, which this command then keeps (and does not stop) */
    private static boolean masterConfigured() {
        return System.getProperty("spark.master") != null;
    }
}
