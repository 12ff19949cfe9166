package dev.hotpath.cache;

/**
 * A snapshot of one {@link FeatureWriter}: its generation's size and headroom, and what the writer did. Immutable and
 * thread-safe.
 */
public final class WriterStats {
    private final String viewName;
    private final long generation;
    private final String file;
    private final long entries;
    private final long entriesCapacity;
    private final long fileSizeBytes;
    private final int percentageFreeSpace;
    private final int remainingAutoResizes;
    private final long inserts;
    private final long replaces;
    private final long deletes;
    private final long heartbeatErrors;
    private final boolean published;
    private final boolean superseded;

    WriterStats(String viewName, long generation, String file, long entries, long entriesCapacity,
                long fileSizeBytes, int percentageFreeSpace, int remainingAutoResizes, long inserts, long replaces,
                long deletes, long heartbeatErrors, boolean published, boolean superseded) {
        this.viewName = viewName;
        this.generation = generation;
        this.file = file;
        this.entries = entries;
        this.entriesCapacity = entriesCapacity;
        this.fileSizeBytes = fileSizeBytes;
        this.percentageFreeSpace = percentageFreeSpace;
        this.remainingAutoResizes = remainingAutoResizes;
        this.inserts = inserts;
        this.replaces = replaces;
        this.deletes = deletes;
        this.heartbeatErrors = heartbeatErrors;
        this.published = published;
        this.superseded = superseded;
    }

    /** @return the view name */
    public String viewName() {
        return viewName;
    }

    /** @return the generation written */
    public long generation() {
        return generation;
    }

    /** @return the generation's file name */
    public String file() {
        return file;
    }

    /** @return entities stored */
    public long entries() {
        return entries;
    }

    /** @return entities the generation was sized for */
    public long entriesCapacity() {
        return entriesCapacity;
    }

    /** @return the map file's size in bytes, -1 if unknown */
    public long fileSizeBytes() {
        return fileSizeBytes;
    }

    /**
     * @return Chronicle's free space estimate in percent; rebuild with more capacity before it nears 0 (a capacity
     *         watchdog should alert below about 30)
     */
    public int percentageFreeSpace() {
        return percentageFreeSpace;
    }

    /** @return segment tiers Chronicle can still add before {@link CacheFullException} */
    public int remainingAutoResizes() {
        return remainingAutoResizes;
    }

    /** @return entities this writer inserted */
    public long inserts() {
        return inserts;
    }

    /** @return records this writer replaced */
    public long replaces() {
        return replaces;
    }

    /** @return entities this writer deleted */
    public long deletes() {
        return deletes;
    }

    /** @return failed heartbeats */
    public long heartbeatErrors() {
        return heartbeatErrors;
    }

    /** @return whether the generation is published */
    public boolean published() {
        return published;
    }

    /** @return whether a newer generation has been published since (this writer's updates are no longer served) */
    public boolean superseded() {
        return superseded;
    }

    @Override
    public String toString() {
        return "WriterStats{" + viewName + " generation " + generation + ", entries " + entries + "/"
                + entriesCapacity + ", free " + percentageFreeSpace + "%, inserts " + inserts + ", replaces "
                + replaces + ", deletes " + deletes + (superseded ? ", SUPERSEDED" : "") + "}";
    }
}
