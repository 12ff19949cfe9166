package dev.hotpath.cache;

import dev.hotpath.scoring.ConfigurationException;
import net.openhft.chronicle.hash.impl.BigSegmentHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteOrder;

/**
 * Prepares the JVM before the first Chronicle class is initialised. Called first by every feature-cache entry point.
 * Thread-safe (synchronised, idempotent); cold path.
 */
final class ChronicleRuntime {
    /** Chronicle's JVM-wide bound (whole seconds) for lock waits that do not use {@code tryLock}. */
    static final String LOCK_TIMEOUT_PROPERTY = "net.openhft.chronicle.map.lockTimeoutSeconds";
    /** Hotpath's default instead of Chronicle's 60 s: a dead process's lock stalls a blocking call at most 2 s. */
    static final int DEFAULT_LOCK_TIMEOUT_SECONDS = 2;
    static final int MAX_LOCK_TIMEOUT_SECONDS = 3600;

    private static final Logger LOG = LoggerFactory.getLogger(ChronicleRuntime.class);
    private static boolean ready;

    private ChronicleRuntime() {
    }

    /**
     * Disables Chronicle's analytics and banner, bounds its lock timeout, and checks JVM flags and byte order.
     *
     * @throws ConfigurationException if the JVM cannot run Chronicle Map (the message lists the exact flags)
     */
    static synchronized void ensureReady() {
        // Set on every entry, before anything can initialise Chronicle: analytics must never be switched back on.
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        if (ready) {
            return;
        }
        int seconds = lockTimeoutSeconds();
        ChronicleJvmFlags.check();
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ConfigurationException("the feature cache's record layout is little-endian; this platform is "
                    + ByteOrder.nativeOrder());
        }
        // Chronicle reads the property once, in a static initialiser. If Chronicle was initialised before Hotpath's
        // first entry point (another library opened a map), the property came too late: apply the bound directly.
        if (BigSegmentHeader.LOCK_TIMEOUT_SECONDS != seconds) {
            LOG.info("Chronicle lock timeout was {} s (initialised before Hotpath); setting it to {} s",
                    BigSegmentHeader.LOCK_TIMEOUT_SECONDS, seconds);
            BigSegmentHeader.LOCK_TIMEOUT_SECONDS = seconds;
        }
        // Chronicle generates and compiles (javac) the LongValue heap class on first use. Do it here, on the cold
        // path, so a request thread's first read never pays seconds for it.
        MapHandle.newLongKey();
        ready = true;
    }

    /** @return the JVM-wide Chronicle lock timeout in effect, in seconds */
    static int effectiveLockTimeoutSeconds() {
        ensureReady();
        return BigSegmentHeader.LOCK_TIMEOUT_SECONDS;
    }

    private static int lockTimeoutSeconds() {
        String configured = System.getProperty(LOCK_TIMEOUT_PROPERTY);
        if (configured == null) {
            System.setProperty(LOCK_TIMEOUT_PROPERTY, Integer.toString(DEFAULT_LOCK_TIMEOUT_SECONDS));
            return DEFAULT_LOCK_TIMEOUT_SECONDS;
        }
        int s;
        try {
            s = Integer.parseInt(configured.trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException("-D" + LOCK_TIMEOUT_PROPERTY + " must be a whole number of seconds"
                    + " between 1 and " + MAX_LOCK_TIMEOUT_SECONDS + ", got \"" + configured + "\"", e);
        }
        if (s < 1 || s > MAX_LOCK_TIMEOUT_SECONDS) {
            throw new ConfigurationException("-D" + LOCK_TIMEOUT_PROPERTY + " must be between 1 and "
                    + MAX_LOCK_TIMEOUT_SECONDS + " seconds, got " + s);
        }
        return s;
    }
}
