package dev.hotpath.cli;

import dev.hotpath.scoring.Model;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.util.Arrays;
import java.util.List;

/**
 * The engine of {@code hotpath score}: streams a CSV of feature rows through a {@link Model} and writes one CSV row
 * of outputs per input row, in order. Memory use is bounded by one batch of rows, whatever the input size.
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
    private final boolean margin;
    private final boolean allowMissingColumns;
    private final int maxLineBytes;

    /**
     * @param model the model to score with; not closed by this class
     * @param margin write raw margins instead of the model's outputs
     * @param allowMissingColumns treat model features without a column as missing instead of failing
     * @param maxLineBytes the longest input line accepted
     */
    CsvScorer(Model model, boolean margin, boolean allowMissingColumns, int maxLineBytes) {
        this.model = model;
        this.margin = margin;
        this.allowMissingColumns = allowMissingColumns;
        this.maxLineBytes = maxLineBytes;
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
        int k = margin ? model.numMarginOutputs() : model.numOutputs();
        int batchRows = Math.max(1, Math.min(MAX_BATCH_ROWS, MAX_BATCH_VALUES / Math.max(1, Math.max(nf, k))));
        // Positions of features without a column are never written, so they stay NaN (missing) for every row.
        float[] rows = new float[batchRows * nf];
        Arrays.fill(rows, Float.NaN);
        float[] outs = new float[batchRows * k];

        writeHeader(out, margin ? model.marginOutputNames() : model.outputNames());
        long total = 0;
        int n = 0;
        while (reader.next(rows, n * nf)) {
            if (++n == batchRows) {
                writeBatch(rows, n, outs, k, out);
                total += n;
                n = 0;
                progress.update(total);
            }
        }
        if (n > 0) {
            writeBatch(rows, n, outs, k, out);
            total += n;
        }
        out.flush();
        progress.finish(total);
        return total;
    }

    private void writeBatch(float[] rows, int n, float[] outs, int k, Writer out) throws IOException {
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
