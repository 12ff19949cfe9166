package dev.hotpath.cli;

import dev.hotpath.scoring.Model;
import java.io.BufferedWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The engine of {@code hotpath score} and {@code hotpath explain}: streams a CSV of feature rows through a
 * {@link Model} and writes one CSV row per input row, in order — the model's outputs, or whatever an {@link Output}
 * computes from the rows (contributions, reason codes). Memory use is bounded by one batch of rows, whatever the
 * input size.
 *
 * <h2>Input</h2>
 * The first line is a header naming the columns. Every column must name one of the model's features
 * ({@link Model#featureNames()}: the model's own names, or {@code f0 … f(n-1)} when the file has none); order does
 * not matter. Every model feature must have a column unless {@code allowMissingColumns} is set, in which case
 * absent features are missing ({@code NaN}) in every row. Each following line is a row with exactly as many fields
 * as the header; a field is a Java float literal ({@link Float#parseFloat(String)}, so {@code Infinity},
 * {@code -Infinity} and {@code +Infinity} are values), {@code NaN} or empty for missing. {@link FeatureCsvReader}
 * implements these rules; see {@link CsvLineReader} for the dialect.
 *
 * <h2>Output</h2>
 * A header of {@link Model#outputNames()} (or {@link Model#marginOutputNames()} for margins), then per row its
 * values written with {@link Float#toString(float)}, which parses back to the identical float; lines end with
 * {@code \n}.
 *
 * <p>Not thread-safe: one instance per run. Allocation: one batch buffer per run; per row only the strings
 * {@code Float.toString} creates (plus one per input field that is not a short integer, empty or {@code NaN}).
 */
final class CsvScorer {
    /** Rows scored per call into the model. */
    static final int MAX_BATCH_ROWS = 1024;
    /** Upper bound on the floats held per batch, so that very wide models still use bounded memory. */
    static final int MAX_BATCH_VALUES = 1 << 20;

    private final Model model;
    private final Output output;
    private final boolean allowMissingColumns;
    private final int maxLineBytes;

    /**
     * What is written for the rows: the header's columns, then per batch one CSV line per row (each ending in
     * {@code \n}). One instance per run; not thread-safe.
     */
    interface Output {
        /** @return the output columns, in order */
        List<String> columns();

        /**
         * Writes one line per row.
         *
         * @param rows {@code n} rows of {@code model.numFeatures()} values, row-major
         * @param n how many rows
         * @param out where to write
         * @throws IOException if writing fails
         */
        void write(float[] rows, int n, Writer out) throws IOException;
    }

    /**
     * @param model the model to score with; not closed by this class
     * @param margin write raw margins instead of the model's outputs
     * @param allowMissingColumns treat model features without a column as missing instead of failing
     * @param maxLineBytes the longest input line accepted
     */
    CsvScorer(Model model, boolean margin, boolean allowMissingColumns, int maxLineBytes) {
        this(model, new Scores(model, margin), allowMissingColumns, maxLineBytes);
    }

    /**
     * @param model the model the rows are for (its feature names are the columns); not closed by this class
     * @param output what to write per row
     * @param allowMissingColumns treat model features without a column as missing instead of failing
     * @param maxLineBytes the longest input line accepted
     */
    CsvScorer(Model model, Output output, boolean allowMissingColumns, int maxLineBytes) {
        this.model = model;
        this.output = output;
        this.allowMissingColumns = allowMissingColumns;
        this.maxLineBytes = maxLineBytes;
    }

    /** The model's outputs or margins, batch-scored, each written with {@link Float#toString(float)}. */
    private static final class Scores implements Output {
        private final Model model;
        private final boolean margin;
        private final int k;
        private float[] outs = new float[0];

        Scores(Model model, boolean margin) {
            this.model = model;
            this.margin = margin;
            this.k = margin ? model.numMarginOutputs() : model.numOutputs();
        }

        @Override
        public List<String> columns() {
            return margin ? model.marginOutputNames() : model.outputNames();
        }

        @Override
        public void write(float[] rows, int n, Writer out) throws IOException {
            if (outs.length < n * k) {
                outs = new float[n * k];
            }
            if (margin) {
                model.scoreMargin(rows, n, outs);
            } else {
                model.score(rows, n, outs);
            }
            int i = 0;
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < k; j++, i++) {
                    if (j > 0) {
                        out.write(',');
                    }
                    out.write(Float.toString(outs[i]));
                }
                out.write('\n');
            }
        }
    }

    /**
     * Runs one CSV command end to end: opens {@code input} ({@code -} = stdin, which stays open), loads the model,
     * builds the engine and streams to {@code output} ({@code null} or {@code -} = stdout; a file is replaced only
     * when the run succeeds), reporting progress on stderr. The model is closed afterwards.
     *
     * @param cli the running command line (streams, model loader)
     * @param input the input CSV
     * @param output the output CSV
     * @param modelFile the model to load
     * @param engine builds the engine for the loaded model
     * @param verb the progress verb, e.g. {@code scored}
     * @param progress whether progress may be printed
     * @throws IOException if reading or writing fails
     */
    static void run(HotpathCli cli, Path input, Path output, Path modelFile, Function<Model, CsvScorer> engine,
                    String verb, boolean progress) throws IOException {
        boolean fromStdin = CliFiles.isDash(input);
        String inputName = fromStdin ? "<stdin>" : input.toString();
        try (InputStream in = fromStdin ? new FilterInputStream(cli.stdin()) {
                    @Override
                    public void close() {
                        // stdin belongs to the process, not to this command
                    }
                } : CliFiles.openInput(input, "input");
             Model m = cli.loadModel(modelFile)) {
            CsvScorer scorer = engine.apply(m);
            ProgressReporter reporter = ProgressReporter.standard(cli.stderr(), verb, progress);
            if (output == null || CliFiles.isDash(output)) {
                Writer out = new BufferedWriter(new OutputStreamWriter(cli.stdout(), StandardCharsets.UTF_8),
                        CliFiles.OUTPUT_BUFFER_CHARS);
                scorer.score(in, inputName, out, reporter);
            } else {
                CliFiles.writeOutput(output, "output", out -> scorer.score(in, inputName, out, reporter));
            }
        }
    }

    /**
     * Scores every row of {@code in} and writes the output CSV to {@code out} (flushed, not closed).
     *
     * @param in the input CSV; read to the end, not closed
     * @param source the input's name for error messages
     * @param out receives the output CSV
     * @param progress told about the rows done after every batch
     * @return the number of data rows scored
     * @throws IOException if reading or writing fails
     * @throws CsvInputException if the input is malformed; rows before the bad line may already have been written
     */
    long score(InputStream in, String source, Writer out, ProgressReporter progress) throws IOException {
        FeatureCsvReader reader = FeatureCsvReader.open(in, source, model, allowMissingColumns, maxLineBytes);
        int nf = model.numFeatures();
        List<String> columns = output.columns();
        int k = columns.size();
        int batchRows = Math.max(1, Math.min(MAX_BATCH_ROWS, MAX_BATCH_VALUES / Math.max(1, Math.max(nf, k))));
        // Positions of features without a column are never written, so they stay NaN (missing) for every row.
        float[] rows = new float[batchRows * nf];
        Arrays.fill(rows, Float.NaN);

        writeHeader(out, columns);
        long total = 0;
        int n = 0;
        while (reader.next(rows, n * nf)) {
            if (++n == batchRows) {
                output.write(rows, n, out);
                total += n;
                n = 0;
                progress.update(total);
            }
        }
        if (n > 0) {
            output.write(rows, n, out);
            total += n;
        }
        out.flush();
        progress.finish(total);
        return total;
    }

    private static void writeHeader(Writer out, List<String> names) throws IOException {
        for (int j = 0; j < names.size(); j++) {
            if (j > 0) {
                out.write(',');
            }
            out.write(csvField(names.get(j)));
        }
        out.write('\n');
    }

    /**
     * @param text a header value
     * @return the value, quoted as RFC 4180 requires when it contains a comma, quote, line break or edge blanks
     */
    static String csvField(String text) {
        boolean needsQuotes = text.isEmpty() || !text.strip().equals(text);
        for (int i = 0; i < text.length() && !needsQuotes; i++) {
            char c = text.charAt(i);
            needsQuotes = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        return needsQuotes ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }
}
