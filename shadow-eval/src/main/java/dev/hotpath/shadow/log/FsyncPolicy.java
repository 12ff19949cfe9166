package dev.hotpath.shadow.log;

import java.time.Duration;

import dev.hotpath.scoring.ConfigurationException;

/**
 * When the log writer forces written blocks to stable storage ({@code FileChannel.force(false)}), trading
 * durability against disk load. Immutable and thread-safe.
 *
 * <ul>
 *   <li>{@link #none()}: leave it to the OS page cache; a power loss may lose recent blocks (a process crash does
 *       not).</li>
 *   <li>{@link #periodic(Duration)}: at most one force per interval (the default, 1 s).</li>
 *   <li>{@link #everyBlock()}: after every block; safest, heaviest.</li>
 * </ul>
 * Finished segments are always forced (data and metadata) before they are renamed, unless the policy is
 * {@code none}.
 */
public final class FsyncPolicy {
    /** How forcing is scheduled. */
    public enum Mode {
        /** Never force. */
        NONE,
        /** Force at most once per interval. */
        PERIODIC,
        /** Force after every block. */
        EVERY_BLOCK
    }

    private static final FsyncPolicy NONE = new FsyncPolicy(Mode.NONE, 0);
    private static final FsyncPolicy EVERY_BLOCK = new FsyncPolicy(Mode.EVERY_BLOCK, 0);

    private final Mode mode;
    private final long intervalNanos;

    private FsyncPolicy(Mode mode, long intervalNanos) {
        this.mode = mode;
        this.intervalNanos = intervalNanos;
    }

    /** @return the policy that never forces */
    public static FsyncPolicy none() {
        return NONE;
    }

    /** @return the policy that forces after every block */
    public static FsyncPolicy everyBlock() {
        return EVERY_BLOCK;
    }

    /**
     * @param interval the longest time written data may stay unforced; positive
     * @return a periodic policy
     */
    public static FsyncPolicy periodic(Duration interval) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new ConfigurationException("fsync interval must be positive, got " + interval);
        }
        return new FsyncPolicy(Mode.PERIODIC, interval.toNanos());
    }

    /** @return the scheduling mode */
    public Mode mode() {
        return mode;
    }

    /** @return the interval of a periodic policy in ns, 0 otherwise */
    public long intervalNanos() {
        return intervalNanos;
    }

    @Override
    public String toString() {
        return mode == Mode.PERIODIC ? "PERIODIC(" + Duration.ofNanos(intervalNanos) + ")" : mode.name();
    }
}
