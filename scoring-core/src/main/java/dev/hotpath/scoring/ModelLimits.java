package dev.hotpath.scoring;

/**
 * Upper bounds enforced while reading and compiling a model, so that a hostile or corrupt file fails with a
 * {@link ModelFormatException} instead of exhausting memory, hanging or overflowing the stack.
 *
 * <p>Immutable and thread-safe. Start from {@link #defaults()} and override with the {@code with…} methods.
 *
 * @param maxFileBytes largest model file accepted
 * @param maxTrees most trees in one ensemble
 * @param maxNodesPerTree most nodes in one tree
 * @param maxTotalNodes most nodes over all trees
 * @param maxDepth deepest root-to-leaf path in any tree
 * @param maxFeatures widest input row
 * @param maxOutputs most model outputs (classes, targets, quantiles)
 * @param maxStringBytes longest string (name, attribute, JSON key) read from a file
 */
public record ModelLimits(
        long maxFileBytes,
        int maxTrees,
        int maxNodesPerTree,
        long maxTotalNodes,
        int maxDepth,
        int maxFeatures,
        int maxOutputs,
        int maxStringBytes) {

    private static final ModelLimits DEFAULTS =
            new ModelLimits(1L << 30, 200_000, 1 << 22, 1L << 27, 64, 1 << 20, 10_000, 1 << 24);

    /**
     * @throws ConfigurationException if any limit is not positive
     */
    public ModelLimits {
        if (maxFileBytes <= 0 || maxTrees <= 0 || maxNodesPerTree <= 0 || maxTotalNodes <= 0 || maxDepth <= 0
                || maxFeatures <= 0 || maxOutputs <= 0 || maxStringBytes <= 0) {
            throw new ConfigurationException("every model limit must be positive: " + toStringOf(
                    maxFileBytes, maxTrees, maxNodesPerTree, maxTotalNodes, maxDepth, maxFeatures, maxOutputs,
                    maxStringBytes));
        }
    }

    private static String toStringOf(Object... values) {
        return java.util.Arrays.toString(values);
    }

    /**
     * The defaults: 1 GiB files, 200,000 trees, 4 Mi nodes per tree, 128 Mi nodes in all, depth 64, 1 Mi features,
     * 10,000 outputs, 16 MiB strings. Generous for real fraud models, small enough to stop absurd sizes early.
     *
     * @return the default limits
     */
    public static ModelLimits defaults() {
        return DEFAULTS;
    }

    /** @param v new value @return a copy with {@code maxFileBytes = v} */
    public ModelLimits withMaxFileBytes(long v) {
        return new ModelLimits(v, maxTrees, maxNodesPerTree, maxTotalNodes, maxDepth, maxFeatures, maxOutputs,
                maxStringBytes);
    }

    /** @param v new value @return a copy with {@code maxTrees = v} */
    public ModelLimits withMaxTrees(int v) {
        return new ModelLimits(maxFileBytes, v, maxNodesPerTree, maxTotalNodes, maxDepth, maxFeatures, maxOutputs,
                maxStringBytes);
    }

    /** @param v new value @return a copy with {@code maxNodesPerTree = v} */
    public ModelLimits withMaxNodesPerTree(int v) {
        return new ModelLimits(maxFileBytes, maxTrees, v, maxTotalNodes, maxDepth, maxFeatures, maxOutputs,
                maxStringBytes);
    }

    /** @param v new value @return a copy with {@code maxTotalNodes = v} */
    public ModelLimits withMaxTotalNodes(long v) {
        return new ModelLimits(maxFileBytes, maxTrees, maxNodesPerTree, v, maxDepth, maxFeatures, maxOutputs,
                maxStringBytes);
    }

    /** @param v new value @return a copy with {@code maxDepth = v} */
    public ModelLimits withMaxDepth(int v) {
        return new ModelLimits(maxFileBytes, maxTrees, maxNodesPerTree, maxTotalNodes, v, maxFeatures, maxOutputs,
                maxStringBytes);
    }

    /** @param v new value @return a copy with {@code maxFeatures = v} */
    public ModelLimits withMaxFeatures(int v) {
        return new ModelLimits(maxFileBytes, maxTrees, maxNodesPerTree, maxTotalNodes, maxDepth, v, maxOutputs,
                maxStringBytes);
    }

    /** @param v new value @return a copy with {@code maxOutputs = v} */
    public ModelLimits withMaxOutputs(int v) {
        return new ModelLimits(maxFileBytes, maxTrees, maxNodesPerTree, maxTotalNodes, maxDepth, maxFeatures, v,
                maxStringBytes);
    }

    /** @param v new value @return a copy with {@code maxStringBytes = v} */
    public ModelLimits withMaxStringBytes(int v) {
        return new ModelLimits(maxFileBytes, maxTrees, maxNodesPerTree, maxTotalNodes, maxDepth, maxFeatures,
                maxOutputs, v);
    }
}
