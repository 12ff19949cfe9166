package dev.hotpath.scoring.explain;

import dev.hotpath.scoring.model.TreeView;
import java.util.List;

/**
 * The test oracle: Shapley values of TreeSHAP's path-dependent game computed from the definition, by enumerating
 * every coalition of the features the trees use. Independent of the explainer's algorithm (it shares only the model's
 * routing rule, {@link TreeView#childFor}): exponential, for small feature counts only.
 */
final class BruteForceShapley {
    private BruteForceShapley() {
    }

    /** XGBoost ≥ 3.3's cover ratio: child / parent in float, 0.5 for an empty parent, at least 1e-12. */
    static double ratio(float child, float parent) {
        if (parent <= 0) {
            return 0.5;
        }
        float q = child / parent;
        return q < 1e-12f ? 1e-12f : q;
    }

    /** v(S): the tree's expected output when only the features in {@code coalition} (a bit set) are known. */
    static double value(TreeView t, int output, int node, float[] x, long coalition) {
        if (t.isLeaf(node)) {
            return t.leafValue(node, output);
        }
        int f = t.splitFeature(node);
        if ((coalition >>> f & 1) != 0) {
            return value(t, output, t.childFor(node, x, 0), x, coalition);
        }
        int l = node + 1;
        int r = t.rightChild(node);
        return ratio(t.cover(l), t.cover(node)) * value(t, output, l, x, coalition)
                + ratio(t.cover(r), t.cover(node)) * value(t, output, r, x, coalition);
    }

    /**
     * @return per group, F contributions then the expected value (without base margins): XGBoost's layout
     */
    static double[] contributions(List<TreeView> trees, int numFeatures, int groups, float[] x) {
        if (numFeatures > 20) {
            throw new IllegalArgumentException("brute force is for small feature counts");
        }
        double[] out = new double[groups * (numFeatures + 1)];
        double[] factorial = new double[numFeatures + 1];
        factorial[0] = 1;
        for (int i = 1; i <= numFeatures; i++) {
            factorial[i] = factorial[i - 1] * i;
        }
        for (TreeView t : trees) {
            for (int j = 0; j < t.leafSize(); j++) {
                int group = t.leafSize() == 1 ? t.outputGroup() : j;
                int base = group * (numFeatures + 1);
                double w = t.weight();
                double[] v = new double[1 << numFeatures];
                for (long s = 0; s < (1L << numFeatures); s++) {
                    v[(int) s] = value(t, j, 0, x, s);
                }
                out[base + numFeatures] += w * v[0];
                for (int f = 0; f < numFeatures; f++) {
                    double phi = 0;
                    for (int s = 0; s < (1 << numFeatures); s++) {
                        if ((s >>> f & 1) != 0) {
                            continue;
                        }
                        int size = Integer.bitCount(s);
                        phi += factorial[size] * factorial[numFeatures - size - 1] / factorial[numFeatures]
                                * (v[s | 1 << f] - v[s]);
                    }
                    out[base + f] += w * phi;
                }
            }
        }
        return out;
    }
}
