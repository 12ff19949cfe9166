package dev.hotpath.spark;

import static dev.hotpath.spark.SparkTestSupport.FEATURES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskStart;
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
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.scoring.HotpathException;
import dev.hotpath.scoring.ModelFormatException;
import ml.dmlc.xgboost4j.java.Booster;

/**
 * Bad input fails on the driver, in {@code transform}, with a message naming the column or file, and before any
 * Spark job or task has run.
 */
class HotpathTransformerInputErrorsTest {
    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static Path model;
    private static final AtomicInteger JOBS = new AtomicInteger();
    private static final AtomicInteger TASKS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        model = dir.resolve("fraud.json");
        Booster b = SparkTestSupport.train(2, model);
        b.dispose();
        spark = SparkTestSupport.session("HotpathTransformerInputErrorsTest");
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart jobStart) {
                JOBS.incrementAndGet();
            }

            @Override
            public void onTaskStart(SparkListenerTaskStart taskStart) {
                TASKS.incrementAndGet();
            }
        });
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static Dataset<Row> frame(String[] names, DataType[] types) {
        List<StructField> fields = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            fields.add(DataTypes.createStructField(names[i], types[i], true));
        }
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < 10; r++) {
            Object[] v = new Object[names.length];
            for (int i = 0; i < names.length; i++) {
                v[i] = types[i] == DataTypes.StringType ? "x" + r : (Object) (double) r;
            }
            rows.add(RowFactory.create(v));
        }
        return spark.createDataFrame(rows, new StructType(fields.toArray(new StructField[0])));
    }

    private static DataType[] doubles(int n) {
        DataType[] t = new DataType[n];
        java.util.Arrays.fill(t, DataTypes.DoubleType);
        return t;
    }

    /** Waits until the listeners have seen every event posted so far. */
    private static void drainListenerBus() {
        try {
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("Spark's listener bus did not drain", e);
        }
    }

    /** Runs {@code call}, expects {@code type}, and checks that no job or task started meanwhile. */
    private static <T extends Throwable> T failsBeforeAnyTask(Class<T> type, Executable call) {
        drainListenerBus();
        int jobs = JOBS.get();
        int tasks = TASKS.get();
        T e = assertThrows(type, call);
        drainListenerBus();
        assertEquals(jobs, JOBS.get(), "no Spark job may start");
        assertEquals(tasks, TASKS.get(), "no Spark task may start");
        return e;
    }

    @Test
    void shouldNameTheMissingFeatureColumnBeforeAnyTaskRuns() {
        String[] names = {"amount", "velocity", "account_age", "risk", "card_present"}; // no "hour"
        Dataset<Row> in = frame(names, doubles(names.length));
        SparkInputException e = failsBeforeAnyTask(SparkInputException.class,
                () -> new HotpathTransformer().setModelPath(model.toString()).transform(in));
        assertEquals("hour", e.column());
        assertTrue(e.getMessage().contains("'hour'"), e.getMessage());
        assertThrows(SparkInputException.class,
                () -> new HotpathTransformer().setModelPath(model.toString()).transformSchema(in.schema()));
    }

    @Test
    void shouldNameTheMappedColumnThatDoesNotExist() {
        Dataset<Row> in = frame(FEATURES, doubles(FEATURES.length));
        SparkInputException e = failsBeforeAnyTask(SparkInputException.class,
                () -> new HotpathTransformer().setModelPath(model.toString())
                        .setFeatureColumns("amount=amount_usd").transform(in));
        assertEquals("amount_usd", e.column());
        assertTrue(e.getMessage().contains("'amount_usd'") && e.getMessage().contains("'amount'"), e.getMessage());
    }

    @Test
    void shouldNameTheColumnOfAnUnreadableType() {
        DataType[] types = doubles(FEATURES.length);
        types[1] = DataTypes.StringType; // velocity
        Dataset<Row> in = frame(FEATURES, types);
        SparkInputException e = failsBeforeAnyTask(SparkInputException.class,
                () -> new HotpathTransformer().setModelPath(model.toString()).transform(in));
        assertEquals("velocity", e.column());
        assertTrue(e.getMessage().contains("'velocity'") && e.getMessage().contains("string"), e.getMessage());
    }

    @Test
    void shouldNameTheFeaturesColumnOfAnUnreadableType() {
        Dataset<Row> in = frame(new String[] {"features"}, new DataType[] {DataTypes.StringType});
        SparkInputException e = failsBeforeAnyTask(SparkInputException.class,
                () -> new HotpathTransformer().setModelPath(model.toString()).setFeaturesCol("features")
                        .transform(in));
        assertEquals("features", e.column());
        assertTrue(e.getMessage().contains("vector"), e.getMessage());
    }

    @Test
    void shouldNameAModelFileThatIsNotAModel() throws Exception {
        Path junk = dir.resolve("not-a-model.json");
        Files.writeString(junk, "{\"hello\": \"world\"}", StandardCharsets.UTF_8);
        Dataset<Row> in = frame(FEATURES, doubles(FEATURES.length));
        HotpathException e = failsBeforeAnyTask(HotpathException.class,
                () -> new HotpathTransformer().setModelPath(junk.toString()).transform(in));
        assertTrue(e.getMessage().contains("not-a-model.json"), e.getMessage());
    }

    @Test
    void shouldNameAModelFileThatDoesNotExist() {
        Path absent = dir.resolve("no-such-model.ubj");
        Dataset<Row> in = frame(FEATURES, doubles(FEATURES.length));
        ModelFormatException e = failsBeforeAnyTask(ModelFormatException.class,
                () -> new HotpathTransformer().setModelPath(absent.toString()).transform(in));
        assertTrue(e.getMessage().contains("no-such-model.ubj") && e.getMessage().contains("not found"),
                e.getMessage());
    }

    @Test
    void shouldSeeJobsWhenTheTransformationRuns() {
        // Control: the listener does see the jobs and tasks of a valid transformation.
        drainListenerBus();
        int tasks = TASKS.get();
        long n = new HotpathTransformer().setModelPath(model.toString())
                .transform(frame(FEATURES, doubles(FEATURES.length))).count();
        assertEquals(10, n);
        drainListenerBus();
        assertTrue(TASKS.get() > tasks, "the listener must see tasks, or the other tests prove nothing");
    }
}
