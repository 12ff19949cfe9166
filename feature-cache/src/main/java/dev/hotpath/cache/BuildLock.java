package dev.hotpath.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive OS lock on {@code <dir>/.<view>.build.lock}, held while a new generation is allocated, built and
 * published, so two builders never race on generation numbers or manifest flips. The OS releases it when the
 * holding process dies, so a killed builder never blocks the next one. Not thread-safe; cold path.
 */
final class BuildLock {
    /**
     * Lock files this JVM holds. Checked before opening a channel because closing <em>any</em> channel on a file
     * drops all of the process's POSIX locks on it (FileLock Javadoc), so a second channel must never be opened.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private BuildLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    private static Path lockFile(Path dir, String viewName) {
        return dir.resolve("." + viewName + ".build.lock").toAbsolutePath().normalize();
    }

    /**
     * Whether some process (this one included) is building a generation of the view now. Opens the lock file read-only
     * (so it works in a read-only directory) and probes with a shared lock, which the builder's exclusive lock
     * refuses.
     */
    static boolean isHeld(Path dir, String viewName) {
        Path file = lockFile(dir, viewName);
        // Serialised with acquire(): closing the probe's channel would drop a lock this JVM took meanwhile.
        synchronized (BuildLock.class) {
            if (HELD.contains(file)) {
                return true;
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                FileLock probe = ch.tryLock(0, Long.MAX_VALUE, true);
                if (probe == null) {
                    return true;
                }
                probe.release();
                return false;
            } catch (NoSuchFileException e) {
                return false;
            } catch (IOException | OverlappingFileLockException e) {
                return false;
            }
        }
    }

    static BuildLock acquire(Path dir, String viewName) {
        synchronized (BuildLock.class) {
            return acquireLocked(dir, viewName);
        }
    }

    private static BuildLock acquireLocked(Path dir, String viewName) {
        Path file = lockFile(dir, viewName);
        if (!HELD.add(file)) {
            throw new FeatureCacheException("this JVM is already building a generation of view \"" + viewName
                    + "\"; publish or close that writer first");
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                throw new FeatureCacheException("another process is building a generation of view \"" + viewName
                        + "\" (it holds " + file + "); wait for it to publish or die, then retry");
            }
            return new BuildLock(file, ch, l);
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            HELD.remove(file);
            throw new FeatureCacheException("this JVM is already building a generation of view \"" + viewName
                    + "\"; publish or close that writer first", e);
        } catch (IOException e) {
            closeQuietly(ch);
            HELD.remove(file);
            throw new FeatureCacheException(file + ": cannot take the build lock: " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            HELD.remove(file);
            throw e;
        }
    }

    void release() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel below releases it anyway.
        }
        closeQuietly(channel);
        HELD.remove(file);
    }

    @Override
    public String toString() {
        return "BuildLock{" + file + "}";
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // Nothing useful to do; the OS releases the lock when the process exits.
            }
        }
    }
}
