package dev.hotpath.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hotpath.scoring.Model;

/**
 * The compiled models of this JVM (an executor, or the driver in local mode), one per model content: keyed by the
 * SHA-256 of the model file, so every task, transformer and SQL call that scores with the same file shares one
 * immutable, thread-safe {@link Model}, compiled once from the broadcast bytes. Models are closed when the JVM
 * shuts down (ONNX models hold native memory); they are never evicted before, so a long-lived executor holds every
 * distinct model it has scored with.
 *
 * <p>Thread-safe: concurrent tasks asking for a model that is not loaded yet wait for one load.
 */
final class ExecutorModels {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
    private static final ConcurrentHashMap<String, Model> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "hotpath-spark-models-close"));
    }

    private ExecutorModels() {
    }

    /**
     * @param ref the model's identity and broadcast bytes
     * @return this JVM's compiled model for it, loaded on first use
     */
    static Model get(BroadcastModel ref) {
        Model m = MODELS.get(ref.sha256());
        if (m != null) {
            return m;
        }
        return MODELS.computeIfAbsent(ref.sha256(), k -> {
            LOADS.incrementAndGet();
            Model loaded = ModelBytes.load(ref.source(), ref.bytes().value(), k);
            LOG.info("Hotpath: compiled model {} (sha256 {}) in this JVM", ref.source(), k);
            return loaded;
        });
    }

    /**
     * Makes a model the driver has already compiled (to validate it) the one this JVM uses for its content, so local
     * mode compiles each model once.
     *
     * @param sha256 the model file's SHA-256
     * @param model the driver's model
     * @return the model to use: {@code model}, or the one cached before (then {@code model} is closed)
     */
    static Model adopt(String sha256, Model model) {
        Model prior = MODELS.putIfAbsent(sha256, model);
        if (prior != null && prior != model) {
            model.close();
            return prior;
        }
        return model;
    }

    /** @return how many models this JVM has compiled from broadcast bytes (for tests) */
    static int loads() {
        return LOADS.get();
    }

    /** @return whether a model with this SHA-256 is compiled in this JVM */
    static boolean isLoaded(String sha256) {
        return MODELS.containsKey(sha256);
    }

    static void closeAll() {
        List<Model> models = new ArrayList<>(MODELS.values());
        MODELS.clear();
        for (Model m : models) {
            try {
                m.close();
            } catch (RuntimeException e) {
                // Shutting down: nothing left to do about a model that fails to close.
            }
        }
    }
}
