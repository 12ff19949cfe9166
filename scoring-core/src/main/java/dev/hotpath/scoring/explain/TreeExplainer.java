package dev.hotpath.scoring.explain;

import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.model.TreeView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Exact path-dependent TreeSHAP for a tree ensemble: per row, one contribution per feature plus the bias, in margin
 * space, per output group, in XGBoost's {@code pred_contribs} layout — for group g, columns
 * {@code g·(F+1) … g·(F+1)+F-1} are the features and column {@code g·(F+1)+F} is the bias. For every row and group
 * the contributions plus the bias sum to the model's margin.
 *
 * <p><b>What is computed.</b> The Shapley values of the path-dependent game TreeSHAP defines (Lundberg et al. 2018):
 * a feature outside the coalition follows both children of a split in proportion to their training covers (XGBoost's
 * {@code sum_hessian}). Rows are routed by the model's own rule, so a missing value ({@code NaN}) follows the default
 * direction and is a known value for the game (it usually gets a contribution), categorical splits use the model's
 * category sets, {@code ±Infinity} are ordinary values. DART tree weights scale each tree's contributions and expected
 * value; the bias column is the sum of the trees' expected values plus the base margin ({@code base_score} in margin
 * space). The values are exact up to double rounding for every tree depth: an m-point Gauss–Legendre rule with
 * {@code 2m ≥} the most distinct features on any root-to-leaf path integrates TreeSHAP's weights exactly (see
 * {@link #quadraturePoints()}). This equals XGBoost ≤ 3.2's classic TreeSHAP, and XGBoost ≥ 3.3's 8-point
 * quadrature wherever a path has at most 8 distinct features (beyond that XGBoost's own figures are an
 * approximation, off by up to ~1e-5 relative); both compute in float32, so agreement is to float rounding (tested
 * within 1e-6 of the row's total absolute contribution against XGBoost4J 3.4.0).
 *
 * <p><b>Cost.</b> Per row, every internal node of every tree is routed and visited twice (a pass down, a pass up; a
 * node whose children are both leaves in closed form), m doubles per node (m = max(3, points)). Load-time tables of
 * about 40 bytes per node: 1/q per edge and a scale per leaf, five doubles per bottom node ({@link #tableBytes()};
 * 2.1 MB for 500 depth-6 trees); per-thread scratch of two m-vectors per node of the largest tree
 * ({@link #scratchBytes()}). Models without node covers (XGBoost 2.0–3.1 vector-leaf trees) and non-tree models
 * cannot be explained: {@link #of(Model)} throws {@link ExplanationNotSupportedException}.
 *
 * <p><b>Thread-safety:</b> immutable; every method may be called concurrently. <b>Allocation:</b> the
 * {@code contributions} methods allocate nothing after a thread's first call (thread-local scratch), or nothing at
 * all with a caller-owned {@link Scratch}.
 */
public final class TreeExplainer {
    private final Model model;
    private final int numFeatures;
    private final int numGroups;
    private final int width;
    private final List<String> columnNames;
    private final TreeShapTables[] tables;
    private final TreeShapTables.Rule rule;
    private final double[] bias;
    private final int points;
    private final int maxNodes;
    private final int maxDistinct;
    private final long tableBytes;
    private final ThreadLocal<Scratch> scratch;

    /**
     * Per-thread working memory for one explainer (or any explainer of a model with the same shape): reuse it for
     * every row on one thread. Create with {@link TreeExplainer#newScratch()}.
     *
     * <p><b>Not thread-safe:</b> confine to one thread.
     */
    public static final class Scratch {
        final double[] c;
        final double[] s;
        final int[] hot;
        final int[] mode;
        final boolean[] sat;
        final double[] phi;

        Scratch(int maxNodes, int lanes, int width) {
            this.c = new double[maxNodes * lanes];
            this.s = new double[maxNodes * lanes];
            this.hot = new int[maxNodes];
            this.mode = new int[maxNodes];
            this.sat = new boolean[maxNodes];
            this.phi = new double[width];
        }
    }

    private TreeExplainer(Model model, TreeShapTables[] tables, double[] bias, TreeShapTables.Rule rule,
                          int maxNodes, int maxDistinct) {
        this.model = model;
        this.numFeatures = model.numFeatures();
        this.numGroups = model.numMarginOutputs();
        this.width = numGroups * (numFeatures + 1);
        this.tables = tables;
        this.bias = bias;
        this.rule = rule;
        this.points = rule.gl.t.length;
        this.maxNodes = maxNodes;
        this.maxDistinct = maxDistinct;
        long bytes = 0;
        for (TreeShapTables t : tables) {
            bytes += t.tableBytes();
        }
        this.tableBytes = bytes;
        this.columnNames = columnNames(model.featureNames(), numGroups);
        this.scratch = ThreadLocal.withInitial(this::newScratch);
    }

    /**
     * Builds the explainer of a model, precomputing its tables (load-time work, proportional to the model's nodes).
     *
     * @param model a tree ensemble (XGBoost gbtree/DART, random forests, multi-class, vector-leaf from XGBoost 3.2)
     * @return the explainer
     * @throws ExplanationNotSupportedException if the model is not a tree ensemble or a tree lacks node covers
     */
    public static TreeExplainer of(Model model) {
        if (!(model instanceof TreeEnsemble)) {
            throw new ExplanationNotSupportedException(notATreeEnsemble(model));
        }
        TreeEnsemble ensemble = (TreeEnsemble) model;
        if (ensemble.doubleTransform() != null) {
            // LightGBM trees route by LightGBM's rules and sum in double; their node counts are not covers here yet.
            throw new ExplanationNotSupportedException((model.info().source().isEmpty() ? model.info().format()
                    : model.info().source()) + ": LightGBM models cannot be explained yet (their internal_count/"
                    + "leaf_count are not wired as TreeSHAP covers)");
        }
        List<TreeView> trees = ensemble.trees();
        String source = model.info().source().isEmpty() ? model.info().format() : model.info().source();
        TreeShapTables.Structure[] structures = new TreeShapTables.Structure[trees.size()];
        int maxDistinct = 0;
        int maxNodes = 1;
        for (int i = 0; i < trees.size(); i++) {
            TreeView v = trees.get(i);
            maxNodes = Math.max(maxNodes, v.size());
            if (v.size() == 1) {
                continue; // a single leaf: only its value, in the bias; no covers needed
            }
            if (!v.hasCovers()) {
                throw new ExplanationNotSupportedException(source + ": tree[" + i + "] has no node covers (XGBoost's"
                        + " sum_hessian), which TreeSHAP weights every split by; XGBoost 2.0-3.1 do not store them"
                        + " for vector-leaf (multi_output_tree) models. Re-save the model with XGBoost 3.2 or later.");
            }
            structures[i] = new TreeShapTables.Structure(v);
            maxDistinct = Math.max(maxDistinct, structures[i].maxDistinct);
        }
        TreeShapTables.Rule rule = new TreeShapTables.Rule(GaussLegendre.of(Math.max(1, (maxDistinct + 1) / 2)),
                maxDistinct, 3);
        int groups = model.numMarginOutputs();
        double[] bias = new double[groups];
        float[] base = ensemble.baseMargins();
        for (int g = 0; g < groups; g++) {
            bias[g] = base[g];
        }
        List<TreeShapTables> tables = new ArrayList<>(trees.size());
        for (int i = 0; i < trees.size(); i++) {
            TreeView v = trees.get(i);
            int outputs = v.leafSize();
            for (int j = 0; j < outputs; j++) {
                int group = outputs == 1 ? v.outputGroup() : j;
                if (v.size() == 1) {
                    bias[group] += (double) v.leafValue(0, j) * v.weight();
                    continue;
                }
                TreeShapTables t = TreeShapTables.compile(v, structures[i], j, group, rule);
                bias[group] += t.expectedValue;
                tables.add(t);
            }
        }
        return new TreeExplainer(model, tables.toArray(new TreeShapTables[0]), bias, rule, maxNodes, maxDistinct);
    }

    private static String notATreeEnsemble(Model model) {
        String what = model.info().format() + " model " + (model.info().source().isEmpty() ? ""
                : "'" + model.info().source() + "' ");
        if (model.info().format().startsWith("onnx")) {
            return "cannot explain the " + what + "with TreeSHAP: an ONNX graph is opaque to Hotpath (ONNX Runtime"
                    + " evaluates it), so there is no tree structure or node covers to compute contributions from."
                    + " Explain the XGBoost or LightGBM model it was exported from instead; its contributions are"
                    + " the ONNX model's, in margin space, when the export is exact.";
        }
        if ("gblinear".equals(model.info().booster())) {
            return "cannot explain the " + what + "with TreeSHAP: it is a linear booster (gblinear), not a tree"
                    + " ensemble";
        }
        return "cannot explain the " + what + "with TreeSHAP: only tree ensembles (XGBoost, LightGBM) carry the"
                + " tree structure and node covers it needs; this is a " + model.getClass().getSimpleName();
    }

    private static List<String> columnNames(List<String> features, int groups) {
        List<String> names = new ArrayList<>(groups * (features.size() + 1));
        for (int g = 0; g < groups; g++) {
            String prefix = groups == 1 ? "" : "class" + g + ".";
            for (String f : features) {
                names.add(prefix + f);
            }
            names.add(prefix + "bias");
        }
        return Collections.unmodifiableList(names);
    }

    /** @return the model explained */
    public Model model() {
        return model;
    }

    /** @return the number of input features F */
    public int numFeatures() {
        return numFeatures;
    }

    /** @return the number of output groups G (the model's margins: classes, targets, or 1) */
    public int numGroups() {
        return numGroups;
    }

    /** @return values per row, {@code G·(F+1)} */
    public int width() {
        return width;
    }

    /**
     * @return the column names in output order: the feature names then {@code bias}, per group, prefixed
     *     {@code class<g>.} when there is more than one group; unmodifiable
     */
    public List<String> columnNames() {
        return columnNames;
    }

    /**
     * @param group an output group
     * @return the bias column: the base margin plus every tree's expected value (times its weight)
     */
    public double bias(int group) {
        return bias[group];
    }

    /** @return quadrature points per node: {@code ceil(U/2)} for at most U distinct features on a path */
    public int quadraturePoints() {
        return points;
    }

    /** @return the most distinct features on any root-to-leaf path of the model */
    public int maxDistinctFeaturesOnAPath() {
        return maxDistinct;
    }

    /** @return bytes of the precomputed tables (the model's own trees not counted) */
    public long tableBytes() {
        return tableBytes;
    }

    /** @return bytes of one {@link Scratch} */
    public long scratchBytes() {
        return 16L * maxNodes * rule.m + 9L * maxNodes + 8L * width;
    }

    /**
     * Binds reason codes to this explainer.
     *
     * @param codes the configuration
     * @return the explainer of top reason codes
     * @throws dev.hotpath.scoring.ConfigurationException if a configured feature is not the model's, the output
     *     group does not exist, or an unmapped feature's own code would clash with a defined code's name
     */
    public ReasonCodeExplainer reasons(ReasonCodes codes) {
        return new ReasonCodeExplainer(this, codes);
    }

    /** @return working memory for one thread's calls with a caller-owned scratch */
    public Scratch newScratch() {
        return new Scratch(maxNodes, rule.m, width);
    }

    /**
     * Contributions of one row in XGBoost's layout, as floats (thread-local scratch).
     *
     * @param row at least {@link #numFeatures()} values; {@code NaN} = missing
     * @param out receives {@link #width()} values
     */
    public void contributions(float[] row, float[] out) {
        if (row.length < numFeatures || out.length < width) {
            throw misuse(row, 0, out.length, 0);
        }
        Scratch s = scratch.get();
        compute(row, 0, s, s.phi, 0);
        for (int i = 0; i < width; i++) {
            out[i] = (float) s.phi[i];
        }
    }

    /**
     * Contributions of one row in XGBoost's layout, in double (thread-local scratch).
     *
     * @param row at least {@link #numFeatures()} values; {@code NaN} = missing
     * @param out receives {@link #width()} values
     */
    public void contributions(float[] row, double[] out) {
        if (row.length < numFeatures || out.length < width) {
            throw misuse(row, 0, out.length, 0);
        }
        compute(row, 0, scratch.get(), out, 0);
    }

    /**
     * Contributions of the row at {@code rows[offset …]} into {@code out[outOffset …]}, with caller-owned scratch.
     *
     * @param rows holds the row at {@code offset}
     * @param offset where the row starts
     * @param s this thread's scratch
     * @param out receives {@link #width()} values at {@code outOffset}
     * @param outOffset where to write
     */
    public void contributions(float[] rows, int offset, Scratch s, double[] out, int outOffset) {
        if (offset < 0 || rows.length - offset < numFeatures || outOffset < 0 || out.length - outOffset < width
                || s.phi.length != width || s.hot.length < maxNodes || s.c.length < maxNodes * rule.m) {
            throw misuse(rows, offset, out.length, outOffset);
        }
        compute(rows, offset, s, out, outOffset);
    }

    private void compute(float[] x, int off, Scratch s, double[] out, int outOff) {
        java.util.Arrays.fill(out, outOff, outOff + width, 0.0);
        int block = numFeatures + 1;
        for (TreeShapTables t : tables) {
            t.accumulate(x, off, s, out, outOff + t.group * block);
        }
        for (int g = 0; g < numGroups; g++) {
            out[outOff + g * block + numFeatures] = bias[g];
        }
    }

    /** Adds the contributions of the trees that are not skipped to {@code phi} (group {@code group} only). */
    void accumulateGroup(float[] x, int off, Scratch s, double[] phi, int group, boolean[] skip) {
        for (int i = 0; i < tables.length; i++) {
            TreeShapTables t = tables[i];
            if (t.group == group && !skip[i]) {
                t.accumulate(x, off, s, phi, 0);
            }
        }
    }

    /** @return the tables, in the order they are summed (reason codes decide which to skip) */
    TreeShapTables[] tables() {
        return tables;
    }

    private IllegalArgumentException misuse(float[] rows, int offset, int outLength, int outOffset) {
        return new IllegalArgumentException(String.format(Locale.ROOT,
                "row needs %d values at offset %d (rows has %d), out needs %d values at offset %d (has %d), and the"
                        + " scratch must come from this explainer's newScratch()", numFeatures, offset, rows.length,
                width, outOffset, outLength));
    }

    @Override
    public String toString() {
        return "TreeExplainer[" + model + ", tables=" + tables.length + ", points=" + points + ", tableBytes="
                + tableBytes + "]";
    }
}
