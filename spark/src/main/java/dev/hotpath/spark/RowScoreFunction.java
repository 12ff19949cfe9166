package dev.hotpath.spark;

import java.util.Arrays;
import java.util.List;

import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.StructType;

import dev.hotpath.scoring.Model;

/**
 * The SQL function behind {@link HotpathSql}: scores one row given as a struct (fields bound to features by name),
 * a {@code Vector} or an array (features in model order). Serialisable with the query plan; per executor thread it
 * keeps one feature row and one output buffer, and per distinct struct schema one name binding.
 */
final class RowScoreFunction implements UDF1<Object, Float> {
    private static final long serialVersionUID = 1L;

    private final BroadcastModel model;
    private final List<String> features;
    private final int numOutputs;
    private final int outputIndex;
    private final float absentValue;

    private transient ThreadLocal<float[][]> buffers;
    /** The last struct schema seen and its binding: field index per feature. Racy but benign (immutable pairs). */
    private transient volatile Bound bound;

    private static final class Bound {
        final StructType schema;
        final int[] fieldOfFeature;

        Bound(StructType schema, int[] fieldOfFeature) {
            this.schema = schema;
            this.fieldOfFeature = fieldOfFeature;
        }
    }

    RowScoreFunction(BroadcastModel model, List<String> features, int numOutputs, int outputIndex,
            float absentValue) {
        this.model = model;
        this.features = features;
        this.numOutputs = numOutputs;
        this.outputIndex = outputIndex;
        this.absentValue = absentValue;
    }

    @Override
    public Float call(Object arg) {
        Model m = model.model();
        float[][] b = buffers();
        float[] x = b[0];
        int nf = x.length;
        if (arg == null) {
            Arrays.fill(x, Float.NaN);
        } else if (arg instanceof Row) {
            readStruct((Row) arg, x);
        } else if (arg instanceof DenseVector) {
            double[] v = ((DenseVector) arg).values();
            checkSize(v.length, nf);
            for (int i = 0; i < nf; i++) {
                x[i] = (float) v[i];
            }
        } else if (arg instanceof SparseVector) {
            SparseVector v = (SparseVector) arg;
            checkSize(v.size(), nf);
            Arrays.fill(x, absentValue);
            int[] idx = v.indices();
            double[] val = v.values();
            for (int k = 0; k < idx.length; k++) {
                x[idx[k]] = (float) val[k];
            }
        } else if (arg instanceof scala.collection.Seq) {
            scala.collection.Seq<?> s = (scala.collection.Seq<?>) arg;
            checkSize(s.length(), nf);
            for (int i = 0; i < nf; i++) {
                x[i] = value(s.apply(i), "element " + i);
            }
        } else {
            throw new SparkInputException(null, "the Hotpath SQL function takes a struct (e.g. struct(*)), a vector"
                    + " or an array of numbers; got " + arg.getClass().getName());
        }
        m.score(x, 1, b[1]);
        return b[1][outputIndex];
    }

    private void readStruct(Row row, float[] x) {
        StructType schema = row.schema();
        if (schema == null) {
            throw new SparkInputException(null, "the struct argument has no field names; use struct(...) or"
                    + " named_struct(...)");
        }
        Bound b = bound;
        if (b == null || !b.schema.equals(schema)) {
            b = bind(schema);
            bound = b;
        }
        int[] fields = b.fieldOfFeature;
        for (int f = 0; f < fields.length; f++) {
            int i = fields[f];
            x[f] = row.isNullAt(i) ? Float.NaN : value(row.get(i), "field '" + schema.fieldNames()[i] + "'");
        }
    }

    private Bound bind(StructType schema) {
        int[] fields = new int[features.size()];
        for (int f = 0; f < fields.length; f++) {
            int i = FeatureBinding.fieldIndex(schema, features.get(f));
            if (i < 0) {
                throw new SparkInputException(features.get(f), "the struct argument has no field '"
                        + features.get(f) + "' for the model's feature of that name; "
                        + Names.listed("its fields", List.of(schema.fieldNames()))
                        + ". Rename with named_struct('" + features.get(f) + "', column, ...)");
            }
            if (FeatureBinding.scalarKind(schema.fields()[i].dataType()) < 0) {
                throw new SparkInputException(features.get(f), "field '" + features.get(f) + "' has type "
                        + schema.fields()[i].dataType().simpleString() + "; expected "
                        + FeatureBinding.SCALAR_TYPES + " (null = missing)");
            }
            fields[f] = i;
        }
        return new Bound(schema, fields);
    }

    /** The transformer's value rules (see {@link FeatureBinding}) for a boxed value. */
    private static float value(Object v, String where) {
        if (v == null) {
            return Float.NaN;
        }
        if (v instanceof Number) {
            // floatValue() is Java's narrowing cast for Double, Float, Long, Integer, Short and Byte.
            return ((Number) v).floatValue();
        }
        if (v instanceof Boolean) {
            return (Boolean) v ? 1.0f : 0.0f;
        }
        throw new SparkInputException(null, where + " is a " + v.getClass().getSimpleName() + "; expected "
                + FeatureBinding.SCALAR_TYPES);
    }

    private static void checkSize(int size, int nf) {
        if (size != nf) {
            throw new SparkInputException(null, "the vector or array argument has " + size + " values; the model has "
                    + nf + " features (in the model's order)");
        }
    }

    private float[][] buffers() {
        ThreadLocal<float[][]> t = buffers;
        if (t == null) {
            int nf = features.size();
            t = ThreadLocal.withInitial(() -> new float[][] {new float[Math.max(1, nf)], new float[numOutputs]});
            buffers = t;
        }
        return t.get();
    }
}
