package dev.hotpath.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;

import dev.hotpath.scoring.ConfigurationException;

/**
 * The two places where Hotpath leaves Spark's public Dataset API: it scores Catalyst's internal rows (no boxing of
 * every value into a {@code Row}, which would cost more than the model) and wraps the result back into a DataFrame
 * with {@code internalCreateDataFrame}. Both exist only in classic (non-Connect) Spark, where transformers run
 * (a Spark Connect server runs them in its classic session). Stateless.
 */
final class ClassicSpark {
    private ClassicSpark() {
    }

    static org.apache.spark.sql.classic.Dataset<?> dataset(Dataset<?> ds) {
        if (ds instanceof org.apache.spark.sql.classic.Dataset) {
            return (org.apache.spark.sql.classic.Dataset<?>) ds;
        }
        throw new ConfigurationException("Hotpath scores classic Spark Datasets; got a " + ds.getClass().getName()
                + " (a Spark Connect client Dataset: register the transformer on the Connect server through"
                + " Spark Connect ML instead)");
    }

    static org.apache.spark.sql.classic.SparkSession session(SparkSession spark) {
        if (spark instanceof org.apache.spark.sql.classic.SparkSession) {
            return (org.apache.spark.sql.classic.SparkSession) spark;
        }
        throw new ConfigurationException("Hotpath needs a classic SparkSession; got " + spark.getClass().getName());
    }
}
