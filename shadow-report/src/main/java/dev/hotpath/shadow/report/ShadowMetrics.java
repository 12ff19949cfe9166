package dev.hotpath.shadow.report;

import java.util.Arrays;

/**
 * The comparison metrics of a shadow report, as plain static functions with stated formulas so results can be
 * checked by hand. Inputs are paired arrays of the same length ({@code x[i]} and {@code y[i]} belong to the same
 * request) without NaN; {@code -0.0} equals {@code 0.0}. All results are {@code double}; undefined results (e.g.
 * a correlation of a constant) are NaN.
 *
 * <p>Stateless and thread-safe; every method allocates working arrays proportional to its input (cold path).
 */
public final class ShadowMetrics {
    /** Share used for an empty PSI bin (Evidently's convention), so {@code ln(a/e)} stays finite. */
    public static final double PSI_EMPTY_BIN_SHARE = 1e-4;

    private ShadowMetrics() {
    }

    // ------------------------------------------------------------------ binning, PSI, JS

    /**
     * Inner bin edges for PSI and JS: the reference's {@code i/bins} quantiles, taken as the value at sorted index
     * {@code floor(i * n / bins)} for {@code i = 1 .. bins-1}, with duplicates and edges equal to the minimum
     * removed (ties would otherwise make empty bins). Bin {@code k} holds {@code edge[k-1] <= x < edge[k]}.
     *
     * @param reference the reference (expected) sample, typically the primary's scores
     * @param bins the number of bins requested, {@code >= 2}
     * @return strictly increasing inner edges; at most {@code bins - 1} of them
     */
    public static double[] quantileBinEdges(float[] reference, int bins) {
        if (bins < 2) {
            throw new IllegalArgumentException("bins must be >= 2, got " + bins);
        }
        float[] sorted = sortedCopy(reference);
        int n = sorted.length;
        if (n == 0) {
            return new double[0];
        }
        double[] edges = new double[bins - 1];
        int m = 0;
        double min = sorted[0];
        for (int i = 1; i < bins; i++) {
            double e = sorted[(int) ((long) i * n / bins)];
            if (e > min && (m == 0 || e > edges[m - 1])) {
                edges[m++] = e;
            }
        }
        return Arrays.copyOf(edges, m);
    }

    /**
     * @param values a sample
     * @param edges inner edges, strictly increasing
     * @return the share of {@code values} in each of the {@code edges.length + 1} bins (bin {@code k} holds
     *     {@code edge[k-1] <= x < edge[k]})
     */
    public static double[] binShares(float[] values, double[] edges) {
        long[] counts = new long[edges.length + 1];
        for (float v : values) {
            counts[bin(v, edges)]++;
        }
        double[] shares = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            shares[i] = values.length == 0 ? 0 : (double) counts[i] / values.length;
        }
        return shares;
    }

    static int bin(double v, double[] edges) {
        int lo = 0;
        int hi = edges.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (edges[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Population Stability Index {@code PSI = sum_k (a_k - e_k) * ln(a_k / e_k)}, where {@code e_k} and
     * {@code a_k} are the expected and actual shares of bin {@code k}; a share of 0 is replaced by
     * {@link #PSI_EMPTY_BIN_SHARE}.
     *
     * @param expectedShares the reference's bin shares
     * @param actualShares the compared sample's bin shares, same length
     * @return PSI, {@code >= 0}
     */
    public static double psiFromShares(double[] expectedShares, double[] actualShares) {
        double psi = 0;
        for (int k = 0; k < expectedShares.length; k++) {
            double e = expectedShares[k] == 0 ? PSI_EMPTY_BIN_SHARE : expectedShares[k];
            double a = actualShares[k] == 0 ? PSI_EMPTY_BIN_SHARE : actualShares[k];
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    /**
     * PSI of {@code actual} against {@code expected}, binned by {@link #quantileBinEdges(float[], int)} of
     * {@code expected}.
     *
     * @param expected the reference sample (the primary's scores)
     * @param actual the compared sample (the shadow's scores)
     * @param bins bins requested
     * @return PSI
     */
    public static double psi(float[] expected, float[] actual, int bins) {
        double[] edges = quantileBinEdges(expected, bins);
        return psiFromShares(binShares(expected, edges), binShares(actual, edges));
    }

    /**
     * Jensen–Shannon divergence with base-2 logarithms, {@code JSD = 1/2 KL(P||M) + 1/2 KL(Q||M)} with
     * {@code M = (P + Q) / 2} and {@code 0 * log 0 = 0}; in {@code [0, 1]}.
     *
     * @param p shares of the first distribution
     * @param q shares of the second, same length
     * @return the divergence
     */
    public static double jsDivergenceFromShares(double[] p, double[] q) {
        double d = 0;
        for (int k = 0; k < p.length; k++) {
            double m = (p[k] + q[k]) / 2;
            if (p[k] > 0) {
                d += 0.5 * p[k] * log2(p[k] / m);
            }
            if (q[k] > 0) {
                d += 0.5 * q[k] * log2(q[k] / m);
            }
        }
        return Math.max(0, d);
    }

    /**
     * Jensen–Shannon <em>distance</em> {@code sqrt(JSD)} (a metric, in {@code [0, 1]}) between two samples binned
     * like {@link #psi(float[], float[], int)} (no smoothing).
     *
     * @param expected the reference sample (defines the bins)
     * @param actual the compared sample
     * @param bins bins requested
     * @return the JS distance
     */
    public static double jsDistance(float[] expected, float[] actual, int bins) {
        double[] edges = quantileBinEdges(expected, bins);
        return Math.sqrt(jsDivergenceFromShares(binShares(expected, edges), binShares(actual, edges)));
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    // ------------------------------------------------------------------ KS

    /**
     * Two-sample Kolmogorov–Smirnov statistic {@code D = sup_x |F_a(x) - F_b(x)|} of the empirical CDFs.
     *
     * @param a first sample
     * @param b second sample
     * @return D in {@code [0, 1]}, NaN if a sample is empty
     */
    public static double ks(float[] a, float[] b) {
        if (a.length == 0 || b.length == 0) {
            return Double.NaN;
        }
        float[] x = sortedCopy(a);
        float[] y = sortedCopy(b);
        int i = 0;
        int j = 0;
        double d = 0;
        while (i < x.length && j < y.length) {
            float v = Math.min(x[i], y[j]);
            while (i < x.length && x[i] <= v) {
                i++;
            }
            while (j < y.length && y[j] <= v) {
                j++;
            }
            d = Math.max(d, Math.abs((double) i / x.length - (double) j / y.length));
        }
        return d;
    }

    /**
     * The classical KS critical value {@code c(alpha) * sqrt((n + m) / (n * m))} at {@code alpha = 0.05}
     * ({@code c = 1.358}). Indicative only for paired scores.
     *
     * @param n first sample size
     * @param m second sample size
     * @return the critical D
     */
    public static double ksCritical05(long n, long m) {
        return 1.358 * Math.sqrt((double) (n + m) / ((double) n * m));
    }

    // ------------------------------------------------------------------ ranks, Spearman, Kendall

    /**
     * @param x values
     * @return ranks {@code 1..n}, ties receiving the average of the ranks they span
     */
    public static double[] averageRanks(float[] x) {
        int n = x.length;
        long[] order = sortedKeys(x, false);
        double[] ranks = new double[n];
        int i = 0;
        while (i < n) {
            int j = i + 1;
            while (j < n && (order[j] >> 32) == (order[i] >> 32)) {
                j++;
            }
            double avg = (i + 1 + j) / 2.0;
            for (int k = i; k < j; k++) {
                ranks[(int) order[k]] = avg;
            }
            i = j;
        }
        return ranks;
    }

    /**
     * Spearman's rank correlation: the Pearson correlation of the average ranks (the correct form with ties).
     *
     * @param x first variable
     * @param y second variable, same length
     * @return rho in {@code [-1, 1]}, NaN if either is constant or fewer than 2 pairs
     */
    public static double spearman(float[] x, float[] y) {
        checkPaired(x, y);
        if (x.length < 2) {
            return Double.NaN;
        }
        return pearson(averageRanks(x), averageRanks(y));
    }

    static double pearson(double[] a, double[] b) {
        int n = a.length;
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= n;
        mb /= n;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            double da = a[i] - ma;
            double db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        if (saa == 0 || sbb == 0) {
            return Double.NaN;
        }
        return sab / Math.sqrt(saa * sbb);
    }

    /**
     * Kendall's tau-b, {@code (n_c - n_d) / sqrt((n0 - n1) (n0 - n2))} with {@code n0 = n(n-1)/2} and
     * {@code n1}, {@code n2} the pairs tied in x and in y; computed in O(n log n) (Knight's algorithm: sort by
     * (x, y), count tied runs, count discordant pairs as merge-sort inversions of y).
     *
     * @param x first variable
     * @param y second variable, same length
     * @return tau-b in {@code [-1, 1]}, NaN if either is constant or fewer than 2 pairs
     */
    public static double kendallTauB(float[] x, float[] y) {
        checkPaired(x, y);
        int n = x.length;
        if (n < 2) {
            return Double.NaN;
        }
        int[] rx = denseRanks(x);
        int[] ry = denseRanks(y);
        long[] pairs = new long[n];
        for (int i = 0; i < n; i++) {
            pairs[i] = ((long) rx[i] << 32) | (ry[i] & 0xFFFFFFFFL);
        }
        Arrays.sort(pairs);
        long n1 = 0;
        long n3 = 0;
        int i = 0;
        while (i < n) {
            int j = i + 1;
            while (j < n && (pairs[j] >>> 32) == (pairs[i] >>> 32)) {
                j++;
            }
            long t = j - i;
            n1 += t * (t - 1) / 2;
            int k = i;
            while (k < j) {
                int l = k + 1;
                while (l < j && pairs[l] == pairs[k]) {
                    l++;
                }
                long u = l - k;
                n3 += u * (u - 1) / 2;
                k = l;
            }
            i = j;
        }
        int[] ys = new int[n];
        for (int k = 0; k < n; k++) {
            ys[k] = (int) pairs[k];
        }
        long discordant = mergeSortInversions(ys, new int[n], 0, n);
        long n2 = 0;
        i = 0;
        while (i < n) {
            int j = i + 1;
            while (j < n && ys[j] == ys[i]) {
                j++;
            }
            long t = j - i;
            n2 += t * (t - 1) / 2;
            i = j;
        }
        long n0 = (long) n * (n - 1) / 2;
        double denom = Math.sqrt((double) (n0 - n1) * (double) (n0 - n2));
        if (denom == 0) {
            return Double.NaN;
        }
        return (double) (n0 - n1 - n2 + n3 - 2 * discordant) / denom;
    }

    private static long mergeSortInversions(int[] a, int[] tmp, int from, int to) {
        if (to - from < 2) {
            return 0;
        }
        int mid = (from + to) >>> 1;
        long inv = mergeSortInversions(a, tmp, from, mid) + mergeSortInversions(a, tmp, mid, to);
        int i = from;
        int j = mid;
        int k = from;
        while (i < mid && j < to) {
            if (a[i] <= a[j]) {
                tmp[k++] = a[i++];
            } else {
                inv += mid - i;
                tmp[k++] = a[j++];
            }
        }
        while (i < mid) {
            tmp[k++] = a[i++];
        }
        while (j < to) {
            tmp[k++] = a[j++];
        }
        System.arraycopy(tmp, from, a, from, to - from);
        return inv;
    }

    static int[] denseRanks(float[] x) {
        long[] order = sortedKeys(x, false);
        int[] ranks = new int[x.length];
        int rank = -1;
        long prev = 0;
        for (int i = 0; i < order.length; i++) {
            long key = order[i] >> 32;
            if (i == 0 || key != prev) {
                rank++;
                prev = key;
            }
            ranks[(int) order[i]] = rank;
        }
        return ranks;
    }

    /**
     * Sorts indices by value: each element is {@code sortableKey(value) << 32 | index}; descending order uses the
     * complemented key, so ties stay in index order either way.
     */
    static long[] sortedKeys(float[] x, boolean descending) {
        long[] keys = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            int k = sortableKey(x[i]);
            keys[i] = ((long) (descending ? ~k : k) << 32) | (i & 0xFFFFFFFFL);
        }
        Arrays.sort(keys);
        return keys;
    }

    /** An int whose signed order is the float's numeric order ({@code -0.0} maps like {@code 0.0}). */
    static int sortableKey(float f) {
        int bits = Float.floatToIntBits(f == 0f ? 0f : f);
        return bits ^ ((bits >> 31) & 0x7FFFFFFF);
    }

    // ------------------------------------------------------------------ decisions

    /**
     * Cohen's kappa for two binary raters from the 2x2 table (first index = primary decision, second = shadow
     * decision, 1 = block): {@code (p_o - p_e) / (1 - p_e)} with {@code p_o = (n00 + n11) / n} and
     * {@code p_e = b_p b_s + (1 - b_p)(1 - b_s)}, {@code b} being the block rates.
     *
     * @param n00 both allow
     * @param n01 primary allows, shadow blocks
     * @param n10 primary blocks, shadow allows
     * @param n11 both block
     * @return kappa, NaN when {@code p_e = 1} (both raters constant) or the table is empty
     */
    public static double cohenKappa(long n00, long n01, long n10, long n11) {
        double n = n00 + n01 + n10 + n11;
        if (n == 0) {
            return Double.NaN;
        }
        double po = (n00 + n11) / n;
        double bp = (n10 + n11) / n;
        double bs = (n01 + n11) / n;
        double pe = bp * bs + (1 - bp) * (1 - bs);
        if (pe == 1) {
            return Double.NaN;
        }
        return (po - pe) / (1 - pe);
    }

    /**
     * The shadow threshold that blocks the same share as the primary: with {@code k = round(blockRate * n)}, the
     * k-th largest shadow score (score {@code >=} threshold blocks, so ties at it may block a few more); positive
     * infinity when {@code k = 0}.
     *
     * @param shadowScores the shadow's scores
     * @param blockRate the primary's block rate in {@code [0, 1]}
     * @return the matched threshold
     */
    public static float blockRateMatchedThreshold(float[] shadowScores, double blockRate) {
        int n = shadowScores.length;
        long k = Math.round(blockRate * n);
        if (k <= 0 || n == 0) {
            return Float.POSITIVE_INFINITY;
        }
        float[] sorted = sortedCopy(shadowScores);
        return sorted[(int) (n - Math.min(k, n))];
    }

    /**
     * Overlap of the top-k sets: {@code |top_k(p) ∩ top_k(s)| / k}, top-k by descending score with ties broken
     * by position.
     *
     * @param p primary scores
     * @param s shadow scores, same length
     * @param k set size, {@code 1..n}
     * @return the overlap in {@code [0, 1]}
     */
    public static double topKOverlap(float[] p, float[] s, int k) {
        checkPaired(p, s);
        if (k < 1 || k > p.length) {
            return Double.NaN;
        }
        long[] op = sortedKeys(p, true);
        long[] os = sortedKeys(s, true);
        boolean[] inP = new boolean[p.length];
        for (int i = 0; i < k; i++) {
            inP[(int) op[i]] = true;
        }
        int both = 0;
        for (int i = 0; i < k; i++) {
            if (inP[(int) os[i]]) {
                both++;
            }
        }
        return (double) both / k;
    }

    // ------------------------------------------------------------------ labels

    /**
     * Average precision (PR-AUC without interpolation): {@code sum_t (R_t - R_{t-1}) * P_t} over the distinct
     * scores {@code t} in descending order, where all requests scoring {@code >= t} are predicted positive (equal
     * scores enter together).
     *
     * @param scores scores
     * @param labels true for positives (fraud), same length
     * @return AP in {@code [0, 1]}, NaN without positives
     */
    public static double averagePrecision(float[] scores, boolean[] labels) {
        checkPaired(scores, labels);
        long positives = 0;
        for (boolean l : labels) {
            if (l) {
                positives++;
            }
        }
        if (positives == 0) {
            return Double.NaN;
        }
        long[] order = sortedKeys(scores, true);
        long tp = 0;
        long fp = 0;
        double ap = 0;
        double prevRecall = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            long key = order[i] >> 32;
            while (j < order.length && (order[j] >> 32) == key) {
                if (labels[(int) order[j]]) {
                    tp++;
                } else {
                    fp++;
                }
                j++;
            }
            double recall = (double) tp / positives;
            double precision = (double) tp / (tp + fp);
            ap += (recall - prevRecall) * precision;
            prevRecall = recall;
            i = j;
        }
        return ap;
    }

    /**
     * ROC-AUC as the Mann–Whitney statistic with average ranks for ties:
     * {@code (sum of positive ranks - P(P+1)/2) / (P * N)}.
     *
     * @param scores scores
     * @param labels true for positives
     * @return AUC in {@code [0, 1]}, NaN without both classes
     */
    public static double rocAuc(float[] scores, boolean[] labels) {
        checkPaired(scores, labels);
        double[] ranks = averageRanks(scores);
        long pos = 0;
        double rankSum = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i]) {
                pos++;
                rankSum += ranks[i];
            }
        }
        long neg = labels.length - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /**
     * Brier score {@code (1/n) sum (s_i - y_i)^2}; defined only for probabilities.
     *
     * @param scores scores
     * @param labels true for positives
     * @return the score, NaN if empty or if any score is outside {@code [0, 1]}
     */
    public static double brier(float[] scores, boolean[] labels) {
        checkPaired(scores, labels);
        if (scores.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!(scores[i] >= 0f && scores[i] <= 1f)) {
                return Double.NaN;
            }
            double d = scores[i] - (labels[i] ? 1.0 : 0.0);
            sum += d * d;
        }
        return sum / scores.length;
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Quantile with linear interpolation between order statistics (Hyndman–Fan type 7, numpy's default):
     * {@code h = (n - 1) q}, {@code x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h])}.
     *
     * @param sorted ascending values
     * @param q quantile in {@code [0, 1]}
     * @return the quantile, NaN if empty
     */
    public static double quantile(float[] sorted, double q) {
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        double h = (n - 1) * q;
        int lo = (int) Math.floor(h);
        if (lo >= n - 1) {
            return sorted[n - 1];
        }
        return sorted[lo] + (h - lo) * ((double) sorted[lo + 1] - sorted[lo]);
    }

    static float[] sortedCopy(float[] x) {
        float[] c = x.clone();
        for (int i = 0; i < c.length; i++) {
            if (c[i] == 0f) {
                c[i] = 0f;
            }
        }
        Arrays.sort(c);
        return c;
    }

    private static void checkPaired(float[] x, float[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("paired arrays differ in length: " + x.length + " vs " + y.length);
        }
    }

    private static void checkPaired(float[] x, boolean[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("paired arrays differ in length: " + x.length + " vs " + y.length);
        }
    }
}
