package dev.hotpath.formats.xgboost;

import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelLimits;
import dev.hotpath.scoring.model.TreeNodes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads XGBoost's legacy binary model format (written by 1.x–3.0 for {@code .bin}/{@code .model}/
 * {@code .deprecated} files; spec §4): little-endian dmlc streams with a 136-byte learner parameter block, the
 * objective and booster names, the gbtree/DART or gblinear payload and an optional attribute list.
 *
 * <p>Every count is checked against the bytes that remain and against {@link ModelLimits} before anything is
 * allocated; errors name the byte offset and the field. Files from 1.0 on are read strictly (no trailing bytes).
 * Files from before 1.0 ({@code major_version == 0}) are read on a best-effort basis: their {@code base_score} is
 * a margin, an objective name may carry a 64-bit length quirk, and trailing fields are ignored.
 *
 * <p>Load-time only; each call uses its own state; package-private.
 */
final class LegacyBinaryParser {
    static final int LEARNER_PARAM_BYTES = 136;
    static final int GBTREE_PARAM_BYTES = 160;
    static final int TREE_PARAM_BYTES = 148;
    static final int NODE_BYTES = 20;
    static final int NODE_STAT_BYTES = 16;
    static final int GBLINEAR_PARAM_BYTES = 136;
    static final int DELETED_NODE = 0xFFFFFFFF;

    private final byte[] b;
    private final String source;
    private final ModelLimits limits;
    private int pos;

    private LegacyBinaryParser(byte[] b, int start, String source, ModelLimits limits) {
        this.b = b;
        this.pos = start;
        this.source = source;
        this.limits = limits;
    }

    /**
     * @param bytes the whole file
     * @param start 4 when the file starts with {@code binf}, 0 for header-less (pre-1.1) files
     * @param source the file name, for error messages
     * @param limits size limits
     * @return the model's contents
     */
    static ParsedModel parse(byte[] bytes, int start, String source, ModelLimits limits) {
        return new LegacyBinaryParser(bytes, start, source, limits).parse(start == 0);
    }

    private ParsedModel parse(boolean headerless) {
        ParsedModel m = new ParsedModel();
        m.format = "xgboost-binary";
        int paramAt = pos;
        need(LEARNER_PARAM_BYTES, "the 136-byte learner parameter block");
        float baseScore = f32();
        long numFeature = u32();
        int numClass = i32();
        int containExtraAttrs = i32();
        int containEvalMetrics = i32();
        long major = u32();
        long minor = u32();
        long numTarget = u32();
        i32(); // boost_from_average: training only
        pos += 25 * 4;

        if (major > 3 || minor > 1000 || (headerless && major > 1)) {
            throw error(paramAt + 20, "major_version " + major + "." + minor + " is not a legacy binary writer "
                    + "(1.x - 3.0)" + (headerless ? "; the file does not look like an XGBoost model at all" : ""));
        }
        m.major = (int) major;
        m.minor = (int) minor;
        m.versionString = major + "." + minor;
        if (numFeature > limits.maxFeatures()) {
            throw error(paramAt + 4, "num_feature " + numFeature + " exceeds ModelLimits.maxFeatures ("
                    + limits.maxFeatures() + ")");
        }
        if (numClass < 0 || numClass > limits.maxOutputs()) {
            throw error(paramAt + 8, "num_class must be in [0, " + limits.maxOutputs() + "], found " + numClass);
        }
        if (numTarget > limits.maxOutputs()) {
            throw error(paramAt + 28, "num_target must be at most " + limits.maxOutputs() + ", found " + numTarget);
        }
        m.numFeature = (int) numFeature;
        m.numClass = numClass;
        m.numTarget = numTarget == 0 ? 1 : (int) numTarget;
        if (m.numClass > 1 && m.numTarget > 1) {
            throw error(paramAt + 8, "a model cannot have both num_class > 1 (" + m.numClass
                    + ") and num_target > 1 (" + m.numTarget + ")");
        }
        m.baseScoreText = Float.toString(baseScore);
        m.baseScore = new float[m.numOutputs()];
        Arrays.fill(m.baseScore, baseScore);
        m.baseScoreIsPre10Margin = major == 0;

        m.objective = string("objective name", major == 0);
        String booster = string("booster name", false);
        switch (booster) {
            case "gbtree":
            case "dart":
                m.booster = booster;
                readForest(m, booster.equals("dart"));
                break;
            case "gblinear":
                m.booster = booster;
                readLinear(m);
                break;
            default:
                throw error(pos, "unknown booster '" + Doc.abbreviate(booster) + "' (expected gbtree, dart or gblinear)");
        }
        if (containExtraAttrs != 0) {
            long n = count("attribute list", 16, "attributes (of at least 16 bytes each)");
            for (long i = 0; i < n; i++) {
                String key = string("attribute name", false);
                String value = string("value of attribute '" + Doc.abbreviate(key) + "'", false);
                m.attributes.put(key, value);
            }
        }
        if (major == 0) {
            return m; // pre-1.0 trailing fields (poisson max_delta_step, metric names) carry nothing we need
        }
        if (pos != b.length) {
            throw error(pos, "unexpected " + (b.length - pos) + " bytes after the end of the model");
        }
        m.attributes.remove("objective");
        m.attributes.remove("metrics");
        return m;
    }

    private void readForest(ParsedModel m, boolean dart) {
        int at = pos;
        need(GBTREE_PARAM_BYTES, "the 160-byte gbtree parameter block");
        int numTrees = i32();
        int numParallelTree = i32();
        pos += 4 + 4 + 8 + 4; // deprecated_num_feature, pad, deprecated_num_pbuffer, deprecated_num_output_group
        int sizeLeafVector = i32();
        pos += 32 * 4;
        if (numTrees < 0 || numTrees > limits.maxTrees()) {
            throw error(at, "num_trees must be in [0, " + limits.maxTrees() + "] (ModelLimits.maxTrees), found "
                    + numTrees);
        }
        long minTreeBytes = TREE_PARAM_BYTES + NODE_BYTES + NODE_STAT_BYTES;
        if (numTrees > (b.length - pos) / minTreeBytes) {
            throw error(at, "num_trees " + numTrees + " cannot fit in the remaining " + (b.length - pos)
                    + " bytes (truncated or corrupt file)");
        }
        if (numParallelTree < 0) {
            throw error(at + 4, "num_parallel_tree must not be negative, found " + numParallelTree);
        }
        if (sizeLeafVector > 1) {
            throw error(at + 28, "size_leaf_vector " + sizeLeafVector + ": vector leaves are not representable in "
                    + "the legacy binary format");
        }
        m.numParallelTree = Math.max(1, numParallelTree);
        long totalNodes = 0;
        for (int t = 0; t < numTrees; t++) {
            TreeNodes tree = readTree(t, m.numFeature);
            totalNodes += tree.left().length;
            if (totalNodes > limits.maxTotalNodes()) {
                throw error(pos, "tree[" + t + "]: at most " + limits.maxTotalNodes()
                        + " nodes allowed in all trees (ModelLimits.maxTotalNodes)");
            }
            m.trees.add(tree);
        }
        m.treeInfo = new int[numTrees];
        if (numTrees > 0) {
            int infoAt = pos;
            need((long) numTrees * 4, "tree_info (" + numTrees + " x int32)");
            for (int t = 0; t < numTrees; t++) {
                int g = i32();
                if (g < 0 || g >= m.numOutputs()) {
                    throw error(infoAt + 4 * t, "tree_info[" + t + "] must be an output group in [0, "
                            + m.numOutputs() + "), found " + g);
                }
                m.treeInfo[t] = g;
            }
        }
        m.iterationIndptr = DocModelParser.rebuildIndptr(m.treeInfo, m.numParallelTree, source,
                "tree_info at offset " + (pos - 4L * numTrees));
        DocModelParser.validateIndptr(m.iterationIndptr, numTrees, source, "tree_info");
        if (dart && numTrees > 0) {
            float[] w = floatVector("weight_drop");
            if (w.length > numTrees) {
                throw error(pos - 4L * w.length - 8, "weight_drop has " + w.length + " entries but the model has "
                        + numTrees + " trees");
            }
            float[] padded = new float[numTrees];
            Arrays.fill(padded, 1.0f);
            System.arraycopy(w, 0, padded, 0, w.length);
            m.weightDrop = padded;
        }
    }

    private TreeNodes readTree(int t, int numFeature) {
        int at = pos;
        need(TREE_PARAM_BYTES, "tree[" + t + "] parameter block (148 bytes)");
        pos += 4; // deprecated_num_roots
        int n = i32();
        int numDeleted = i32();
        pos += 4 + 4; // deprecated_max_depth, num_feature
        int sizeLeafVector = i32();
        pos += 31 * 4;
        if (n < 1 || n > limits.maxNodesPerTree()) {
            throw error(at + 4, "tree[" + t + "]: num_nodes must be in [1, " + limits.maxNodesPerTree()
                    + "] (ModelLimits.maxNodesPerTree), found " + n);
        }
        if (sizeLeafVector > 1) {
            throw error(at + 20, "tree[" + t + "]: size_leaf_vector " + sizeLeafVector
                    + ": vector leaves are not representable in the legacy binary format");
        }
        long bytes = (long) n * (NODE_BYTES + NODE_STAT_BYTES);
        need(bytes, "tree[" + t + "]: " + n + " nodes (" + bytes + " bytes)");
        int nodesAt = pos;
        int[] left = new int[n];
        int[] right = new int[n];
        int[] feature = new int[n];
        boolean[] defaultLeft = new boolean[n];
        float[] info = new float[n];
        int deleted = 0;
        int[] sindex = new int[n];
        for (int i = 0; i < n; i++) {
            i32(); // parent: bit 31 = is-left-child; not needed for scoring
            left[i] = i32();
            right[i] = i32();
            sindex[i] = i32();
            info[i] = f32();
            if (i > 0 && sindex[i] == DELETED_NODE) {
                deleted++;
            }
        }
        // Node statistics: loss_chg, sum_hess, base_weight (f32) and leaf_child_cnt (i32). Scoring ignores them;
        // sum_hess is the node cover explanations weight splits by.
        float[] cover = new float[n];
        for (int i = 0; i < n; i++) {
            pos += 4;
            cover[i] = f32();
            pos += 8;
        }
        if (deleted != numDeleted) {
            throw error(at + 8, "tree[" + t + "]: num_deleted says " + numDeleted + " but " + deleted
                    + " nodes are marked deleted");
        }
        boolean[] reachable = DocModelParser.reachable(left, right);
        for (int i = 0; i < n; i++) {
            if (left[i] == -1) {
                right[i] = -1;
                continue;
            }
            defaultLeft[i] = sindex[i] < 0; // bit 31
            if (!reachable[i]) {
                continue;
            }
            int f = sindex[i] & 0x7FFFFFFF;
            if (f >= numFeature) {
                throw error(nodesAt + i * NODE_BYTES + 12, "tree[" + t + "].node[" + i + "]: split feature must be"
                        + " in [0, num_feature = " + numFeature + "), found " + f);
            }
            feature[i] = f;
            if (left[i] >= 0 && right[i] != left[i] + 1) {
                throw error(nodesAt + i * NODE_BYTES + 8, "tree[" + t + "].node[" + i + "]: expected right child "
                        + (left[i] + 1L) + " (XGBoost's predictor always takes the right child to be the left "
                        + "child + 1), found " + right[i]);
            }
        }
        return new TreeNodes(left, right, feature, info, defaultLeft, null, info, 1, cover);
    }

    private void readLinear(ParsedModel m) {
        need(GBLINEAR_PARAM_BYTES, "the 136-byte gblinear parameter block");
        pos += GBLINEAR_PARAM_BYTES;
        int at = pos;
        float[] w = floatVector("weights");
        long expected = (long) (m.numFeature + 1) * m.numOutputs();
        if (w.length != expected) {
            throw error(at, "expected (num_feature + 1) * outputs = " + (m.numFeature + 1) + " * " + m.numOutputs()
                    + " = " + expected + " weights, found " + w.length);
        }
        m.linearWeights = w;
    }

    // ------------------------------------------------------------------------------------------ primitives

    private float[] floatVector(String what) {
        int n = count(what, 4, "floats");
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = f32();
        }
        return v;
    }

    /**
     * Reads a dmlc u64 element count and checks it, <em>as unsigned</em>, against what the remaining bytes can hold
     * before anything is allocated: a signed compare let a length with bit 63 set through (a negative array size, or
     * a truncating cast to a huge one).
     *
     * @param what the vector or list whose length this is, for messages
     * @param minBytes the fewest bytes one element takes
     * @param unit what the elements are, for messages
     * @return the count, which fits the remaining input and therefore an {@code int}
     */
    private int count(String what, int minBytes, String unit) {
        int at = pos;
        long n = u64(what + " length");
        long remaining = b.length - pos;
        if (Long.compareUnsigned(n, remaining / minBytes) > 0) {
            throw error(at, what + " claims " + Long.toUnsignedString(n) + " " + unit + " but only "
                    + remaining + " bytes remain (truncated or corrupt file)");
        }
        return (int) n;
    }

    /** A dmlc string: u64 length then bytes. Pre-1.0 objective names may carry a 64-bit length quirk. */
    private String string(String what, boolean oldLengthQuirk) {
        int at = pos;
        long len = u64(what + " length");
        if (oldLengthQuirk && Long.compareUnsigned(len, 0xFFFFFFFFL) >= 0) {
            need(4, what + " length gap");
            pos += 4;
            len = len >>> 32;
        }
        if (len < 0 || len > limits.maxStringBytes()) {
            throw error(at, what + " length " + Long.toUnsignedString(len) + " exceeds ModelLimits.maxStringBytes ("
                    + limits.maxStringBytes() + ")");
        }
        if (len > b.length - pos) {
            throw truncated(at, what + " of " + len + " bytes");
        }
        String s = new String(b, pos, (int) len, StandardCharsets.UTF_8);
        pos += (int) len;
        return s;
    }

    private void need(long n, String what) {
        if (n > b.length - pos) {
            throw truncated(pos, what);
        }
    }

    private int i32() {
        need(4, "4 bytes");
        int v = (b[pos] & 0xff) | ((b[pos + 1] & 0xff) << 8) | ((b[pos + 2] & 0xff) << 16) | ((b[pos + 3] & 0xff) << 24);
        pos += 4;
        return v;
    }

    private long u32() {
        return i32() & 0xFFFFFFFFL;
    }

    private float f32() {
        return Float.intBitsToFloat(i32());
    }

    private long u64(String what) {
        need(8, what);
        long lo = u32();
        long hi = u32();
        return (hi << 32) | lo;
    }

    private ModelFormatException truncated(int at, String what) {
        return new ModelFormatException(source, "offset " + at, "truncated legacy binary model: expected " + what
                + " but the file ends at offset " + b.length);
    }

    private ModelFormatException error(long at, String message) {
        return new ModelFormatException(source, "offset " + at, message);
    }
}
