package dev.hotpath.bench.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The trees of an XGBoost JSON model file ({@code Booster.saveModel("….json")}), read only so the benchmark can
 * export the same trees to ONNX. Handles what the benchmark trains: one {@code gbtree} output group, numerical
 * splits, scalar leaves. Hotpath itself reads models with {@code dev.hotpath.formats.xgboost.XgboostReader}.
 *
 * <p>Immutable after {@link #read(Path)}; allocates at load time only.
 *
 * @param trees the trees in boosting order
 * @param baseScore {@code learner_model_param.base_score} as written (probability space for logistic objectives)
 * @param numFeatures {@code learner_model_param.num_feature}
 * @param objective the objective name, e.g. {@code binary:logistic}
 */
public record XgboostJsonTrees(List<Tree> trees, float baseScore, int numFeatures, String objective) {

    /**
     * One tree in XGBoost's node-array form. For a leaf {@code left[n] == -1} and {@code splitConditions[n]} is the
     * leaf value.
     *
     * @param left left child per node, -1 for leaves
     * @param right right child per node
     * @param splitIndices feature per node
     * @param splitConditions threshold per internal node, leaf value per leaf
     * @param defaultLeft whether missing values go left
     */
    public record Tree(int[] left, int[] right, int[] splitIndices, float[] splitConditions, boolean[] defaultLeft) {
        /** @return the number of nodes */
        public int size() {
            return left.length;
        }
    }

    /**
     * Reads the trees of an XGBoost JSON model.
     *
     * @param file the model
     * @return the trees
     * @throws IOException if the file cannot be read or is not a supported XGBoost JSON model
     */
    public static XgboostJsonTrees read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * Reads the trees of an XGBoost JSON model from a stream.
     *
     * @param in the JSON; closed when read
     * @param source a name for error messages
     * @return the trees
     * @throws IOException if the stream cannot be read or is not a supported XGBoost JSON model
     */
    public static XgboostJsonTrees read(InputStream in, String source) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(in)) {
            State s = new State();
            expect(p.nextToken(), JsonToken.START_OBJECT, source);
            walkObject(p, "", s);
            if (s.trees.isEmpty() || s.numFeatures <= 0 || s.objective == null || Float.isNaN(s.baseScore)) {
                throw new IOException(source + ": not an XGBoost JSON gbtree model (trees=" + s.trees.size()
                        + ", num_feature=" + s.numFeatures + ", objective=" + s.objective + ")");
            }
            return new XgboostJsonTrees(List.copyOf(s.trees), s.baseScore, s.numFeatures, s.objective);
        }
    }

    private static final class State {
        final List<Tree> trees = new ArrayList<>();
        float baseScore = Float.NaN;
        int numFeatures;
        String objective;
    }

    private static void walkObject(JsonParser p, String path, State s) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            String here = path + "/" + name;
            if (here.equals("/learner/gradient_booster/model/trees") && t == JsonToken.START_ARRAY) {
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    s.trees.add(readTree(p));
                }
            } else if (here.equals("/learner/learner_model_param/base_score")) {
                // XGBoost 3.x writes a vector "[5E-1]", 1.x/2.x a scalar "5E-1".
                String v = p.getText().replace("[", "").replace("]", "").split(",")[0].trim();
                s.baseScore = Float.parseFloat(v);
            } else if (here.equals("/learner/learner_model_param/num_feature")) {
                s.numFeatures = Integer.parseInt(p.getText());
            } else if (here.equals("/learner/objective/name")) {
                s.objective = p.getText();
            } else if (t == JsonToken.START_OBJECT) {
                walkObject(p, here, s);
            } else if (t == JsonToken.START_ARRAY) {
                p.skipChildren();
            }
        }
    }

    private static Tree readTree(JsonParser p) throws IOException {
        int[] left = null;
        int[] right = null;
        int[] split = null;
        float[] cond = null;
        boolean[] dl = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "left_children" -> left = ints(p);
                case "right_children" -> right = ints(p);
                case "split_indices" -> split = ints(p);
                case "split_conditions" -> cond = floats(p);
                case "default_left" -> {
                    int[] v = ints(p);
                    dl = new boolean[v.length];
                    for (int i = 0; i < v.length; i++) {
                        dl[i] = v[i] != 0;
                    }
                }
                case "split_type" -> {
                    for (int v : ints(p)) {
                        if (v != 0) {
                            throw new IOException("categorical splits are not supported by the ONNX export");
                        }
                    }
                }
                default -> {
                    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                        p.skipChildren();
                    }
                }
            }
        }
        if (left == null || right == null || split == null || cond == null || dl == null
                || right.length != left.length || split.length != left.length || cond.length != left.length
                || dl.length != left.length) {
            throw new IOException("tree arrays missing or of different lengths");
        }
        return new Tree(left, right, split, cond, dl);
    }

    private static int[] ints(JsonParser p) throws IOException {
        int[] buf = new int[64];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (n == buf.length) {
                buf = java.util.Arrays.copyOf(buf, n * 2);
            }
            buf[n++] = t == JsonToken.VALUE_TRUE ? 1 : t == JsonToken.VALUE_FALSE ? 0 : p.getIntValue();
        }
        return java.util.Arrays.copyOf(buf, n);
    }

    private static float[] floats(JsonParser p) throws IOException {
        float[] buf = new float[64];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (n == buf.length) {
                buf = java.util.Arrays.copyOf(buf, n * 2);
            }
            // Parse the decimal text straight to float: going through double could round twice.
            buf[n++] = Float.parseFloat(p.getText());
        }
        return java.util.Arrays.copyOf(buf, n);
    }

    private static void expect(JsonToken actual, JsonToken expected, String source) throws IOException {
        if (actual != expected) {
            throw new IOException(source + ": expected " + expected + ", found " + actual);
        }
    }
}
