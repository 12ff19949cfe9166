package dev.hotpath.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Opening the files a command reads and writes, with one-line error messages that say which file and why.
 *
 * <p>Stateless and thread-safe.
 */
final class CliFiles {
    /** Buffer size for CSV and JSON output. */
    static final int OUTPUT_BUFFER_CHARS = 1 << 16;

    private CliFiles() {
    }

    /** Writes the whole content of an output. */
    @FunctionalInterface
    interface WriterBody {
        /**
         * @param out the destination; flushed and closed by the caller
         * @throws IOException if writing fails
         */
        void writeTo(Writer out) throws IOException;
    }

    /**
     * @param path a path given on the command line
     * @return whether it is {@code -}, meaning stdin or stdout
     */
    static boolean isDash(Path path) {
        return path != null && path.toString().equals("-");
    }

    /**
     * Opens a file for reading.
     *
     * @param file the file
     * @param role what the file is, for messages, e.g. {@code input}
     * @return the open stream; the caller closes it
     * @throws CliException if the file cannot be opened
     */
    static InputStream openInput(Path file, String role) {
        if (Files.isDirectory(file)) {
            throw new CliException(role + " path is a directory, expected a file: " + file);
        }
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new CliException("cannot read " + role + " " + describe(file, e), e);
        }
    }

    /**
     * Writes a file so that it appears complete or not at all: the content goes to a temporary file next to it,
     * which replaces {@code file} only when {@code body} succeeds. On failure the temporary file is removed and an
     * existing {@code file} is left untouched.
     *
     * @param file the destination
     * @param role what the file is, for messages, e.g. {@code output}
     * @param body writes the content
     * @throws IOException if {@code body} fails while writing
     * @throws CliException if the file cannot be created or moved into place
     */
    static void writeAtomically(Path file, String role, WriterBody body) throws IOException {
        Path target = file.toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new CliException(role + " path is a directory, expected a file: " + file);
        }
        Path dir = target.getParent();
        // Not Files.createTempFile: that creates mode 0600, and the final file should get the usual umask mode.
        Path tmp = dir.resolve("." + target.getFileName() + ".hotpath-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        OutputStream os;
        try {
            os = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new CliException("cannot write " + role + " " + describe(file, e), e);
        }
        boolean done = false;
        try {
            try (Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8),
                    OUTPUT_BUFFER_CHARS)) {
                body.writeTo(w);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (FileSystemException e) {
                throw new CliException("cannot write " + role + " " + describe(file, e), e);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * @param file the file the operation was about
     * @param e what went wrong
     * @return e.g. {@code data.csv: no such file or directory}
     */
    static String describe(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return file + ": no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return file + ": permission denied";
        }
        if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
            return file + ": " + ((FileSystemException) e).getReason();
        }
        return file + ": " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
    }
}
