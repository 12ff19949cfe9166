package dev.hotpath.spark;

import java.util.List;
import java.util.Objects;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.Model;

/**
 * Registers a Hotpath model as a SQL function, for SQL and PySpark users who do not build Spark ML pipelines:
 *
 * <pre>{@code
 * HotpathSql.register(spark, "fraud_score", "s3a://models/fraud-v8.ubj");
 * spark.sql("SELECT id, fraud_score(struct(*)) AS score FROM payments");                 // bind by column name
 * spark.sql("SELECT fraud_score(named_struct('amount', amount_eur, 'velocity', v)) FROM payments");
 * spark.sql("SELECT fraud_score(features) FROM assembled");   // a Vector or array<float|double>, model order
 * }</pre>
 *
 * From PySpark: {@code spark._jvm.dev.hotpath.spark.HotpathSql.register(spark._jsparkSession, "fraud_score",
 * "s3a://models/fraud-v8.ubj")}, then {@code spark.sql(...)} or {@code F.expr("fraud_score(struct(*))")}.
 *
 * <p>The function returns the model's output {@code outputIndex} as a {@code float}, exactly as the transformer
 * and {@code Model.score} do: a struct argument binds its fields to the model's features by name (the same value
 * rules as {@link HotpathTransformer}: null is missing, numbers are cast to float as Java does, booleans are 1/0; a
 * feature without a field is an error naming it), a vector or array argument holds every feature in the model's
 * order (unstored sparse entries per {@code sparseAbsent}). The model file is read and compiled on the driver
 * when the function is registered, so an unreadable model fails there, naming the file; the bytes are broadcast
 * once and each executor compiles one model per file content, shared with the transformer. Because a SQL
 * function sees its argument's type only when a query runs, a missing feature field fails the query's first task
 * (with the field named) rather than the registration. Rows are scored one at a time (SQL functions are called
 * per row); the transformer is the faster path for large tables.
 *
 * <p>Stateless; {@link #register} is thread-safe as far as the session's function registry is.
 */
public final class HotpathSql {
    private HotpathSql() {
    }

    /**
     * Registers {@code name(features)} returning the model's first output.
     *
     * @param spark the session to register in
     * @param name the SQL function name
     * @param modelPath the model file; any Hadoop path
     * @throws dev.hotpath.scoring.ModelFormatException naming the file if it cannot be read or is not a model
     */
    public static void register(SparkSession spark, String name, String modelPath) {
        register(spark, name, modelPath, 0, SparseAbsent.ZERO);
    }

    /**
     * Registers {@code name(features)} returning the model's output {@code outputIndex}.
     *
     * @param spark the session to register in
     * @param name the SQL function name
     * @param modelPath the model file; any Hadoop path
     * @param outputIndex which model output the function returns
     * @param sparseAbsent what a sparse vector's unstored entries mean
     * @throws dev.hotpath.scoring.ModelFormatException naming the file if it cannot be read or is not a model
     * @throws ConfigurationException if the name is blank or the output index does not fit the model
     */
    public static void register(SparkSession spark, String name, String modelPath, int outputIndex,
            SparseAbsent sparseAbsent) {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(sparseAbsent, "sparseAbsent");
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new ConfigurationException("SQL function name must be an identifier, got '" + name + "'");
        }
        if (modelPath == null || modelPath.isBlank()) {
            throw new ConfigurationException("model path must be non-empty");
        }
        LoadedModel lm = LoadedModel.open(spark, modelPath);
        Model m = lm.model();
        if (outputIndex < 0 || outputIndex >= m.numOutputs()) {
            throw new ConfigurationException("outputIndex " + outputIndex + " is out of range: " + modelPath
                    + " has " + m.numOutputs() + " output(s) " + m.outputNames());
        }
        List<String> features = List.copyOf(m.featureNames());
        spark.udf().register(name, new RowScoreFunction(lm.broadcast(spark), features, m.numOutputs(), outputIndex,
                sparseAbsent == SparseAbsent.ZERO ? 0.0f : Float.NaN), DataTypes.FloatType);
    }
}
