package dev.hotpath.scoring.model;

/**
 * Read-only view of one compiled tree of a {@link TreeEnsemble}, for tools that work on the structure rather than
 * on scores (the explainer in {@code dev.hotpath.scoring.explain}, inspection, tests).
 *
 * <p>Nodes are numbered {@code 0 … size()-1} in pre-order from the root (node 0); unreachable (deleted) nodes of
 * the file are gone. An internal node's left child is always {@code node + 1}. {@link #childFor(int, float[], int)}
 * is the model's own routing rule (missing values, categorical sets, float comparison) — the very code scoring
 * runs — so a tool that routes with it agrees with the model's scores by construction.
 *
 * <p><b>Thread-safety:</b> immutable; every method may be called concurrently. <b>Allocation:</b> none.
 */
public interface TreeView {

    /** @return the number of nodes */
    int size();

    /**
     * @param node a node index
     * @return whether the node is a leaf
     */
    boolean isLeaf(int node);

    /**
     * @param node an internal node
     * @return the feature the node splits on
     */
    int splitFeature(int node);

    /**
     * @param node an internal node
     * @return its right child (its left child is {@code node + 1})
     */
    int rightChild(int node);

    /**
     * The child a row goes to from an internal node: the model's routing rule.
     *
     * @param node an internal node
     * @param row the feature values
     * @param offset where the row starts in {@code row}
     * @return {@code node + 1} or {@link #rightChild(int)}
     */
    int childFor(int node, float[] row, int offset);

    /** @return values per leaf: 1, or the model's number of margins for a vector-leaf tree */
    int leafSize();

    /**
     * @param node a leaf
     * @param index which value of the leaf, {@code 0 … leafSize()-1}
     * @return the leaf value (before the tree weight is applied)
     */
    float leafValue(int node, int index);

    /** @return the margin a scalar-leaf tree adds to ({@code 0} for vector-leaf trees) */
    int outputGroup();

    /** @return the factor applied to the leaf values ({@code 1} except for DART) */
    float weight();

    /** @return the deepest root-to-leaf path (0 for a single leaf) */
    int depth();

    /**
     * @return whether the model file gave node covers (XGBoost {@code sum_hessian}, LightGBM counts) for this tree
     */
    boolean hasCovers();

    /**
     * @param node a node
     * @return the node's cover, finite and {@code >= 0}
     * @throws IllegalStateException if the tree has no covers ({@link #hasCovers()})
     */
    float cover(int node);
}
