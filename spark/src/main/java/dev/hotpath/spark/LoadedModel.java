package dev.hotpath.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import dev.hotpath.scoring.Model;

/**
 * A model as the driver holds it: the file's bytes, the compiled model (used to validate the input schema before
 * any task runs, and shared with this JVM's tasks in local mode) and, once a job needs it, the broadcast the
 * executors compile their own copy from. Not thread-safe: owned by one transformer or SQL registration.
 */
final class LoadedModel {
    private final ModelBytes bytes;
    private final Model model;
    private final Object sparkContext;
    private BroadcastModel broadcast;

    private LoadedModel(ModelBytes bytes, Model model, Object sparkContext) {
        this.bytes = bytes;
        this.model = model;
        this.sparkContext = sparkContext;
    }

    /**
     * Reads and compiles a model file on the driver.
     *
     * @param spark the session whose Hadoop configuration reads the path
     * @param path the model file (any Hadoop path)
     * @return the loaded model
     * @throws dev.hotpath.scoring.ModelFormatException naming the path if it cannot be read or is not a model
     */
    static LoadedModel open(SparkSession spark, String path) {
        ModelBytes b = ModelBytes.read(path, spark.sparkContext().hadoopConfiguration());
        Model m = ExecutorModels.adopt(b.sha256(), b.load());
        return new LoadedModel(b, m, spark.sparkContext());
    }

    /** @return whether this was loaded for {@code spark}'s context from {@code path} */
    boolean isFor(SparkSession spark, String path) {
        return sparkContext == spark.sparkContext() && bytes.source().equals(path);
    }

    Model model() {
        return model;
    }

    String path() {
        return bytes.source();
    }

    String sha256() {
        return bytes.sha256();
    }

    /** @return the executors' handle, broadcasting the bytes on first call */
    BroadcastModel broadcast(SparkSession spark) {
        if (broadcast == null) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            broadcast = new BroadcastModel(bytes.source(), bytes.sha256(), jsc.broadcast(bytes.bytes()));
        }
        return broadcast;
    }
}
