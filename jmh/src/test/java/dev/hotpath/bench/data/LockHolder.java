package dev.hotpath.bench.data;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Test helper run as a separate process: locks a file as JMH does, says so, and releases it on a line of input. */
public final class LockHolder {
    private LockHolder() {
    }

    /**
     * @param args the file to lock
     * @throws Exception if locking fails
     */
    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            System.out.println("locked " + lock.isValid());
            System.out.flush();
            System.in.read();
        }
    }
}
