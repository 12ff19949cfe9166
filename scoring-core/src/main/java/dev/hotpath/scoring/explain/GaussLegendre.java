package dev.hotpath.scoring.explain;

/**
 * Gauss–Legendre quadrature on {@code [0, 1]}: {@code m} nodes and weights that integrate every polynomial of degree
 * {@code <= 2m - 1} exactly (up to double rounding). TreeSHAP's per-leaf weights are integrals over {@code [0, 1]} of
 * polynomials whose degree is below the number of distinct features on the leaf's path, so {@code m = ceil(U / 2)}
 * points give the exact Shapley values (see {@link TreeShapTables}).
 *
 * <p>Immutable; load-time only.
 */
final class GaussLegendre {
    /** Node positions in {@code (0, 1)}, ascending. */
    final double[] t;
    /** Weights, summing to 1. */
    final double[] w;

    private GaussLegendre(double[] t, double[] w) {
        this.t = t;
        this.w = w;
    }

    /**
     * @param m the number of points, {@code >= 1}
     * @return the rule; roots found by Newton's method on the Legendre polynomial from Tricomi's initial guesses
     */
    static GaussLegendre of(int m) {
        if (m < 1) {
            throw new IllegalArgumentException("m must be >= 1, was " + m);
        }
        double[] t = new double[m];
        double[] w = new double[m];
        for (int i = 0; i < (m + 1) / 2; i++) {
            double x = Math.cos(Math.PI * (i + 0.75) / (m + 0.5));
            double dp = 0;
            for (int iter = 0; iter < 100; iter++) {
                double p0 = 1;
                double p1 = x;
                for (int j = 2; j <= m; j++) {
                    double p2 = ((2 * j - 1) * x * p1 - (j - 1) * p0) / j;
                    p0 = p1;
                    p1 = p2;
                }
                // p1 = P_m(x), p0 = P_{m-1}(x); m = 1 gives p1 = x, p0 = 1
                dp = m * (x * p1 - p0) / (x * x - 1);
                double dx = p1 / dp;
                x -= dx;
                if (Math.abs(dx) < 1e-16) {
                    break;
                }
            }
            double weight = 2 / ((1 - x * x) * dp * dp);
            // x is the i-th largest root; its mirror -x is the i-th smallest.
            t[m - 1 - i] = (1 + x) / 2;
            t[i] = (1 - x) / 2;
            w[m - 1 - i] = weight / 2;
            w[i] = weight / 2;
        }
        return new GaussLegendre(t, w);
    }
}
