package dev.hotpath.scoring.scorer;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a warning at most once per interval, counting what it suppressed. Used for problems detected on request
 * threads, so a storm of identical failures cannot flood logs or slow requests down: when suppressed, the cost is
 * one volatile read and one atomic increment, and nothing is allocated.
 */
final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(Logger log, long intervalNanos) {
        this.log = log;
        this.intervalNanos = intervalNanos;
    }

    void warn(long nowNanos, String what, Throwable cause) {
        long next = nextAllowed.get();
        if (nowNanos < next || !nextAllowed.compareAndSet(next, nowNanos + intervalNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long dropped = suppressed.getAndSet(0);
        log.warn("{} ({} similar messages suppressed)", what, dropped, cause);
    }
}
