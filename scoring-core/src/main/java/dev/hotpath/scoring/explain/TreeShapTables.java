package dev.hotpath.scoring.explain;

import dev.hotpath.scoring.model.TreeView;

/**
 * One tree's load-time tables for exact path-dependent TreeSHAP, and the per-row kernel that uses them.
 *
 * <h2>The computation</h2>
 * For a leaf ℓ with value v reached through the distinct features U (each feature j with zero fraction z_j, the
 * product of the cover ratios {@code c(child)/c(parent)} of the path's splits on j, and one fraction o_j = 1 when the
 * row follows the path at every split on j), TreeSHAP credits feature f with
 * {@code v (o_f - z_f) ∫₀¹ Π_{j≠f} ((1-t) z_j + t o_j) dt} (Lundberg et al.'s permutation weights written as an
 * integral). The integrand is a polynomial of degree {@code |U| - 1}, so an {@code m}-point Gauss–Legendre rule with
 * {@code 2m >= |U|} evaluates it exactly. Factoring {@code z_j (1 - t)} out of every factor leaves
 * {@code g_j(t) = 1 + t / ((1 - t) z_j)} for a feature the row satisfies and 1 for one it does not, which turns the
 * sum over leaves into one pass down the tree (the running product {@code C} of the satisfied factors) and one pass
 * up (the subtree sums {@code S} of the leaves' weights times the factors below), {@code m} doubles per node each.
 * Every quantity that does not depend on the row is precomputed here:
 * <ul>
 *   <li>per node x (the edge from its parent p, split feature f): the factor {@code g} the edge applies when the
 *       row takes it, and {@code ρ = 1/q - 1} (q = the edge's cover ratio), so that the edge's credit to f is
 *       {@code Σ_k C_p[k] (ρ S_hot[k] - S_cold[k])};</li>
 *   <li>per leaf: {@code W[k] = ω_k · weight · v · Π q · (1 - t_k)^|U|};</li>
 *   <li>edges that split again on a feature already split above get general factor/credit vectors for both
 *       directions, applied while the feature is still satisfied (telescoping the feature's credit, as XGBoost's
 *       quadrature does); once it is unsatisfied a later split on it changes nothing;</li>
 *   <li>the tree's expected value {@code E = Σ_ℓ v Π q} (times the tree weight), which goes to the bias column.</li>
 * </ul>
 * Cover ratios follow XGBoost 3.3+ ({@code BW}): {@code child / parent} in float, 0.5 when the parent's cover is 0,
 * at least 1e-12.
 *
 * <p>Immutable after construction; the kernel keeps its per-row state in a caller's {@link TreeExplainer.Scratch}.
 * Package-private.
 */
final class TreeShapTables {
    /** XGBoost's smallest cover ratio ({@code kMinW} in its quadrature SHAP). */
    static final float MIN_RATIO = 1e-12f;

    final TreeView view;
    final int size;
    final int group;
    /** Quadrature points per node (the model-wide count). */
    final int m;
    /** Internal nodes in pre-order. */
    final int[] internal;
    /** Split feature per node, -1 for leaves. */
    final int[] feature;
    /** Per node: factor applied when the row takes the edge into it (first split on the feature), m per node. */
    final double[] gain;
    /** Per node: ρ = 1/q - 1 of the edge into it. */
    final double[] rho;
    /** Per node: the leaf's weights W (zero for internal nodes), m per node. */
    final double[] leafWeights;
    /** Whether some path splits twice on one feature; then the general tables below are used. */
    final boolean repeats;
    /** Per node: the nearest ancestor edge (its child node) on the same feature, or -1; only when {@link #repeats}. */
    final int[] previousSameFeature;
    /**
     * Per node, only when {@link #repeats}: four m-vectors at {@code x * 4m}: factor when taken, factor when not
     * taken, credit when taken, credit when not taken (credits divided by 1/(1-t)), valid while the feature is
     * satisfied above.
     */
    final double[] general;
    /** E × tree weight. */
    final double expectedValue;
    /** Distinct features on the longest such path. */
    final int maxDistinctFeatures;

    private TreeShapTables(TreeView view, int group, int m, int[] internal, int[] feature, double[] gain,
                           double[] rho, double[] leafWeights, int[] previousSameFeature, double[] general,
                           double expectedValue, int maxDistinctFeatures) {
        this.view = view;
        this.size = view.size();
        this.group = group;
        this.m = m;
        this.internal = internal;
        this.feature = feature;
        this.gain = gain;
        this.rho = rho;
        this.leafWeights = leafWeights;
        this.repeats = general != null;
        this.previousSameFeature = previousSameFeature;
        this.general = general;
        this.expectedValue = expectedValue;
        this.maxDistinctFeatures = maxDistinctFeatures;
    }

    /** The structure of one tree as the tables need it, computed once and shared by the outputs of a vector leaf. */
    static final class Structure {
        final int[] parent;
        /** Cover ratio of the edge into each node (1 for the root). */
        final double[] ratio;
        /** Product of the ratios from the root (Z of the path). */
        final double[] pathProduct;
        final int[] previousSame;
        /** Product of the ratios of the earlier edges on the same feature (1 when none). */
        final double[] zBefore;
        final int[] distinct;
        final int maxDistinct;
        final boolean repeats;

        Structure(TreeView v) {
            int n = v.size();
            parent = new int[n];
            ratio = new double[n];
            pathProduct = new double[n];
            previousSame = new int[n];
            zBefore = new double[n];
            distinct = new int[n];
            parent[0] = -1;
            ratio[0] = 1;
            pathProduct[0] = 1;
            previousSame[0] = -1;
            zBefore[0] = 1;
            int maxU = 0;
            boolean rep = false;
            // Pre-order: every parent is numbered before its children.
            for (int p = 0; p < n; p++) {
                if (v.isLeaf(p)) {
                    maxU = Math.max(maxU, distinct[p]);
                    continue;
                }
                int f = v.splitFeature(p);
                for (int child : new int[] {p + 1, v.rightChild(p)}) {
                    parent[child] = p;
                    double q = coverRatio(v.cover(child), v.cover(p));
                    ratio[child] = q;
                    pathProduct[child] = pathProduct[p] * q;
                    int prev = -1;
                    for (int a = p; a > 0; a = parent[a]) {
                        if (v.splitFeature(parent[a]) == f) {
                            prev = a;
                            break;
                        }
                    }
                    previousSame[child] = prev;
                    zBefore[child] = prev < 0 ? 1 : zBefore[prev] * ratio[prev];
                    distinct[child] = distinct[p] + (prev < 0 ? 1 : 0);
                    rep |= prev >= 0;
                }
            }
            maxDistinct = maxU;
            repeats = rep;
        }
    }

    /** XGBoost ≥ 3.3's branch weight {@code BW(child, parent)}, in float as XGBoost computes it. */
    static double coverRatio(float child, float parent) {
        if (parent <= 0) {
            return 0.5;
        }
        float q = child / parent;
        return q < MIN_RATIO ? MIN_RATIO : q;
    }

    /**
     * @param v the tree
     * @param s its structure
     * @param output which leaf value (0 for scalar leaves)
     * @param group the output group the tree's contributions go to
     * @param rule the quadrature rule, {@code m} points
     * @return the tables
     */
    static TreeShapTables compile(TreeView v, Structure s, int output, int group, GaussLegendre rule) {
        int n = v.size();
        int m = rule.t.length;
        double weight = v.weight();
        int[] feature = new int[n];
        int internalCount = 0;
        for (int x = 0; x < n; x++) {
            feature[x] = v.isLeaf(x) ? -1 : v.splitFeature(x);
            internalCount += v.isLeaf(x) ? 0 : 1;
        }
        int[] internal = new int[internalCount];
        for (int x = 0, i = 0; x < n; x++) {
            if (!v.isLeaf(x)) {
                internal[i++] = x;
            }
        }
        double[] gain = new double[n * m];
        double[] rho = new double[n];
        double[] leafWeights = new double[n * m];
        double expected = 0;
        for (int x = 0; x < n; x++) {
            if (x > 0) {
                double q = s.ratio[x];
                rho[x] = 1 / q - 1;
                for (int k = 0; k < m; k++) {
                    gain[x * m + k] = g(rule.t[k], q);
                }
            }
            if (v.isLeaf(x)) {
                double value = (double) v.leafValue(x, output) * weight;
                expected += value * s.pathProduct[x];
                for (int k = 0; k < m; k++) {
                    leafWeights[x * m + k] = rule.w[k] * value * s.pathProduct[x]
                            * Math.pow(1 - rule.t[k], s.distinct[x]);
                }
            }
        }
        double[] general = null;
        if (s.repeats) {
            general = new double[n * 4 * m];
            for (int x = 1; x < n; x++) {
                int b = x * 4 * m;
                int prev = s.previousSame[x];
                for (int k = 0; k < m; k++) {
                    double t = rule.t[k];
                    if (prev < 0) {
                        general[b + k] = gain[x * m + k];
                        general[b + m + k] = 1;
                        general[b + 2 * m + k] = rho[x];
                        general[b + 3 * m + k] = -1;
                    } else {
                        double zo = s.zBefore[x];
                        double zn = zo * s.ratio[x];
                        double go = g(t, zo);
                        double gn = g(t, zn);
                        double ro = 1 / zo - 1;
                        double rn = 1 / zn - 1;
                        general[b + k] = gn / go;
                        general[b + m + k] = 1 / go;
                        general[b + 2 * m + k] = (rn - ro * gn / go) / go;
                        general[b + 3 * m + k] = (-1 - ro / go) / go;
                    }
                }
            }
        }
        return new TreeShapTables(v, group, m, internal, feature, gain, rho, leafWeights,
                s.repeats ? s.previousSame : null, general, expected, s.maxDistinct);
    }

    /** The factor of a satisfied feature with zero fraction z at quadrature point t: {@code 1 + t / ((1-t) z)}. */
    private static double g(double t, double z) {
        return 1 + t / ((1 - t) * z);
    }

    /** @return the bytes of the tables (not counting the tree itself) */
    long tableBytes() {
        long b = 4L * internal.length + 4L * feature.length + 8L * (gain.length + rho.length + leafWeights.length);
        if (repeats) {
            b += 4L * previousSameFeature.length + 8L * general.length;
        }
        return b;
    }

    /**
     * Adds this tree's contributions for one row to {@code phi[phiOff + feature]} (not the expected value).
     *
     * @param x the row
     * @param off where the row starts in {@code x}
     * @param s per-thread scratch, sized for the model
     * @param delta {@code 1/(1-t_k)}, the product's starting value at the root
     * @param phi the accumulator
     * @param phiOff where this tree's output group's block starts
     */
    void accumulate(float[] x, int off, TreeExplainer.Scratch s, double[] delta, double[] phi, int phiOff) {
        if (internal.length == 0) {
            return;
        }
        if (repeats) {
            accumulateGeneral(x, off, s, delta, phi, phiOff);
            return;
        }
        final int m = this.m;
        final TreeView v = view;
        final double[] c = s.c;
        final double[] sum = s.s;
        final int[] hot = s.hot;
        final int[] in = internal;
        final double[] gn = gain;
        final double[] lw = leafWeights;
        System.arraycopy(delta, 0, c, 0, m);
        for (int i = 0; i < in.length; i++) {
            int p = in[i];
            int h = v.childFor(p, x, off);
            int cold = h == p + 1 ? v.rightChild(p) : p + 1;
            hot[p] = h;
            int pb = p * m;
            int hb = h * m;
            int cb = cold * m;
            for (int k = 0; k < m; k++) {
                double cp = c[pb + k];
                c[hb + k] = cp * gn[hb + k];
                c[cb + k] = cp;
                sum[hb + k] = lw[hb + k];
                sum[cb + k] = lw[cb + k];
            }
        }
        final double[] r = rho;
        final int[] feat = feature;
        for (int i = in.length - 1; i >= 0; i--) {
            int p = in[i];
            int h = hot[p];
            int cold = h == p + 1 ? v.rightChild(p) : p + 1;
            int pb = p * m;
            int hb = h * m;
            int cb = cold * m;
            double rh = r[h];
            double credit = 0;
            for (int k = 0; k < m; k++) {
                double sh = sum[hb + k];
                double sc = sum[cb + k];
                sum[pb + k] = gn[hb + k] * sh + sc;
                credit += c[pb + k] * (rh * sh - sc);
            }
            phi[phiOff + feat[p]] += credit;
        }
    }

    /** As {@link #accumulate}, for trees that split more than once on a feature along some path. */
    private void accumulateGeneral(float[] x, int off, TreeExplainer.Scratch s, double[] delta, double[] phi,
                                   int phiOff) {
        final int m = this.m;
        final int m4 = 4 * m;
        final TreeView v = view;
        final double[] c = s.c;
        final double[] sum = s.s;
        final int[] hot = s.hot;
        // Per node: base index of its factor vector in `general`, or -1 while its feature is already unsatisfied
        // (factor 1, credit 0).
        final int[] mode = s.mode;
        final boolean[] sat = s.sat;
        final double[] gen = general;
        final double[] lw = leafWeights;
        final int[] prevSame = previousSameFeature;
        System.arraycopy(delta, 0, c, 0, m);
        for (int i = 0; i < internal.length; i++) {
            int p = internal[i];
            int h = v.childFor(p, x, off);
            int cold = h == p + 1 ? v.rightChild(p) : p + 1;
            hot[p] = h;
            int ph = prevSame[h];
            int pc = prevSame[cold];
            boolean hotOpen = ph < 0 || sat[ph];
            boolean coldOpen = pc < 0 || sat[pc];
            sat[h] = hotOpen;
            sat[cold] = false;
            int hm = hotOpen ? h * m4 : -1;
            int cm = coldOpen ? cold * m4 + m : -1;
            mode[h] = hm;
            mode[cold] = cm;
            int pb = p * m;
            int hb = h * m;
            int cb = cold * m;
            for (int k = 0; k < m; k++) {
                double cp = c[pb + k];
                c[hb + k] = hm < 0 ? cp : cp * gen[hm + k];
                c[cb + k] = cm < 0 ? cp : cp * gen[cm + k];
                sum[hb + k] = lw[hb + k];
                sum[cb + k] = lw[cb + k];
            }
        }
        for (int i = internal.length - 1; i >= 0; i--) {
            int p = internal[i];
            int h = hot[p];
            int cold = h == p + 1 ? v.rightChild(p) : p + 1;
            int hm = mode[h];
            int cm = mode[cold];
            int pb = p * m;
            int hb = h * m;
            int cb = cold * m;
            double credit = 0;
            for (int k = 0; k < m; k++) {
                double sh = sum[hb + k];
                double sc = sum[cb + k];
                // The credit vectors sit 2m after the factor vectors (taken: hm + 2m; not taken: cm - m + 3m).
                double fh = hm < 0 ? 1 : gen[hm + k];
                double fc = cm < 0 ? 1 : gen[cm + k];
                double mh = hm < 0 ? 0 : gen[hm + 2 * m + k];
                double mc = cm < 0 ? 0 : gen[cm + 2 * m + k];
                sum[pb + k] = fh * sh + fc * sc;
                credit += c[pb + k] * (mh * sh + mc * sc);
            }
            phi[phiOff + feature[p]] += credit;
        }
    }
}
