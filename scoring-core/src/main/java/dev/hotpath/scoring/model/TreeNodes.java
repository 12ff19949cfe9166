package dev.hotpath.scoring.model;

/**
 * One decision tree in XGBoost's node-array form, as a model reader hands it to {@link TreeEnsembleBuilder}.
 * A load-time carrier: the builder validates it and copies what it needs, so the arrays may be reused afterwards.
 *
 * <p>Node {@code n} is a leaf exactly when {@code left[n] == -1}. An internal node sends a row to {@code left[n]}
 * when its feature value {@code x} is missing ({@code NaN}) and {@code defaultLeft[n]}, or when it is present and
 * {@code x < threshold[n]} (numerical node, compared in {@code float}); a categorical node (non-null
 * {@code categories[n]}) sends present values whose truncated integer code is in {@code categories[n]} to the
 * right and everything else (other codes, negative values, values {@code >= 2^24}) to the left. Nodes not reachable
 * from node 0 are ignored.
 *
 * @param left left child per node, {@code -1} for leaves
 * @param right right child per node (ignored for leaves)
 * @param feature feature index per internal node
 * @param threshold split threshold per numerical internal node
 * @param defaultLeft whether missing values go left, per internal node
 * @param categories per node: {@code null} for numerical nodes, else the category codes that go right (any order,
 *     non-negative); the whole array may be {@code null} when the tree has no categorical node
 * @param leafValues leaf values: node {@code n}'s value(s) are {@code leafValues[n*leafSize .. n*leafSize+leafSize)};
 *     only read for leaves (for XGBoost scalar trees pass {@code split_conditions})
 * @param leafSize 1 for scalar trees, or the model's number of margins for vector-leaf trees
 * @param cover per node, the training weight that reached it (XGBoost {@code sum_hessian}, LightGBM row counts), or
 *     {@code null} when the file has none. Not used for scoring; explanations ({@code dev.hotpath.scoring.explain})
 *     weight each split by its children's covers. When present: one entry per node, finite and {@code >= 0} at
 *     every reachable node of a tree with a split
 */
public record TreeNodes(
        int[] left,
        int[] right,
        int[] feature,
        float[] threshold,
        boolean[] defaultLeft,
        int[][] categories,
        float[] leafValues,
        int leafSize,
        float[] cover) {

    /**
     * A tree without node covers (scores normally; cannot be explained).
     *
     * @param left left child per node, {@code -1} for leaves
     * @param right right child per node
     * @param feature feature index per internal node
     * @param threshold split threshold per numerical internal node
     * @param defaultLeft whether missing values go left, per internal node
     * @param categories per node category codes that go right, or {@code null}
     * @param leafValues leaf values
     * @param leafSize values per leaf
     */
    public TreeNodes(int[] left, int[] right, int[] feature, float[] threshold, boolean[] defaultLeft,
                     int[][] categories, float[] leafValues, int leafSize) {
        this(left, right, feature, threshold, defaultLeft, categories, leafValues, leafSize, null);
    }
}
