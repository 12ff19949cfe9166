package dev.hotpath.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.hotpath.scoring.scorer.FeatureStatus;

import java.io.IOException;

/**
 * A snapshot of one {@link FeatureReader}: which generation it serves, how big and how fresh it is, and what failed.
 * Reads by {@link FeatureStatus} are counted by the {@code Scorer} that makes them (its metrics, per view), not
 * here. Immutable and thread-safe; values are -1 when unknown.
 */
public final class ReaderStats {
    private final String viewName;
    private final FeatureView view;
    private final long generation;
    private final String file;
    private final long entriesCapacity;
    private final long entries;
    private final long fileSizeBytes;
    private final long newestWriteMillis;
    private final long heartbeatMillis;
    private final long watermarkMillis;
    private final long writerPid;
    private final long nowMillis;
    private final long readErrors;
    private final long refreshErrors;
    private final long switches;
    private final String lastRefreshError;
    private final FeatureStatus servingStatus;
    private final boolean closed;

    ReaderStats(String viewName, FeatureView view, long generation, String file, long entriesCapacity, long entries,
                long fileSizeBytes, MapHandle.Meta meta, long nowMillis, long readErrors, long refreshErrors,
                long switches, String lastRefreshError, FeatureStatus servingStatus, boolean closed) {
        this.viewName = viewName;
        this.view = view;
        this.generation = generation;
        this.file = file;
        this.entriesCapacity = entriesCapacity;
        this.entries = entries;
        this.fileSizeBytes = fileSizeBytes;
        this.newestWriteMillis = meta == null ? -1 : meta.newestWriteMillis;
        this.heartbeatMillis = meta == null ? -1 : meta.heartbeatMillis;
        this.watermarkMillis = meta == null ? -1 : meta.watermarkMillis;
        this.writerPid = meta == null ? -1 : meta.writerPid;
        this.nowMillis = nowMillis;
        this.readErrors = readErrors;
        this.refreshErrors = refreshErrors;
        this.switches = switches;
        this.lastRefreshError = lastRefreshError;
        this.servingStatus = servingStatus;
        this.closed = closed;
    }

    /** @return the view name */
    public String viewName() {
        return viewName;
    }

    /** @return the definition reads follow */
    public FeatureView view() {
        return view;
    }

    /** @return the generation served, 0 if none */
    public long generation() {
        return generation;
    }

    /** @return the generation's file name, or null */
    public String file() {
        return file;
    }

    /** @return entities the generation was sized for (Chronicle's {@code entries}), -1 if unknown */
    public long entriesCapacity() {
        return entriesCapacity;
    }

    /** @return entities stored, -1 if unknown */
    public long entries() {
        return entries;
    }

    /** @return the map file's size in bytes, -1 if unknown */
    public long fileSizeBytes() {
        return fileSizeBytes;
    }

    /**
     * @return milliseconds since the newest record write the writer reported in its last heartbeat (or the
     *         generation's build), -1 if unknown
     */
    public long newestWriteAgeMillis() {
        return newestWriteMillis <= 0 ? -1 : nowMillis - newestWriteMillis;
    }

    /** @return milliseconds since the writer's last heartbeat, -1 if unknown */
    public long heartbeatAgeMillis() {
        return heartbeatMillis <= 0 ? -1 : nowMillis - heartbeatMillis;
    }

    /** @return the writer's event-time watermark (epoch ms), 0 if never set, -1 if unknown */
    public long watermarkMillis() {
        return watermarkMillis;
    }

    /** @return milliseconds from the writer's event-time watermark to now, -1 if unknown or never set */
    public long watermarkLagMillis() {
        return watermarkMillis <= 0 ? -1 : nowMillis - watermarkMillis;
    }

    /** @return the process id of the generation's last writer, -1 if unknown */
    public long writerPid() {
        return writerPid;
    }

    /** @return reads that failed inside Chronicle and returned UNAVAILABLE */
    public long readErrors() {
        return readErrors;
    }

    /** @return failed background refreshes (corrupt or missing manifest or generation) */
    public long refreshErrors() {
        return refreshErrors;
    }

    /** @return generation switches since open */
    public long switches() {
        return switches;
    }

    /** @return the last refresh error message, or null if the last refresh succeeded */
    public String lastRefreshError() {
        return lastRefreshError;
    }

    /**
     * @return null when the reader serves a map, else the status every read returns ({@link
     *         FeatureStatus#SCHEMA_MISMATCH}, {@link FeatureStatus#UNAVAILABLE})
     */
    public FeatureStatus servingStatus() {
        return servingStatus;
    }

    /** @return whether the reader is closed */
    public boolean closed() {
        return closed;
    }

    void writeJson(JsonGenerator g) throws IOException {
        g.writeStartObject();
        writeFields(g);
        g.writeEndObject();
    }

    /** Writes the fields of {@link #writeJson} into an object the caller opened (and closes). */
    void writeFields(JsonGenerator g) throws IOException {
        g.writeStringField("view", viewName);
        g.writeStringField("keyKind", view.keyKind().jsonName());
        g.writeStringField("schemaFingerprint", view.fingerprintHex());
        g.writeNumberField("features", view.dimension());
        g.writeNumberField("ttlMillis", view.ttlMillis());
        g.writeNumberField("generation", generation);
        if (file != null) {
            g.writeStringField("file", file);
        }
        g.writeNumberField("entries", entries);
        g.writeNumberField("entriesCapacity", entriesCapacity);
        g.writeNumberField("fileSizeBytes", fileSizeBytes);
        g.writeNumberField("newestWriteAgeMillis", newestWriteAgeMillis());
        g.writeNumberField("heartbeatAgeMillis", heartbeatAgeMillis());
        g.writeNumberField("watermarkMillis", watermarkMillis);
        g.writeNumberField("writerPid", writerPid);
        if (servingStatus != null) {
            g.writeStringField("servingStatus", servingStatus.name());
        }
        g.writeNumberField("readErrors", readErrors);
        g.writeNumberField("refreshErrors", refreshErrors);
        g.writeNumberField("switches", switches);
    }

    @Override
    public String toString() {
        return "ReaderStats{" + viewName + " generation " + generation + ", entries " + entries
                + (servingStatus == null ? "" : ", every read " + servingStatus) + ", readErrors " + readErrors
                + ", switches " + switches + "}";
    }
}
