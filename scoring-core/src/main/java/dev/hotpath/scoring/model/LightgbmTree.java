package dev.hotpath.scoring.model;

/**
 * One decision tree in LightGBM's form (the arrays of a {@code Tree=} block of a LightGBM text model), as a model
 * reader hands it to {@link TreeEnsembleBuilder#addLightgbmTree}. A load-time carrier: the builder validates it and
 * copies what it needs, so the arrays may be reused afterwards.
 *
 * <p>Nodes are {@code 0 … numLeaves-2}, node 0 is the root; a child {@code c >= 0} is node {@code c}, a child
 * {@code c < 0} is leaf {@code ~c}. A tree with one leaf has no nodes. Semantics (LightGBM 3.3 – 4.x, all in
 * {@code double}; the input value is first replaced by {@code 0.0} when {@code |x| <= 1e-35f}, as LightGBM's C API
 * does):
 * <ul>
 *   <li>{@code decisionType} bit 0: categorical; bit 1: missing values go left; bits 2–3: missing type 0 None,
 *       1 Zero, 2 NaN;</li>
 *   <li>numerical node: {@code NaN} is read as {@code 0.0} unless the missing type is NaN; then a zero value
 *       (type Zero) or {@code NaN} (type NaN) follows the default direction, and any other value goes left when
 *       {@code x <= threshold};</li>
 *   <li>categorical node: {@code threshold} holds the index {@code k} of its bitset, the words
 *       {@code catThreshold[catBoundaries[k] .. catBoundaries[k+1])}; {@code NaN} and negative values go right, any
 *       other value is truncated to an integer {@code c} and goes left when bit {@code c} of the bitset is set;</li>
 *   <li>leaf {@code l} outputs {@code leafValue[l]}, or for linear trees {@code leafConst[l] + Σ coeff·x} in listed
 *       order, falling back to {@code leafValue[l]} when one of those features is {@code NaN}.</li>
 * </ul>
 *
 * @param numLeaves number of leaves, {@code >= 1}
 * @param splitFeature feature per node ({@code numLeaves - 1} entries)
 * @param threshold threshold per numerical node, bitset index per categorical node
 * @param decisionType decision bits per node
 * @param leftChild left child per node
 * @param rightChild right child per node
 * @param leafValue value per leaf ({@code numLeaves} entries)
 * @param catBoundaries bitset boundaries ({@code num_cat + 1} entries), empty when the tree has no categorical node
 * @param catThreshold bitset words (unsigned 32-bit values stored in {@code int}s), empty when none
 * @param linear the linear models of the leaves, or {@code null} for an ordinary tree
 */
public record LightgbmTree(
        int numLeaves,
        int[] splitFeature,
        double[] threshold,
        byte[] decisionType,
        int[] leftChild,
        int[] rightChild,
        double[] leafValue,
        int[] catBoundaries,
        int[] catThreshold,
        LinearLeaves linear) {

    /**
     * The linear models of a linear tree's leaves ({@code is_linear=1}): leaf {@code l} outputs
     * {@code constant[l] + coefficients[l][0] * x[features[l][0]] + …}.
     *
     * @param constant constant per leaf
     * @param features features per leaf (may be empty for a leaf)
     * @param coefficients coefficients per leaf, as many as its features
     */
    public record LinearLeaves(double[] constant, int[][] features, double[][] coefficients) {
    }
}
