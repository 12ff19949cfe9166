package dev.hotpath.formats.xgboost;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.hotpath.formats.xgboost.Doc.Arr;
import dev.hotpath.formats.xgboost.Doc.Obj;
import dev.hotpath.formats.xgboost.Doc.Shape;
import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.ModelLimits;
import java.io.IOException;

/**
 * The reference for {@link JsonDocReaderDifferentialTest}: the JSON document reader Hotpath used before issue #19,
 * built on Jackson's streaming {@link JsonParser} (strict JSON plus {@code NaN}/{@code Infinity}, duplicate
 * detection, nesting and length limits), materialising the same {@link Doc} tree for {@link Doc#MODEL_SHAPE}. The
 * production reader ({@link JsonDocReader}) must accept exactly the documents this one accepts and read them into
 * the same tree.
 *
 * <p>Test code; each call uses its own parser.
 */
final class JacksonDocReader {
    /** Deepest nesting accepted anywhere in the document; XGBoost's deepest path is about 8 levels. */
    static final int MAX_NESTING = 64;
    /** Most entries in one parameter/attribute map or string array (other than feature names). */
    static final int MAX_MAP_ENTRIES = 1 << 16;

    private final JsonParser p;
    private final String source;
    private final ModelLimits limits;

    private JacksonDocReader(JsonParser p, String source, ModelLimits limits) {
        this.p = p;
        this.source = source;
        this.limits = limits;
    }

    /**
     * @param bytes the whole file
     * @param source the file name, for error messages
     * @param limits size limits
     * @return the document root
     * @throws ModelFormatException on malformed JSON or a document that is not an object
     */
    static Obj read(byte[] bytes, String source, ModelLimits limits) {
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING)
                .maxStringLength(limits.maxStringBytes())
                .maxNameLength(limits.maxStringBytes())
                .maxDocumentLength(limits.maxFileBytes())
                .build();
        JsonFactory factory = JsonFactory.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(constraints)
                .build();
        try (JsonParser p = factory.createParser(bytes)) {
            JacksonDocReader r = new JacksonDocReader(p, source, limits);
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw r.error("expected the document to be a JSON object, found "
                        + (t == null ? "no content" : t.asString() == null ? t.name() : "'" + t.asString() + "'"));
            }
            Obj root = (Obj) r.value(t, Doc.MODEL_SHAPE, "");
            t = p.nextToken();
            if (t != null) {
                throw r.error("unexpected content after the end of the JSON document");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(source, where(e.getLocation()), e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelFormatException(source, null, "cannot parse JSON: " + e.getMessage(), e);
        }
    }

    private Object value(JsonToken t, Shape shape, String path) throws IOException {
        switch (t) {
            case START_OBJECT:
                return object(shape, path);
            case START_ARRAY:
                return array(shape, path);
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return Doc.Num.ofLong(longValue());
            case VALUE_NUMBER_FLOAT:
                return Doc.Num.ofFloat(floatValue());
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return Doc.NULL;
            default:
                throw error("unexpected token " + t);
        }
    }

    private Object object(Shape shape, String path) throws IOException {
        if (shape.kind == Shape.Kind.PRESENCE) {
            p.skipChildren();
            return Boolean.TRUE;
        }
        if (shape.kind == Shape.Kind.MEMBER) {
            throw error(where(path) + ": expected a string, number or array of them, found a nested object");
        }
        if (shape.kind == Shape.Kind.ARRAY) {
            p.skipChildren(); // wrong type: an empty placeholder lets the interpreter report it precisely
            return new Obj(path);
        }
        Obj o = new Obj(path);
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken vt = p.nextToken();
            Shape fs = shape.field(key);
            if (fs == null) {
                p.skipChildren();
                continue;
            }
            if (shape.kind == Shape.Kind.VALUE && o.fields.size() >= MAX_MAP_ENTRIES) {
                throw error(where(path) + ": more than " + MAX_MAP_ENTRIES + " entries");
            }
            o.fields.put(key, value(vt, fs, o.child(key)));
        }
        if (t != JsonToken.END_OBJECT) {
            throw error("expected a field name or '}', found " + t);
        }
        return o;
    }

    private Object array(Shape shape, String path) throws IOException {
        if (shape.kind == Shape.Kind.PRESENCE) {
            p.skipChildren();
            return Boolean.TRUE;
        }
        if (shape.kind == Shape.Kind.OBJECT) {
            p.skipChildren();
            return new Arr(path);
        }
        if (shape.kind == Shape.Kind.ARRAY) {
            Arr a = new Arr(path);
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    throw error("unexpected end of input inside an array");
                }
                if (a.items.size() >= limits.maxTrees()) {
                    throw error(where(path) + ": more than " + limits.maxTrees()
                            + " trees (ModelLimits.maxTrees)");
                }
                a.items.add(value(t, shape.element, a.child(a.items.size())));
            }
            return a;
        }
        // VALUE / MEMBER: an array of scalars. Numbers (and booleans) become a NumArray, strings an Arr.
        NumArray.Builder nums = null;
        Arr strings = null;
        JsonToken t;
        int i = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw error("unexpected end of input inside an array");
            }
            String at = path + "[" + i + "]";
            switch (t) {
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT:
                case VALUE_TRUE:
                case VALUE_FALSE:
                    if (strings != null) {
                        throw error(where(at) + ": expected a string like the earlier elements, found a number");
                    }
                    if (nums == null) {
                        nums = new NumArray.Builder(source, path, 16);
                    }
                    if (t == JsonToken.VALUE_NUMBER_INT) {
                        nums.addLong(longValue());
                    } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                        nums.addFloat(floatValue());
                    } else {
                        nums.addLong(t == JsonToken.VALUE_TRUE ? 1 : 0);
                    }
                    break;
                case VALUE_STRING:
                case VALUE_NULL:
                    if (nums != null) {
                        throw error(where(at) + ": expected a number like the earlier elements, found " + t);
                    }
                    if (strings == null) {
                        strings = new Arr(path);
                    }
                    if (strings.items.size() >= Math.max(MAX_MAP_ENTRIES, limits.maxFeatures())) {
                        throw error(where(path) + ": more than " + Math.max(MAX_MAP_ENTRIES, limits.maxFeatures())
                                + " strings");
                    }
                    strings.items.add(t == JsonToken.VALUE_NULL ? Doc.NULL : p.getText());
                    break;
                default:
                    throw error(where(at) + ": expected a number or string, found a nested "
                            + (t == JsonToken.START_OBJECT ? "object" : "array"));
            }
            i++;
        }
        if (nums != null) {
            return nums.build();
        }
        return strings != null ? strings : new Arr(path);
    }

    private long longValue() throws IOException {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw error("integer " + Doc.abbreviate(p.getText()) + " does not fit in 64 bits");
        }
        return p.getLongValue();
    }

    private float floatValue() throws IOException {
        if (p.isNaN()) {
            // NaN, Infinity, -Infinity (and Jackson's INF spellings): the double value is exact.
            return (float) p.getDoubleValue();
        }
        String text = p.getText();
        try {
            return Float.parseFloat(text);
        } catch (NumberFormatException e) {
            throw error("malformed number '" + Doc.abbreviate(text) + "'");
        }
    }

    private ModelFormatException error(String message) {
        return new ModelFormatException(source, where(p.currentLocation()), message);
    }

    private static String where(String path) {
        return path.isEmpty() ? "document root" : path;
    }

    static String where(JsonLocation loc) {
        if (loc == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("line ").append(loc.getLineNr()).append(", column ").append(loc.getColumnNr());
        if (loc.getByteOffset() >= 0) {
            sb.append(" (byte offset ").append(loc.getByteOffset()).append(')');
        }
        return sb.toString();
    }
}
