package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.HotpathException;
import dev.hotpath.scoring.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys models by watching a directory: when its {@code current} entry points at a new file, the file is loaded
 * and swapped in through {@link Scorer#swapPrimary} (binding and parity gate included). A model that fails to load
 * or is refused is logged with the report and not retried until {@code current} changes again; the serving model
 * is untouched.
 *
 * <p>{@code current} is either a symbolic link to the model file (deploy with {@code ln -sfn v8.json current.tmp &&
 * mv -T current.tmp current}), or a small text file {@code CURRENT} holding the model file's name (write a temp file
 * and rename it). The model id is the file name.
 *
 * <p>A load that throws anything, {@link Error}s included, is logged, recorded in {@link #lastError()} and leaves
 * the serving model in place; polling continues.
 *
 * <p><b>Models you do not build yourself</b> can crash the JVM inside a native library (ONNX Runtime aborts on some
 * corrupt graphs), which no exception handler survives. Give such deployments a loader that checks each file in a
 * child JVM first, from model-formats: {@code file -> ModelLoader.load(file,
 * LoadOptions.defaults().withChildJvmCheck(ChildJvmCheck.builder().rows(names, goldenRows).build()))}. A crash
 * then kills only the child, and the watcher records the refusal like any other.
 *
 * <p>Polls on one daemon thread. Thread-safe; {@link #close()} stops polling.
 */
public final class ModelDirectoryWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelDirectoryWatcher.class);

    private final Path dir;
    private final Function<Path, Model> loader;
    private final Scorer scorer;
    private final ScheduledExecutorService poller;
    private String lastSeen;
    private volatile String lastError;

    private ModelDirectoryWatcher(Path dir, Function<Path, Model> loader, Scorer scorer, Duration interval) {
        this.dir = dir;
        this.loader = loader;
        this.scorer = scorer;
        this.poller = interval == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hotpath-model-watcher");
            t.setDaemon(true);
            return t;
        });
        if (poller != null) {
            poller.scheduleWithFixedDelay(this::pollQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Starts watching.
     *
     * @param dir the deployment directory
     * @param loader loads a model file (e.g. {@code ModelLoader::load} from model-formats, or a loader with a
     *     child-JVM check for untrusted files; see the class comment)
     * @param scorer the scorer whose primary model is replaced
     * @param pollInterval how often to look at {@code current}
     * @return the running watcher
     */
    public static ModelDirectoryWatcher start(Path dir, Function<Path, Model> loader, Scorer scorer,
                                              Duration pollInterval) {
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new ConfigurationException("poll interval must be positive");
        }
        return new ModelDirectoryWatcher(checkDir(dir), Objects.requireNonNull(loader, "loader"),
                Objects.requireNonNull(scorer, "scorer"), pollInterval);
    }

    /**
     * A watcher that only checks when {@link #checkNow()} is called (for tests and scripted deploys).
     *
     * @param dir the deployment directory
     * @param loader loads a model file
     * @param scorer the scorer whose primary model is replaced
     * @return the watcher
     */
    public static ModelDirectoryWatcher manual(Path dir, Function<Path, Model> loader, Scorer scorer) {
        return new ModelDirectoryWatcher(checkDir(dir), Objects.requireNonNull(loader, "loader"),
                Objects.requireNonNull(scorer, "scorer"), null);
    }

    private static Path checkDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigurationException("model directory " + dir + " does not exist or is not a directory");
        }
        return dir;
    }

    /**
     * Looks at {@code current} once and swaps if it changed.
     *
     * @return the swap report, or {@code null} when nothing changed or the swap failed (see {@link #lastError()})
     */
    public synchronized SwapReport checkNow() {
        Path target;
        String identity;
        try {
            target = resolveCurrent();
            if (target == null) {
                return null;
            }
            identity = target.toRealPath() + "@" + Files.getLastModifiedTime(target).toMillis() + "/"
                    + Files.size(target);
        } catch (IOException e) {
            lastError = "cannot resolve " + dir.resolve("current") + ": " + e;
            return null;
        }
        if (identity.equals(lastSeen)) {
            return null;
        }
        lastSeen = identity;
        String id = target.getFileName().toString();
        Model model;
        try {
            model = loader.apply(target);
            if (model == null) {
                throw new IllegalStateException("the loader returned null");
            }
        } catch (HotpathException e) {
            return refused("model " + target + " failed to load: " + e.getMessage(), null);
        } catch (Throwable t) {
            // Anything else is unexpected (a loader bug, OutOfMemoryError from a hostile file, a broken native
            // library): logged with its stack, and the watcher keeps polling with the serving model untouched.
            return refused("model " + target + " failed to load: " + t, t);
        }
        try {
            SwapReport report = scorer.swapPrimary(id, model);
            lastError = null;
            return report;
        } catch (SwapRefusedException e) {
            closeQuietly(model);
            return refused(e.getMessage(), null);
        } catch (Throwable t) {
            closeQuietly(model);
            return refused("model " + target + " could not be swapped in: " + t, t);
        }
    }

    private SwapReport refused(String error, Throwable unexpected) {
        lastError = error;
        if (unexpected == null) {
            LOG.warn("{}; still serving '{}'", error, scorer.primaryModelId());
        } else {
            LOG.error("{}; still serving '{}'", error, scorer.primaryModelId(), unexpected);
        }
        return null;
    }

    private static void closeQuietly(Model model) {
        try {
            model.close();
        } catch (Throwable t) {
            LOG.warn("closing the refused model failed", t);
        }
    }

    private Path resolveCurrent() throws IOException {
        Path link = dir.resolve("current");
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            return Files.isSymbolicLink(link) ? dir.resolve(Files.readSymbolicLink(link)) : link;
        }
        Path manifest = dir.resolve("CURRENT");
        if (Files.exists(manifest)) {
            String name = Files.readString(manifest, StandardCharsets.UTF_8).trim();
            return name.isEmpty() ? null : dir.resolve(name);
        }
        return null;
    }

    /**
     * The scheduled task. It must never throw: a scheduled executor silently stops running a task that threw, and
     * the watcher would never deploy again.
     */
    private void pollQuietly() {
        try {
            checkNow();
        } catch (Throwable t) {
            lastError = "model watcher poll failed: " + t;
            LOG.error("model watcher poll failed; polling continues", t);
        }
    }

    /**
     * @return the outcome of the newest deployment attempt: its load or swap failure, or {@code null} if it was
     *     deployed (or nothing was tried yet)
     */
    public String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
