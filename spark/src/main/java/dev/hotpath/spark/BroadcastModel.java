package dev.hotpath.spark;

import java.io.Serializable;

import org.apache.spark.broadcast.Broadcast;

import dev.hotpath.scoring.Model;

/**
 * What a task needs to get the compiled model: the file's SHA-256 (the cache key), its name (for messages) and the
 * bytes, broadcast once per transformation so each executor fetches them once. Immutable; serialisable with the
 * task closure (the bytes travel through the broadcast, not the closure).
 */
final class BroadcastModel implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String sha256;
    private final Broadcast<byte[]> bytes;

    BroadcastModel(String source, String sha256, Broadcast<byte[]> bytes) {
        this.source = source;
        this.sha256 = sha256;
        this.bytes = bytes;
    }

    String source() {
        return source;
    }

    String sha256() {
        return sha256;
    }

    Broadcast<byte[]> bytes() {
        return bytes;
    }

    /** @return this JVM's compiled model, loaded from the broadcast bytes on first use */
    Model model() {
        return ExecutorModels.get(this);
    }
}
