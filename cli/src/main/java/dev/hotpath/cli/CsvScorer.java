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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * {@code -Infinity} and {@code +Infinity} are values), {@code NaN} or empty for missing. See {@link CsvLineReader}
 * for the dialect.
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
    /** How many names an error message lists before abbreviating. */
    private static final int MAX_LISTED_NAMES = 20;
    /** How much of an unparsable field an error message quotes. */
    private static final int MAX_QUOTED_CHARS = 60;

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
                CliFiles.writeAtomically(output, "output", out -> scorer.score(in, inputName, out, reporter));
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
        CsvLineReader reader = new CsvLineReader(in, source, maxLineBytes);
        List<String> header = readHeader(reader, source);
        int nCols = header.size();
        int[] colToFeature = mapColumns(header, source);

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
        while (reader.nextLine()) {
            int fields = reader.split(nCols);
            if (fields != nCols) {
                throw new CsvInputException(source, reader.lineNumber(), "expected " + nCols
                        + (nCols == 1 ? " field" : " fields") + " as in the header, found " + fields
                        + (fields == 1 && reader.lineIsEmpty() ? " (the line is empty)" : ""));
            }
            int base = n * nf;
            for (int c = 0; c < nCols; c++) {
                float v;
                try {
                    v = reader.parseFloat(c);
                } catch (NumberFormatException e) {
                    throw unparsable(reader, c, header.get(c), source);
                }
                rows[base + colToFeature[c]] = v;
            }
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

    private List<String> readHeader(CsvLineReader reader, String source) throws IOException {
        if (!reader.nextLine()) {
            throw new CsvInputException(source, 1, "the input is empty; expected a header row naming the feature"
                    + " columns");
        }
        if (reader.lineIsEmpty()) {
            throw new CsvInputException(source, 1, "the header row is empty; expected the names of the feature"
                    + " columns, e.g. " + namesList(model.featureNames()));
        }
        // Every column must be a distinct feature, so more than numFeatures columns is always an error; recording
        // a few extra names lets the error list them without letting a huge header cost memory.
        int maxRecorded = model.numFeatures() + MAX_LISTED_NAMES;
        int nCols = reader.split(maxRecorded);
        List<String> header = new ArrayList<>(Math.min(nCols, maxRecorded));
        for (int c = 0; c < Math.min(nCols, maxRecorded); c++) {
            String name = reader.text(c);
            if (!reader.quoted(c)) {
                name = name.strip();
            }
            if (name.isEmpty()) {
                throw new CsvInputException(source, 1, "header column " + (c + 1) + " has no name");
            }
            header.add(name);
        }
        if (nCols > maxRecorded) {
            throw new CsvInputException(source, 1, "the header has " + nCols + " columns but the model has only "
                    + model.numFeatures() + " features: " + namesList(model.featureNames()));
        }
        return header;
    }

    private int[] mapColumns(List<String> header, String source) {
        List<String> names = model.featureNames();
        Map<String, Integer> index = new HashMap<>(names.size() * 2);
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        int[] colToFeature = new int[header.size()];
        int[] featureToCol = new int[names.size()];
        Arrays.fill(featureToCol, -1);
        List<String> unknown = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            Integer f = index.get(header.get(c));
            if (f == null) {
                unknown.add(header.get(c));
                continue;
            }
            if (featureToCol[f] >= 0) {
                throw new CsvInputException(source, 1, "column '" + header.get(c) + "' appears twice (columns "
                        + (featureToCol[f] + 1) + " and " + (c + 1) + ")");
            }
            featureToCol[f] = c;
            colToFeature[c] = f;
        }
        if (!unknown.isEmpty()) {
            throw new CsvInputException(source, 1, (unknown.size() == 1 ? "unknown column " : "unknown columns ")
                    + quotedList(unknown) + "; " + expectedFeatures());
        }
        if (!allowMissingColumns) {
            List<String> absent = new ArrayList<>();
            for (int f = 0; f < names.size(); f++) {
                if (featureToCol[f] < 0) {
                    absent.add(names.get(f));
                }
            }
            if (!absent.isEmpty()) {
                throw new CsvInputException(source, 1, "no column for " + absent.size() + " of the model's "
                        + names.size() + " features: " + quotedList(absent) + "; every feature needs a column"
                        + " (an empty field or NaN marks a missing value), or pass --allow-missing-columns to"
                        + " treat absent columns as missing in every row");
            }
        }
        return colToFeature;
    }

    private String expectedFeatures() {
        List<String> names = model.featureNames();
        if (!model.hasFeatureNames()) {
            return "the model has no feature names, so its " + names.size() + " columns are named by position: "
                    + (names.isEmpty() ? "(none)" : names.get(0) + " … " + names.get(names.size() - 1));
        }
        return "the model's " + names.size() + " features are: " + namesList(names);
    }

    private static String namesList(List<String> names) {
        StringBuilder sb = new StringBuilder();
        int shown = Math.min(names.size(), MAX_LISTED_NAMES);
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(names.get(i));
        }
        if (names.size() > shown) {
            sb.append(", … (").append(names.size() - shown).append(" more)");
        }
        return sb.toString();
    }

    private static String quotedList(List<String> names) {
        List<String> quoted = new ArrayList<>(names.size());
        for (String n : names) {
            quoted.add("'" + n + "'");
        }
        return namesList(quoted);
    }

    private static CsvInputException unparsable(CsvLineReader reader, int column, String name, String source) {
        String text = reader.text(column).strip();
        if (text.length() > MAX_QUOTED_CHARS) {
            text = text.substring(0, MAX_QUOTED_CHARS) + "…";
        }
        return new CsvInputException(source, reader.lineNumber(), "column '" + name + "': cannot parse \"" + text
                + "\" as a number; expected a Java float literal (e.g. 1.5, -2e-3, Infinity), or NaN or an empty"
                + " field for a missing value");
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
