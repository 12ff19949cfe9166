package dev.hotpath.spark;

import static dev.hotpath.spark.SparkTestSupport.FEATURES;
import static dev.hotpath.spark.SparkTestSupport.NF;
import static dev.hotpath.spark.SparkTestSupport.assertBits;
import static dev.hotpath.spark.SparkTestSupport.xgb;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.formats.ModelLoader;
import dev.hotpath.formats.onnx.OnnxTestModels;
import dev.hotpath.scoring.Model;
import ml.dmlc.xgboost4j.java.Booster;

/**
 * The transformer gives exactly the floats of {@code Model.score} and of XGBoost4J (trained here) on the same rows:
 * NaN, ±Infinity, ±0, nulls; columns bound by name, by an explicit map and through dense and sparse vectors; a
 * binary and a multi-class model; margins; an ONNX model.
 */
class HotpathTransformerParityTest {
    private static final int N = 400;

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static Booster binary;
    private static Booster multi;
    private static Path binaryFile;
    private static Path multiFile;
    private static Model binaryModel;
    private static Model multiModel;

    @BeforeAll
    static void start() throws Exception {
        binaryFile = dir.resolve("fraud.ubj");
        multiFile = dir.resolve("multi.json");
        binary = SparkTestSupport.train(2, binaryFile);
        multi = SparkTestSupport.train(3, multiFile);
        binaryModel = ModelLoader.load(binaryFile);
        multiModel = ModelLoader.load(multiFile);
        spark = SparkTestSupport.session("HotpathTransformerParityTest");
    }

    @AfterAll
    static void stop() throws Exception {
        if (spark != null) {
            spark.stop();
        }
        binaryModel.close();
        multiModel.close();
        binary.dispose();
        multi.dispose();
    }

    /** One row per feature row: id, then one column per feature; NaN cells alternate between null and NaN. */
    private static Dataset<Row> byColumns(float[] x, int n, String[] names, DataType[] types) {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField("id", DataTypes.IntegerType, false));
        for (int f = 0; f < NF; f++) {
            fields.add(DataTypes.createStructField(names[f], types[f], true));
        }
        List<Row> rows = new ArrayList<>();
        int nan = 0;
        for (int r = 0; r < n; r++) {
            Object[] v = new Object[NF + 1];
            v[0] = r;
            for (int f = 0; f < NF; f++) {
                float a = x[r * NF + f];
                if (Float.isNaN(a) && (nan++ & 1) == 0) {
                    v[f + 1] = null;
                } else if (types[f] == DataTypes.DoubleType) {
                    v[f + 1] = (double) a;
                } else if (types[f] == DataTypes.FloatType) {
                    v[f + 1] = a;
                } else if (types[f] == DataTypes.IntegerType) {
                    v[f + 1] = Float.isNaN(a) ? null : (int) a;
                } else if (types[f] == DataTypes.LongType) {
                    v[f + 1] = Float.isNaN(a) ? null : (long) a;
                } else {
                    v[f + 1] = Float.isNaN(a) ? null : a != 0f;
                }
            }
            rows.add(RowFactory.create(v));
        }
        return spark.createDataFrame(rows, new StructType(fields.toArray(new StructField[0]))).repartition(3);
    }

    /** Collects a float column in id order. */
    private static float[] collect(Dataset<Row> scored, String column) {
        List<Row> rows = scored.select("id", column).orderBy("id").collectAsList();
        float[] out = new float[rows.size()];
        for (int i = 0; i < out.length; i++) {
            assertEquals(i, rows.get(i).getInt(0));
            out[i] = rows.get(i).getFloat(1);
        }
        return out;
    }

    /** Collects an {@code array<float>} column in id order, row-major. */
    private static float[] collectArrays(Dataset<Row> scored, String column, int width) {
        List<Row> rows = scored.select("id", column).orderBy("id").collectAsList();
        float[] out = new float[rows.size() * width];
        for (int i = 0; i < rows.size(); i++) {
            List<Float> a = rows.get(i).getList(1);
            assertEquals(width, a.size());
            for (int k = 0; k < width; k++) {
                out[i * width + k] = a.get(k);
            }
        }
        return out;
    }

    private static float[] modelScores(Model m, float[] x, int n) {
        float[] out = new float[n * m.numOutputs()];
        m.score(x, n, out);
        return out;
    }

    private static DataType[] all(DataType t) {
        DataType[] types = new DataType[NF];
        Arrays.fill(types, t);
        return types;
    }

    @Test
    void shouldEqualModelScoreAndXgboostBitForBitWhenColumnsBindByName() throws Exception {
        float[] x = SparkTestSupport.rows(101, N, true);
        DataType[] types = {DataTypes.DoubleType, DataTypes.FloatType, DataTypes.DoubleType, DataTypes.FloatType,
            DataTypes.DoubleType, DataTypes.FloatType};
        Dataset<Row> scored = new HotpathTransformer().setModelPath(binaryFile.toString()).setOutputCol("score")
                .setMarginCol("margin").setBatchSize(7).transform(byColumns(x, N, FEATURES, types));

        float[] score = collect(scored, "score");
        assertBits(modelScores(binaryModel, x, N), score, "transformer vs Model.score");
        assertBits(xgb(binary, x, N, false), score, "transformer vs XGBoost4J");
        assertBits(xgb(binary, x, N, true), collect(scored, "margin"), "margin vs XGBoost4J");
        assertTrue(Arrays.asList(scored.columns()).containsAll(List.of(FEATURES)), "input columns pass through");
    }

    @Test
    void shouldConvertIntLongAndBooleanColumnsLikeAJavaCaller() throws Exception {
        float[] x = SparkTestSupport.rows(202, N, false);
        for (int r = 0; r < N; r++) {
            for (int f : new int[] {2, 4, 5}) {
                float v = x[r * NF + f];
                x[r * NF + f] = Float.isNaN(v) ? v : f == 5 ? (v > 0 ? 1f : 0f) : (float) Math.floor(v * 3);
            }
        }
        DataType[] types = {DataTypes.DoubleType, DataTypes.FloatType, DataTypes.LongType, DataTypes.DoubleType,
            DataTypes.IntegerType, DataTypes.BooleanType};
        float[] score = collect(new HotpathTransformer().setModelPath(binaryFile.toString())
                .transform(byColumns(x, N, FEATURES, types)), "score");
        assertBits(modelScores(binaryModel, x, N), score, "transformer vs Model.score");
        assertBits(xgb(binary, x, N, false), score, "transformer vs XGBoost4J");
    }

    @Test
    void shouldBindRenamedColumnsThroughTheExplicitMap() throws Exception {
        float[] x = SparkTestSupport.rows(303, N, true);
        String[] names = FEATURES.clone();
        names[0] = "amount_eur";
        names[3] = "risk_v2";
        float[] score = collect(new HotpathTransformer().setModelPath(binaryFile.toString())
                .setFeatureColumns(Map.of("amount", "amount_eur", "risk", "risk_v2"))
                .transform(byColumns(x, N, names, all(DataTypes.DoubleType))), "score");
        assertBits(xgb(binary, x, N, false), score, "transformer vs XGBoost4J");
    }

    /** A vector column: dense, or sparse storing every entry except exact zeros. */
    private static Dataset<Row> byVector(float[] x, int n, boolean sparse) {
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            double[] d = new double[NF];
            for (int f = 0; f < NF; f++) {
                d[f] = x[r * NF + f];
            }
            Vector v;
            if (sparse) {
                int k = 0;
                int[] idx = new int[NF];
                double[] val = new double[NF];
                for (int f = 0; f < NF; f++) {
                    if (d[f] != 0.0) {
                        idx[k] = f;
                        val[k++] = d[f];
                    }
                }
                v = Vectors.sparse(NF, Arrays.copyOf(idx, k), Arrays.copyOf(val, k));
            } else {
                v = Vectors.dense(d);
            }
            rows.add(RowFactory.create(r, r % 17 == 5 ? null : v));
        }
        StructType schema = new StructType(new StructField[] {
            DataTypes.createStructField("id", DataTypes.IntegerType, false),
            DataTypes.createStructField("features", SQLDataTypes.VectorType(), true)});
        return spark.createDataFrame(rows, schema).repartition(2);
    }

    /** The rows as the model sees them: a null vector is all missing; unstored zeros are {@code absent}. */
    private static float[] asSeen(float[] x, int n, float absent) {
        float[] e = x.clone();
        for (int r = 0; r < n; r++) {
            for (int f = 0; f < NF; f++) {
                if (r % 17 == 5) {
                    e[r * NF + f] = Float.NaN;
                } else if (e[r * NF + f] == 0f) {
                    e[r * NF + f] = absent;
                }
            }
        }
        return e;
    }

    @Test
    void shouldScoreDenseVectorsExactly() throws Exception {
        float[] x = SparkTestSupport.rows(404, N, true);
        float[] score = collect(new HotpathTransformer().setModelPath(binaryFile.toString())
                .setFeaturesCol("features").transform(byVector(x, N, false)), "score");
        float[] seen = x.clone();
        for (int r = 5; r < N; r += 17) {
            Arrays.fill(seen, r * NF, (r + 1) * NF, Float.NaN); // a null vector: every feature missing
        }
        assertBits(modelScores(binaryModel, seen, N), score, "dense vector vs Model.score");
        assertBits(xgb(binary, seen, N, false), score, "dense vector vs XGBoost4J");
    }

    @Test
    void shouldReadUnstoredSparseEntriesAsZeroByDefaultAndAsMissingWhenChosen() throws Exception {
        float[] x = SparkTestSupport.rows(505, N, true);
        Dataset<Row> in = byVector(x, N, true);
        float[] zero = collect(new HotpathTransformer().setModelPath(binaryFile.toString())
                .setFeaturesCol("features").transform(in), "score");
        float[] missing = collect(new HotpathTransformer().setModelPath(binaryFile.toString())
                .setFeaturesCol("features").setSparseAbsent(SparseAbsent.MISSING).transform(in), "score");

        float[] asZero = asSeen(x, N, 0f);
        float[] asMissing = asSeen(x, N, Float.NaN);
        assertBits(modelScores(binaryModel, asZero, N), zero, "sparse (absent = 0) vs Model.score");
        assertBits(xgb(binary, asZero, N, false), zero, "sparse (absent = 0) vs XGBoost4J dense");
        assertBits(modelScores(binaryModel, asMissing, N), missing, "sparse (absent = missing) vs Model.score");
        assertBits(xgb(binary, asMissing, N, false), missing, "sparse (absent = missing) vs XGBoost4J");
        assertNotEquals(Arrays.toString(zero), Arrays.toString(missing),
                "the model must tell 0 from missing somewhere, or this test proves nothing");
    }

    @Test
    void shouldWriteEveryClassProbabilityAndMarginOfAMultiClassModel() throws Exception {
        float[] x = SparkTestSupport.rows(606, N, true);
        Dataset<Row> scored = new HotpathTransformer().setModelPath(multiFile.toString()).setOutputCol("p1")
                .setOutputIndex(1).setOutputsCol("probs").setMarginsCol("margins")
                .transform(byColumns(x, N, FEATURES, all(DataTypes.DoubleType)));
        assertEquals(3, multiModel.numOutputs());
        float[] probs = collectArrays(scored, "probs", 3);
        assertBits(modelScores(multiModel, x, N), probs, "probabilities vs Model.score");
        assertBits(xgb(multi, x, N, false), probs, "probabilities vs XGBoost4J");
        assertBits(xgb(multi, x, N, true), collectArrays(scored, "margins", 3), "margins vs XGBoost4J");
        float[] p1 = collect(scored, "p1");
        for (int r = 0; r < N; r++) {
            assertEquals(Float.floatToRawIntBits(probs[r * 3 + 1]), Float.floatToRawIntBits(p1[r]), "row " + r);
        }
    }

    @Test
    void shouldScoreAnOnnxModelLikeModelScore() throws Exception {
        Path onnx = dir.resolve("trees.onnx");
        Files.write(onnx, OnnxTestModels.treeClassifier());
        try (Model m = ModelLoader.load(onnx)) {
            int nf = m.numFeatures();
            int n = 200;
            float[] x = new float[n * nf];
            float[] src = SparkTestSupport.rows(707, n, true);
            for (int r = 0; r < n; r++) {
                System.arraycopy(src, r * NF, x, r * nf, Math.min(nf, NF));
            }
            List<Row> rows = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                float[] v = Arrays.copyOfRange(x, r * nf, (r + 1) * nf);
                Float[] boxed = new Float[nf];
                for (int f = 0; f < nf; f++) {
                    boxed[f] = v[f];
                }
                rows.add(RowFactory.create(r, Arrays.asList(boxed)));
            }
            StructType schema = new StructType(new StructField[] {
                DataTypes.createStructField("id", DataTypes.IntegerType, false),
                DataTypes.createStructField("x", DataTypes.createArrayType(DataTypes.FloatType, true), true)});
            Dataset<Row> scored = new HotpathTransformer().setModelPath(onnx.toString()).setFeaturesCol("x")
                    .setOutputsCol("outputs").setOutputCol("")
                    .transform(spark.createDataFrame(rows, schema).repartition(2));
            assertBits(modelScores(m, x, n), collectArrays(scored, "outputs", m.numOutputs()),
                    "ONNX through the transformer vs Model.score (ONNX Runtime)");
        }
    }

    @Test
    void shouldShareOneCompiledModelPerFileContentInTheJvm() throws Exception {
        float[] x = SparkTestSupport.rows(808, N, false);
        String sha = ModelBytes.sha256(Files.readAllBytes(binaryFile));
        Path copy = dir.resolve("same-content-other-name.ubj");
        Files.copy(binaryFile, copy);
        int loads = ExecutorModels.loads();
        for (Path p : List.of(binaryFile, copy, binaryFile)) {
            long n = new HotpathTransformer().setModelPath(p.toString()).transform(
                    byColumns(x, N, FEATURES, all(DataTypes.DoubleType))).count();
            assertEquals(N, n);
        }
        assertTrue(ExecutorModels.isLoaded(sha), "cached under the file's SHA-256");
        // Local mode: the tasks of all three transformations (3 partitions each) use the driver's compiled model
        // for that content; none compiles its own from the broadcast bytes.
        assertEquals(loads, ExecutorModels.loads());
    }

    @Test
    void shouldKeepItsParamsWhenSavedAndLoaded() throws Exception {
        HotpathTransformer t = new HotpathTransformer().setModelPath(binaryFile.toString()).setOutputCol("s")
                .setFeatureColumns(Map.of("amount", "amount_eur")).setSparseAbsent(SparseAbsent.MISSING);
        Path saved = dir.resolve("saved-transformer");
        t.write().save(saved.toString());
        HotpathTransformer back = HotpathTransformer.load(saved.toString());
        assertEquals(t.uid(), back.uid());
        assertEquals(binaryFile.toString(), back.getModelPath());
        assertEquals("s", back.getOrDefault(back.outputCol()));
        assertEquals("missing", back.getOrDefault(back.sparseAbsent()));
        assertEquals(List.of("amount=amount_eur"), Arrays.asList(back.getOrDefault(back.featureColumns())));
    }
}
