package dev.hotpath.formats.xgboost;

import dev.hotpath.formats.xgboost.Doc.Arr;
import dev.hotpath.formats.xgboost.Doc.Obj;
import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelLimits;
import dev.hotpath.scoring.model.TreeNodes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Interprets an XGBoost JSON/UBJSON model document ({@link Doc}) as a {@link ParsedModel}: learner parameters,
 * {@code base_score} in all its encodings, objective, attributes, feature names/types, and the booster (gbtree, the
 * three DART layouts, gblinear) with every tree converted to {@link TreeNodes} (scalar leaves, 2.x and 3.2+
 * vector leaves, categorical splits).
 *
 * <p>Checks everything that is specific to the file format and names the exact field on failure: array lengths
 * against {@code num_nodes}, the categorical segment tables, vector-leaf indices, tree ids, {@code tree_info},
 * {@code iteration_indptr}, {@code weight_drop}, and XGBoost's assumption that a right child is its left sibling + 1.
 * Structural checks shared by all formats (child ranges, cycles, depth, feature range) are done by the
 * {@code TreeEnsembleBuilder}.
 *
 * <p>Load-time only; stateless; package-private.
 */
final class DocModelParser {
    private final String source;
    private final ModelLimits limits;
    /**
     * Leaf-table entries (nodes x outputs) vector-leaf trees may still expand to. The 3.2+ layout stores one vector
     * per leaf and the reader expands it to one per node, so without a budget a small file could demand gigabytes.
     */
    private long leafValueBudget;

    private DocModelParser(String source, ModelLimits limits) {
        this.source = source;
        this.limits = limits;
        this.leafValueBudget = limits.maxTotalNodes();
    }

    static ParsedModel parse(Obj root, String format, String source, ModelLimits limits) {
        return new DocModelParser(source, limits).parse(root, format);
    }

    private ParsedModel parse(Obj root, String format) {
        if (!root.has("learner") && (root.has("Model") || root.has("Config"))) {
            throw new ModelFormatException(source, "document root", "this is an XGBoost memory snapshot "
                    + "({\"Model\", \"Config\"}, as pickled by Python/R), not a model file; save the model with "
                    + "save_model(\"model.json\") or save_model(\"model.ubj\")");
        }
        ParsedModel m = new ParsedModel();
        m.format = format;
        readVersion(root, m);
        Obj learner = root.obj(source, "learner");

        Obj lmp = learner.obj(source, "learner_model_param");
        m.numFeature = (int) lmp.intString(source, "num_feature", 0, Integer.MAX_VALUE);
        if (m.numFeature > limits.maxFeatures()) {
            throw new ModelFormatException(source, lmp.child("num_feature"), "at most " + limits.maxFeatures()
                    + " features allowed (ModelLimits.maxFeatures), found " + m.numFeature);
        }
        m.numClass = (int) lmp.optIntString(source, "num_class", 0, limits.maxOutputs(), 0);
        m.numTarget = (int) lmp.optIntString(source, "num_target", 0, limits.maxOutputs(), 1);
        if (m.numTarget == 0) {
            m.numTarget = 1;
        }
        if (m.numClass > 1 && m.numTarget > 1) {
            throw new ModelFormatException(source, lmp.path, "a model cannot have both num_class > 1 ("
                    + m.numClass + ") and num_target > 1 (" + m.numTarget + ")");
        }
        m.baseScoreText = lmp.string(source, "base_score");
        m.baseScore = parseBaseScore(m.baseScoreText, m.numOutputs(), lmp.child("base_score"));

        Obj objective = learner.obj(source, "objective");
        m.objective = objective.string(source, "name");
        for (Map.Entry<String, Object> e : objective.fields.entrySet()) {
            if (e.getValue() instanceof Obj) {
                Obj params = (Obj) e.getValue();
                for (String key : new String[] {"quantile_alpha", "expectile_alpha", "huber_slope",
                    "tweedie_variance_power", "aft_loss_distribution"}) {
                    String v = params.optString(source, key);
                    if (v != null) {
                        m.objectiveParams.put(key, v);
                    }
                }
            }
        }

        Obj attributes = learner.optObj(source, "attributes");
        if (attributes != null) {
            for (String key : attributes.fields.keySet()) {
                m.attributes.put(key, attributes.string(source, key));
            }
        }
        Arr names = learner.optArr(source, "feature_names");
        if (names != null) {
            m.featureNames = names.strings(source);
        }
        Arr types = learner.optArr(source, "feature_types");
        if (types != null) {
            m.featureTypes = types.strings(source);
        }

        Obj gb = learner.obj(source, "gradient_booster");
        String gbName = gb.string(source, "name");
        switch (gbName) {
            case "gbtree": {
                Obj model = gb.obj(source, "model");
                m.booster = "gbtree";
                readForest(model, m, firstWeightDrop(gb, model));
                break;
            }
            case "dart": {
                // Layout up to 3.2: {"name":"dart","gbtree":{"name":"gbtree","model":{...}},"weight_drop":[...]}
                Obj inner = gb.obj(source, "gbtree");
                Obj model = inner.obj(source, "model");
                m.booster = "dart";
                readForest(model, m, firstWeightDrop(gb, model));
                break;
            }
            case "gblinear":
                m.booster = "gblinear";
                readLinear(gb.obj(source, "model"), m);
                break;
            default:
                throw new ModelFormatException(source, gb.child("name"), "unknown booster '"
                        + Doc.abbreviate(gbName) + "' (expected gbtree, dart or gblinear)");
        }
        return m;
    }

    private void readVersion(Obj root, ParsedModel m) {
        NumArray v = root.numArray(source, "version");
        if (v.length < 2 || v.length > 3) {
            throw new ModelFormatException(source, "version", "expected [major, minor, patch], found "
                    + v.length + " numbers");
        }
        int[] parts = v.ints(source, 0, 1000);
        m.major = parts[0];
        m.minor = parts[1];
        m.patch = parts.length > 2 ? parts[2] : 0;
        m.versionString = m.major + "." + m.minor + "." + m.patch;
    }

    /**
     * Parses {@code base_score}: a scalar string up to 3.0 ({@code "5E-1"}), from 3.1 a string holding a JSON array
     * ({@code "[5E-1]"}, one entry or one per output); XGBoost's reader also accepts {@code (...)}. One value is
     * broadcast to every output.
     */
    float[] parseBaseScore(String text, int numOutputs, String location) {
        String t = text.trim();
        List<String> parts = new ArrayList<>();
        if (t.startsWith("[") || t.startsWith("(")) {
            char close = t.charAt(0) == '[' ? ']' : ')';
            if (t.length() < 2 || t.charAt(t.length() - 1) != close) {
                throw new ModelFormatException(source, location, "malformed base_score \"" + Doc.abbreviate(text)
                        + "\": missing closing '" + close + "'");
            }
            String inner = t.substring(1, t.length() - 1);
            if (inner.isBlank()) {
                throw new ModelFormatException(source, location, "base_score \"" + Doc.abbreviate(text)
                        + "\" holds no value");
            }
            for (String p : inner.split(",", -1)) {
                parts.add(p.trim());
            }
        } else {
            parts.add(t);
        }
        if (parts.size() != 1 && parts.size() != numOutputs) {
            throw new ModelFormatException(source, location, "base_score has " + parts.size()
                    + " values; expected 1 or one per output (" + numOutputs + ")");
        }
        float[] v = new float[numOutputs];
        for (int i = 0; i < parts.size(); i++) {
            try {
                v[i] = Float.parseFloat(parts.get(i));
            } catch (NumberFormatException e) {
                throw new ModelFormatException(source, location, "base_score value \""
                        + Doc.abbreviate(parts.get(i)) + "\" is not a number");
            }
        }
        if (parts.size() == 1) {
            Arrays.fill(v, v[0]);
        }
        return v;
    }

    /** DART weights: {@code gb.weight_drop} (≤ 3.3 layouts) or {@code gb.model.weight_drop} (3.4); else none. */
    private NumArray firstWeightDrop(Obj gb, Obj model) {
        NumArray w = gb.optNumArray(source, "weight_drop");
        return w != null ? w : model.optNumArray(source, "weight_drop");
    }

    private void readLinear(Obj model, ParsedModel m) {
        NumArray w = model.numArray(source, "weights");
        long expected = (long) (m.numFeature + 1) * m.numOutputs();
        if (w.length != expected) {
            throw new ModelFormatException(source, w.path, "expected (num_feature + 1) * outputs = "
                    + (m.numFeature + 1) + " * " + m.numOutputs() + " = " + expected + " weights, found " + w.length);
        }
        m.linearWeights = w.floats();
    }

    private void readForest(Obj model, ParsedModel m, NumArray weightDrop) {
        Obj param = model.obj(source, "gbtree_model_param");
        int numTrees = (int) param.intString(source, "num_trees", 0, Integer.MAX_VALUE);
        if (numTrees > limits.maxTrees()) {
            throw new ModelFormatException(source, param.child("num_trees"), "at most " + limits.maxTrees()
                    + " trees allowed (ModelLimits.maxTrees), found " + numTrees);
        }
        m.numParallelTree = (int) param.optIntString(source, "num_parallel_tree", 0, Integer.MAX_VALUE, 1);
        if (m.numParallelTree == 0) {
            m.numParallelTree = 1;
        }
        Arr trees = model.arr(source, "trees");
        if (trees.size() != numTrees) {
            throw new ModelFormatException(source, trees.path, "gbtree_model_param.num_trees says " + numTrees
                    + " trees, the array holds " + trees.size());
        }
        NumArray treeInfoArr = model.numArray(source, "tree_info");
        if (treeInfoArr.length != numTrees) {
            throw new ModelFormatException(source, treeInfoArr.path, "expected one entry per tree (" + numTrees
                    + "), found " + treeInfoArr.length);
        }
        int numOutputs = m.numOutputs();
        m.treeInfo = treeInfoArr.ints(source, 0, numOutputs - 1).clone();

        // XGBoost places each tree at the position given by its "id".
        TreeNodes[] byId = new TreeNodes[numTrees];
        long totalNodes = 0;
        for (int t = 0; t < numTrees; t++) {
            Obj tree = trees.obj(source, t);
            int id = tree.has("id") ? (int) tree.integer(source, "id", 0, numTrees - 1) : t;
            if (byId[id] != null) {
                throw new ModelFormatException(source, tree.child("id"), "tree id " + id + " appears twice");
            }
            TreeNodes nodes = readTree(tree, numOutputs, m.numFeature);
            trees.items.set(t, null); // read: its document arrays can go while the next trees are read
            totalNodes += nodes.left().length;
            if (totalNodes > limits.maxTotalNodes()) {
                throw new ModelFormatException(source, tree.path, "at most " + limits.maxTotalNodes()
                        + " nodes allowed in all trees (ModelLimits.maxTotalNodes)");
            }
            byId[id] = nodes;
        }
        m.trees.addAll(Arrays.asList(byId));

        NumArray indptr = model.optNumArray(source, "iteration_indptr");
        m.iterationIndptr = indptr != null ? indptr.ints(source, 0, numTrees).clone()
                : rebuildIndptr(m.treeInfo, m.numParallelTree, model.child("tree_info"));
        validateIndptr(m.iterationIndptr, numTrees, indptr != null ? indptr.path : model.child("tree_info"));

        if (weightDrop != null) {
            if (weightDrop.length > numTrees) {
                throw new ModelFormatException(source, weightDrop.path, "weight_drop has " + weightDrop.length
                        + " entries but the model has only " + numTrees + " trees");
            }
            float[] w = new float[numTrees];
            Arrays.fill(w, 1.0f);
            System.arraycopy(weightDrop.floats(), 0, w, 0, weightDrop.length);
            m.weightDrop = w;
        }
    }

    /** XGBoost's {@code MakeIndptr} for files without {@code iteration_indptr} (≤ 1.7 and legacy binary). */
    int[] rebuildIndptr(int[] treeInfo, int numParallelTree, String location) {
        return rebuildIndptr(treeInfo, numParallelTree, source, location);
    }

    static int[] rebuildIndptr(int[] treeInfo, int numParallelTree, String source, String location) {
        if (treeInfo.length == 0) {
            return new int[] {0};
        }
        int groups = 0;
        for (int g : treeInfo) {
            groups = Math.max(groups, g + 1);
        }
        long perIteration = (long) numParallelTree * groups;
        long rounds = treeInfo.length / perIteration;
        if (rounds * perIteration != treeInfo.length) {
            throw new ModelFormatException(source, location, treeInfo.length + " trees are not a whole number of"
                    + " boosting rounds of num_parallel_tree (" + numParallelTree + ") x output groups (" + groups
                    + ") trees");
        }
        int[] indptr = new int[(int) rounds + 1];
        for (int i = 1; i < indptr.length; i++) {
            indptr[i] = (int) (i * perIteration);
        }
        return indptr;
    }

    static void validateIndptr(int[] indptr, int numTrees, String source, String location) {
        if (indptr.length == 0 || indptr[0] != 0) {
            throw new ModelFormatException(source, location, "iteration_indptr must start with 0");
        }
        for (int i = 1; i < indptr.length; i++) {
            if (indptr[i] < indptr[i - 1]) {
                throw new ModelFormatException(source, location + "[" + i + "]",
                        "iteration_indptr must not decrease, found " + indptr[i - 1] + " then " + indptr[i]);
            }
        }
        if (indptr[indptr.length - 1] != numTrees) {
            throw new ModelFormatException(source, location, "iteration_indptr must end with the number of trees ("
                    + numTrees + "), found " + indptr[indptr.length - 1]);
        }
    }

    private void validateIndptr(int[] indptr, int numTrees, String location) {
        validateIndptr(indptr, numTrees, source, location);
    }

    // ------------------------------------------------------------------------------------------ trees

    private TreeNodes readTree(Obj tree, int numOutputs, int numFeature) {
        Obj tp = tree.obj(source, "tree_param");
        int n = (int) tp.intString(source, "num_nodes", 1, Integer.MAX_VALUE);
        if (n > limits.maxNodesPerTree()) {
            throw new ModelFormatException(source, tp.child("num_nodes"), "at most " + limits.maxNodesPerTree()
                    + " nodes per tree allowed (ModelLimits.maxNodesPerTree), found " + n);
        }
        int leafVector = (int) tp.optIntString(source, "size_leaf_vector", 0, Integer.MAX_VALUE, 1);
        boolean vectorLeaf = leafVector > 1;
        if (vectorLeaf && leafVector != numOutputs) {
            throw new ModelFormatException(source, tp.child("size_leaf_vector"), "vector-leaf size " + leafVector
                    + " must equal the number of outputs (" + numOutputs + ")");
        }

        // The document is read once and dropped, so its arrays are taken over rather than copied.
        int[] left = nodeArray(tree, "left_children", n).ints(source, Integer.MIN_VALUE, Integer.MAX_VALUE);
        int[] rawRight = nodeArray(tree, "right_children", n).ints(source, Integer.MIN_VALUE, Integer.MAX_VALUE);
        int[] right = vectorLeaf ? rawRight.clone() : rawRight;
        NumArray splitIdx = nodeArray(tree, "split_indices", n);
        float[] cond = nodeArray(tree, "split_conditions", n).floats();
        int[] dl = nodeArray(tree, "default_left", n).ints(source, 0, 1);
        NumArray st = tree.optNumArray(source, "split_type");
        int[] splitType = null;
        if (st != null) {
            checkLength(st, n);
            splitType = st.ints(source, 0, 1);
        }

        if (splitIdx.kind == NumArray.Kind.FLOAT) {
            splitIdx.longs(source, Long.MIN_VALUE, Long.MAX_VALUE); // every entry must be an exact integer
        }
        boolean[] reachable = reachable(left, right);
        int[] feature = new int[n];
        boolean[] defaultLeft = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (left[i] == -1) {
                right[i] = -1; // leaves: the marker (or 3.2+ vector leaf index) is consumed below
                continue;
            }
            defaultLeft[i] = dl[i] != 0;
            if (!reachable[i]) {
                continue;
            }
            long f = splitIdx.integerAt(source, i);
            if (f < 0 || f >= numFeature) {
                throw new ModelFormatException(source, splitIdx.path + "[" + i + "]",
                        "split feature must be in [0, num_feature = " + numFeature + "), found " + f);
            }
            feature[i] = (int) f;
            if (right[i] != left[i] + 1 && left[i] >= 0) {
                throw new ModelFormatException(source, tree.child("right_children") + "[" + i + "]",
                        "expected left_children[" + i + "] + 1 = " + (left[i] + 1L) + " (XGBoost's predictor "
                                + "always takes the right child to be the left child + 1), found " + right[i]);
            }
        }

        int[][] categories = splitType == null ? null : readCategories(tree, splitType, n);

        float[] leafValues;
        if (!vectorLeaf) {
            leafValues = cond;
        } else {
            leafValues = readLeafVectors(tree, left, rawRight, reachable, numOutputs, n);
        }
        // sum_hessian (the node cover) is a training statistic scoring ignores; explanations need it. Vector-leaf
        // trees before 3.2 do not write it.
        NumArray hess = tree.optNumArray(source, "sum_hessian");
        float[] cover = null;
        if (hess != null) {
            checkLength(hess, n);
            cover = hess.floats();
        }
        return new TreeNodes(left, right, feature, cond, defaultLeft, categories, leafValues,
                vectorLeaf ? numOutputs : 1, cover);
    }

    private float[] readLeafVectors(Obj tree, int[] left, int[] rawRight, boolean[] reachable, int k, int n) {
        NumArray lw = tree.optNumArray(source, "leaf_weights");
        if (lw == null) {
            // 2.0 - 3.1: base_weights holds num_nodes x K values, node n's vector at n*K.
            NumArray bw = tree.numArray(source, "base_weights");
            if (bw.length != (long) n * k) {
                throw new ModelFormatException(source, bw.path, "a vector-leaf tree without leaf_weights needs "
                        + "num_nodes x outputs = " + ((long) n * k) + " base_weights, found " + bw.length);
            }
            return bw.floats();
        }
        // 3.2+: leaf node n keeps its leaf index L in right_children[n]; its vector is leaf_weights[L*K, L*K+K).
        if (lw.length % k != 0) {
            throw new ModelFormatException(source, lw.path, "leaf_weights length " + lw.length
                    + " is not a multiple of the number of outputs (" + k + ")");
        }
        long entries = (long) n * k;
        if (entries > leafValueBudget) {
            throw new ModelFormatException(source, lw.path, "num_nodes x outputs = " + n + " x " + k + " = "
                    + entries + " leaf-table entries, more than the " + leafValueBudget + " left of "
                    + limits.maxTotalNodes() + " for all trees (ModelLimits.maxTotalNodes)");
        }
        leafValueBudget -= entries;
        int leaves = lw.length / k;
        float[] src = lw.floats();
        float[] out = new float[(int) entries];
        for (int i = 0; i < n; i++) {
            if (left[i] != -1 || !reachable[i]) {
                continue;
            }
            int leaf = rawRight[i];
            if (leaf < 0 || leaf >= leaves) {
                throw new ModelFormatException(source, tree.child("right_children") + "[" + i + "]",
                        "leaf index of a vector leaf must be in [0, " + leaves + ") (leaf_weights holds " + leaves
                                + " leaves), found " + leaf);
            }
            System.arraycopy(src, leaf * k, out, i * k, k);
        }
        return out;
    }

    /**
     * Categorical splits (spec §2.8): {@code categories_nodes[j]} (ascending) owns
     * {@code categories[segments[j] .. segments[j] + sizes[j])}. Every node with {@code split_type == 1} must have
     * exactly one non-empty segment and every listed node must be categorical.
     */
    private int[][] readCategories(Obj tree, int[] splitType, int n) {
        boolean any = false;
        for (int s : splitType) {
            any |= s == 1;
        }
        if (!any) {
            return null;
        }
        NumArray catsArr = tree.numArray(source, "categories");
        NumArray nodesArr = tree.numArray(source, "categories_nodes");
        NumArray segArr = tree.numArray(source, "categories_segments");
        NumArray sizeArr = tree.numArray(source, "categories_sizes");
        if (segArr.length != nodesArr.length || sizeArr.length != nodesArr.length) {
            throw new ModelFormatException(source, tree.path, "categories_nodes (" + nodesArr.length
                    + "), categories_segments (" + segArr.length + ") and categories_sizes (" + sizeArr.length
                    + ") must have the same length");
        }
        int[] cats = catsArr.ints(source, Integer.MIN_VALUE, Integer.MAX_VALUE);
        int[] nodes = nodesArr.ints(source, 0, n - 1);
        long[] seg = segArr.longs(source, 0, cats.length);
        long[] size = sizeArr.longs(source, 1, cats.length);
        int[][] out = new int[n][];
        for (int j = 0; j < nodes.length; j++) {
            int node = nodes[j];
            if (j > 0 && node <= nodes[j - 1]) {
                throw new ModelFormatException(source, nodesArr.path + "[" + j + "]",
                        "categories_nodes must be strictly ascending, found " + nodes[j - 1] + " then " + node);
            }
            if (splitType[node] != 1) {
                throw new ModelFormatException(source, nodesArr.path + "[" + j + "]", "node " + node
                        + " has category lists but split_type[" + node + "] is " + splitType[node]
                        + " (numerical)");
            }
            if (seg[j] + size[j] > cats.length) {
                throw new ModelFormatException(source, segArr.path + "[" + j + "]", "segment ["
                        + seg[j] + ", " + (seg[j] + size[j]) + ") of node " + node + " lies outside categories ("
                        + cats.length + " entries)");
            }
            out[node] = Arrays.copyOfRange(cats, (int) seg[j], (int) (seg[j] + size[j]));
        }
        for (int i = 0; i < n; i++) {
            if (splitType[i] == 1 && out[i] == null) {
                throw new ModelFormatException(source, tree.child("split_type") + "[" + i + "]",
                        "node " + i + " is categorical but has no entry in categories_nodes");
            }
        }
        return out;
    }

    private NumArray nodeArray(Obj tree, String key, int n) {
        NumArray a = tree.numArray(source, key);
        checkLength(a, n);
        return a;
    }

    private void checkLength(NumArray a, int n) {
        if (a.length != n) {
            throw new ModelFormatException(source, a.path, "expected one entry per node (num_nodes = " + n
                    + "), found " + a.length);
        }
    }

    /**
     * Marks the nodes reachable from the root, tolerating garbage: out-of-range children and cycles simply stop
     * the walk here (the builder reports them precisely). Iterative; each node is visited at most once.
     */
    static boolean[] reachable(int[] left, int[] right) {
        int n = left.length;
        boolean[] seen = new boolean[n];
        int[] stack = new int[n];
        int sp = 0;
        stack[sp++] = 0;
        seen[0] = true;
        while (sp > 0) {
            int i = stack[--sp];
            if (left[i] == -1) {
                continue;
            }
            int l = left[i];
            int r = right[i];
            if (l >= 0 && l < n && !seen[l]) {
                seen[l] = true;
                stack[sp++] = l;
            }
            if (r >= 0 && r < n && !seen[r]) {
                seen[r] = true;
                stack[sp++] = r;
            }
        }
        return seen;
    }
}
