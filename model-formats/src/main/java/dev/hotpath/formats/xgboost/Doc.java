package dev.hotpath.formats.xgboost;

import dev.hotpath.scoring.ModelFormatException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an XGBoost JSON/UBJSON model document that Hotpath reads, as a small in-memory tree shared by
 * {@link JsonDocReader} and {@link UbjDocReader}.
 *
 * <p>Values are {@link Obj}, {@link Arr} (objects or strings), {@link NumArray} (numbers and booleans, stored
 * primitively), {@link Num}, {@link String}, {@link Boolean} or {@link #NULL}. Every container knows its path in the
 * document (e.g. {@code learner.gradient_booster.model.trees[3]}) so that interpretation errors can name the exact
 * field. Only the paths described by a {@link Shape} are materialised; everything else is skipped while parsing, so
 * memory stays proportional to the fields Hotpath needs.
 *
 * <p>Load-time only; not thread-safe; package-private.
 */
final class Doc {
    /** JSON {@code null} / UBJSON {@code Z}. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private Doc() {
    }

    /** A JSON object: unique keys in document order. */
    static final class Obj {
        final String path;
        final Map<String, Object> fields = new LinkedHashMap<>();

        Obj(String path) {
            this.path = path;
        }

        String child(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        boolean has(String key) {
            return fields.containsKey(key);
        }

        Object get(String key) {
            return fields.get(key);
        }

        Obj obj(String source, String key) {
            Object v = require(source, key);
            if (v instanceof Obj) {
                return (Obj) v;
            }
            throw type(source, key, "an object", v);
        }

        Obj optObj(String source, String key) {
            Object v = fields.get(key);
            if (v == null || v == NULL) {
                return null;
            }
            if (v instanceof Obj) {
                return (Obj) v;
            }
            throw type(source, key, "an object", v);
        }

        String string(String source, String key) {
            Object v = require(source, key);
            if (v instanceof String) {
                return (String) v;
            }
            throw type(source, key, "a string", v);
        }

        String optString(String source, String key) {
            Object v = fields.get(key);
            if (v == null || v == NULL) {
                return null;
            }
            if (v instanceof String) {
                return (String) v;
            }
            throw type(source, key, "a string", v);
        }

        /** XGBoost stores most integer parameters as decimal strings ({@code "num_feature": "10"}). */
        long intString(String source, String key, long min, long max) {
            String s = string(source, key);
            return parseIntString(source, child(key), s, min, max);
        }

        long optIntString(String source, String key, long min, long max, long dflt) {
            String s = optString(source, key);
            return s == null ? dflt : parseIntString(source, child(key), s, min, max);
        }

        long integer(String source, String key, long min, long max) {
            Object v = require(source, key);
            if (v instanceof Num && ((Num) v).integral) {
                long x = ((Num) v).longValue;
                if (x < min || x > max) {
                    throw new ModelFormatException(source, child(key),
                            "expected an integer in [" + min + ", " + max + "], found " + x);
                }
                return x;
            }
            throw type(source, key, "an integer", v);
        }

        /** A numeric array; an empty generic array counts as an empty numeric array. */
        NumArray numArray(String source, String key) {
            Object v = require(source, key);
            NumArray a = asNumArray(v, child(key));
            if (a == null) {
                throw type(source, key, "an array of numbers", v);
            }
            return a;
        }

        NumArray optNumArray(String source, String key) {
            Object v = fields.get(key);
            if (v == null || v == NULL) {
                return null;
            }
            NumArray a = asNumArray(v, child(key));
            if (a == null) {
                throw type(source, key, "an array of numbers", v);
            }
            return a;
        }

        Arr arr(String source, String key) {
            Object v = require(source, key);
            if (v instanceof Arr) {
                return (Arr) v;
            }
            if (v instanceof NumArray && ((NumArray) v).length == 0) {
                return new Arr(child(key));
            }
            throw type(source, key, "an array", v);
        }

        Arr optArr(String source, String key) {
            Object v = fields.get(key);
            if (v == null || v == NULL) {
                return null;
            }
            return arr(source, key);
        }

        private Object require(String source, String key) {
            Object v = fields.get(key);
            if (v == null) {
                throw new ModelFormatException(source, path.isEmpty() ? "document root" : path,
                        "missing required field '" + key + "'");
            }
            return v;
        }

        private ModelFormatException type(String source, String key, String expected, Object found) {
            return new ModelFormatException(source, child(key), "expected " + expected + ", found " + describe(found));
        }
    }

    /** A JSON array of non-numeric values (objects, strings, nulls, nested arrays). */
    static final class Arr {
        final String path;
        final List<Object> items;

        Arr(String path) {
            this.path = path;
            this.items = new ArrayList<>();
        }

        Arr(String path, int capacity) {
            this.path = path;
            this.items = new ArrayList<>(capacity);
        }

        int size() {
            return items.size();
        }

        String child(int i) {
            return path + "[" + i + "]";
        }

        Obj obj(String source, int i) {
            Object v = items.get(i);
            if (v instanceof Obj) {
                return (Obj) v;
            }
            throw new ModelFormatException(source, child(i), "expected an object, found " + describe(v));
        }

        /** @return the items as strings, or an error naming the first non-string */
        List<String> strings(String source) {
            List<String> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                Object v = items.get(i);
                if (!(v instanceof String)) {
                    throw new ModelFormatException(source, child(i), "expected a string, found " + describe(v));
                }
                out.add((String) v);
            }
            return Collections.unmodifiableList(out);
        }
    }

    /** A scalar number: integral tokens keep their exact {@code long} value; all keep a float32 value. */
    static final class Num {
        final boolean integral;
        final long longValue;
        final float floatValue;

        private Num(boolean integral, long longValue, float floatValue) {
            this.integral = integral;
            this.longValue = longValue;
            this.floatValue = floatValue;
        }

        static Num ofLong(long v) {
            return new Num(true, v, (float) v);
        }

        static Num ofFloat(float v) {
            return new Num(false, 0, v);
        }

        @Override
        public String toString() {
            return integral ? Long.toString(longValue) : Float.toString(floatValue);
        }
    }

    static NumArray asNumArray(Object v, String path) {
        if (v instanceof NumArray) {
            return (NumArray) v;
        }
        if (v instanceof Arr && ((Arr) v).items.isEmpty()) {
            return NumArray.empty(path);
        }
        return null;
    }

    static long parseIntString(String source, String path, String s, long min, long max) {
        String t = s.trim();
        long v;
        try {
            v = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new ModelFormatException(source, path, "expected a decimal integer string, found \""
                    + abbreviate(s) + "\"");
        }
        if (v < min || v > max) {
            throw new ModelFormatException(source, path,
                    "expected an integer in [" + min + ", " + max + "], found " + v);
        }
        return v;
    }

    static String describe(Object v) {
        if (v == null) {
            return "nothing";
        }
        if (v instanceof Obj) {
            return "an object";
        }
        if (v instanceof Arr) {
            return "an array of " + ((Arr) v).items.size() + " non-numeric values";
        }
        if (v instanceof NumArray) {
            return "an array of " + ((NumArray) v).length + " numbers";
        }
        if (v instanceof String) {
            return "the string \"" + abbreviate((String) v) + "\"";
        }
        if (v instanceof Num) {
            return "the number " + v;
        }
        if (v instanceof Boolean) {
            return "the boolean " + v;
        }
        return "null";
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /**
     * Which parts of the document to materialise while parsing.
     * <ul>
     *   <li>{@link Kind#OBJECT}: an object; keys listed in {@link #fields} are parsed with their shape, any other key
     *       with {@link #others} ({@code null}: skipped without materialising anything);</li>
     *   <li>{@link Kind#ARRAY}: an array whose container elements have shape {@link #element};</li>
     *   <li>{@link Kind#VALUE}: a scalar, an array of scalars, or an object whose values are scalars or arrays of
     *       scalars (XGBoost's string parameter maps); anything nested deeper is an error;</li>
     *   <li>{@link Kind#MEMBER}: a scalar or an array of scalars;</li>
     *   <li>{@link Kind#PRESENCE}: skipped, but recorded as {@link Boolean#TRUE} so the reader can tell it was there.</li>
     * </ul>
     */
    static final class Shape {
        enum Kind { OBJECT, ARRAY, VALUE, MEMBER, PRESENCE }

        static final Shape VALUE = new Shape(Kind.VALUE, null, null, null);
        static final Shape MEMBER = new Shape(Kind.MEMBER, null, null, null);
        static final Shape PRESENCE = new Shape(Kind.PRESENCE, null, null, null);

        final Kind kind;
        final Map<String, Shape> fields;
        final Shape others;
        final Shape element;

        private Shape(Kind kind, Map<String, Shape> fields, Shape others, Shape element) {
            this.kind = kind;
            this.fields = fields;
            this.others = others;
            this.element = element;
        }

        static Shape object(Object... keyShapePairs) {
            return objectWithOthers(null, keyShapePairs);
        }

        static Shape objectWithOthers(Shape others, Object... keyShapePairs) {
            Map<String, Shape> m = new LinkedHashMap<>();
            for (int i = 0; i < keyShapePairs.length; i += 2) {
                m.put((String) keyShapePairs[i], (Shape) keyShapePairs[i + 1]);
            }
            return new Shape(Kind.OBJECT, m, others, null);
        }

        static Shape arrayOf(Shape element) {
            return new Shape(Kind.ARRAY, null, null, element);
        }

        /** @return the shape of the member {@code key} of an object of this shape; {@code null} means skip it */
        Shape field(String key) {
            switch (kind) {
                case OBJECT: {
                    Shape s = fields.get(key);
                    return s != null ? s : others;
                }
                case VALUE:
                    return MEMBER;
                default:
                    return null;
            }
        }
    }

    /**
     * The document paths Hotpath reads: version, learner parameters, objective, attributes, feature names/types and
     * the booster (gbtree, all three DART layouts, gblinear), and of the training statistics only the node covers
     * ({@code sum_hessian}, which explanations need). Categories re-coders ({@code cats}), the other statistics and
     * unknown keys are skipped.
     */
    static final Shape MODEL_SHAPE;

    static {
        Shape tree = Shape.object(
                "tree_param", Shape.VALUE,
                "id", Shape.VALUE,
                "left_children", Shape.VALUE,
                "right_children", Shape.VALUE,
                "split_indices", Shape.VALUE,
                "split_conditions", Shape.VALUE,
                "default_left", Shape.VALUE,
                "split_type", Shape.VALUE,
                "categories", Shape.VALUE,
                "categories_nodes", Shape.VALUE,
                "categories_segments", Shape.VALUE,
                "categories_sizes", Shape.VALUE,
                "base_weights", Shape.VALUE,
                "leaf_weights", Shape.VALUE,
                "sum_hessian", Shape.VALUE);
        Shape model = Shape.object(
                "gbtree_model_param", Shape.VALUE,
                "trees", Shape.arrayOf(tree),
                "tree_info", Shape.VALUE,
                "iteration_indptr", Shape.VALUE,
                "weight_drop", Shape.VALUE,
                "weights", Shape.VALUE,
                "boosted_rounds", Shape.VALUE);
        Shape booster = Shape.object(
                "name", Shape.VALUE,
                "model", model,
                "weight_drop", Shape.VALUE,
                "gbtree", Shape.object("name", Shape.VALUE, "model", model));
        Shape learner = Shape.object(
                "learner_model_param", Shape.VALUE,
                "objective", Shape.objectWithOthers(Shape.VALUE, "name", Shape.VALUE),
                "gradient_booster", booster,
                "attributes", Shape.VALUE,
                "feature_names", Shape.VALUE,
                "feature_types", Shape.VALUE);
        MODEL_SHAPE = Shape.object("version", Shape.VALUE, "learner", learner, "Model", Shape.PRESENCE,
                "Config", Shape.PRESENCE);
    }
}
