package dev.hotpath.cli;

import dev.hotpath.scoring.Model;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a CSV of feature rows for a {@link Model} with the input rules of {@code hotpath score}: the first line is a
 * header naming the columns; every column must name one of the model's features ({@link Model#featureNames()}: the
 * model's own names, or {@code f0 … f(n-1)} when the file has none), in any order; every model feature must have a
 * column unless {@code allowMissingColumns} is set, in which case absent features are missing ({@code NaN}) in every
 * row. Each following line is a row with exactly as many fields as the header; a field is a Java float literal
 * ({@link Float#parseFloat(String)}, so {@code Infinity}, {@code -Infinity} and {@code +Infinity} are values),
 * {@code NaN} or empty for missing. See {@link CsvLineReader} for the dialect. Malformed input fails with a
 * {@link CsvInputException} naming the input, the line, the column and what was expected.
 *
 * <p>{@code hotpath score} ({@link CsvScorer}) streams through {@link #next(float[], int)}; the JMH suite's
 * own-model benchmark loads its rows with {@link #readRows(Path, Model, boolean, int)}.
 *
 * <p>Not thread-safe: one reader per input, used from one thread. Allocation: the header's strings once; per row
 * nothing, except a string for a field that is not a short decimal, empty or {@code NaN}.
 */
public final class FeatureCsvReader {
    /** How many names an error message lists before abbreviating. */
    private static final int MAX_LISTED_NAMES = 20;
    /** How much of an unparsable field an error message quotes. */
    private static final int MAX_QUOTED_CHARS = 60;

    private final CsvLineReader reader;
    private final String source;
    private final Model model;
    private final boolean allowMissingColumns;
    private final List<String> header;
    private final int[] colToFeature;

    private FeatureCsvReader(CsvLineReader reader, String source, Model model, boolean allowMissingColumns)
            throws IOException {
        this.reader = reader;
        this.source = source;
        this.model = model;
        this.allowMissingColumns = allowMissingColumns;
        this.header = readHeader(reader, source);
        this.colToFeature = mapColumns(header, source);
    }

    /**
     * Opens a CSV input and reads and checks its header.
     *
     * @param in the input; read sequentially, never closed by this class
     * @param source the input's name for error messages
     * @param model the model whose features the columns name
     * @param allowMissingColumns treat model features without a column as missing instead of failing
     * @param maxLineBytes the longest input line accepted
     * @return the reader, positioned before the first data row
     * @throws IOException if reading fails
     * @throws CsvInputException if the header is malformed or does not match the model's features
     */
    public static FeatureCsvReader open(InputStream in, String source, Model model, boolean allowMissingColumns,
                                        int maxLineBytes) throws IOException {
        return new FeatureCsvReader(new CsvLineReader(in, source, maxLineBytes), source, model, allowMissingColumns);
    }

    /**
     * Reads the next data row into {@code rows[offset + f]} for every feature {@code f} that has a column. Features
     * without a column are not written: fill the array with {@code NaN} first to make them missing.
     *
     * @param rows receives the row; at least {@code offset + model.numFeatures()} long
     * @param offset where the row starts
     * @return {@code false} at the end of the input (nothing written)
     * @throws IOException if reading fails
     * @throws CsvInputException if the line has the wrong number of fields or a field is not a number
     */
    public boolean next(float[] rows, int offset) throws IOException {
        if (!reader.nextLine()) {
            return false;
        }
        int nCols = header.size();
        int fields = reader.split(nCols);
        if (fields != nCols) {
            throw new CsvInputException(source, reader.lineNumber(), "expected " + nCols
                    + (nCols == 1 ? " field" : " fields") + " as in the header, found " + fields
                    + (fields == 1 && reader.lineIsEmpty() ? " (the line is empty)" : ""));
        }
        for (int c = 0; c < nCols; c++) {
            float v;
            try {
                v = reader.parseFloat(c);
            } catch (NumberFormatException e) {
                throw unparsable(reader, c, header.get(c), source);
            }
            rows[offset + colToFeature[c]] = v;
        }
        return true;
    }

    /**
     * Rows read from a file.
     *
     * @param values {@code numRows × numFeatures} floats, row-major; {@code NaN} for missing values
     * @param numRows the rows read
     * @param truncated whether the file has more rows than were read
     */
    public record Rows(float[] values, int numRows, boolean truncated) {
    }

    /**
     * Reads up to {@code maxRows} data rows of a CSV file into memory.
     *
     * @param csv the file
     * @param model the model whose features the columns name
     * @param allowMissingColumns treat model features without a column as missing instead of failing
     * @param maxRows the most rows to read, {@code >= 1}
     * @return the rows
     * @throws IOException if the file cannot be read
     * @throws CsvInputException if the file is malformed
     */
    public static Rows readRows(Path csv, Model model, boolean allowMissingColumns, int maxRows) throws IOException {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1, got " + maxRows);
        }
        int nf = model.numFeatures();
        try (InputStream in = Files.newInputStream(csv)) {
            FeatureCsvReader r = open(in, csv.toString(), model, allowMissingColumns,
                    CsvLineReader.DEFAULT_MAX_LINE_BYTES);
            float[] rows = new float[Math.min(maxRows, 1024) * nf];
            Arrays.fill(rows, Float.NaN);
            int n = 0;
            while (n < maxRows) {
                if ((n + 1) * (long) nf > rows.length) {
                    int capacity = (int) Math.min(maxRows, 2L * rows.length / nf);
                    int old = rows.length;
                    rows = Arrays.copyOf(rows, capacity * nf);
                    Arrays.fill(rows, old, rows.length, Float.NaN);
                }
                if (!r.next(rows, n * nf)) {
                    return new Rows(Arrays.copyOf(rows, n * nf), n, false);
                }
                n++;
            }
            return new Rows(rows.length == n * nf ? rows : Arrays.copyOf(rows, n * nf), n, r.reader.nextLine());
        }
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
            if (!reader.quoted(c) && name.indexOf('\r') >= 0) {
                throw crOnly(source, 1);
            }
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

    /**
     * A file with classic Mac OS line endings is one long line to this reader (and to most tools); saying so beats
     * reporting a column named {@code "age\r1"}.
     */
    static CsvInputException crOnly(String source, long line) {
        return new CsvInputException(source, line, "the line contains a lone CR: the file seems to use classic Mac OS"
                + " line endings (CR only); lines must end with LF or CRLF. Convert it, e.g. tr '\\r' '\\n'"
                + " < IN.csv > OUT.csv");
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
}
