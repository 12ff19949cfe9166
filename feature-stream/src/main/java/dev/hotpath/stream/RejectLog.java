package dev.hotpath.stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs rejected records at a bounded rate: the first of each reason at once, then at most one line per reason per
 * interval, saying how many were not logged in between. Every line names the topic, partition and offset. Not
 * thread-safe: the follower thread's.
 */
final class RejectLog {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureStreamFollower.class);

    private final String view;
    private final long intervalNanos;
    private final long[] lastLogged = new long[RejectReason.values().length];
    private final boolean[] logged = new boolean[RejectReason.values().length];
    private final long[] suppressed = new long[RejectReason.values().length];

    RejectLog(String view, long intervalNanos) {
        this.view = view;
        this.intervalNanos = intervalNanos;
    }

    /** @return whether this rejection was logged (false: counted as suppressed) */
    boolean reject(RejectReason reason, String topic, int partition, long offset, String detail) {
        int r = reason.ordinal();
        long now = System.nanoTime();
        if (logged[r] && now - lastLogged[r] < intervalNanos) {
            suppressed[r]++;
            return false;
        }
        long skipped = suppressed[r];
        LOG.warn("view {}: skipped record {}-{}@{}: {}: {}{}", view, topic, partition, offset, reason, detail,
                skipped > 0 ? " (and " + skipped + " more " + reason + " records since the last report)" : "");
        logged[r] = true;
        lastLogged[r] = now;
        suppressed[r] = 0;
        return true;
    }
}
