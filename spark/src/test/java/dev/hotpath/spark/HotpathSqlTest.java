package dev.hotpath.spark;

import static dev.hotpath.spark.SparkTestSupport.FEATURES;
import static dev.hotpath.spark.SparkTestSupport.NF;
import static dev.hotpath.spark.SparkTestSupport.assertBits;
import static dev.hotpath.spark.SparkTestSupport.xgb;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;
import ml.dmlc.xgboost4j.java.Booster;

/** The SQL function scores exactly like the transformer, {@code Model.score} and XGBoost4J. */
class HotpathSqlTest {
    private static final int N = 300;

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static Booster booster;
    private static Path modelFile;
    private static float[] x;

    @BeforeAll
    static void start() throws Exception {
        modelFile = dir.resolve("fraud.ubj");
        booster = SparkTestSupport.train(2, modelFile);
        spark = SparkTestSupport.session("HotpathSqlTest");
        x = SparkTestSupport.rows(909, N, true);
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField("id", DataTypes.IntegerType, false));
        for (String f : FEATURES) {
            fields.add(DataTypes.createStructField(f, DataTypes.DoubleType, true));
        }
        fields.add(DataTypes.createStructField("features", SQLDataTypes.VectorType(), true));
        fields.add(DataTypes.createStructField("note", DataTypes.StringType, true));
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < N; r++) {
            Object[] v = new Object[NF + 3];
            v[0] = r;
            double[] d = new double[NF];
            for (int f = 0; f < NF; f++) {
                float a = x[r * NF + f];
                d[f] = a;
                v[f + 1] = Float.isNaN(a) && r % 2 == 0 ? null : (Object) (double) a;
            }
            v[NF + 1] = Vectors.dense(d);
            v[NF + 2] = "row " + r;
            rows.add(RowFactory.create(v));
        }
        spark.createDataFrame(rows, new StructType(fields.toArray(new StructField[0]))).repartition(2)
                .createOrReplaceTempView("payments");
        HotpathSql.register(spark, "fraud_score", modelFile.toString());
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        booster.dispose();
    }

    private static float[] query(String sql) {
        List<Row> rows = spark.sql(sql).collectAsList();
        assertEquals(N, rows.size());
        float[] out = new float[N];
        for (int i = 0; i < N; i++) {
            assertEquals(i, rows.get(i).getInt(0));
            out[i] = rows.get(i).getFloat(1);
        }
        return out;
    }

    @Test
    void shouldScoreAStructOfAllColumnsByNameBitForBit() throws Exception {
        float[] sql = query("SELECT id, fraud_score(struct(*)) FROM payments ORDER BY id");
        float[] expected = new float[N];
        try (Model m = ModelLoader.load(modelFile)) {
            m.score(x, N, expected);
        }
        assertBits(expected, sql, "SQL function vs Model.score");
        assertBits(xgb(booster, x, N, false), sql, "SQL function vs XGBoost4J");
        float[] transformer = new float[N];
        List<Row> t = new HotpathTransformer().setModelPath(modelFile.toString())
                .transform(spark.table("payments")).select("id", "score").orderBy("id").collectAsList();
        for (int i = 0; i < N; i++) {
            transformer[i] = t.get(i).getFloat(1);
        }
        assertBits(transformer, sql, "SQL function vs transformer");
    }

    @Test
    void shouldScoreAVectorArgumentInModelOrder() throws Exception {
        assertBits(xgb(booster, x, N, false), query("SELECT id, fraud_score(features) FROM payments ORDER BY id"),
                "SQL function on a vector vs XGBoost4J");
    }

    @Test
    void shouldNameTheFeatureAStructArgumentLacks() {
        Exception e = assertThrows(Exception.class, () -> spark.sql(
                "SELECT fraud_score(named_struct('amount', amount, 'velocity', velocity)) FROM payments").collect());
        String all = messages(e);
        assertTrue(all.contains("'account_age'"), all);
    }

    @Test
    void shouldNameAnUnreadableModelFileAtRegistration() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> HotpathSql.register(spark, "nope", dir.resolve("missing-model.json").toString()));
        assertTrue(e.getMessage().contains("missing-model.json"), e.getMessage());
    }

    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }
}
