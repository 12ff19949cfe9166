package dev.hotpath.shadow.report;

/**
 * The 2x2 table of primary vs shadow decisions at a pair of thresholds (score {@code >=} threshold blocks), and
 * the agreement measures derived from it. Immutable and thread-safe.
 *
 * @param primaryThreshold the primary's threshold
 * @param shadowThreshold the shadow's threshold
 * @param bothAllow primary allows, shadow allows ({@code n00})
 * @param newBlocks primary allows, shadow blocks ({@code n01})
 * @param releases primary blocks, shadow allows ({@code n10})
 * @param bothBlock both block ({@code n11})
 */
public record DecisionTable(float primaryThreshold, float shadowThreshold, long bothAllow, long newBlocks,
        long releases, long bothBlock) {

    /**
     * @param p primary scores
     * @param s shadow scores, same length
     * @param tp primary threshold
     * @param ts shadow threshold
     * @return the table
     */
    public static DecisionTable of(float[] p, float[] s, float tp, float ts) {
        long n00 = 0;
        long n01 = 0;
        long n10 = 0;
        long n11 = 0;
        for (int i = 0; i < p.length; i++) {
            boolean bp = p[i] >= tp;
            boolean bs = s[i] >= ts;
            if (bp) {
                if (bs) {
                    n11++;
                } else {
                    n10++;
                }
            } else if (bs) {
                n01++;
            } else {
                n00++;
            }
        }
        return new DecisionTable(tp, ts, n00, n01, n10, n11);
    }

    /** @return requests in the table */
    public long n() {
        return bothAllow + newBlocks + releases + bothBlock;
    }

    private double share(long c) {
        long n = n();
        return n == 0 ? Double.NaN : (double) c / n;
    }

    /** @return share of requests with the same decision */
    public double agreement() {
        return share(bothAllow + bothBlock);
    }

    /** @return share of requests whose decision differs ({@code (n01 + n10) / n}) */
    public double flipRate() {
        return share(newBlocks + releases);
    }

    /** @return share the shadow would block that the primary allowed */
    public double newBlockRate() {
        return share(newBlocks);
    }

    /** @return share the shadow would allow that the primary blocked */
    public double releaseRate() {
        return share(releases);
    }

    /** @return the primary's block rate */
    public double primaryBlockRate() {
        return share(releases + bothBlock);
    }

    /** @return the shadow's block rate */
    public double shadowBlockRate() {
        return share(newBlocks + bothBlock);
    }

    /** @return shadow block rate minus primary block rate ({@code (n01 - n10) / n}) */
    public double deltaBlockRate() {
        return share(newBlocks - releases);
    }

    /** @return Cohen's kappa, see {@link ShadowMetrics#cohenKappa} */
    public double kappa() {
        return ShadowMetrics.cohenKappa(bothAllow, newBlocks, releases, bothBlock);
    }
}
