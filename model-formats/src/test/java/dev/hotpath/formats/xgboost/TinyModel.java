package dev.hotpath.formats.xgboost;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-made XGBoost 3.4-style model document as plain Java maps and lists, which tests mutate (to inject one
 * specific defect) and then serialise as JSON text or as UBJSON in XGBoost's dialect. The default model: 2 features,
 * {@code binary:logistic}, one tree {@code x0 < 0.5 ? -1 : 1} with missing values going left.
 */
final class TinyModel {
    final Map<String, Object> root = new LinkedHashMap<>();

    TinyModel() {
        Map<String, Object> learner = new LinkedHashMap<>();
        learner.put("attributes", new LinkedHashMap<>());
        learner.put("feature_names", new ArrayList<>());
        learner.put("feature_types", new ArrayList<>());
        Map<String, Object> gb = new LinkedHashMap<>();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("gbtree_model_param", map("num_parallel_tree", "1", "num_trees", "1"));
        model.put("iteration_indptr", ints(0, 1));
        model.put("tree_info", ints(0));
        List<Object> trees = new ArrayList<>();
        trees.add(tree(0));
        model.put("trees", trees);
        gb.put("model", model);
        gb.put("name", "gbtree");
        learner.put("gradient_booster", gb);
        learner.put("learner_model_param", map("base_score", "[5E-1]", "boost_from_average", "1", "num_class", "0",
                "num_feature", "2", "num_target", "1"));
        learner.put("objective", map("name", "binary:logistic", "reg_loss_param", map("scale_pos_weight", "1")));
        root.put("learner", learner);
        root.put("version", ints(3, 4, 0));
    }

    static Map<String, Object> tree(int id) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("base_weights", floats(0f, 0f, 0f));
        t.put("categories", ints());
        t.put("categories_nodes", ints());
        t.put("categories_segments", longs());
        t.put("categories_sizes", longs());
        t.put("default_left", bytes(1, 0, 0));
        t.put("id", id);
        t.put("left_children", ints(1, -1, -1));
        t.put("loss_changes", floats(1f, 0f, 0f));
        t.put("parents", ints(2147483647, 0, 0));
        t.put("right_children", ints(2, -1, -1));
        t.put("split_conditions", floats(0.5f, -1f, 1f));
        t.put("split_indices", ints(0, 0, 0));
        t.put("split_type", bytes(0, 0, 0));
        t.put("sum_hessian", floats(2f, 1f, 1f));
        t.put("tree_param", map("num_deleted", "0", "num_feature", "2", "num_nodes", "3", "size_leaf_vector", "1"));
        return t;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> learner() {
        return (Map<String, Object>) root.get("learner");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> params() {
        return (Map<String, Object>) learner().get("learner_model_param");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> booster() {
        return (Map<String, Object>) learner().get("gradient_booster");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> model() {
        return (Map<String, Object>) booster().get("model");
    }

    @SuppressWarnings("unchecked")
    List<Object> trees() {
        return (List<Object>) model().get("trees");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> tree0() {
        return (Map<String, Object>) trees().get(0);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> treeParam0() {
        return (Map<String, Object>) tree0().get("tree_param");
    }

    /** Adds a copy of tree 0 as tree {@code id} in output group {@code group}, keeping counts consistent. */
    TinyModel addTree(int id, int group) {
        trees().add(tree(id));
        int n = trees().size();
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) model().get("gbtree_model_param");
        p.put("num_trees", Integer.toString(n));
        int[] info = Arrays.copyOf(((Ints) model().get("tree_info")).v, n);
        info[n - 1] = group;
        model().put("tree_info", new Ints(info));
        int[] indptr = new int[n + 1];
        for (int i = 0; i <= n; i++) {
            indptr[i] = i;
        }
        model().put("iteration_indptr", new Ints(indptr));
        return this;
    }

    // ---------------------------------------------------------------------------------------- typed values

    /** A typed int32 array ({@code [$l#L n} in UBJSON). */
    record Ints(int[] v) {
    }

    /** A typed int64 array ({@code [$L#L n}). */
    record Longs(long[] v) {
    }

    /** A typed uint8 array ({@code [$U#L n}). */
    record Bytes(int[] v) {
    }

    /** A typed float32 array ({@code [$d#L n}). */
    record Floats(float[] v) {
    }

    static Ints ints(int... v) {
        return new Ints(v);
    }

    static Longs longs(long... v) {
        return new Longs(v);
    }

    static Bytes bytes(int... v) {
        return new Bytes(v);
    }

    static Floats floats(float... v) {
        return new Floats(v);
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    // ---------------------------------------------------------------------------------------- JSON

    byte[] json() {
        StringBuilder sb = new StringBuilder();
        writeJson(sb, root);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void writeJson(StringBuilder sb, Object v) {
        if (v instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                sb.append('"').append(e.getKey()).append("\":");
                writeJson(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List) {
            sb.append('[');
            List<?> l = (List<?>) v;
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                writeJson(sb, l.get(i));
            }
            sb.append(']');
        } else if (v instanceof Ints) {
            array(sb, Arrays.stream(((Ints) v).v).mapToObj(Integer::toString).toArray(String[]::new));
        } else if (v instanceof Bytes) {
            array(sb, Arrays.stream(((Bytes) v).v).mapToObj(Integer::toString).toArray(String[]::new));
        } else if (v instanceof Longs) {
            array(sb, Arrays.stream(((Longs) v).v).mapToObj(Long::toString).toArray(String[]::new));
        } else if (v instanceof Floats) {
            float[] f = ((Floats) v).v;
            String[] s = new String[f.length];
            for (int i = 0; i < f.length; i++) {
                s[i] = jsonFloat(f[i]);
            }
            array(sb, s);
        } else if (v instanceof String) {
            sb.append('"').append(((String) v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        } else if (v instanceof Float) {
            sb.append(jsonFloat((Float) v));
        } else {
            sb.append(v); // Integer, Long, Boolean
        }
    }

    private static String jsonFloat(float f) {
        if (Float.isNaN(f)) {
            return "NaN";
        }
        if (Float.isInfinite(f)) {
            return f > 0 ? "Infinity" : "-Infinity";
        }
        return Float.toString(f);
    }

    private static void array(StringBuilder sb, String[] items) {
        sb.append('[').append(String.join(",", items)).append(']');
    }

    // ---------------------------------------------------------------------------------------- UBJSON

    byte[] ubj() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeUbj(out, root);
        return out.toByteArray();
    }

    private static void writeUbj(ByteArrayOutputStream out, Object v) {
        if (v instanceof Map) {
            out.write('{');
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                byte[] key = ((String) e.getKey()).getBytes(StandardCharsets.UTF_8);
                out.write('L');
                be(out, key.length, 8);
                out.write(key, 0, key.length);
                writeUbj(out, e.getValue());
            }
            out.write('}');
        } else if (v instanceof List) {
            List<?> l = (List<?>) v;
            out.write('[');
            out.write('#');
            out.write('L');
            be(out, l.size(), 8);
            for (Object o : l) {
                writeUbj(out, o);
            }
        } else if (v instanceof Ints) {
            typedHeader(out, 'l', ((Ints) v).v.length);
            for (int x : ((Ints) v).v) {
                be(out, x, 4);
            }
        } else if (v instanceof Bytes) {
            typedHeader(out, 'U', ((Bytes) v).v.length);
            for (int x : ((Bytes) v).v) {
                out.write(x);
            }
        } else if (v instanceof Longs) {
            typedHeader(out, 'L', ((Longs) v).v.length);
            for (long x : ((Longs) v).v) {
                be(out, x, 8);
            }
        } else if (v instanceof Floats) {
            typedHeader(out, 'd', ((Floats) v).v.length);
            for (float x : ((Floats) v).v) {
                be(out, Float.floatToRawIntBits(x), 4);
            }
        } else if (v instanceof String) {
            byte[] s = ((String) v).getBytes(StandardCharsets.UTF_8);
            out.write('S');
            out.write('L');
            be(out, s.length, 8);
            out.write(s, 0, s.length);
        } else if (v instanceof Integer) {
            out.write('l');
            be(out, (Integer) v, 4);
        } else if (v instanceof Long) {
            out.write('L');
            be(out, (Long) v, 8);
        } else if (v instanceof Float) {
            out.write('d');
            be(out, Float.floatToRawIntBits((Float) v), 4);
        } else if (v instanceof Boolean) {
            out.write((Boolean) v ? 'T' : 'F');
        } else {
            throw new IllegalArgumentException("cannot encode " + v);
        }
    }

    private static void typedHeader(ByteArrayOutputStream out, char type, int n) {
        out.write('[');
        out.write('$');
        out.write(type);
        out.write('#');
        out.write('L');
        be(out, n, 8);
    }

    static void be(ByteArrayOutputStream out, long v, int bytes) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }
}
