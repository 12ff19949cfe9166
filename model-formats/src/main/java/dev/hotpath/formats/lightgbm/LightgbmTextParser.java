package dev.hotpath.formats.lightgbm;

import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelLimits;
import dev.hotpath.scoring.model.LightgbmTree;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a LightGBM text model ({@code save_model} / {@code model_to_string}, LightGBM 2.x – 4.x): the
 * {@code key=value} header, the {@code Tree=} blocks up to {@code end of trees}, then the parameters section (for
 * {@code [boosting: …]}) and the {@code pandas_categorical} line the Python package appends.
 *
 * <p>Lines are scanned one by one, so CRLF files and files edited by hand load; {@code tree_sizes}, when present, is
 * only checked against the number of blocks. Stricter than LightGBM where a file can only be corrupt: a duplicated
 * key, a block numbered out of order, array lengths that do not match {@code num_leaves}, or a missing
 * {@code end of trees} (the mark of a truncated file) are errors naming the tree, key and line. Sizes are checked
 * against {@link ModelLimits} before arrays are allocated.
 *
 * <p>Load-time only; stateless apart from the parse in progress; package-private.
 */
final class LightgbmTextParser {
    private static final String TREE_PREFIX = "Tree=";

    private final TextLines lines;
    private final String source;
    private final ModelLimits limits;

    private LightgbmTextParser(byte[] bytes, String source, ModelLimits limits) {
        this.lines = new TextLines(bytes, source, limits.maxStringBytes());
        this.source = source;
        this.limits = limits;
    }

    static ParsedLightgbmModel parse(byte[] bytes, String source, ModelLimits limits) {
        return new LightgbmTextParser(bytes, source, limits).parse();
    }

    private ParsedLightgbmModel parse() {
        if (!lines.next() || !lines.is("tree")) {
            throw new ModelFormatException(source, "line 1", "expected 'tree', the first line of a LightGBM text"
                    + " model, found '" + (lines.lineNumber() == 0 ? "" : abbreviate(lines.line())) + "'");
        }
        Map<String, TextLines.Value> header = new HashMap<>();
        boolean sawTree = false;
        while (lines.next()) {
            if (lines.isEmpty()) {
                continue;
            }
            if (lines.startsWith(TREE_PREFIX)) {
                sawTree = true;
                break;
            }
            if (lines.is("end of trees")) {
                break;
            }
            int eq = lines.indexOfEquals();
            String key = eq < 0 ? lines.line() : lines.text(lines.start, eq);
            TextLines.Value value = lines.value(key, eq < 0 ? lines.end : eq + 1, lines.end);
            if (header.put(key, value) != null) {
                throw new ModelFormatException(source, key + " (line " + lines.lineNumber() + ")",
                        "the header key appears twice");
            }
        }

        int numClass = requiredInt(header, "num_class", 1, limits.maxOutputs());
        TextLines.Value k = header.get("num_tree_per_iteration");
        int perIteration = k == null ? numClass : k.singleInt(1, limits.maxOutputs());
        int maxFeatureIdx = requiredInt(header, "max_feature_idx", 0, limits.maxFeatures() - 1L);
        int numFeatures = maxFeatureIdx + 1;
        List<String> names = words(required(header, "feature_names"), numFeatures, "feature_names",
                "one name per feature, max_feature_idx + 1");
        List<String> infos = words(required(header, "feature_infos"), numFeatures, "feature_infos",
                "one entry per feature, max_feature_idx + 1");
        TextLines.Value objective = header.get("objective");
        TextLines.Value version = header.get("version");
        TextLines.Value treeSizes = header.get("tree_sizes");

        List<ParsedLightgbmModel.ParsedTree> trees = new ArrayList<>();
        boolean endOfTrees = lines.is("end of trees");
        if (sawTree) {
            endOfTrees = readTrees(trees, numFeatures);
        }
        if (!endOfTrees) {
            throw new ModelFormatException(source, "line " + (lines.lineNumber() + 1), "the file ends before"
                    + " 'end of trees'" + (trees.isEmpty() ? "" : " (after tree[" + (trees.size() - 1) + "])")
                    + ": it is truncated");
        }
        if (treeSizes != null && treeSizes.count() != trees.size()) {
            throw treeSizes.error(-1, "lists " + treeSizes.count() + " trees, but the file has " + trees.size()
                    + " Tree= blocks");
        }
        String[] trailer = readTrailer();
        return new ParsedLightgbmModel(version == null ? "" : version.text().trim(), numClass, perIteration,
                numFeatures, objective == null ? null : objective.text(), header.containsKey("average_output"), names,
                infos, trees, trailer[0], trailer[1]);
    }

    /**
     * Reads tree blocks; the cursor is on the first {@code Tree=} line.
     *
     * @return whether {@code end of trees} was reached
     */
    private boolean readTrees(List<ParsedLightgbmModel.ParsedTree> trees, int numFeatures) {
        while (true) {
            if (lines.startsWith(TREE_PREFIX)) {
                int index = trees.size();
                if (index >= limits.maxTrees()) {
                    throw new ModelFormatException(source, "tree[" + index + "] (line " + lines.lineNumber() + ")",
                            "at most " + limits.maxTrees() + " trees allowed (ModelLimits.maxTrees)");
                }
                String number = lines.text(lines.start + TREE_PREFIX.length(), lines.end);
                if (!number.equals(Integer.toString(index))) {
                    throw new ModelFormatException(source, "line " + lines.lineNumber(), "expected 'Tree=" + index
                            + "' (blocks are numbered in order from 0), found '" + abbreviate(lines.line()) + "'");
                }
                trees.add(readTree(index, lines.lineNumber(), numFeatures));
            } else if (lines.is("end of trees")) {
                return true;
            } else if (!lines.isEmpty()) {
                throw new ModelFormatException(source, "line " + lines.lineNumber(), "expected 'Tree=" + trees.size()
                        + "' or 'end of trees', found '" + abbreviate(lines.line()) + "'");
            }
            if (!lines.next()) {
                return false;
            }
        }
    }

    /** Reads the {@code key=value} lines of one block up to the first empty line (or the end of the file). */
    private ParsedLightgbmModel.ParsedTree readTree(int t, int headerLine, int numFeatures) {
        String where = "tree[" + t + "]";
        Map<String, TextLines.Value> kv = new HashMap<>();
        while (lines.next() && !lines.isEmpty()) {
            int eq = lines.indexOfEquals();
            if (eq < 0) {
                throw new ModelFormatException(source, where + " (line " + lines.lineNumber() + ")",
                        "expected key=value, found '" + abbreviate(lines.line()) + "'");
            }
            String key = lines.text(lines.start, eq);
            if (kv.put(key, lines.value(where + "." + key, eq + 1, lines.end)) != null) {
                throw new ModelFormatException(source, where + "." + key + " (line " + lines.lineNumber() + ")",
                        "the key appears twice in the tree");
            }
        }
        int leaves = treeRequired(kv, where, "num_leaves", headerLine).singleInt(1, Integer.MAX_VALUE);
        if (2L * leaves - 1 > limits.maxNodesPerTree()) {
            throw new ModelFormatException(source, where + ".num_leaves (line " + headerLine + ")", "at most "
                    + limits.maxNodesPerTree() + " nodes per tree allowed (ModelLimits.maxNodesPerTree), found "
                    + leaves + " leaves");
        }
        int numCat = treeRequired(kv, where, "num_cat", headerLine).singleInt(0, leaves - 1);
        double[] leafValue = treeRequired(kv, where, "leaf_value", headerLine).doubles(leaves, "num_leaves");
        TextLines.Value linearKey = kv.get("is_linear");
        boolean linear = linearKey != null && linearKey.singleInt(0, 1) == 1;
        int internal = leaves - 1;
        if (leaves == 1 && !linear) {
            // As LightGBM: nothing else is read (4.3 writes an empty leaf_count here, 4.6 one count).
            return new ParsedLightgbmModel.ParsedTree(new LightgbmTree(1, new int[0], new double[0], new byte[0],
                    new int[0], new int[0], leafValue, new int[0], new int[0], null), null, null, headerLine);
        }
        int[] leafCount = optionalInts(kv, "leaf_count", leaves, "num_leaves");
        String internalWhat = "num_leaves - 1";
        int[] left = treeRequired(kv, where, "left_child", headerLine).ints(internal, internalWhat);
        int[] right = treeRequired(kv, where, "right_child", headerLine).ints(internal, internalWhat);
        int[] feature = treeRequired(kv, where, "split_feature", headerLine).ints(internal, internalWhat);
        double[] threshold = treeRequired(kv, where, "threshold", headerLine).doubles(internal, internalWhat);
        TextLines.Value dt = kv.get("decision_type");
        byte[] decision = new byte[internal];
        if (dt != null) {
            int[] values = dt.ints(internal, internalWhat, Byte.MIN_VALUE, Byte.MAX_VALUE);
            for (int i = 0; i < internal; i++) {
                decision[i] = (byte) values[i];
            }
        }
        int[] internalCount = optionalInts(kv, "internal_count", internal, internalWhat);
        int[] catBoundaries = new int[0];
        int[] catThreshold = new int[0];
        if (numCat > 0) {
            catBoundaries = treeRequired(kv, where, "cat_boundaries", headerLine).ints(numCat + 1, "num_cat + 1");
            int words = catBoundaries[numCat];
            TextLines.Value cat = treeRequired(kv, where, "cat_threshold", headerLine);
            if (words < 0 || words != cat.count()) {
                throw cat.error(-1, "expected " + words + " words (the last cat_boundaries entry), found "
                        + cat.count());
            }
            catThreshold = cat.words(words, "the last cat_boundaries entry");
        }
        LightgbmTree.LinearLeaves linearLeaves = linear ? readLinear(kv, where, headerLine, leaves) : null;
        for (int i = 0; i < internal; i++) {
            if (feature[i] < 0 || feature[i] >= numFeatures) {
                throw kv.get("split_feature").error(i, "expected a feature in [0, " + numFeatures
                        + ") (max_feature_idx + 1), found " + feature[i]);
            }
        }
        return new ParsedLightgbmModel.ParsedTree(new LightgbmTree(leaves, feature, threshold, decision, left, right,
                leafValue, catBoundaries, catThreshold, linearLeaves), leafCount, internalCount, headerLine);
    }

    private LightgbmTree.LinearLeaves readLinear(Map<String, TextLines.Value> kv, String where, int line,
                                                 int leaves) {
        double[] constant = treeRequired(kv, where, "leaf_const", line).doubles(leaves, "num_leaves");
        int[] numFeatures = treeRequired(kv, where, "num_features", line).ints(leaves, "num_leaves");
        long total = 0;
        for (int l = 0; l < leaves; l++) {
            if (numFeatures[l] < 0) {
                throw kv.get("num_features").error(l, "expected a count >= 0, found " + numFeatures[l]);
            }
            total += numFeatures[l];
        }
        if (total > limits.maxNodesPerTree() * 16L) {
            throw kv.get("num_features").error(-1, "the leaves use " + total + " features in all, more than 16 x"
                    + " ModelLimits.maxNodesPerTree");
        }
        int[] allFeatures = total == 0 ? new int[0]
                : treeRequired(kv, where, "leaf_features", line).ints((int) total, "the sum of num_features");
        double[] allCoefficients = total == 0 ? new double[0]
                : treeRequired(kv, where, "leaf_coeff", line).doubles((int) total, "the sum of num_features");
        int[][] features = new int[leaves][];
        double[][] coefficients = new double[leaves][];
        int at = 0;
        for (int l = 0; l < leaves; l++) {
            features[l] = Arrays.copyOfRange(allFeatures, at, at + numFeatures[l]);
            coefficients[l] = Arrays.copyOfRange(allCoefficients, at, at + numFeatures[l]);
            at += numFeatures[l];
        }
        return new LightgbmTree.LinearLeaves(constant, features, coefficients);
    }

    /**
     * Reads what follows {@code end of trees}: the {@code [boosting: …]} parameter and the
     * {@code pandas_categorical} line.
     *
     * @return {@code {boosting or "", pandas_categorical JSON or null}}
     */
    private String[] readTrailer() {
        String boosting = "";
        String pandas = null;
        while (lines.next()) {
            if (lines.startsWith("[boosting: ") && lines.end > lines.start + 11 && boosting.isEmpty()) {
                boosting = lines.text(lines.start + 11, lines.end - 1).trim();
            } else if (lines.startsWith("pandas_categorical:")) {
                pandas = lines.text(lines.start + "pandas_categorical:".length(), lines.end).trim();
            }
        }
        return new String[] {boosting, pandas};
    }

    private TextLines.Value required(Map<String, TextLines.Value> header, String key) {
        TextLines.Value v = header.get(key);
        if (v == null) {
            throw new ModelFormatException(source, key, "the header has no " + key + "= line; LightGBM requires it");
        }
        return v;
    }

    private int requiredInt(Map<String, TextLines.Value> header, String key, long min, long max) {
        return required(header, key).singleInt(min, max);
    }

    private TextLines.Value treeRequired(Map<String, TextLines.Value> kv, String where, String key, int line) {
        TextLines.Value v = kv.get(key);
        if (v == null) {
            throw new ModelFormatException(source, where + "." + key + " (block at line " + line + ")",
                    "the tree has no " + key + "= line");
        }
        return v;
    }

    private static int[] optionalInts(Map<String, TextLines.Value> kv, String key, int expected, String what) {
        TextLines.Value v = kv.get(key);
        return v == null ? null : v.ints(expected, what);
    }

    private List<String> words(TextLines.Value v, int expected, String key, String what) {
        v.requireCount(expected, what);
        List<String> out = new ArrayList<>(expected);
        for (String w : v.text().split("[ \t]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        if (out.size() != expected) {
            throw v.error(-1, key + ": expected " + expected + " entries, found " + out.size());
        }
        return out;
    }

    static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
