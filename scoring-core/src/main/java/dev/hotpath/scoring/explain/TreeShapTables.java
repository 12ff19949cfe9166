package dev.hotpath.scoring.explain;

import dev.hotpath.scoring.model.TreeView;

/**
 * One tree's load-time tables for exact path-dependent TreeSHAP, and the per-row kernel that uses them.
 *
 * <h2>The computation</h2>
 * For a leaf ℓ with value v reached through the distinct features U (each feature j with zero fraction z_j, the
 * product of the cover ratios {@code q = c(child)/c(parent)} of the path's splits on j, and one fraction o_j = 1 when
 * the row follows the path at every split on j), TreeSHAP credits feature f with
 * {@code v (o_f - z_f) ∫₀¹ Π_{j≠f} ((1-t) z_j + t o_j) dt} (Lundberg et al.'s permutation weights written as an
 * integral). The integrand is a polynomial of degree {@code |U| - 1}, so an {@code m}-point Gauss–Legendre rule with
 * {@code 2m >= |U|} evaluates it exactly. Factoring {@code z_j (1 - t)} out of every factor leaves
 * {@code g_j(t) = 1 + τ / z_j} ({@code τ = t/(1-t)}) for a feature the row satisfies and 1 for one it does not. That
 * turns the sum over leaves into one pass down the tree — the running product {@code C} of the satisfied factors,
 * starting from {@code 1/(1-t)} — and one pass up — the subtree sums {@code S} of the leaves' weights
 * {@code W_ℓ(t) = ω · v · Π q · (1-t)^|U|} times the factors below — m doubles per node each. The edge from p into
 * its child credits p's feature with {@code Σ_k C_p[k] (ρ S_hot[k] - S_cold[k])}, {@code ρ = 1/q_hot - 1}.
 *
 * <h2>What is stored (compact, because every row reads all of it)</h2>
 * <ul>
 *   <li>per node: {@code 1/q} of the edge into it and, for a leaf, {@code s = weight · v · Π q} (its W is
 *       {@code s · P[|U|]} with the model-wide table {@code P[u][k] = ω_k (1-t_k)^u});</li>
 *   <li>per <em>bottom</em> node (both children leaves, neither edge re-splitting a feature): its subtree sum is
 *       {@code P[|U|] (A + B τ)} and its credit {@code D · Σ_k C_p[k] P[|U|][k]}, with A, B, D for either routing
 *       precomputed — about half of a depth-limited tree's internal nodes;</li>
 *   <li>edges that split again on a feature already split above the node get factor and credit vectors for both
 *       directions, applied while the feature is still satisfied (telescoping the feature's credit, as XGBoost's
 *       quadrature does); once it is unsatisfied a later split on it changes nothing;</li>
 *   <li>the tree's expected value {@code E = Σ_ℓ s_ℓ}, which goes to the bias column.</li>
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
    /** Mode of an edge that splits again on a feature the row already left: factor 1, credit 0. */
    private static final int CLOSED = -2;
    /** Mode of an edge that is the first split on its feature along the path. */
    private static final int FIRST = -1;

    final TreeView view;
    final Rule rule;
    final int group;
    /** Quadrature points (the model-wide count). */
    final int m;
    /** Internal nodes that are not simple bottom nodes, in pre-order. */
    final int[] upper;
    /** Simple bottom nodes, in pre-order. */
    final int[] bottom;
    /** Per node x: {@code [2x]} = 1/q of the edge into x, {@code [2x+1]} = s for a leaf (0 otherwise). */
    final double[] node;
    /** Per node: offset of its row of P ({@code |U| · m}) for a leaf, 0 otherwise. */
    final int[] leafRow;
    /** Per bottom node i: {@code [5i..5i+5)} = A, B and D when the left leaf is hot, B and D when the right is. */
    final double[] bottomData;
    /** Per bottom node: offset of the leaves' row of P. */
    final int[] bottomRow;
    /** Per node: -1, or the index r of the edge into it in the repeat tables; {@code null} without repeats. */
    final int[] repeat;
    /** Per repeat edge r: the node whose edge is the previous split on the same feature along the path. */
    final int[] repeatPrevious;
    /**
     * Per repeat edge r, at {@code r·4m}: factor when taken, factor when not taken, credit when taken, credit when
     * not taken (credits divided by 1/(1-t)), valid while the feature is still satisfied above.
     */
    final double[] repeatTables;
    /** E × tree weight. */
    final double expectedValue;
    /** Split features per internal node of the tree (for reason codes: which trees cite nothing). */
    final int[] splitFeatures;

    private TreeShapTables(TreeView view, Rule rule, int group, int m, int[] upper, int[] bottom, double[] node,
                           int[] leafRow, double[] bottomData, int[] bottomRow, int[] repeat, int[] repeatPrevious,
                           double[] repeatTables, double expectedValue, int[] splitFeatures) {
        this.view = view;
        this.rule = rule;
        this.group = group;
        this.m = m;
        this.upper = upper;
        this.bottom = bottom;
        this.node = node;
        this.leafRow = leafRow;
        this.bottomData = bottomData;
        this.bottomRow = bottomRow;
        this.repeat = repeat;
        this.repeatPrevious = repeatPrevious;
        this.repeatTables = repeatTables;
        this.expectedValue = expectedValue;
        this.splitFeatures = splitFeatures;
    }

    /** The quadrature constants every tree of a model shares. */
    static final class Rule {
        final int m;
        /** {@code τ_k = t_k / (1 - t_k)}. */
        final double[] tau;
        /** {@code 1 / (1 - t_k)}: the product's value at the root. */
        final double[] delta;
        /** {@code P[u·m + k] = ω_k (1 - t_k)^u} for u = 0 … maxU. */
        final double[] p;
        final GaussLegendre gl;

        /**
         * @param gl the quadrature rule
         * @param maxU the most distinct features on a path
         * @param lanes at least this many lanes: extra ones get weight 0 (and so contribute nothing), which lets
         *     every model with up to that many points use the straight-line kernel
         */
        Rule(GaussLegendre gl, int maxU, int lanes) {
            this.gl = gl;
            this.m = Math.max(lanes, gl.t.length);
            tau = new double[m];
            delta = new double[m];
            p = new double[(maxU + 1) * m];
            for (int k = 0; k < m; k++) {
                double t = k < gl.t.length ? gl.t[k] : 0.5;
                double w = k < gl.t.length ? gl.w[k] : 0;
                tau[k] = t / (1 - t);
                delta[k] = 1 / (1 - t);
                for (int u = 0; u <= maxU; u++) {
                    p[u * m + k] = w * Math.pow(1 - t, u);
                }
            }
        }
    }

    /** The structure of one tree as the tables need it, computed once and shared by the outputs of a vector leaf. */
    static final class Structure {
        final int[] parent;
        /** Cover ratio of the edge into each node (1 for the root). */
        final double[] ratio;
        /** Product of the ratios from the root (Z of the path). */
        final double[] pathProduct;
        /** The node whose incoming edge is the previous split on the same feature along the path, or -1. */
        final int[] previousSame;
        /** Product of the ratios of the earlier edges on the same feature (1 when none). */
        final double[] zBefore;
        /** Distinct features on the path from the root. */
        final int[] distinct;
        final int maxDistinct;
        final int repeats;

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
            int rep = 0;
            // Pre-order: every parent is numbered before its children.
            for (int p = 0; p < n; p++) {
                if (v.isLeaf(p)) {
                    maxU = Math.max(maxU, distinct[p]);
                    continue;
                }
                int f = v.splitFeature(p);
                for (int side = 0; side < 2; side++) {
                    int child = side == 0 ? p + 1 : v.rightChild(p);
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
                    rep += prev >= 0 ? 1 : 0;
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
     * @param rule the quadrature constants
     * @return the tables
     */
    static TreeShapTables compile(TreeView v, Structure s, int output, int group, Rule rule) {
        int n = v.size();
        int m = rule.m;
        double weight = v.weight();
        double[] node = new double[2 * n];
        int[] leafRow = new int[n];
        double expected = 0;
        for (int x = 0; x < n; x++) {
            node[2 * x] = 1 / s.ratio[x];
            if (v.isLeaf(x)) {
                double sx = (double) v.leafValue(x, output) * weight * s.pathProduct[x];
                node[2 * x + 1] = sx;
                leafRow[x] = s.distinct[x] * m;
                expected += sx;
            }
        }
        int internal = 0;
        int bottoms = 0;
        for (int p = 0; p < n; p++) {
            if (!v.isLeaf(p)) {
                internal++;
                bottoms += isSimpleBottom(v, s, p) ? 1 : 0;
            }
        }
        int[] upper = new int[internal - bottoms];
        int[] bottom = new int[bottoms];
        int[] splitFeatures = new int[internal];
        double[] bottomData = new double[5 * bottoms];
        int[] bottomRow = new int[bottoms];
        for (int p = 0, u = 0, b = 0, i = 0; p < n; p++) {
            if (v.isLeaf(p)) {
                continue;
            }
            splitFeatures[i++] = v.splitFeature(p);
            if (!isSimpleBottom(v, s, p)) {
                upper[u++] = p;
                continue;
            }
            int l = p + 1;
            int r = v.rightChild(p);
            double sl = node[2 * l + 1];
            double sr = node[2 * r + 1];
            double il = node[2 * l];
            double ir = node[2 * r];
            bottom[b] = p;
            bottomRow[b] = leafRow[l];
            bottomData[5 * b] = sl + sr;
            bottomData[5 * b + 1] = sl * il;             // left hot: S = P (A + B τ)
            bottomData[5 * b + 2] = sr * ir;             // right hot
            bottomData[5 * b + 3] = (il - 1) * sl - sr;  // left hot: credit = D Σ C P
            bottomData[5 * b + 4] = (ir - 1) * sr - sl;  // right hot
            b++;
        }
        int[] repeat = null;
        int[] repeatPrevious = null;
        double[] repeatTables = null;
        if (s.repeats > 0) {
            repeat = new int[n];
            repeatPrevious = new int[s.repeats];
            repeatTables = new double[s.repeats * 4 * m];
            int r = 0;
            for (int x = 0; x < n; x++) {
                int prev = s.previousSame[x];
                if (prev < 0) {
                    repeat[x] = -1;
                    continue;
                }
                repeat[x] = r;
                repeatPrevious[r] = prev;
                int b = r * 4 * m;
                double zo = s.zBefore[x];
                double zn = zo * s.ratio[x];
                double ro = 1 / zo - 1;
                double rn = 1 / zn - 1;
                for (int k = 0; k < m; k++) {
                    double go = 1 + rule.tau[k] / zo;
                    double gn = 1 + rule.tau[k] / zn;
                    repeatTables[b + k] = gn / go;
                    repeatTables[b + m + k] = 1 / go;
                    repeatTables[b + 2 * m + k] = (rn - ro * gn / go) / go;
                    repeatTables[b + 3 * m + k] = (-1 - ro / go) / go;
                }
                r++;
            }
        }
        return new TreeShapTables(v, rule, group, m, upper, bottom, node, leafRow, bottomData, bottomRow, repeat,
                repeatPrevious, repeatTables, expected, splitFeatures);
    }

    /** Both children are leaves reached by first splits on their feature: the closed form applies. */
    private static boolean isSimpleBottom(TreeView v, Structure s, int p) {
        int l = p + 1;
        int r = v.rightChild(p);
        return v.isLeaf(l) && v.isLeaf(r) && s.previousSame[l] < 0 && s.previousSame[r] < 0;
    }

    /** @return the bytes of the tables (not counting the tree itself) */
    long tableBytes() {
        long b = 4L * (upper.length + bottom.length + leafRow.length + bottomRow.length + splitFeatures.length)
                + 8L * (node.length + bottomData.length);
        if (repeat != null) {
            b += 4L * (repeat.length + repeatPrevious.length) + 8L * repeatTables.length;
        }
        return b;
    }

    /**
     * Adds this tree's contributions for one row to {@code phi[phiOff + feature]} (not the expected value).
     *
     * @param x the row
     * @param off where the row starts in {@code x}
     * @param sc per-thread scratch, sized for the model
     * @param phi the accumulator
     * @param phiOff where this tree's output group's block starts
     */
    void accumulate(float[] x, int off, TreeExplainer.Scratch sc, double[] phi, int phiOff) {
        if (m == 3) {
            accumulate3(x, off, sc, phi, phiOff);
            return;
        }
        final int m = this.m;
        final TreeView v = view;
        final double[] c = sc.c;
        final double[] s = sc.s;
        final double[] tau = rule.tau;
        final double[] p = rule.p;
        System.arraycopy(rule.delta, 0, c, 0, m);
        down(x, off, sc, v, m, c, s, tau, p);
        // Bottom nodes: C is known, the subtree is two leaves.
        final int[] bn = bottom;
        final double[] bd = bottomData;
        final int[] br = bottomRow;
        for (int i = 0; i < bn.length; i++) {
            int q = bn[i];
            // 0 when the row goes left, 1 when right: an index, not a branch (routing is a coin flip per node)
            int dh = v.childFor(q, x, off) - q - 1;
            int right = (dh | -dh) >>> 31;
            int b = 5 * i;
            double a = bd[b];
            double bb = bd[b + 1 + right];
            double d = bd[b + 3 + right];
            int row = br[i];
            int qb = q * m;
            double dot = 0;
            for (int k = 0; k < m; k++) {
                double pk = p[row + k];
                dot += c[qb + k] * pk;
                s[qb + k] = pk * (a + bb * tau[k]);
            }
            phi[phiOff + v.splitFeature(q)] += d * dot;
        }
        up(sc, v, m, c, s, tau, phi, phiOff);
    }

    /**
     * {@link #accumulate} for three quadrature points (every model whose paths have at most 6 distinct features,
     * e.g. depth 6; fewer points are padded with weight 0): the same computation with the three lanes as
     * straight-line code (measured about 25% faster than the loops).
     */
    private void accumulate3(float[] x, int off, TreeExplainer.Scratch sc, double[] phi, int phiOff) {
        final TreeView v = view;
        final double[] c = sc.c;
        final double[] s = sc.s;
        final int[] hot = sc.hot;
        final double t0 = rule.tau[0];
        final double t1 = rule.tau[1];
        final double t2 = rule.tau[2];
        final double[] p = rule.p;
        final double[] nd = node;
        final int[] lr = leafRow;
        final int[] up = upper;
        final int[] rep = repeat;
        c[0] = rule.delta[0];
        c[1] = rule.delta[1];
        c[2] = rule.delta[2];
        for (int i = 0; i < up.length; i++) {
            int q = up[i];
            int h = v.childFor(q, x, off);
            int cold = q + 1 + v.rightChild(q) - h;
            hot[q] = h;
            if (rep != null && (rep[h] >= 0 || rep[cold] >= 0)) {
                downRepeat(sc, q, h, cold);
                continue;
            }
            if (rep != null) {
                sc.mode[h] = FIRST;
                sc.mode[cold] = FIRST;
                sc.sat[h] = true;
                sc.sat[cold] = false;
            }
            double ih = nd[2 * h];
            double sh = nd[2 * h + 1];
            double scold = nd[2 * cold + 1];
            int rh = lr[h];
            int rc = lr[cold];
            int qb = 3 * q;
            int hb = 3 * h;
            int cb = 3 * cold;
            double c0 = c[qb];
            double c1 = c[qb + 1];
            double c2 = c[qb + 2];
            c[hb] = c0 * (1 + t0 * ih);
            c[hb + 1] = c1 * (1 + t1 * ih);
            c[hb + 2] = c2 * (1 + t2 * ih);
            c[cb] = c0;
            c[cb + 1] = c1;
            c[cb + 2] = c2;
            // a leaf's subtree sum is its weight; internal children get 0 here and their sum later
            s[hb] = sh * p[rh];
            s[hb + 1] = sh * p[rh + 1];
            s[hb + 2] = sh * p[rh + 2];
            s[cb] = scold * p[rc];
            s[cb + 1] = scold * p[rc + 1];
            s[cb + 2] = scold * p[rc + 2];
        }
        final int[] bn = bottom;
        final double[] bd = bottomData;
        final int[] br = bottomRow;
        for (int i = 0; i < bn.length; i++) {
            int q = bn[i];
            int dh = v.childFor(q, x, off) - q - 1;
            int right = (dh | -dh) >>> 31;
            int b = 5 * i;
            double a = bd[b];
            double bb = bd[b + 1 + right];
            double d = bd[b + 3 + right];
            int row = br[i];
            int qb = 3 * q;
            double p0 = p[row];
            double p1 = p[row + 1];
            double p2 = p[row + 2];
            s[qb] = p0 * (a + bb * t0);
            s[qb + 1] = p1 * (a + bb * t1);
            s[qb + 2] = p2 * (a + bb * t2);
            phi[phiOff + v.splitFeature(q)] += d * (c[qb] * p0 + c[qb + 1] * p1 + c[qb + 2] * p2);
        }
        for (int i = up.length - 1; i >= 0; i--) {
            int q = up[i];
            int h = hot[q];
            int cold = q + 1 + v.rightChild(q) - h;
            if (rep != null && (sc.mode[h] != FIRST || sc.mode[cold] != FIRST)) {
                phi[phiOff + v.splitFeature(q)] += upRepeat(sc, q, h, cold);
                continue;
            }
            double ih = nd[2 * h];
            double rho = ih - 1;
            int qb = 3 * q;
            int hb = 3 * h;
            int cb = 3 * cold;
            double sh0 = s[hb];
            double sh1 = s[hb + 1];
            double sh2 = s[hb + 2];
            double sc0 = s[cb];
            double sc1 = s[cb + 1];
            double sc2 = s[cb + 2];
            s[qb] = (1 + t0 * ih) * sh0 + sc0;
            s[qb + 1] = (1 + t1 * ih) * sh1 + sc1;
            s[qb + 2] = (1 + t2 * ih) * sh2 + sc2;
            phi[phiOff + v.splitFeature(q)] += c[qb] * (rho * sh0 - sc0) + c[qb + 1] * (rho * sh1 - sc1)
                    + c[qb + 2] * (rho * sh2 - sc2);
        }
    }

    /** One upper node of the down pass when an edge below it splits again on a feature (any m). */
    private void downRepeat(TreeExplainer.Scratch sc, int q, int h, int cold) {
        final int m = this.m;
        final double[] c = sc.c;
        final double[] s = sc.s;
        final boolean[] sat = sc.sat;
        final int[] rep = repeat;
        final int[] prev = repeatPrevious;
        final double[] rt = repeatTables;
        final double[] tau = rule.tau;
        final double[] p = rule.p;
        int m4 = 4 * m;
        int rh = rep[h];
        int rc = rep[cold];
        int mh = rh < 0 ? FIRST : sat[prev[rh]] ? rh * m4 : CLOSED;
        int mc = rc < 0 ? FIRST : sat[prev[rc]] ? rc * m4 + m : CLOSED;
        sc.mode[h] = mh;
        sc.mode[cold] = mc;
        sat[h] = mh != CLOSED;
        sat[cold] = false;
        double ih = node[2 * h];
        double sh = node[2 * h + 1];
        double scold = node[2 * cold + 1];
        int lh = leafRow[h];
        int lc = leafRow[cold];
        for (int k = 0; k < m; k++) {
            double cq = c[q * m + k];
            c[h * m + k] = mh == FIRST ? cq * (1 + tau[k] * ih) : mh == CLOSED ? cq : cq * rt[mh + k];
            c[cold * m + k] = mc >= 0 ? cq * rt[mc + k] : cq;
            s[h * m + k] = sh * p[lh + k];
            s[cold * m + k] = scold * p[lc + k];
        }
    }

    /** One upper node of the up pass when an edge below it splits again on a feature (any m); returns the credit. */
    private double upRepeat(TreeExplainer.Scratch sc, int q, int h, int cold) {
        final int m = this.m;
        final double[] tau = rule.tau;
        final double[] c = sc.c;
        final double[] s = sc.s;
        final double[] rt = repeatTables;
        int mh = sc.mode[h];
        int mc = sc.mode[cold];
        double ih = node[2 * h];
        double credit = 0;
        for (int k = 0; k < m; k++) {
            double sh = s[h * m + k];
            double scold = s[cold * m + k];
            // credit vectors sit 2m after the factor vectors (taken: mh + 2m; not taken: mc - m + 3m)
            double fh = mh == FIRST ? 1 + tau[k] * ih : mh == CLOSED ? 1 : rt[mh + k];
            double ch = mh == FIRST ? ih - 1 : mh == CLOSED ? 0 : rt[mh + 2 * m + k];
            double fc = mc >= 0 ? rt[mc + k] : 1;
            double cc = mc == FIRST ? -1 : mc == CLOSED ? 0 : rt[mc + 2 * m + k];
            s[q * m + k] = fh * sh + fc * scold;
            credit += c[q * m + k] * (ch * sh + cc * scold);
        }
        return credit;
    }

    /** Down pass (any m): routes every upper node, fills C of its children and S of its leaf children. */
    private void down(float[] x, int off, TreeExplainer.Scratch sc, TreeView v, int m, double[] c, double[] s,
                      double[] tau, double[] p) {
        final int[] up = upper;
        final int[] hot = sc.hot;
        final double[] nd = node;
        final int[] lr = leafRow;
        final int[] rep = repeat;
        for (int i = 0; i < up.length; i++) {
            int q = up[i];
            int h = v.childFor(q, x, off);
            int cold = q + 1 + v.rightChild(q) - h; // the other child, without a branch
            hot[q] = h;
            if (rep != null) {
                if (rep[h] >= 0 || rep[cold] >= 0) {
                    downRepeat(sc, q, h, cold);
                    continue;
                }
                sc.mode[h] = FIRST;
                sc.mode[cold] = FIRST;
                sc.sat[h] = true;
                sc.sat[cold] = false;
            }
            double ih = nd[2 * h];
            double sh = nd[2 * h + 1];
            double scold = nd[2 * cold + 1];
            int rh = lr[h];
            int rc = lr[cold];
            int qb = q * m;
            int hb = h * m;
            int cb = cold * m;
            for (int k = 0; k < m; k++) {
                double cq = c[qb + k];
                c[hb + k] = cq * (1 + tau[k] * ih);
                c[cb + k] = cq;
                // a leaf's subtree sum is its weight; internal children get 0 here and their sum later
                s[hb + k] = sh * p[rh + k];
                s[cb + k] = scold * p[rc + k];
            }
        }
    }

    /** Up pass (any m): S of every upper node and its credit, children before parents. */
    private void up(TreeExplainer.Scratch sc, TreeView v, int m, double[] c, double[] s, double[] tau, double[] phi,
                    int phiOff) {
        final int[] up = upper;
        final int[] hot = sc.hot;
        final double[] nd = node;
        final int[] rep = repeat;
        for (int i = up.length - 1; i >= 0; i--) {
            int q = up[i];
            int h = hot[q];
            int cold = q + 1 + v.rightChild(q) - h;
            if (rep != null && (sc.mode[h] != FIRST || sc.mode[cold] != FIRST)) {
                phi[phiOff + v.splitFeature(q)] += upRepeat(sc, q, h, cold);
                continue;
            }
            double ih = nd[2 * h];
            double rho = ih - 1;
            int qb = q * m;
            int hb = h * m;
            int cb = cold * m;
            double credit = 0;
            for (int k = 0; k < m; k++) {
                double sh = s[hb + k];
                double sc0 = s[cb + k];
                s[qb + k] = (1 + tau[k] * ih) * sh + sc0;
                credit += c[qb + k] * (rho * sh - sc0);
            }
            phi[phiOff + v.splitFeature(q)] += credit;
        }
    }
}
