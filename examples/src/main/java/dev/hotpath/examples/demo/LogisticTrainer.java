package dev.hotpath.examples.demo;

/**
 * Fits a logistic regression by full-batch gradient descent on standardised features (missing values imputed with
 * the column mean), then folds the standardisation into the weights so the exported model takes raw features.
 * Small and deterministic; good enough for a shadow model in the demo.
 */
final class LogisticTrainer {
    final float[] fill;
    final float[] weights;
    final float bias;

    private LogisticTrainer(float[] fill, float[] weights, float bias) {
        this.fill = fill;
        this.weights = weights;
        this.bias = bias;
    }

    static LogisticTrainer fit(float[] rows, float[] labels, int n, int f, int epochs, double learningRate) {
        double[] mean = new double[f];
        double[] sd = new double[f];
        int[] count = new int[f];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) {
                float v = rows[i * f + j];
                if (!Float.isNaN(v)) {
                    mean[j] += v;
                    count[j]++;
                }
            }
        }
        for (int j = 0; j < f; j++) {
            mean[j] = count[j] == 0 ? 0 : mean[j] / count[j];
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) {
                float v = rows[i * f + j];
                if (!Float.isNaN(v)) {
                    sd[j] += (v - mean[j]) * (v - mean[j]);
                }
            }
        }
        for (int j = 0; j < f; j++) {
            sd[j] = count[j] < 2 ? 1 : Math.max(1e-6, Math.sqrt(sd[j] / count[j]));
        }
        double[] w = new double[f];
        double b = 0;
        double[] grad = new double[f];
        double[] z = new double[f];
        for (int epoch = 0; epoch < epochs; epoch++) {
            java.util.Arrays.fill(grad, 0);
            double gb = 0;
            for (int i = 0; i < n; i++) {
                double logit = b;
                for (int j = 0; j < f; j++) {
                    float v = rows[i * f + j];
                    z[j] = Float.isNaN(v) ? 0 : (v - mean[j]) / sd[j];
                    logit += w[j] * z[j];
                }
                double err = 1 / (1 + Math.exp(-logit)) - labels[i];
                for (int j = 0; j < f; j++) {
                    grad[j] += err * z[j];
                }
                gb += err;
            }
            for (int j = 0; j < f; j++) {
                w[j] -= learningRate * grad[j] / n;
            }
            b -= learningRate * gb / n;
        }
        float[] fill = new float[f];
        float[] weights = new float[f];
        double bias = b;
        for (int j = 0; j < f; j++) {
            fill[j] = (float) mean[j];
            weights[j] = (float) (w[j] / sd[j]);
            bias -= w[j] * mean[j] / sd[j];
        }
        return new LogisticTrainer(fill, weights, (float) bias);
    }
}
