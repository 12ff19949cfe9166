package dev.hotpath.shadow.report;

/**
 * One model's decisions weighted by a per-request amount (e.g. the payment amount): what share of the money it
 * blocks, how much fraud money it catches and how much good money it blocks. Computed on the comparable requests
 * (both scores finite); precision and recall on the labelled ones. Immutable.
 *
 * @param model which model: {@code primary}, {@code shadow} or {@code shadow (block-rate-matched)}
 * @param threshold the decision threshold (score {@code >=} threshold blocks)
 * @param requests comparable requests
 * @param totalWeight their summed weight
 * @param blockedWeight the weight of the requests this model blocks
 * @param fraudWeight the weight of the labelled positives
 * @param fraudCaught the weight of the blocked labelled positives ("fraud dollars caught")
 * @param goodWeight the weight of the labelled negatives
 * @param goodBlocked the weight of the blocked labelled negatives ("good dollars blocked")
 */
public record WeightedMetrics(String model, float threshold, long requests, double totalWeight,
        double blockedWeight, double fraudWeight, double fraudCaught, double goodWeight, double goodBlocked) {

    /** @return {@code blockedWeight / totalWeight}, NaN without weight */
    public double blockRate() {
        return totalWeight > 0 ? blockedWeight / totalWeight : Double.NaN;
    }

    /** @return {@code fraudCaught / fraudWeight}: the share of fraud money blocked, NaN without fraud weight */
    public double recall() {
        return fraudWeight > 0 ? fraudCaught / fraudWeight : Double.NaN;
    }

    /** @return {@code fraudCaught / (fraudCaught + goodBlocked)}: the fraud share of labelled blocked money */
    public double precision() {
        double blocked = fraudCaught + goodBlocked;
        return blocked > 0 ? fraudCaught / blocked : Double.NaN;
    }

    /** @return {@code goodBlocked / goodWeight}: the share of good money blocked, NaN without good weight */
    public double goodBlockRate() {
        return goodWeight > 0 ? goodBlocked / goodWeight : Double.NaN;
    }

    /**
     * @param model the model's role name
     * @param threshold its threshold
     * @param scores its scores on the comparable requests
     * @param labels 1 fraud, 0 genuine, -1 unknown, same length
     * @param weights the requests' weights, same length
     * @return the weighted metrics
     */
    static WeightedMetrics of(String model, float threshold, float[] scores, byte[] labels, double[] weights) {
        double total = 0;
        double blocked = 0;
        double fraud = 0;
        double caught = 0;
        double good = 0;
        double goodBlocked = 0;
        for (int i = 0; i < scores.length; i++) {
            double w = weights[i];
            boolean block = scores[i] >= threshold;
            total += w;
            if (block) {
                blocked += w;
            }
            if (labels[i] == 1) {
                fraud += w;
                if (block) {
                    caught += w;
                }
            } else if (labels[i] == 0) {
                good += w;
                if (block) {
                    goodBlocked += w;
                }
            }
        }
        return new WeightedMetrics(model, threshold, scores.length, total, blocked, fraud, caught, good,
                goodBlocked);
    }
}
