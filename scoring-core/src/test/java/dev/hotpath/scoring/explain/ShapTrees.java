package dev.hotpath.scoring.explain;

import dev.hotpath.scoring.model.TreeNodes;
import dev.hotpath.scoring.testing.RandomTrees;
import java.util.Random;

/** Random trees with node covers and rows for the explainer's tests. */
final class ShapTrees {
    private ShapTrees() {
    }

    /**
     * A random tree with node covers (see {@link RandomTrees}): few features make repeated splits on one feature
     * along a path common; {@code sloppyCovers} perturbs the parents' covers as float32 rounding does.
     */
    static TreeNodes random(Random rnd, int numFeatures, int maxDepth, float[] thresholds, boolean categorical,
                            boolean sloppyCovers, int leafSize) {
        return RandomTrees.random(rnd, numFeatures, maxDepth, thresholds,
                new RandomTrees.Options(leafSize, categorical, true, sloppyCovers));
    }

    /** Random rows: values around the thresholds, about 15% missing, occasionally ±Infinity or a category code. */
    static float[] row(Random rnd, int numFeatures, float[] thresholds) {
        float[] x = new float[numFeatures];
        for (int f = 0; f < numFeatures; f++) {
            int kind = rnd.nextInt(20);
            if (kind < 3) {
                x[f] = Float.NaN;
            } else if (kind == 3) {
                x[f] = rnd.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
            } else if (kind < 8) {
                x[f] = rnd.nextInt(9);
            } else if (kind < 11) {
                x[f] = thresholds[rnd.nextInt(thresholds.length)];
            } else {
                x[f] = (float) (rnd.nextGaussian() * 2);
            }
        }
        return x;
    }
}
