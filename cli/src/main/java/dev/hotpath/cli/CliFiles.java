package dev.hotpath.cli;

import java.io.BufferedWriter;
import java.io.FilterOutputStream;
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

    /** Symbolic links followed at most, like the kernel's own limit (ELOOP). */
    static final int MAX_SYMLINKS = 40;

    /**
     * Writes an output file named on the command line.
     *
     * <ul>
     *   <li>Symbolic links are followed to their final target (also a dangling link's target, which is created), as
     *       shell redirection, {@code cp} and {@code sed -i --follow-symlinks} do: replacing the link itself would
     *       silently cut whatever it connects (e.g. {@code latest.csv -> runs/2026-12-08.csv}) and leave the target
     *       stale.</li>
     *   <li>A regular target (or a new one) appears complete or not at all: the content goes to a temporary file
     *       next to it, which replaces it only when {@code body} succeeds (keeping the old file's permissions). On
     *       failure the temporary file is removed and an existing file is left untouched.</li>
     *   <li>Anything else that exists (a FIFO, a character device such as {@code /dev/null} or {@code /dev/stdout}, a
     *       socket) is opened and written in place: it cannot be replaced without breaking it, and it has no content
     *       to protect. What was written before a failure stays written, as on stdout.</li>
     * </ul>
     *
     * @param file the destination
     * @param role what the file is, for messages, e.g. {@code output}
     * @param body writes the content
     * @throws IOException if {@code body} fails for another reason than writing the output (e.g. reading its input)
     * @throws CliException if the output cannot be created, written or moved into place, naming it and why
     */
    static void writeOutput(Path file, String role, WriterBody body) throws IOException {
        Path target = followLinks(file.toAbsolutePath(), role, file);
        if (Files.isDirectory(target)) {
            throw new CliException(role + " path is a directory, expected a file: " + file);
        }
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            writeInPlace(file, target, role, body);
        } else {
            writeAtomically(file, target, role, body);
        }
    }

    /** Resolves {@code path} through every symbolic link in its last component, to the path that is really written. */
    private static Path followLinks(Path path, String role, Path named) {
        Path p = path;
        for (int i = 0; Files.isSymbolicLink(p); i++) {
            if (i == MAX_SYMLINKS) {
                throw new CliException("cannot write " + role + " " + named + ": too many levels of symbolic links");
            }
            try {
                p = p.resolveSibling(Files.readSymbolicLink(p)).normalize();
            } catch (IOException e) {
                throw new CliException("cannot write " + role + " " + describe(named, e), e);
            }
        }
        return p;
    }

    private static void writeInPlace(Path named, Path target, String role, WriterBody body) throws IOException {
        OutputStream os;
        try {
            // No CREATE, no TRUNCATE: the node exists and is not a file; opening a FIFO waits for its reader.
            os = Files.newOutputStream(target, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new CliException("cannot write " + role + " " + describe(named, e), e);
        }
        writeTo(os, named, role, body);
    }

    private static void writeAtomically(Path named, Path target, String role, WriterBody body) throws IOException {
        Path dir = target.getParent();
        // Not Files.createTempFile: that creates mode 0600, and the final file should get the usual umask mode.
        Path tmp = dir.resolve("." + target.getFileName() + ".hotpath-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        OutputStream os;
        try {
            os = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new CliException("cannot write " + role + " " + describe(named, e), e);
        }
        boolean done = false;
        try {
            keepPermissions(target, tmp);
            writeTo(os, named, role, body);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (FileSystemException e) {
                throw new CliException("cannot write " + role + " " + describe(named, e), e);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** A replaced file keeps its mode (as {@code sed -i} does); best effort. */
    private static void keepPermissions(Path target, Path tmp) {
        try {
            if (Files.isRegularFile(target)) {
                Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Not POSIX, or not ours: the new file gets the default mode.
        }
    }

    /** Runs {@code body} on {@code os}; a failure to write {@code os} (e.g. a full disk) names the output. */
    private static void writeTo(OutputStream os, Path named, String role, WriterBody body) throws IOException {
        OutputGuard guard = new OutputGuard(os);
        try (Writer w = new BufferedWriter(new OutputStreamWriter(guard, StandardCharsets.UTF_8),
                OUTPUT_BUFFER_CHARS)) {
            body.writeTo(w);
        } catch (IOException e) {
            if (guard.failure != null) {
                throw new CliException("cannot write " + role + " " + describe(named, guard.failure), guard.failure);
            }
            throw e;
        }
    }

    /** Remembers whether an IOException came from the output itself, as opposed to the body's input. */
    private static final class OutputGuard extends FilterOutputStream {
        IOException failure;

        /** One operation on the underlying stream. */
        private interface Operation {
            void run() throws IOException;
        }

        OutputGuard(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            guarded(() -> out.write(b, off, len));
        }

        @Override
        public void write(int b) throws IOException {
            guarded(() -> out.write(b));
        }

        @Override
        public void flush() throws IOException {
            guarded(out::flush);
        }

        @Override
        public void close() throws IOException {
            guarded(out::close);
        }

        private void guarded(Operation op) throws IOException {
            try {
                op.run();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
                throw e;
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
