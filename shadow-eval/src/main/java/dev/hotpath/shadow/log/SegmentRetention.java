package dev.hotpath.shadow.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Size and age retention of one host's finished segments: after each finished segment, deletes this host's oldest
 * {@code .shdw} files (by modification time) while their total exceeds {@code retainMaxBytes} or while they are
 * older than {@code retainMaxAge}. The segment just finished is always kept; other hosts' files (another host tag)
 * and {@code .part} files are never touched.
 *
 * <p>Not thread-safe; used by the writer's thread. Cold path (lists the directory).
 */
final class SegmentRetention {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowLogWriter.class);

    private final Path directory;
    private final String prefix;
    private final long maxBytes;
    private final long maxAgeMillis;

    SegmentRetention(Path directory, String hostTag, LogOptions options) {
        this.directory = directory;
        this.prefix = "shadow-" + hostTag + "-";
        this.maxBytes = options.retainMaxBytes();
        this.maxAgeMillis = options.retainMaxAge() == null ? 0 : options.retainMaxAge().toMillis();
    }

    /**
     * @param justFinished the segment just renamed to {@code .shdw} (kept)
     * @param nowMillis the current epoch time in ms
     * @throws IOException if the directory cannot be listed or a file deleted
     */
    void apply(Path justFinished, long nowMillis) throws IOException {
        if (maxBytes <= 0 && maxAgeMillis <= 0) {
            return;
        }
        List<Path> segments;
        try (Stream<Path> s = Files.list(directory)) {
            segments = new ArrayList<>(s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && n.endsWith(ShadowLogFormat.SEGMENT_SUFFIX);
            }).toList());
        }
        Map<Path, FileTime> times = new LinkedHashMap<>();
        long total = 0;
        for (Path p : segments) {
            times.put(p, Files.getLastModifiedTime(p));
            total += Files.size(p);
        }
        segments.sort(Comparator.comparing(times::get));
        for (Path p : segments) {
            if (p.equals(justFinished)) {
                continue;
            }
            boolean tooOld = maxAgeMillis > 0 && nowMillis - times.get(p).toMillis() > maxAgeMillis;
            boolean tooBig = maxBytes > 0 && total > maxBytes;
            if (!tooOld && !tooBig) {
                continue;
            }
            long size = Files.size(p);
            Files.deleteIfExists(p);
            total -= size;
            LOG.info("shadow log retention: deleted {} ({} bytes)", p, size);
        }
    }
}
