package dev.hotpath.shadow.log;

import java.nio.file.Path;

/**
 * The validated header of one log file. Immutable and thread-safe.
 *
 * @param file the file
 * @param formatVersion file format version
 * @param schemaVersion record schema version
 * @param createdEpochNanos when the writer created the file
 * @param instanceId the writer instance (random per process)
 */
public record LogFileHeader(Path file, int formatVersion, int schemaVersion, long createdEpochNanos, long instanceId) {
}
