package dev.hotpath.scoring.explain;

import dev.hotpath.scoring.ConfigurationException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link TreeExplainer} bound to {@link ReasonCodes}: turns a row into its top reason codes. Created by
 * {@link TreeExplainer#reasons(ReasonCodes)}, which checks every configured feature name against the model.
 *
 * <p>Work skipped: only the trees of the explained output group are visited, and trees that split only on features
 * that are never cited are skipped (their contributions would all be dropped). Everything else is the explainer's
 * exact computation, so a code's contribution equals the sum of its features' columns of
 * {@link TreeExplainer#contributions(float[], double[])}.
 *
 * <p><b>Thread-safety:</b> immutable; {@link #explain(float[], TopReasons)} may be called concurrently with one
 * {@link TopReasons} per thread. <b>Allocation:</b> none per row.
 */
public final class ReasonCodeExplainer {
    private final TreeExplainer explainer;
    private final ReasonCodes codes;
    private final List<String> codeNames;
    private final int[] codeOf;
    private final boolean[] skip;
    private final int group;
    private final int sign;
    private final boolean absolute;
    private final double min;
    private final int skippedTrees;

    ReasonCodeExplainer(TreeExplainer explainer, ReasonCodes codes) {
        this.explainer = explainer;
        this.codes = codes;
        List<String> features = explainer.model().featureNames();
        int numFeatures = features.size();
        if (codes.outputGroup() >= explainer.numGroups()) {
            throw new ConfigurationException("reason codes explain output group " + codes.outputGroup()
                    + " but the model has " + explainer.numGroups() + " output group(s) (0 … "
                    + (explainer.numGroups() - 1) + ")");
        }
        Map<String, Integer> index = new HashMap<>();
        for (int f = 0; f < numFeatures; f++) {
            index.put(features.get(f), f);
        }
        List<String> unknown = new ArrayList<>();
        codes.codes().values().forEach(list -> list.stream().filter(f -> !index.containsKey(f)).forEach(unknown::add));
        codes.excluded().stream().filter(f -> !index.containsKey(f)).forEach(unknown::add);
        if (!unknown.isEmpty()) {
            throw new ConfigurationException("reason codes name " + unknown.size() + " feature(s) the model does not"
                    + " have: " + abbreviate(unknown) + "; the model's features are: " + abbreviate(features));
        }
        int[] of = new int[numFeatures];
        java.util.Arrays.fill(of, -2); // -2 unmapped, -1 excluded
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : codes.codes().entrySet()) {
            int id = names.size();
            names.add(e.getKey());
            for (String f : e.getValue()) {
                of[index.get(f)] = id;
            }
        }
        for (String f : codes.excluded()) {
            of[index.get(f)] = -1;
        }
        Set<String> defined = new HashSet<>(names);
        for (int f = 0; f < numFeatures; f++) {
            if (of[f] != -2) {
                continue;
            }
            if (codes.unmapped() == ReasonCodes.Unmapped.EXCLUDE) {
                of[f] = -1;
                continue;
            }
            if (defined.contains(features.get(f))) {
                throw new ConfigurationException("feature '" + features.get(f) + "' is in no reason code and so"
                        + " would be a code of its own, but a code of that name is defined for other features;"
                        + " add it to that code, rename the code, or exclude the feature");
            }
            of[f] = names.size();
            names.add(features.get(f));
        }
        this.codeOf = of;
        this.codeNames = Collections.unmodifiableList(names);
        this.group = codes.outputGroup();
        TreeShapTables[] tables = explainer.tables();
        this.skip = new boolean[tables.length];
        int skipped = 0;
        for (int i = 0; i < tables.length; i++) {
            boolean cited = false;
            for (int f : tables[i].splitFeatures) {
                cited |= of[f] >= 0;
            }
            skip[i] = !cited || tables[i].group != group;
            skipped += skip[i] ? 1 : 0;
        }
        this.skippedTrees = skipped;
        this.sign = codes.direction() == ReasonCodes.RiskDirection.NEGATIVE ? -1 : 1;
        this.absolute = codes.direction() == ReasonCodes.RiskDirection.EITHER;
        this.min = codes.minContribution();
    }

    private static String abbreviate(List<String> names) {
        int shown = Math.min(names.size(), 20);
        String s = String.join(", ", names.subList(0, shown));
        return names.size() > shown ? s + ", … (" + (names.size() - shown) + " more)" : s;
    }

    /** @return the explainer */
    public TreeExplainer explainer() {
        return explainer;
    }

    /** @return the configuration */
    public ReasonCodes codes() {
        return codes;
    }

    /**
     * @return every reason code in catalogue order (the tie-break order); a code's index is its
     *     {@link TopReasons#codeId(int) id}; unmodifiable
     */
    public List<String> codeNames() {
        return codeNames;
    }

    String codeName(int id) {
        return codeNames.get(id);
    }

    /**
     * @param feature a feature index
     * @return the id of the code the feature belongs to, or -1 if it is never cited
     */
    public int codeOf(int feature) {
        return codeOf[feature];
    }

    /** @return how many trees a row skips (other output groups, or splits only on features never cited) */
    public int skippedTrees() {
        return skippedTrees;
    }

    /**
     * @param k the most codes to report per row, {@code >= 1}
     * @return a result (with its working memory) for one thread to reuse
     */
    public TopReasons newResult(int k) {
        if (k < 1) {
            throw new ConfigurationException("the number of reasons must be >= 1, got " + k);
        }
        return new TopReasons(this, explainer.newScratch(), explainer.numFeatures(), codeNames.size(), k);
    }

    /**
     * Computes the row's top reason codes into {@code out}.
     *
     * @param row at least {@link TreeExplainer#numFeatures()} values; {@code NaN} = missing
     * @param out a result from this explainer's {@link #newResult(int)}
     * @return the number of codes reported
     */
    public int explain(float[] row, TopReasons out) {
        return explain(row, 0, out);
    }

    /**
     * Computes the top reason codes of the row at {@code rows[offset …]} into {@code out}.
     *
     * @param rows holds the row at {@code offset}
     * @param offset where the row starts
     * @param out a result from this explainer's {@link #newResult(int)}
     * @return the number of codes reported
     */
    public int explain(float[] rows, int offset, TopReasons out) {
        if (out.owner != this || offset < 0 || rows.length - offset < explainer.numFeatures()) {
            throw new IllegalArgumentException("the row needs " + explainer.numFeatures() + " values at offset "
                    + offset + " (has " + rows.length + ") and the result must come from this explainer's"
                    + " newResult()");
        }
        double[] phi = out.phi;
        java.util.Arrays.fill(phi, 0.0);
        explainer.accumulateGroup(rows, offset, out.scratch, phi, group, skip);
        double[] byCode = out.byCode;
        java.util.Arrays.fill(byCode, 0.0);
        int[] of = codeOf;
        for (int f = 0; f < phi.length; f++) {
            int c = of[f];
            if (c >= 0) {
                byCode[c] += phi[f];
            }
        }
        int k = out.codeIds.length;
        int n = 0;
        double[] keys = out.keys;
        int[] ids = out.codeIds;
        double[] values = out.contributions;
        for (int c = 0; c < byCode.length; c++) {
            double v = byCode[c];
            double key = absolute ? Math.abs(v) : sign * v;
            if (!(key > min) || (n == k && key <= keys[k - 1])) {
                continue;
            }
            // Insertion into the sorted top k; codes arrive in catalogue order, so an equal key stays behind the
            // earlier code (ties keep catalogue order).
            int i = n < k ? n++ : k - 1;
            while (i > 0 && keys[i - 1] < key) {
                keys[i] = keys[i - 1];
                ids[i] = ids[i - 1];
                values[i] = values[i - 1];
                i--;
            }
            keys[i] = key;
            ids[i] = c;
            values[i] = v;
        }
        out.count = n;
        out.bias = explainer.bias(group);
        return n;
    }

    @Override
    public String toString() {
        return "ReasonCodeExplainer[" + codeNames.size() + " codes, group " + group + ", " + codes.direction()
                + ", skips " + skippedTrees + " trees]";
    }
}
