package dev.hotpath.shadow;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentTerminationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Error handler for the shadow agents' loop boundaries: counts every error and logs at most a few per minute, so
 * a persistent failure cannot flood the host's logs. Never throws. Thread-safe.
 */
final class AgentErrorHandler implements ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowEvaluator.class);
    private static final long WINDOW_NANOS = 60_000_000_000L;
    private static final int PER_WINDOW = 5;

    private final SingleWriterCounters counters;
    private final int slot;
    private long windowStart = System.nanoTime();
    private int inWindow;
    private long suppressed;

    AgentErrorHandler(SingleWriterCounters counters, int slot) {
        this.counters = counters;
        this.slot = slot;
    }

    @Override
    public synchronized void onError(Throwable throwable) {
        if (throwable instanceof AgentTerminationException) {
            return; // how we stop agents, not an error
        }
        try {
            counters.increment(slot);
            long now = System.nanoTime();
            if (now - windowStart > WINDOW_NANOS) {
                if (suppressed > 0) {
                    LOG.warn("shadow evaluation: {} further agent error(s) suppressed in the last minute", suppressed);
                }
                windowStart = now;
                inWindow = 0;
                suppressed = 0;
            }
            if (inWindow++ < PER_WINDOW) {
                LOG.warn("shadow evaluation agent error (counted, agent continues)", throwable);
            } else {
                suppressed++;
            }
        } catch (Throwable ignored) {
            // An error handler must never throw.
        }
    }
}
