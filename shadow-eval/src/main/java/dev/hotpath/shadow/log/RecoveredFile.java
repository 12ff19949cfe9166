package dev.hotpath.shadow.log;

import java.nio.file.Path;

/**
 * A {@code .part} segment a writer found when it opened (left by a crashed or killed writer) and made readable
 * again: truncated after its last valid block and renamed to {@code .shdw}, or renamed to {@code .corrupt} when
 * not even its file header was valid. Immutable and thread-safe.
 *
 * @param original the {@code .part} file found
 * @param renamedTo its new name
 * @param originalBytes its size when found
 * @param keptBytes the bytes kept (0 for a {@code .corrupt} file)
 */
public record RecoveredFile(Path original, Path renamedTo, long originalBytes, long keptBytes) {
}
