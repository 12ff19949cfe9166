package dev.hotpath.shadow.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import dev.hotpath.shadow.ShadowEvalException;
import dev.hotpath.shadow.ShadowSampling;

/**
 * Labels read from a CSV file {@code request_id,label} (a header line is optional). Request ids are decimal
 * {@code long}s; any other id is mapped with {@link ShadowSampling#requestIdOf(CharSequence)}, the same function
 * callers use for string ids on the hot path. Labels are {@code 1}/{@code 0}, {@code true}/{@code false} or
 * {@code yes}/{@code no}. Further columns are ignored. If an id appears with both labels, positive wins (a
 * chargeback that arrived later) and the conflict is counted. Immutable after loading; thread-safe.
 */
final class LabelFile {
    static final long MAX_BYTES = 2L << 30;
    static final int MAX_LINE = 4096;

    private final Path path;
    private final long[] positives;
    private final long[] negatives;
    private final long rows;
    private final long conflicts;

    private LabelFile(Path path, long[] positives, long[] negatives, long rows, long conflicts) {
        this.path = path;
        this.positives = positives;
        this.negatives = negatives;
        this.rows = rows;
        this.conflicts = conflicts;
    }

    static LabelFile load(Path path) {
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            throw new ShadowEvalException("cannot read labels file " + path + ": " + e.getMessage(), e);
        }
        if (size > MAX_BYTES) {
            throw new ShadowEvalException("labels file " + path + " is " + size + " bytes; at most " + MAX_BYTES
                    + " are read");
        }
        long[] pos = new long[1024];
        long[] neg = new long[1024];
        int np = 0;
        int nn = 0;
        long rows = 0;
        try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String line;
            long lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.length() > MAX_LINE) {
                    throw new ShadowEvalException(path + " line " + lineNo + ": longer than " + MAX_LINE
                            + " characters; expected request_id,label");
                }
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] f = t.split(",", -1);
                if (f.length < 2) {
                    throw new ShadowEvalException(path + " line " + lineNo + ": expected request_id,label but found '"
                            + abbreviate(t) + "'");
                }
                String id = unquote(f[0]);
                String label = unquote(f[1]).toLowerCase(Locale.ROOT);
                if (lineNo == 1 && isHeader(id, label)) {
                    continue;
                }
                int value = parseLabel(label);
                if (value < 0) {
                    throw new ShadowEvalException(path + " line " + lineNo + ": label '" + abbreviate(f[1])
                            + "' is not 1/0, true/false or yes/no");
                }
                long rid = parseId(id);
                if (value == 1) {
                    if (np == pos.length) {
                        pos = Arrays.copyOf(pos, np + (np >> 1));
                    }
                    pos[np++] = rid;
                } else {
                    if (nn == neg.length) {
                        neg = Arrays.copyOf(neg, nn + (nn >> 1));
                    }
                    neg[nn++] = rid;
                }
                rows++;
            }
        } catch (IOException e) {
            throw new ShadowEvalException("cannot read labels file " + path + ": " + e.getMessage(), e);
        }
        return of(path, Arrays.copyOf(pos, np), Arrays.copyOf(neg, nn), rows);
    }

    /**
     * Labels from another source than a file (a backtest's label column), counted the same way.
     *
     * @param source what the report names as the labels' origin
     * @param p positive ids (sorted here)
     * @param n negative ids (sorted here)
     * @param rows labelled rows
     */
    static LabelFile of(String source, long[] p, long[] n, long rows) {
        return of(Path.of(source), p, n, rows);
    }

    private static LabelFile of(Path path, long[] p, long[] n, long rows) {
        Arrays.sort(p);
        Arrays.sort(n);
        long conflicts = 0;
        for (long id : n) {
            if (Arrays.binarySearch(p, id) >= 0) {
                conflicts++;
            }
        }
        return new LabelFile(path, p, n, rows, conflicts);
    }

    private static boolean isHeader(String id, String label) {
        return parseLabel(label) < 0 && (id.equalsIgnoreCase("request_id") || id.equalsIgnoreCase("requestId")
                || id.equalsIgnoreCase("id") || label.equals("label"));
    }

    private static int parseLabel(String s) {
        switch (s) {
            case "1":
            case "true":
            case "yes":
                return 1;
            case "0":
            case "false":
            case "no":
                return 0;
            default:
                return -1;
        }
    }

    static long parseId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return ShadowSampling.requestIdOf(id);
        }
    }

    private static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && t.charAt(0) == '"' && t.charAt(t.length() - 1) == '"') {
            return t.substring(1, t.length() - 1);
        }
        return t;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /** @return 1 for a positive, 0 for a negative, -1 when unlabelled */
    int label(long requestId) {
        if (Arrays.binarySearch(positives, requestId) >= 0) {
            return 1;
        }
        return Arrays.binarySearch(negatives, requestId) >= 0 ? 0 : -1;
    }

    Path path() {
        return path;
    }

    long rows() {
        return rows;
    }

    long conflicts() {
        return conflicts;
    }
}
