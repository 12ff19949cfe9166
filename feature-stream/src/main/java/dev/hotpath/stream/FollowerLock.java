package dev.hotpath.stream;

import dev.hotpath.cache.FeatureCacheException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on {@code <dir>/.<view>.follower.lock}, held for a follower's life: two followers of one view
 * in one directory would interleave their writes and positions. The OS releases it when the process dies, so a
 * killed follower never blocks its restart. Not thread-safe; cold path.
 */
final class FollowerLock {
    private final FileChannel channel;
    private final FileLock lock;

    private FollowerLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static FollowerLock acquire(Path dir, String view) {
        Path file = dir.resolve("." + view + ".follower.lock");
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                throw new FeatureCacheException("another process is following view \"" + view + "\" in " + dir
                        + " (it holds " + file + "); one follower per view and directory");
            }
            return new FollowerLock(ch, l);
        } catch (OverlappingFileLockException e) {
            close(ch);
            throw new FeatureCacheException("this JVM already runs a follower of view \"" + view + "\" in " + dir
                    + "; close it first", e);
        } catch (IOException e) {
            close(ch);
            throw new FeatureCacheException(file + ": cannot take the follower lock: " + e, e);
        } catch (RuntimeException e) {
            close(ch);
            throw e;
        }
    }

    void release() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException ignored) {
            // closing the channel releases it
        }
        close(channel);
    }

    private static void close(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the OS releases the lock with the process
            }
        }
    }
}
