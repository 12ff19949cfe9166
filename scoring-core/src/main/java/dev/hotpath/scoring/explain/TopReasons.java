package dev.hotpath.scoring.explain;

/**
 * The top reason codes of one row, filled by {@link ReasonCodeExplainer#explain(float[], TopReasons)}: up to
 * {@link #capacity()} codes, most important first, each with its summed contribution in margin space. A reusable
 * flyweight that also holds the explainer's working memory: create one per thread with
 * {@link ReasonCodeExplainer#newResult(int)} and reuse it for every row.
 *
 * <p>For an audit trail record the codes together with the model's identity and {@link #bias()}: the reported
 * contributions, the unreported ones and the bias sum to the margin.
 *
 * <p><b>Not thread-safe:</b> confine each instance to one thread. <b>Allocation:</b> none.
 */
public final class TopReasons {
    final ReasonCodeExplainer owner;
    final TreeExplainer.Scratch scratch;
    final double[] phi;
    final double[] byCode;
    final int[] codeIds;
    final double[] contributions;
    final double[] keys;
    int count;
    double bias;

    TopReasons(ReasonCodeExplainer owner, TreeExplainer.Scratch scratch, int numFeatures, int numCodes, int k) {
        this.owner = owner;
        this.scratch = scratch;
        this.phi = new double[numFeatures];
        this.byCode = new double[numCodes];
        this.codeIds = new int[k];
        this.contributions = new double[k];
        this.keys = new double[k];
    }

    /** @return the most codes one row can report */
    public int capacity() {
        return codeIds.length;
    }

    /** @return how many codes the last row reported ({@code <= capacity()}; fewer when fewer codes qualified) */
    public int count() {
        return count;
    }

    /**
     * @param i rank, {@code < count()}
     * @return the code's index in {@link ReasonCodeExplainer#codeNames()} (stable: use it as an interned id)
     */
    public int codeId(int i) {
        check(i);
        return codeIds[i];
    }

    /**
     * @param i rank, {@code < count()}
     * @return the code's name
     */
    public String code(int i) {
        check(i);
        return owner.codeName(codeIds[i]);
    }

    /**
     * @param i rank, {@code < count()}
     * @return the code's contribution: the sum of its features' contributions, in margin space, with its sign
     */
    public double contribution(int i) {
        check(i);
        return contributions[i];
    }

    /** @return the explained group's bias (base margin plus the trees' expected values) */
    public double bias() {
        return bias;
    }

    private void check(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("reason " + i + " of " + count);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TopReasons[");
        for (int i = 0; i < count; i++) {
            sb.append(i == 0 ? "" : ", ").append(code(i)).append('=').append(contributions[i]);
        }
        return sb.append(", bias=").append(bias).append(']').toString();
    }
}
