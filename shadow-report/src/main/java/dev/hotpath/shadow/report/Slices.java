package dev.hotpath.shadow.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.hotpath.scoring.ConfigurationException;

/**
 * Computes {@link SliceSummary}: amount-weighted metrics and per-segment metrics of one comparison. The one code
 * path for shadow logs and score pairs; each segment's metrics come from the report's own comparison code, run on
 * the segment's records. Stateless; cold path.
 */
final class Slices {
    /** The segment value shown for a null. */
    static final String NULL_SEGMENT = "(null)";
    /** The value of the row folding small segments and those beyond the listed ones. */
    static final String OTHER = "(other)";
    /** The weight a shadow log records with each comparison: the amount the service passed. */
    static final String LOG_WEIGHT = "amount";
    /** The segment column a shadow log records with each comparison: the segment key the service passed. */
    static final String LOG_SEGMENT = "segment";

    private Slices() {
    }

    /**
     * The weight and segment columns of one comparison's records, row-aligned with its {@link LogDataset.Columns}.
     *
     * @param weightName what the weight is, or {@code null}
     * @param weight one weight per row, or {@code null}
     * @param segmentNames the segment columns
     * @param codes per segment column, one code per row indexing {@code values}
     * @param values per segment column, the value of each code
     */
    record Dimensions(String weightName, double[] weight, List<String> segmentNames, List<int[]> codes,
            List<List<String>> values) {
        boolean isEmpty() {
            return weightName == null && segmentNames.isEmpty();
        }
    }

    /**
     * Checks names asked of a shadow log: it records exactly one weight ({@value #LOG_WEIGHT}) and one segment
     * column ({@value #LOG_SEGMENT}) per comparison.
     */
    static void validateLogNames(String weight, List<String> segments) {
        if (weight != null && !weight.equals(LOG_WEIGHT)) {
            throw new ConfigurationException("a shadow log weighs requests by '" + LOG_WEIGHT + "' (the amount the"
                    + " service passed to ShadowPublisher.offer), not '" + weight + "'");
        }
        for (String s : segments) {
            if (!s.equals(LOG_SEGMENT)) {
                throw new ConfigurationException("a shadow log segments requests by '" + LOG_SEGMENT + "' (the"
                        + " segment key the service passed to ShadowPublisher.offer), not '" + s + "'");
            }
        }
    }

    /** @return the log's amount and segment key of each record, as asked */
    static Dimensions ofLog(LogDataset.Columns c, String weight, List<String> segments) {
        double[] w = null;
        if (weight != null) {
            w = new double[c.size];
            for (int i = 0; i < c.size; i++) {
                w[i] = c.amount[i];
            }
        }
        List<int[]> codes = new ArrayList<>();
        List<List<String>> values = new ArrayList<>();
        for (int j = 0; j < segments.size(); j++) {
            Map<Integer, Integer> index = new HashMap<>();
            List<String> dict = new ArrayList<>();
            int[] code = new int[c.size];
            for (int i = 0; i < c.size; i++) {
                code[i] = index.computeIfAbsent(c.segment[i], k -> {
                    dict.add(Integer.toString(k));
                    return dict.size() - 1;
                });
            }
            codes.add(code);
            values.add(dict);
        }
        return new Dimensions(weight, w, List.copyOf(segments), codes, values);
    }

    /**
     * @param d the weight and segments of {@code c}'s rows
     * @param c the comparison's records
     * @param whole the comparison computed on all of {@code c}
     * @param labels labels, or {@code null}
     * @param compare the report's comparison code, applied to a subset of the records
     * @param minSize minimum comparable requests for a segment of its own
     * @param maxSegments most segments listed per column
     * @param fromLogs whether the records come from a shadow log (for the notes)
     * @return the summary
     */
    static SliceSummary compute(Dimensions d, LogDataset.Columns c, ShadowComparison whole, LabelFile labels,
            Function<LogDataset.Columns, ShadowComparison> compare, int minSize, int maxSegments, boolean fromLogs) {
        List<String> notes = new ArrayList<>();
        List<WeightedMetrics> weighted = List.of();
        if (d.weight() != null) {
            weighted = weighted(c, d.weight(), labels, whole.primaryThreshold(), whole.shadowThreshold(),
                    whole.matchedThreshold());
            if (fromLogs && c.size > 0 && weighted.get(0).totalWeight() == 0) {
                notes.add("No comparison record carries an amount, so the weighted metrics are n/a: the service"
                        + " must pass amountMinor to ShadowPublisher.offer (see the shadow-eval README).");
            }
        }
        List<SegmentBreakdown> breakdowns = new ArrayList<>();
        for (int j = 0; j < d.segmentNames().size(); j++) {
            SegmentBreakdown b = breakdown(d.segmentNames().get(j), d.codes().get(j), d.values().get(j), d.weight(),
                    c, whole, labels, compare, minSize, maxSegments);
            if (fromLogs && b.segments() == 1 && c.size > 0 && d.values().get(j).get(0).equals("0")) {
                notes.add("Every comparison record has segment key 0: the service passed no segment key to"
                        + " ShadowPublisher.offer (see the shadow-eval README).");
            }
            breakdowns.add(b);
        }
        return new SliceSummary(whole.shadow().modelId(), d.weightName(), weighted, breakdowns, notes);
    }

    /** The weighted metrics of the primary, the shadow and the shadow at the matched threshold. */
    static List<WeightedMetrics> weighted(LogDataset.Columns c, double[] weight, LabelFile labels, float tp,
            float ts, float tm) {
        int n = 0;
        float[] p = new float[c.size];
        float[] s = new float[c.size];
        byte[] y = new byte[c.size];
        double[] w = new double[c.size];
        for (int i = 0; i < c.size; i++) {
            if (Float.isFinite(c.primary[i]) && Float.isFinite(c.shadow[i])) {
                p[n] = c.primary[i];
                s[n] = c.shadow[i];
                y[n] = (byte) (labels == null ? -1 : labels.label(c.requestId[i]));
                w[n] = weight[i];
                n++;
            }
        }
        p = Arrays.copyOf(p, n);
        s = Arrays.copyOf(s, n);
        y = Arrays.copyOf(y, n);
        w = Arrays.copyOf(w, n);
        return List.of(WeightedMetrics.of("primary", tp, p, y, w), WeightedMetrics.of("shadow", ts, s, y, w),
                WeightedMetrics.of("shadow (block-rate-matched)", tm, s, y, w));
    }

    private static SegmentBreakdown breakdown(String column, int[] code, List<String> values, double[] weight,
            LogDataset.Columns c, ShadowComparison whole, LabelFile labels,
            Function<LogDataset.Columns, ShadowComparison> compare, int minSize, int maxSegments) {
        int k = values.size();
        int[] records = new int[k];
        int[] valid = new int[k];
        int[] flips = new int[k];
        float tp = whole.primaryThreshold();
        float ts = whole.shadowThreshold();
        for (int i = 0; i < c.size; i++) {
            int g = code[i];
            records[g]++;
            if (Float.isFinite(c.primary[i]) && Float.isFinite(c.shadow[i])) {
                valid[g]++;
                if ((c.primary[i] >= tp) != (c.shadow[i] >= ts)) {
                    flips[g]++;
                }
            }
        }
        List<Integer> eligible = new ArrayList<>();
        int small = 0;
        for (int g = 0; g < k; g++) {
            if (records[g] == 0) {
                continue;
            }
            if (valid[g] >= minSize) {
                eligible.add(g);
            } else {
                small++;
            }
        }
        eligible.sort((a, b) -> {
            int cmp = Double.compare((double) flips[b] / valid[b], (double) flips[a] / valid[a]);
            if (cmp == 0) {
                cmp = Integer.compare(valid[b], valid[a]);
            }
            return cmp != 0 ? cmp : values.get(a).compareTo(values.get(b));
        });
        boolean[] listed = new boolean[k];
        List<SegmentMetrics> rows = new ArrayList<>();
        for (int r = 0; r < Math.min(maxSegments, eligible.size()); r++) {
            int g = eligible.get(r);
            listed[g] = true;
            rows.add(segment(values.get(g), 1, code, g, listed, weight, c, whole, labels, compare));
        }
        int beyond = Math.max(0, eligible.size() - maxSegments);
        if (small + beyond > 0) {
            boolean[] other = new boolean[k];
            for (int g = 0; g < k; g++) {
                other[g] = !listed[g] && records[g] > 0;
            }
            rows.add(segment(OTHER, small + beyond, code, -1, other, weight, c, whole, labels, compare));
        }
        int seen = 0;
        for (int g = 0; g < k; g++) {
            seen += records[g] > 0 ? 1 : 0;
        }
        return new SegmentBreakdown(column, seen, minSize, maxSegments, small, beyond, rows);
    }

    /** One row: the records whose code is {@code only} (or, when {@code only < 0}, any code marked in {@code in}). */
    private static SegmentMetrics segment(String value, int folded, int[] code, int only, boolean[] in,
            double[] weight, LogDataset.Columns c, ShadowComparison whole, LabelFile labels,
            Function<LogDataset.Columns, ShadowComparison> compare) {
        int[] rows = new int[c.size];
        int n = 0;
        for (int i = 0; i < c.size; i++) {
            if (only >= 0 ? code[i] == only : in[code[i]]) {
                rows[n++] = i;
            }
        }
        LogDataset.Columns sub = c.subset(rows, n);
        ShadowComparison sc = compare.apply(sub);
        List<WeightedMetrics> w = List.of();
        if (weight != null) {
            double[] sw = new double[n];
            for (int k = 0; k < n; k++) {
                sw[k] = weight[rows[k]];
            }
            w = weighted(sub, sw, labels, whole.primaryThreshold(), whole.shadowThreshold(),
                    whole.matchedThreshold());
        }
        return new SegmentMetrics(value, folded, sc, w, sc.configured().flipRate());
    }
}
