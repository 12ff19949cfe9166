package dev.hotpath.shadow.report;

/**
 * Label-based quality of one model on the labelled requests of one comparison. Immutable.
 *
 * @param model which model: {@code primary} or {@code shadow}
 * @param threshold the decision threshold used for precision and recall
 * @param labelled labelled requests
 * @param positives labelled positives (fraud)
 * @param truePositives blocked positives
 * @param falsePositives blocked negatives
 * @param falseNegatives allowed positives
 * @param precision {@code TP / (TP + FP)}
 * @param recall {@code TP / (TP + FN)}
 * @param f1 harmonic mean of precision and recall
 * @param prAuc average precision, see {@link ShadowMetrics#averagePrecision}
 * @param rocAuc ROC-AUC, see {@link ShadowMetrics#rocAuc}
 * @param brier Brier score (NaN unless scores are probabilities)
 */
public record LabelMetrics(String model, float threshold, long labelled, long positives, long truePositives,
        long falsePositives, long falseNegatives, double precision, double recall, double f1, double prAuc,
        double rocAuc, double brier) {

    static LabelMetrics of(String model, float[] scores, boolean[] labels, float threshold) {
        long pos = 0;
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean block = scores[i] >= threshold;
            if (labels[i]) {
                pos++;
                if (block) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (block) {
                fp++;
            }
        }
        double precision = tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp);
        double recall = pos == 0 ? Double.NaN : (double) tp / pos;
        double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : Double.NaN;
        return new LabelMetrics(model, threshold, scores.length, pos, tp, fp, fn, precision, recall, f1,
                ShadowMetrics.averagePrecision(scores, labels), ShadowMetrics.rocAuc(scores, labels),
                ShadowMetrics.brier(scores, labels));
    }
}
