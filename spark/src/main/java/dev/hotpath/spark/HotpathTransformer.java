package dev.hotpath.spark;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.Model;

/**
 * A Spark ML {@link Transformer} that scores every row with a Hotpath model: the same file, the same compiled
 * evaluator and therefore the same floats as the payment service that embeds Hotpath.
 *
 * <pre>{@code
 * Dataset<Row> scored = new HotpathTransformer()
 *         .setModelPath("s3a://models/fraud-v8.ubj")      // any format ModelLoader reads; any Hadoop path
 *         .setOutputCol("score")                          // float: the model's output 0
 *         .setFeatureColumns(Map.of("amount", "amount_eur"))   // the rest bind by name
 *         .transform(payments);
 * }</pre>
 *
 * <p>From PySpark, wrap the JVM class (no Python package needed):
 * <pre>
 * from pyspark.ml.wrapper import JavaTransformer
 * class HotpathTransformer(JavaTransformer):
 *     def __init__(self, **params):
 *         super().__init__()
 *         self._java_obj = self._new_java_obj("dev.hotpath.spark.HotpathTransformer", self.uid)
 *         for k, v in params.items():
 *             self._java_obj.set(k, v)
 * scored = HotpathTransformer(modelPath="s3a://models/fraud-v8.ubj").transform(df)
 * </pre>
 *
 * <h2>Features</h2>
 * Either every model feature binds to a column of its own — by default the column named like the feature
 * ({@code Model.featureNames()}, {@code f0 … f(n-1)} for files without names), with {@code featureColumns}
 * ({@code "feature=column"}) for the rest — or {@code featuresCol} names one {@code Vector} (dense or sparse) or
 * {@code array<float|double>} column holding all features in the model's order. Columns may be float, double, int,
 * long, short, byte or boolean; {@code null} is a missing value; what a sparse vector's unstored entries mean is the
 * explicit {@code sparseAbsent} choice ({@link SparseAbsent}, default {@code zero}). Missing columns, unreadable
 * types, a declared vector size that differs from the model's and an unreadable model file are reported on the
 * driver by {@link #transform} and {@link #transformSchema}, before any task runs, naming the column or file.
 *
 * <h2>Execution</h2>
 * The model file is read once on the driver (through the session's Hadoop file systems), compiled there to check
 * the schema, and its bytes are broadcast once. Each executor JVM compiles one model per distinct file (cached by
 * SHA-256, closed at shutdown); each partition is scored through the model's batch path with reused buffers
 * ({@code batchSize} rows per call). The input columns pass through unchanged.
 *
 * <p><b>Thread-safety:</b> like every Spark ML stage, configure it from one thread; {@link #transform} may then be
 * called from any thread. <b>Allocation:</b> per partition, the batch buffers; per row, nothing of Hotpath's own for
 * scalar outputs (array outputs allocate their array).
 */
public final class HotpathTransformer extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    /** The default {@link #batchSize()}. */
    public static final int DEFAULT_BATCH_SIZE = 128;
    /** The largest {@link #batchSize()}. */
    public static final int MAX_BATCH_SIZE = 65_536;

    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> outputCol;
    private final IntParam outputIndex;
    private final Param<String> outputsCol;
    private final Param<String> marginCol;
    private final Param<String> marginsCol;
    private final Param<String> featuresCol;
    private final StringArrayParam featureColumns;
    private final BooleanParam allowMissingColumns;
    private final Param<String> sparseAbsent;
    private final IntParam batchSize;

    private transient LoadedModel loaded;

    /** A transformer with a random uid. */
    public HotpathTransformer() {
        this(Identifiable$.MODULE$.randomUID("hotpath"));
    }

    /**
     * @param uid the stage's unique id (Spark ML and PySpark create stages with this constructor)
     */
    public HotpathTransformer(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "model file (XGBoost JSON/UBJSON/binary, ONNX, or any format"
                + " Hotpath's ModelLoader detects), any Hadoop path: local, hdfs://, s3a://");
        outputCol = new Param<>(this, "outputCol", "float column for the model output at outputIndex; '' for none");
        outputIndex = new IntParam(this, "outputIndex", "which model output outputCol and marginCol hold");
        outputsCol = new Param<>(this, "outputsCol", "array<float> column with every model output; '' for none");
        marginCol = new Param<>(this, "marginCol", "float column for the raw margin at outputIndex; '' for none");
        marginsCol = new Param<>(this, "marginsCol", "array<float> column with every raw margin; '' for none");
        featuresCol = new Param<>(this, "featuresCol", "one Vector or array<float|double> column with all features"
                + " in the model's order; '' (default) binds one column per feature by name");
        featureColumns = new StringArrayParam(this, "featureColumns", "'feature=column' pairs for features whose"
                + " column is named differently; the others bind by name");
        allowMissingColumns = new BooleanParam(this, "allowMissingColumns", "treat features without a column as"
                + " missing (NaN) in every row instead of failing");
        sparseAbsent = new Param<>(this, "sparseAbsent", "what a sparse vector's unstored entries are: 'zero'"
                + " (default, Spark ML's meaning) or 'missing' (xgboost4j-spark's)");
        batchSize = new IntParam(this, "batchSize", "rows per call of the model's batch path, 1.."
                + MAX_BATCH_SIZE);
        setDefault(outputCol, "score");
        setDefault(outputIndex, 0);
        setDefault(outputsCol, "");
        setDefault(marginCol, "");
        setDefault(marginsCol, "");
        setDefault(featuresCol, "");
        setDefault(featureColumns, new String[0]);
        setDefault(allowMissingColumns, false);
        setDefault(sparseAbsent, SparseAbsent.ZERO.key());
        setDefault(batchSize, DEFAULT_BATCH_SIZE);
    }

    @Override
    public String uid() {
        return uid;
    }

    // ------------------------------------------------------------------ params

    /** @return the model file param */
    public Param<String> modelPath() {
        return modelPath;
    }

    /** @return the score column param (default {@code score}) */
    public Param<String> outputCol() {
        return outputCol;
    }

    /** @return the output index param (default 0) */
    public IntParam outputIndex() {
        return outputIndex;
    }

    /** @return the all-outputs column param (default none) */
    public Param<String> outputsCol() {
        return outputsCol;
    }

    /** @return the margin column param (default none) */
    public Param<String> marginCol() {
        return marginCol;
    }

    /** @return the all-margins column param (default none) */
    public Param<String> marginsCol() {
        return marginsCol;
    }

    /** @return the vector features column param (default none: bind by name) */
    public Param<String> featuresCol() {
        return featuresCol;
    }

    /** @return the explicit feature → column pairs param */
    public StringArrayParam featureColumns() {
        return featureColumns;
    }

    /** @return the allow-missing-columns param (default false) */
    public BooleanParam allowMissingColumns() {
        return allowMissingColumns;
    }

    /** @return the sparse-vector absent-entry param (default {@code zero}) */
    public Param<String> sparseAbsent() {
        return sparseAbsent;
    }

    /** @return the batch size param (default {@value #DEFAULT_BATCH_SIZE}) */
    public IntParam batchSize() {
        return batchSize;
    }

    /**
     * @param path the model file; any Hadoop path
     * @return this
     */
    public HotpathTransformer setModelPath(String path) {
        set(modelPath, path);
        return this;
    }

    /**
     * @param column the float column for the output at {@link #outputIndex()}, or {@code ""} for none
     * @return this
     */
    public HotpathTransformer setOutputCol(String column) {
        set(outputCol, column);
        return this;
    }

    /**
     * @param index which model output {@link #outputCol()} and {@link #marginCol()} hold
     * @return this
     */
    public HotpathTransformer setOutputIndex(int index) {
        set(outputIndex, index);
        return this;
    }

    /**
     * @param column the {@code array<float>} column for every output, or {@code ""} for none
     * @return this
     */
    public HotpathTransformer setOutputsCol(String column) {
        set(outputsCol, column);
        return this;
    }

    /**
     * @param column the float column for the raw margin at {@link #outputIndex()}, or {@code ""} for none
     * @return this
     */
    public HotpathTransformer setMarginCol(String column) {
        set(marginCol, column);
        return this;
    }

    /**
     * @param column the {@code array<float>} column for every raw margin, or {@code ""} for none
     * @return this
     */
    public HotpathTransformer setMarginsCol(String column) {
        set(marginsCol, column);
        return this;
    }

    /**
     * @param column one Vector or {@code array<float|double>} column with all features in the model's order, or
     *     {@code ""} to bind one column per feature
     * @return this
     */
    public HotpathTransformer setFeaturesCol(String column) {
        set(featuresCol, column);
        return this;
    }

    /**
     * @param pairs {@code feature=column} pairs
     * @return this
     */
    public HotpathTransformer setFeatureColumns(String... pairs) {
        set(featureColumns, pairs.clone());
        return this;
    }

    /**
     * @param map feature name → column name, for features whose column is named differently
     * @return this
     */
    public HotpathTransformer setFeatureColumns(Map<String, String> map) {
        String[] pairs = new String[map.size()];
        int i = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            pairs[i++] = e.getKey() + "=" + e.getValue();
        }
        Arrays.sort(pairs);
        set(featureColumns, pairs);
        return this;
    }

    /**
     * @param allow treat features without a column as missing in every row instead of failing
     * @return this
     */
    public HotpathTransformer setAllowMissingColumns(boolean allow) {
        set(allowMissingColumns, allow);
        return this;
    }

    /**
     * @param absent what a sparse vector's unstored entries mean
     * @return this
     */
    public HotpathTransformer setSparseAbsent(SparseAbsent absent) {
        set(sparseAbsent, absent.key());
        return this;
    }

    /**
     * @param rows rows per call of the model's batch path, {@code 1..}{@value #MAX_BATCH_SIZE}
     * @return this
     */
    public HotpathTransformer setBatchSize(int rows) {
        set(batchSize, rows);
        return this;
    }

    /** @return the model file */
    public String getModelPath() {
        return getOrDefault(modelPath);
    }

    // ------------------------------------------------------------------ transformation

    @Override
    public StructType transformSchema(StructType schema) {
        return plan(SparkSession.active(), schema).outputSchema;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        SparkSession spark = dataset.sparkSession();
        Plan p = plan(spark, dataset.schema());
        org.apache.spark.sql.classic.Dataset<?> classic = ClassicSpark.dataset(dataset);
        JavaRDD<InternalRow> in = classic.queryExecution().toRdd().toJavaRDD();
        PartitionScorer scorer = new PartitionScorer(p.model.broadcast(spark), p.binding, p.outputs,
                intParam(batchSize), dataset.schema().size());
        JavaRDD<InternalRow> out = in.mapPartitions(scorer, true);
        return ClassicSpark.session(spark).internalCreateDataFrame(out.rdd(), p.outputSchema, false);
    }

    @Override
    public HotpathTransformer copy(ParamMap extra) {
        return (HotpathTransformer) defaultCopy(extra);
    }

    /**
     * @return a reader for transformers saved with {@code write().save(path)} (also inside saved pipelines)
     */
    public static MLReader<HotpathTransformer> read() {
        return new DefaultParamsReadable<HotpathTransformer>() {
        }.read();
    }

    /**
     * @param path where a transformer was saved
     * @return the transformer
     */
    public static HotpathTransformer load(String path) {
        return read().load(path);
    }

    /** Everything a transformation needs, resolved on the driver. */
    private static final class Plan {
        final LoadedModel model;
        final FeatureBinding binding;
        final OutputSpec outputs;
        final StructType outputSchema;

        Plan(LoadedModel model, FeatureBinding binding, OutputSpec outputs, StructType outputSchema) {
            this.model = model;
            this.binding = binding;
            this.outputs = outputs;
            this.outputSchema = outputSchema;
        }
    }

    private Plan plan(SparkSession spark, StructType schema) {
        if (!isDefined(modelPath) || getOrDefault(modelPath).isBlank()) {
            throw new ConfigurationException("modelPath is not set: setModelPath(\"path/to/model\")");
        }
        int batch = intParam(batchSize);
        if (batch < 1 || batch > MAX_BATCH_SIZE) {
            throw new ConfigurationException("batchSize must be in 1.." + MAX_BATCH_SIZE + ", got " + batch);
        }
        LoadedModel lm = model(spark);
        Model m = lm.model();
        FeatureBinding binding = binding(m, schema);
        OutputSpec outputs = OutputSpec.of(m, schema, getOrDefault(outputCol), intParam(outputIndex),
                getOrDefault(outputsCol), getOrDefault(marginCol), getOrDefault(marginsCol));
        return new Plan(lm, binding, outputs, outputs.appendTo(schema));
    }

    /**
     * Binds the model's features to the input schema with this transformer's params.
     *
     * @throws SparkInputException naming the column if a feature has no usable column
     */
    FeatureBinding binding(Model m, StructType schema) {
        String vector = getOrDefault(featuresCol);
        SparseAbsent absent = SparseAbsent.parse(getOrDefault(sparseAbsent));
        if (!vector.isEmpty()) {
            if (getOrDefault(featureColumns).length > 0) {
                throw new ConfigurationException("featuresCol and featureColumns exclude each other: one vector"
                        + " column holds every feature in the model's order");
            }
            return FeatureBinding.byVector(m.numFeatures(), schema, vector, absent);
        }
        Map<String, String> explicit = FeatureBinding.parsePairs(getOrDefault(featureColumns), "featureColumns");
        List<String> names = m.featureNames();
        return FeatureBinding.byName(names, schema, explicit, (Boolean) getOrDefault(allowMissingColumns));
    }

    /** @return the driver's copy of the model, read once per transformer and session */
    synchronized LoadedModel model(SparkSession spark) {
        String path = getOrDefault(modelPath);
        if (loaded == null || !loaded.isFor(spark, path)) {
            loaded = LoadedModel.open(spark, path);
        }
        return loaded;
    }

    private int intParam(IntParam p) {
        return (Integer) getOrDefault(p);
    }

    @Override
    public String toString() {
        return "HotpathTransformer[" + uid + (isDefined(modelPath) ? ", " + getOrDefault(modelPath) : "") + "]";
    }
}
