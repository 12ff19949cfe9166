package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureStatus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Bulk-builds a new generation of a view from a CSV file and publishes it (readers switch when it is complete).
 *
 * <p><b>Format.</b> UTF-8, comma-separated, a header line first. The <em>first</em> column is the entity id (any
 * header name). The other columns are matched to the view's features <em>by name</em>, in any order; every feature
 * must have a column. An optional column {@code event_time_millis} (unless a feature has that name) gives each
 * entity's event time in epoch milliseconds; without it every entity gets the load's start time. Fields may be
 * double-quoted ({@code ""} escapes a quote). An empty cell or {@code NaN} is NaN (missing); numbers use plain
 * decimal or exponent notation. Lines end with LF or CRLF (a lone CR, classic Mac OS, is refused before anything is
 * built). Blank lines are skipped. A repeated id replaces the earlier row (last wins) and is
 * counted in {@link LoadResult#duplicates()}. A file without data rows is refused (publishing it would empty the
 * view).
 *
 * <p><b>Errors</b> (unknown or missing feature columns, malformed numbers, wrong field counts, invalid ids) fail the
 * load with a {@link FeatureFileException} naming the file, line and column; the partial generation is deleted and
 * the published one keeps being served.
 *
 * <p>Stateless; thread-safe (concurrent loads of one view are refused by the view's build lock). Cold path.
 */
public final class FeatureCsvLoader {
    /** Name of the optional event-time column. */
    public static final String EVENT_TIME_COLUMN = "event_time_millis";
    /** Longest accepted CSV line, in chars. */
    static final int MAX_LINE_CHARS = 8 << 20;
    /** Progress is reported every this many rows (and at the end). */
    static final long PROGRESS_EVERY = 100_000;

    private FeatureCsvLoader() {
    }

    /**
     * Loads a CSV into a new generation of an existing view, using the view's published definition.
     *
     * @param dir the cache directory
     * @param viewName the view (must have been created)
     * @param csv the CSV file
     * @param options writer options (average id size is measured from the CSV)
     * @param progress receives progress; may be null
     * @return what was loaded
     * @throws FeatureFileException if the view, the CSV or a row is invalid (naming file, line and column)
     */
    public static LoadResult load(Path dir, String viewName, Path csv, WriterOptions options,
                                  LoadProgressListener progress) {
        ChronicleRuntime.ensureReady();
        Manifest m = Manifest.read(dir, viewName);
        return load(dir, m.view, csv, options, progress);
    }

    /**
     * Loads a CSV into a new generation following {@code view}, which may differ from the published definition
     * (a schema change: readers pinned to the old definition then get {@link FeatureStatus#SCHEMA_MISMATCH}).
     *
     * @param dir the cache directory
     * @param view the definition of the new generation
     * @param csv the CSV file
     * @param options writer options (average id size is measured from the CSV)
     * @param progress receives progress; may be null
     * @return what was loaded
     * @throws FeatureFileException if the CSV or a row is invalid (naming file, line and column)
     */
    public static LoadResult load(Path dir, FeatureView view, Path csv, WriterOptions options,
                                  LoadProgressListener progress) {
        long started = System.nanoTime();
        Built built = build(dir, view, csv, options, 0, progress);
        FeatureWriter writer = built.writer;
        try {
            writer.publish();
            WriterStats stats = writer.stats();
            return new LoadResult(view, writer.generation(), writer.file(), built.rows, stats.entries(),
                    built.duplicates, (System.nanoTime() - started) / 1_000_000, stats.fileSizeBytes());
        } finally {
            writer.close();
        }
    }

    /**
     * Loads a CSV into a new generation following {@code view} and leaves it <em>unpublished</em>, for a caller that
     * adds to it before publishing: a stream follower bootstrapping from a snapshot catches up on the updates after
     * the snapshot, then publishes, so readers never see the older snapshot state. The caller owns the returned
     * writer: {@link FeatureWriter#publish()} it, or {@link FeatureWriter#close()} it to abandon the generation. The
     * writer's watermark is set to the newest event time in the CSV.
     *
     * @param dir the cache directory
     * @param view the definition of the new generation
     * @param csv the CSV file (format as for {@link #load(Path, FeatureView, Path, WriterOptions, LoadProgressListener)})
     * @param options writer options (average id size is measured from the CSV)
     * @param extraEntities room to add beyond the CSV's rows (entities the caller will insert), at least 0
     * @param progress receives progress; may be null
     * @return an open writer on the new, unpublished generation holding the CSV's rows
     * @throws FeatureFileException if the CSV or a row is invalid (naming file, line and column); nothing is left
     *                              behind then
     */
    public static FeatureWriter loadUnpublished(Path dir, FeatureView view, Path csv, WriterOptions options,
                                                long extraEntities, LoadProgressListener progress) {
        if (extraEntities < 0) {
            throw new IllegalArgumentException("extraEntities must be at least 0, got " + extraEntities);
        }
        return build(dir, view, csv, options, extraEntities, progress).writer;
    }

    /** A filled, unpublished generation and what went into it. */
    private static final class Built {
        final FeatureWriter writer;
        final long rows;
        final long duplicates;

        Built(FeatureWriter writer, long rows, long duplicates) {
            this.writer = writer;
            this.rows = rows;
            this.duplicates = duplicates;
        }
    }

    /** Fills a new generation from the CSV; on any failure the partial generation is deleted. */
    private static Built build(Path dir, FeatureView view, Path csv, WriterOptions options, long extraEntities,
                               LoadProgressListener progress) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(csv, "csv");
        Objects.requireNonNull(options, "options");
        LoadProgressListener listener = progress != null ? progress : (done, total) -> { };
        ChronicleRuntime.ensureReady();
        long loadTime = options.clock().getAsLong();

        Columns columns = header(csv, view);
        Survey survey = survey(csv);
        int averageIdBytes = (int) Math.max(1, Math.min(4096,
                survey.rows == 0 ? options.averageIdBytes() : Math.round((double) survey.idBytes / survey.rows)));
        WriterOptions buildOptions = options.withAverageIdBytes(averageIdBytes);

        FeatureWriter writer = FeatureWriter.createGeneration(dir, view,
                Math.min(FeatureWriter.MAX_ENTITIES, Math.max(1, survey.rows + extraEntities)), buildOptions);
        boolean filled = false;
        try {
            long[] duplicates = {0};
            long[] maxEventTime = {Long.MIN_VALUE};
            long rows = readRows(csv, view, columns, loadTime, (id, eventTime, values, line) -> {
                if (!writer.upsert(id, eventTime, values, 0)) {
                    duplicates[0]++;
                }
                maxEventTime[0] = Math.max(maxEventTime[0], eventTime);
            }, listener, survey.rows);
            if (rows == 0) {
                // A broken upstream job must not wipe a view: an empty generation would turn every read NOT_FOUND.
                throw new FeatureFileException(csv + ": no data rows; refusing to publish an empty generation of"
                        + " view " + view.name() + " (the current generation stays served)");
            }
            writer.setWatermark(maxEventTime[0]);
            filled = true;
            return new Built(writer, rows, duplicates[0]);
        } finally {
            if (!filled) {
                // The generation is unpublished, so close() deletes the partial file and releases the lock.
                writer.close();
            }
        }
    }

    /** Receives the rows of a CSV file, in file order; see {@link #readRows}. */
    @FunctionalInterface
    public interface RowHandler {
        /**
         * @param id the row's entity id (first column)
         * @param eventTimeMillis the row's {@code event_time_millis}, or the default when the file has no such column
         * @param values the row's features in view order (NaN = missing); reused for the next row
         * @param lineNumber the row's line in the file (1 is the header)
         * @throws IllegalArgumentException to refuse the row: the read fails with a {@link FeatureFileException}
         *                                  naming the file and line and carrying the message
         */
        void row(String id, long eventTimeMillis, float[] values, long lineNumber);
    }

    /**
     * Reads the rows of a CSV file in {@code hotpath cache load}'s format (see the class comment), validated against
     * {@code view}, without writing any generation: for tools that send the rows elsewhere (e.g. publishing them to
     * a topic). Cold path.
     *
     * @param csv the CSV file
     * @param view the definition the columns are matched against
     * @param defaultEventTimeMillis event time of every row when the file has no {@code event_time_millis} column
     * @param handler receives each row
     * @param progress receives progress (rows done, rows in the file); may be null
     * @return rows read
     * @throws FeatureFileException if the CSV, a row, or the handler refuses it (naming file, line and column)
     */
    public static long readRows(Path csv, FeatureView view, long defaultEventTimeMillis, RowHandler handler,
                                LoadProgressListener progress) {
        Objects.requireNonNull(csv, "csv");
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(handler, "handler");
        Columns columns = header(csv, view);
        return readRows(csv, view, columns, defaultEventTimeMillis, handler,
                progress != null ? progress : (done, total) -> { }, survey(csv).rows);
    }

    private static Columns header(Path csv, FeatureView view) {
        try (BufferedReader r = open(csv)) {
            String header = r.readLine();
            if (header == null) {
                throw new FeatureFileException(csv + ":1: empty file; expected a header line with the id column"
                        + " and the feature columns " + view.featureNames());
            }
            header = stripBom(header);
            if (header.isBlank()) {
                throw new FeatureFileException(csv + ":1: the header line is empty; expected the id column followed"
                        + " by the feature columns " + view.featureNames() + " (a blank line at the top of the"
                        + " file?)");
            }
            return Columns.of(csv, header, view);
        } catch (IOException e) {
            throw ioError(csv, e);
        }
    }

    private static long readRows(Path csv, FeatureView view, Columns columns, long defaultEventTime,
                                 RowHandler handler, LoadProgressListener listener, long totalRows) {
        long rows = 0;
        float[] row = new float[view.dimension()];
        List<String> fields = new ArrayList<>(columns.count);
        try (BufferedReader r = open(csv)) {
            r.readLine();
            String line;
            long lineNo = 1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.length() > MAX_LINE_CHARS) {
                    throw new FeatureFileException(csv + ":" + lineNo + ": line longer than " + MAX_LINE_CHARS
                            + " characters");
                }
                if (line.isEmpty() || (line.length() == 1 && line.charAt(0) == '\r')) {
                    continue;
                }
                split(line, fields, csv, lineNo);
                if (fields.size() != columns.count) {
                    throw new FeatureFileException(csv + ":" + lineNo + ": expected " + columns.count
                            + " fields like the header, found " + fields.size());
                }
                long eventTime = defaultEventTime;
                if (columns.eventTimeColumn >= 0) {
                    eventTime = parseEventTime(fields.get(columns.eventTimeColumn), csv, lineNo);
                }
                for (int c = 1; c < columns.count; c++) {
                    int feature = columns.featureOfColumn[c];
                    if (feature < 0) {
                        continue;
                    }
                    String cell = fields.get(c);
                    try {
                        row[feature] = FloatText.parse(cell, 0, cell.length());
                    } catch (NumberFormatException e) {
                        throw new FeatureFileException(csv + ":" + lineNo + ": column \"" + columns.names[c]
                                + "\" (column " + (c + 1) + "): cannot parse \"" + cell + "\" as a number ("
                                + e.getMessage() + ")", e);
                    }
                }
                try {
                    handler.row(fields.get(0), eventTime, row, lineNo);
                } catch (IllegalArgumentException e) {
                    throw new FeatureFileException(csv + ":" + lineNo + ": " + e.getMessage(), e);
                }
                rows++;
                if (rows % PROGRESS_EVERY == 0) {
                    listener.onProgress(rows, totalRows);
                }
            }
        } catch (IOException e) {
            throw ioError(csv, e);
        }
        listener.onProgress(rows, rows);
        return rows;
    }

    private static long parseEventTime(String cell, Path csv, long lineNo) {
        try {
            return Long.parseLong(cell);
        } catch (NumberFormatException e) {
            throw new FeatureFileException(csv + ":" + lineNo + ": column \"" + EVENT_TIME_COLUMN
                    + "\": cannot parse \"" + cell + "\" as epoch milliseconds", e);
        }
    }

    private static BufferedReader open(Path csv) {
        try {
            InputStream in = Files.newInputStream(csv);
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 20);
        } catch (NoSuchFileException e) {
            throw new FeatureFileException(csv + ": CSV file not found", e);
        } catch (IOException e) {
            throw ioError(csv, e);
        }
    }

    private static FeatureFileException ioError(Path csv, IOException e) {
        if (e instanceof CharacterCodingException) {
            return new FeatureFileException(csv + ": not valid UTF-8", e);
        }
        return new FeatureFileException(csv + ": cannot read CSV: " + e, e);
    }

    private static String stripBom(String header) {
        return !header.isEmpty() && header.charAt(0) == '\uFEFF' ? header.substring(1) : header;
    }

    /** Counts data lines and the id column's bytes with a raw byte scan, to size the new generation. */
    private static Survey survey(Path csv) {
        Survey s = new Survey();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(csv)) {
            boolean header = true;
            boolean lineEmpty = true;
            boolean inId = true;
            boolean quoted = false;
            boolean afterCr = false;
            long line = 1;
            long idBytes = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (afterCr && b != '\n' && !quoted) {
                        throw crOnly(csv, line);
                    }
                    afterCr = b == '\r';
                    if (b == '\n' && !quoted) {
                        line++;
                        if (!header && !lineEmpty) {
                            s.rows++;
                            s.idBytes += idBytes;
                        }
                        header = false;
                        lineEmpty = true;
                        inId = true;
                        idBytes = 0;
                        continue;
                    }
                    if (b != '\r') {
                        lineEmpty = false;
                    }
                    if (inId) {
                        if (b == '"') {
                            quoted = !quoted;
                        } else if (b == ',' && !quoted) {
                            inId = false;
                        } else if (b != '\r') {
                            idBytes++;
                        }
                    }
                }
            }
            if (!header && !lineEmpty) {
                s.rows++;
                s.idBytes += idBytes;
            }
            if (afterCr && line == 1) {
                // A one-line file ending in a lone CR: the header of a classic Mac OS file.
                throw crOnly(csv, line);
            }
        } catch (NoSuchFileException e) {
            throw new FeatureFileException(csv + ": CSV file not found", e);
        } catch (IOException e) {
            throw ioError(csv, e);
        }
        return s;
    }

    /**
     * Java's readLine would split these lines, but the rest of the pipeline (and the row count that sizes the
     * generation) would not agree; refuse clearly instead.
     */
    private static FeatureFileException crOnly(Path csv, long line) {
        return new FeatureFileException(csv + ":" + line + ": line ends with a lone CR (classic Mac OS line endings);"
                + " lines must end with LF or CRLF. Convert the file, e.g. tr '\\r' '\\n' < IN.csv > OUT.csv");
    }

    private static final class Survey {
        long rows;
        long idBytes;
    }

    /**
     * Splits one CSV line into {@code out}. Quoted fields may contain commas and doubled quotes; a quoted field
     * cannot span lines.
     */
    static void split(String line, List<String> out, Path csv, long lineNo) {
        out.clear();
        int n = line.length();
        if (n > 0 && line.charAt(n - 1) == '\r') {
            n--;
        }
        int i = 0;
        while (true) {
            if (i < n && line.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw new FeatureFileException(csv + ":" + lineNo + ": unterminated quoted field in column "
                                + (out.size() + 1));
                    }
                    char c = line.charAt(i);
                    if (c == '"') {
                        if (i + 1 < n && line.charAt(i + 1) == '"') {
                            sb.append('"');
                            i += 2;
                        } else {
                            i++;
                            break;
                        }
                    } else {
                        sb.append(c);
                        i++;
                    }
                }
                out.add(sb.toString());
                if (i == n) {
                    return;
                }
                if (line.charAt(i) != ',') {
                    throw new FeatureFileException(csv + ":" + lineNo + ": unexpected character after the closing"
                            + " quote of column " + out.size());
                }
                i++;
            } else {
                int comma = line.indexOf(',', i);
                int end = comma < 0 || comma > n ? n : comma;
                out.add(line.substring(i, end));
                if (end == n) {
                    return;
                }
                i = end + 1;
            }
        }
    }

    /** The header, resolved against the view. */
    private static final class Columns {
        final int count;
        final String[] names;
        final int[] featureOfColumn;
        final int eventTimeColumn;

        private Columns(String[] names, int[] featureOfColumn, int eventTimeColumn) {
            this.count = names.length;
            this.names = names;
            this.featureOfColumn = featureOfColumn;
            this.eventTimeColumn = eventTimeColumn;
        }

        static Columns of(Path csv, String header, FeatureView view) {
            List<String> fields = new ArrayList<>();
            split(header, fields, csv, 1);
            String[] names = fields.toArray(new String[0]);
            if (names.length < 2) {
                throw new FeatureFileException(csv + ":1: header has " + names.length + " column(s); expected the id"
                        + " column followed by the feature columns " + view.featureNames());
            }
            int[] featureOf = new int[names.length];
            Arrays.fill(featureOf, -1);
            int eventTime = -1;
            Map<String, Integer> seen = new HashMap<>();
            List<String> unknown = new ArrayList<>();
            boolean[] covered = new boolean[view.dimension()];
            for (int c = 0; c < names.length; c++) {
                String name = names[c].trim();
                names[c] = name;
                Integer prev = seen.put(name, c);
                if (prev != null) {
                    throw new FeatureFileException(csv + ":1: column \"" + name + "\" appears twice (columns "
                            + (prev + 1) + " and " + (c + 1) + ")");
                }
                if (c == 0) {
                    continue;
                }
                int f = view.indexOf(name);
                if (f >= 0) {
                    featureOf[c] = f;
                    covered[f] = true;
                } else if (EVENT_TIME_COLUMN.equals(name)) {
                    eventTime = c;
                } else {
                    unknown.add(name);
                }
            }
            if (!unknown.isEmpty()) {
                throw new FeatureFileException(csv + ":1: unknown feature column(s) " + unknown + " for view "
                        + view.name() + "; its features are " + view.featureNames() + " (plus the optional \""
                        + EVENT_TIME_COLUMN + "\" column)");
            }
            List<String> missing = new ArrayList<>();
            for (int f = 0; f < covered.length; f++) {
                if (!covered[f]) {
                    missing.add(view.featureNames().get(f));
                }
            }
            if (!missing.isEmpty()) {
                throw new FeatureFileException(csv + ":1: missing feature column(s) " + missing + " of view "
                        + view.name() + " (an empty cell means NaN, but every feature needs a column)");
            }
            return new Columns(names, featureOf, eventTime);
        }
    }
}
