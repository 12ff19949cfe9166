package dev.hotpath.shadow.report;

/**
 * Equal-width histograms of primary and shadow scores over a common range, for plotting. Immutable apart from
 * the arrays, which callers must not modify.
 *
 * @param lo lower edge of the first bin
 * @param hi upper edge of the last bin
 * @param primary counts per bin of primary scores
 * @param shadow counts per bin of shadow scores
 */
public record ScoreHistogram(double lo, double hi, long[] primary, long[] shadow) {
    static ScoreHistogram of(float[] p, float[] s, int bins) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (float v : p) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        for (float v : s) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (!(lo <= hi)) {
            lo = 0;
            hi = 1;
        }
        if (lo >= 0 && hi <= 1) {
            lo = 0;
            hi = 1;
        } else if (lo == hi) {
            lo -= 0.5;
            hi += 0.5;
        }
        long[] cp = new long[bins];
        long[] cs = new long[bins];
        double w = (hi - lo) / bins;
        for (float v : p) {
            cp[Math.min(bins - 1, (int) ((v - lo) / w))]++;
        }
        for (float v : s) {
            cs[Math.min(bins - 1, (int) ((v - lo) / w))]++;
        }
        return new ScoreHistogram(lo, hi, cp, cs);
    }
}
