package dev.hotpath.scoring.model;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.FeatureType;
import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelInfo;
import dev.hotpath.scoring.ModelLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Collects the trees of an ensemble, validates each one as it is added, and compiles them into an immutable
 * {@link TreeEnsemble}. Model readers (XGBoost JSON/UBJSON/binary, LightGBM text, …) are its only intended users.
 * An ensemble holds either XGBoost trees ({@link #addTree}, float sums, {@link OutputTransform}) or LightGBM trees
 * ({@link #addLightgbmTree}, double sums, {@link DoubleOutputTransform}), never both.
 *
 * <p>Every tree is checked when added: array lengths agree, children are in range, the nodes reachable from the
 * root form a tree (no cycles, no node reached twice), the depth is within {@link ModelLimits#maxDepth()}, feature
 * indices are below {@code numFeatures}, the output group is in range and category codes are non-negative. Errors
 * are {@link ModelFormatException}s whose location is {@code tree[t].node[n]}.
 *
 * <p>Not thread-safe: use from one thread. {@link #build()} may be called once.
 */
public final class TreeEnsembleBuilder {
    private final int numFeatures;
    private final int numMargins;
    private String source = "<in-memory>";
    private ModelLimits limits = ModelLimits.defaults();
    private OutputTransform transform = OutputTransform.IDENTITY;
    /** Set by {@link #transform(DoubleOutputTransform)} or the first LightGBM tree: the ensemble sums in double. */
    private DoubleOutputTransform doubleTransform;
    private boolean hasXgboostTrees;
    private float[] baseMargins;
    private List<String> featureNames;
    private List<FeatureType> featureTypes;
    private ModelInfo info;
    private final List<CompiledTree> trees = new ArrayList<>();
    private long totalNodes;
    private boolean built;

    TreeEnsembleBuilder(int numFeatures, int numMargins) {
        if (numFeatures < 0) {
            throw new ConfigurationException("numFeatures must be >= 0, was " + numFeatures);
        }
        if (numMargins < 1) {
            throw new ConfigurationException("numMargins must be >= 1, was " + numMargins);
        }
        this.numFeatures = numFeatures;
        this.numMargins = numMargins;
        this.baseMargins = new float[numMargins];
    }

    /**
     * @param sourceName the file or other source, used in every error message
     * @return this builder
     */
    public TreeEnsembleBuilder source(String sourceName) {
        this.source = sourceName == null ? "<in-memory>" : sourceName;
        return this;
    }

    /**
     * @param limits size limits to enforce (default {@link ModelLimits#defaults()})
     * @return this builder
     */
    public TreeEnsembleBuilder limits(ModelLimits limits) {
        this.limits = java.util.Objects.requireNonNull(limits, "limits");
        if (numFeatures > limits.maxFeatures()) {
            throw new ModelFormatException(source, "num_feature",
                    "at most " + limits.maxFeatures() + " features allowed (ModelLimits.maxFeatures), found "
                            + numFeatures);
        }
        if (numMargins > limits.maxOutputs()) {
            throw new ModelFormatException(source, "outputs",
                    "at most " + limits.maxOutputs() + " outputs allowed (ModelLimits.maxOutputs), found "
                            + numMargins);
        }
        return this;
    }

    /**
     * @param transform the output transform (default {@link OutputTransform#IDENTITY})
     * @return this builder
     */
    public TreeEnsembleBuilder transform(OutputTransform transform) {
        this.transform = java.util.Objects.requireNonNull(transform, "transform");
        return this;
    }

    /**
     * Sets the transform of an ensemble of {@link LightgbmTree}s, applied in double to the double sums (default
     * {@link DoubleOutputTransform#identity()}).
     *
     * @param transform the output transform
     * @return this builder
     * @throws ConfigurationException if XGBoost trees were added
     */
    public TreeEnsembleBuilder transform(DoubleOutputTransform transform) {
        java.util.Objects.requireNonNull(transform, "transform");
        if (hasXgboostTrees) {
            throw mixed();
        }
        this.doubleTransform = transform;
        return this;
    }

    /**
     * @param perMargin the starting margin of each output, already in margin space; length {@code numMargins}
     * @return this builder
     */
    public TreeEnsembleBuilder baseMargins(float[] perMargin) {
        if (perMargin == null || perMargin.length != numMargins) {
            throw new ModelFormatException(source, "base_score", "expected " + numMargins + " base margins, found "
                    + (perMargin == null ? "none" : perMargin.length));
        }
        this.baseMargins = perMargin.clone();
        return this;
    }

    /**
     * @param names feature names in input order; {@code null} or empty means the model has none
     * @return this builder
     */
    public TreeEnsembleBuilder featureNames(List<String> names) {
        this.featureNames = names;
        return this;
    }

    /**
     * @param types feature types in input order; {@code null} or empty means all {@link FeatureType#FLOAT}
     * @return this builder
     */
    public TreeEnsembleBuilder featureTypes(List<FeatureType> types) {
        this.featureTypes = types;
        return this;
    }

    /**
     * @param info descriptive facts; {@code numTrees} and {@code maxDepth} are recomputed by {@link #build()}
     * @return this builder
     */
    public TreeEnsembleBuilder info(ModelInfo info) {
        this.info = info;
        return this;
    }

    /**
     * Validates and adds one tree. Trees are summed in the order they are added.
     *
     * @param nodes the tree
     * @param outputGroup the margin this scalar-leaf tree adds to (0 for vector-leaf trees)
     * @param weight the factor applied to the leaf value(s), {@code 1f} except for DART
     * @return this builder
     * @throws ModelFormatException if the tree is malformed or exceeds the limits
     */
    public TreeEnsembleBuilder addTree(TreeNodes nodes, int outputGroup, float weight) {
        if (doubleTransform != null) {
            throw mixed();
        }
        hasXgboostTrees = true;
        int t = checkTreeCount();
        return add(CompiledTree.compile(nodes, outputGroup, weight, t, source, numFeatures, numMargins, limits));
    }

    /**
     * Validates and adds one LightGBM tree. Trees are summed in double in the order they are added.
     *
     * @param tree the tree
     * @param outputGroup the output this tree adds to ({@code t % num_tree_per_iteration} for tree {@code t})
     * @return this builder
     * @throws ModelFormatException if the tree is malformed or exceeds the limits; the location names the tree
     *     and the LightGBM key, e.g. {@code tree[3].left_child[5]}
     * @throws ConfigurationException if XGBoost trees were added
     */
    public TreeEnsembleBuilder addLightgbmTree(LightgbmTree tree, int outputGroup) {
        if (hasXgboostTrees) {
            throw mixed();
        }
        if (doubleTransform == null) {
            doubleTransform = DoubleOutputTransform.identity();
        }
        int t = checkTreeCount();
        return add(LightgbmSplits.compile(tree, outputGroup, t, source, numFeatures, numMargins, limits));
    }

    private int checkTreeCount() {
        int t = trees.size();
        if (t >= limits.maxTrees()) {
            throw new ModelFormatException(source, "tree[" + t + "]",
                    "at most " + limits.maxTrees() + " trees allowed (ModelLimits.maxTrees)");
        }
        return t;
    }

    private TreeEnsembleBuilder add(CompiledTree tree) {
        int t = trees.size();
        totalNodes += tree.size();
        if (totalNodes > limits.maxTotalNodes()) {
            throw new ModelFormatException(source, "tree[" + t + "]",
                    "at most " + limits.maxTotalNodes() + " nodes allowed in all trees (ModelLimits.maxTotalNodes)");
        }
        trees.add(tree);
        return this;
    }

    /**
     * Compiles the ensemble, choosing the fastest evaluator that is exact for it.
     *
     * @return the immutable, thread-safe model
     */
    public TreeEnsemble build() {
        if (built) {
            throw new ConfigurationException("build() was already called on this builder");
        }
        built = true;
        List<String> names = ModelSupport.featureNames(featureNames, numFeatures, source);
        List<FeatureType> types = ModelSupport.featureTypes(featureTypes, numFeatures, source);
        int maxDepth = 0;
        for (CompiledTree tree : trees) {
            maxDepth = Math.max(maxDepth, tree.depth);
        }
        ModelInfo base = info != null ? info
                : new ModelInfo("in-memory", "", "", "gbtree", 0, 0, "", "", Map.of());
        ModelInfo finalInfo = new ModelInfo(base.format(), base.formatVersion(), base.objective(), base.booster(),
                trees.size(), maxDepth, base.checksum(), base.source(), base.properties());
        boolean hasNames = featureNames != null && !featureNames.isEmpty();
        CompiledTree[] compiled = trees.toArray(new CompiledTree[0]);
        if (doubleTransform != null) {
            if (transform != OutputTransform.IDENTITY) {
                throw new ConfigurationException("an ensemble of LightGBM trees takes a DoubleOutputTransform, not "
                        + transform);
            }
            return new TreeEnsemble(numFeatures, numMargins, doubleTransform, baseMargins, names, hasNames, types,
                    finalInfo, compiled);
        }
        return new TreeEnsemble(numFeatures, numMargins, transform, baseMargins, names, hasNames, types, finalInfo,
                compiled);
    }

    private static ConfigurationException mixed() {
        return new ConfigurationException("an ensemble holds either XGBoost trees (addTree, OutputTransform) or"
                + " LightGBM trees (addLightgbmTree, DoubleOutputTransform), not both");
    }

    @Override
    public String toString() {
        return "TreeEnsembleBuilder[" + source + ", features=" + numFeatures + ", margins=" + numMargins
                + ", trees=" + trees.size() + ", base=" + Arrays.toString(baseMargins) + "]";
    }
}
