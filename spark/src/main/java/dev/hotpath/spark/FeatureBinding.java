package dev.hotpath.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.hotpath.scoring.ConfigurationException;

import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Where each of a model's features comes from in a Spark row, resolved once on the driver from the input schema
 * and shipped to the executors: either one column per feature (bound by name, with an explicit feature → column
 * map for the rest), or one {@code Vector} / {@code array<float|double>} column holding every feature in the
 * model's order.
 *
 * <p>Value rules, identical for the transformer, the SQL function and the backtest: a {@code null} is missing
 * ({@code NaN}); {@code double} is narrowed to {@code float} with Java's cast (round to nearest), as the caller of
 * {@code Model.score} would; {@code int}, {@code long}, {@code short} and {@code byte} are converted with Java's
 * cast too (exact up to 2^24); {@code boolean} is 1 or 0. Sparse vectors: entries the vector does not store are
 * {@link SparseAbsent#ZERO 0.0} (what the vector means) or {@link SparseAbsent#MISSING missing}, as chosen; an
 * entry stored as {@code NaN} is missing either way.
 *
 * <p>Immutable and thread-safe; {@link #read} allocates nothing of its own (Spark's accessors for a vector's struct
 * and arrays return small views).
 */
final class FeatureBinding implements Serializable {
    private static final long serialVersionUID = 1L;

    static final byte FLOAT = 0;
    static final byte DOUBLE = 1;
    static final byte INT = 2;
    static final byte LONG = 3;
    static final byte SHORT = 4;
    static final byte BYTE = 5;
    static final byte BOOLEAN = 6;
    static final byte VECTOR = 7;
    static final byte ARRAY_FLOAT = 8;
    static final byte ARRAY_DOUBLE = 9;

    /** VectorUDT's struct: type (0 sparse, 1 dense), size, indices, values. */
    private static final int VECTOR_FIELDS = 4;
    private static final byte DENSE = 1;

    static final String SCALAR_TYPES = "float, double, int, long, short, byte or boolean";

    private final int numFeatures;
    /** Per feature: the input column ordinal, or -1 when the feature has no column (always missing). */
    private final int[] ordinals;
    private final byte[] kinds;
    /** The features column's ordinal in vector mode, else -1. */
    private final int vectorOrdinal;
    private final byte vectorKind;
    private final String vectorColumn;
    private final float absentValue;
    /** The column each feature reads, for {@link #describe()}. */
    private final String[] columns;

    private FeatureBinding(int numFeatures, int[] ordinals, byte[] kinds, int vectorOrdinal, byte vectorKind,
            String vectorColumn, float absentValue, String[] columns) {
        this.numFeatures = numFeatures;
        this.ordinals = ordinals;
        this.kinds = kinds;
        this.vectorOrdinal = vectorOrdinal;
        this.vectorKind = vectorKind;
        this.vectorColumn = vectorColumn;
        this.absentValue = absentValue;
        this.columns = columns;
    }

    /**
     * Binds every feature to a column of its own.
     *
     * @param features the model's feature names, in input order
     * @param schema the input schema
     * @param explicit feature name → column name, for features whose column is named differently
     * @param allowMissingColumns whether a feature without a column is missing in every row instead of an error
     * @return the binding
     * @throws SparkInputException naming the columns that are missing or of an unreadable type
     */
    static FeatureBinding byName(List<String> features, StructType schema, Map<String, String> explicit,
            boolean allowMissingColumns) {
        Map<String, Integer> featureIndex = new HashMap<>();
        for (int i = 0; i < features.size(); i++) {
            featureIndex.put(features.get(i), i);
        }
        for (String f : explicit.keySet()) {
            if (!featureIndex.containsKey(f)) {
                throw new SparkInputException(explicit.get(f), "the feature map names feature '" + f
                        + "', which the model does not have; " + Names.listed("its features", features));
            }
        }
        int n = features.size();
        int[] ordinals = new int[n];
        byte[] kinds = new byte[n];
        String[] columns = new String[n];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String feature = features.get(i);
            String column = explicit.getOrDefault(feature, feature);
            int ordinal = fieldIndex(schema, column);
            if (ordinal < 0) {
                ordinals[i] = -1;
                if (explicit.containsKey(feature)) {
                    throw new SparkInputException(column, "column '" + column + "' (mapped to feature '" + feature
                            + "') is not in the input; " + Names.listed("its columns", List.of(schema.fieldNames()))
                            + caseHint(schema, column));
                }
                missing.add(feature);
                continue;
            }
            StructField field = schema.fields()[ordinal];
            byte kind = scalarKind(field.dataType());
            if (kind < 0) {
                throw new SparkInputException(column, "column '" + column + "' (feature '" + feature + "') has type "
                        + field.dataType().simpleString() + "; expected " + SCALAR_TYPES + " (null = missing): cast"
                        + " it, e.g. col('" + column + "').cast('double')");
            }
            ordinals[i] = ordinal;
            kinds[i] = kind;
            columns[i] = column;
        }
        if (!missing.isEmpty() && !allowMissingColumns) {
            String first = missing.get(0);
            throw new SparkInputException(first, "no column for " + missing.size() + " of the model's " + n
                    + " features: " + Names.quoted(missing) + caseHint(schema, first) + ". Name the columns after"
                    + " the features, map them (featureColumns 'feature=column'), give one vector column"
                    + " (featuresCol), or set allowMissingColumns to treat them as missing in every row");
        }
        return new FeatureBinding(n, ordinals, kinds, -1, (byte) -1, null, Float.NaN, columns);
    }

    /**
     * Binds every feature to one vector or array column, in the model's feature order.
     *
     * @param numFeatures the model's input width
     * @param schema the input schema
     * @param column the features column
     * @param absent what a sparse vector's unstored entries are
     * @return the binding
     * @throws SparkInputException if the column is missing, of another type, or declares another size
     */
    static FeatureBinding byVector(int numFeatures, StructType schema, String column, SparseAbsent absent) {
        int ordinal = fieldIndex(schema, column);
        if (ordinal < 0) {
            throw new SparkInputException(column, "features column '" + column + "' is not in the input; "
                    + Names.listed("its columns", List.of(schema.fieldNames())) + caseHint(schema, column));
        }
        DataType t = schema.fields()[ordinal].dataType();
        byte kind;
        if (t instanceof VectorUDT) {
            kind = VECTOR;
            int declared = AttributeGroup.fromStructField(schema.fields()[ordinal]).size();
            if (declared >= 0 && declared != numFeatures) {
                throw new SparkInputException(column, "features column '" + column + "' holds vectors of size "
                        + declared + " (its ML attributes say so); the model has " + numFeatures + " features");
            }
        } else if (t instanceof ArrayType && ((ArrayType) t).elementType() instanceof FloatType) {
            kind = ARRAY_FLOAT;
        } else if (t instanceof ArrayType && ((ArrayType) t).elementType() instanceof DoubleType) {
            kind = ARRAY_DOUBLE;
        } else {
            throw new SparkInputException(column, "features column '" + column + "' has type " + t.simpleString()
                    + "; expected a vector (org.apache.spark.ml.linalg.Vector, dense or sparse) or an array of"
                    + " float or double with the model's " + numFeatures + " features in order");
        }
        String[] columns = new String[numFeatures];
        Arrays.fill(columns, column);
        return new FeatureBinding(numFeatures, new int[0], new byte[0], ordinal, kind, column,
                absent == SparseAbsent.ZERO ? 0.0f : Float.NaN, columns);
    }

    /** @return the model's input width */
    int numFeatures() {
        return numFeatures;
    }

    /** @return feature → column, in feature order; {@code null} columns are absent features */
    Map<String, String> describe(List<String> features) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < features.size(); i++) {
            m.put(features.get(i), columns[i]);
        }
        return m;
    }

    /**
     * Reads one row's features into {@code dst[off .. off + numFeatures)}.
     *
     * @param row the input row (of the schema this binding was made for)
     * @param dst receives the features
     * @param off where the row starts
     * @throws SparkInputException if a vector or array has another size than the model's input width
     */
    void read(InternalRow row, float[] dst, int off) {
        if (vectorOrdinal >= 0) {
            readVector(row, dst, off);
            return;
        }
        final int[] ord = ordinals;
        final byte[] kind = kinds;
        for (int f = 0; f < ord.length; f++) {
            int o = ord[f];
            float v;
            if (o < 0 || row.isNullAt(o)) {
                v = Float.NaN;
            } else {
                switch (kind[f]) {
                    case FLOAT:
                        v = row.getFloat(o);
                        break;
                    case DOUBLE:
                        v = (float) row.getDouble(o);
                        break;
                    case INT:
                        v = row.getInt(o);
                        break;
                    case LONG:
                        v = row.getLong(o);
                        break;
                    case SHORT:
                        v = row.getShort(o);
                        break;
                    case BYTE:
                        v = row.getByte(o);
                        break;
                    default:
                        v = row.getBoolean(o) ? 1.0f : 0.0f;
                        break;
                }
            }
            dst[off + f] = v;
        }
    }

    private void readVector(InternalRow row, float[] dst, int off) {
        final int n = numFeatures;
        if (row.isNullAt(vectorOrdinal)) {
            Arrays.fill(dst, off, off + n, Float.NaN);
            return;
        }
        if (vectorKind != VECTOR) {
            ArrayData a = row.getArray(vectorOrdinal);
            checkSize(a.numElements());
            boolean floats = vectorKind == ARRAY_FLOAT;
            for (int i = 0; i < n; i++) {
                dst[off + i] = a.isNullAt(i) ? Float.NaN : floats ? a.getFloat(i) : (float) a.getDouble(i);
            }
            return;
        }
        InternalRow v = row.getStruct(vectorOrdinal, VECTOR_FIELDS);
        ArrayData values = v.getArray(3);
        if (v.getByte(0) == DENSE) {
            checkSize(values.numElements());
            for (int i = 0; i < n; i++) {
                dst[off + i] = (float) values.getDouble(i);
            }
            return;
        }
        checkSize(v.getInt(1));
        ArrayData indices = v.getArray(2);
        Arrays.fill(dst, off, off + n, absentValue);
        int stored = values.numElements();
        for (int k = 0; k < stored; k++) {
            dst[off + indices.getInt(k)] = (float) values.getDouble(k);
        }
    }

    private void checkSize(int size) {
        if (size != numFeatures) {
            throw sizeMismatch(size);
        }
    }

    private SparkInputException sizeMismatch(int size) {
        return new SparkInputException(vectorColumn, "features column '" + vectorColumn + "' has a row with "
                + size + " values; the model has " + numFeatures + " features (every row must hold exactly that"
                + " many, in the model's feature order)");
    }

    static byte scalarKind(DataType t) {
        if (t instanceof FloatType) {
            return FLOAT;
        }
        if (t instanceof DoubleType) {
            return DOUBLE;
        }
        if (t instanceof IntegerType) {
            return INT;
        }
        if (t instanceof LongType) {
            return LONG;
        }
        if (t instanceof ShortType) {
            return SHORT;
        }
        if (t instanceof ByteType) {
            return BYTE;
        }
        if (t instanceof BooleanType) {
            return BOOLEAN;
        }
        return -1;
    }

    /** @return the ordinal of the column with exactly this name, or -1 */
    static int fieldIndex(StructType schema, String name) {
        String[] names = schema.fieldNames();
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String caseHint(StructType schema, String name) {
        for (String f : schema.fieldNames()) {
            if (f.equalsIgnoreCase(name) && !f.equals(name)) {
                return " (the input has '" + f + "': names are matched exactly, case included)";
            }
        }
        return "";
    }

    /** Parses {@code feature=column} pairs. */
    static Map<String, String> parsePairs(String[] pairs, String param) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new ConfigurationException(param + ": '" + p + "' is not feature=column");
            }
            String feature = p.substring(0, eq).strip();
            String column = p.substring(eq + 1).strip();
            if (m.put(feature, column) != null) {
                throw new ConfigurationException(param + ": feature '" + feature
                        + "' is mapped twice");
            }
        }
        return m;
    }
}
