package dev.hotpath.shadow.log;

import java.nio.file.Path;

/**
 * One stretch of a log the reader could not use: a torn tail after a crash, a block with a bad CRC, a file that
 * is not a shadow log. Immutable and thread-safe.
 *
 * @param file the file
 * @param offset byte offset where the problem starts
 * @param bytesSkipped how many bytes were skipped because of it
 * @param reason what was wrong, in words
 */
public record ReadProblem(Path file, long offset, long bytesSkipped, String reason) {
    @Override
    public String toString() {
        return file + " at offset " + offset + ": " + reason + " (" + bytesSkipped + " bytes skipped)";
    }
}
