package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.ConfigurationException;
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
     * @param loader loads a model file (e.g. {@code ModelLoader::load} from model-formats)
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
        } catch (RuntimeException e) {
            lastError = "model " + target + " failed to load: " + e.getMessage();
            LOG.warn("{}; still serving '{}'", lastError, scorer.primaryModelId());
            return null;
        }
        try {
            SwapReport report = scorer.swapPrimary(id, model);
            lastError = null;
            return report;
        } catch (SwapRefusedException e) {
            model.close();
            lastError = e.getMessage();
            LOG.warn("{}; still serving '{}'", lastError, scorer.primaryModelId());
            return null;
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

    private void pollQuietly() {
        try {
            checkNow();
        } catch (RuntimeException e) {
            lastError = e.toString();
            LOG.warn("model watcher poll failed", e);
        }
    }

    /** @return the last load or swap failure, or {@code null} if the last change was deployed */
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
