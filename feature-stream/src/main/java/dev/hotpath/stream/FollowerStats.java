package dev.hotpath.stream;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.hotpath.scoring.scorer.FeedHealth;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The live state of one {@link FeatureStreamFollower}: its {@link #state() state}, how far behind the topic it is
 * per partition and per view, and what it did with the records it read. For health checks, metrics binders and
 * {@code hotpath cache stats}.
 *
 * <p><b>Lag, three ways</b> (each -1 while unknown, e.g. before the first answer from the broker):
 * <ul>
 *   <li>{@link #recordsBehind()}: records in the topic not applied yet (the topic's end offsets, probed every
 *       {@link FollowerOptions#lagProbeIntervalNanos() lag probe interval}, minus the follower's positions);</li>
 *   <li>{@link #freshnessLagMillis()}: now minus the last time the follower is known to have applied everything the
 *       topic held. It grows while the broker is unreachable, and it is what decides {@link FollowerState#LIVE}
 *       (at most {@link FollowerOptions#liveThresholdMillis()});</li>
 *   <li>{@link #eventTimeLagMillis()}: now minus the event time of the newest update applied (the pipeline's delay
 *       plus the follower's; it also grows while no entity changes, so it is not a health signal by itself).</li>
 * </ul>
 * Per-partition values are indexed {@code 0 .. partitionCount() - 1} ({@link #partitionId(int)} gives the Kafka
 * partition); the set of partitions can change when the follower re-bootstraps or partitions are added, so an index
 * beyond the current count reads as -1.
 *
 * <p><b>Thread-safety and allocation.</b> Thread-safe: the follower's threads write it, anyone reads it. Every getter
 * returns a primitive or an enum and allocates nothing (safe to call from a metrics scrape or a health check on the
 * request path); {@link #lastError()} and {@link #toJson()} are cold paths.
 */
public final class FollowerStats {
    private final String viewName;
    private final String topic;
    private final LongSupplier clock;
    private final long liveThresholdMillis;

    private volatile FollowerState phase = FollowerState.STARTING;
    private volatile long generation = -1;
    private volatile Partitions partitions = Partitions.NONE;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong skippedOlder = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLongArray rejected = new AtomicLongArray(RejectReason.values().length);
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong deadLetterFailures = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong bootstraps = new AtomicLong();
    private volatile long lastBootstrapMillis = -1;
    private volatile long lastBootstrapRecords = -1;
    private volatile String lastError;
    private volatile long lastErrorAtMillis;

    FollowerStats(String viewName, String topic, LongSupplier clock, long liveThresholdMillis) {
        this.viewName = viewName;
        this.topic = topic;
        this.clock = clock;
        this.liveThresholdMillis = liveThresholdMillis;
    }

    /** @return the view the follower writes */
    public String viewName() {
        return viewName;
    }

    /** @return the topic the follower reads */
    public String topic() {
        return topic;
    }

    /**
     * @return the follower's state; while it follows the topic, {@link FollowerState#LIVE} if its
     *         {@link #freshnessLagMillis()} is known and at most the live threshold, else
     *         {@link FollowerState#CATCHING_UP}
     */
    public FollowerState state() {
        return stateIn(phase);
    }

    /** The state reported in {@code p}: a following follower is LIVE or CATCHING_UP by its freshness lag. */
    private FollowerState stateIn(FollowerState p) {
        if (p != FollowerState.CATCHING_UP) {
            return p;
        }
        long lag = freshnessLagMillis();
        return lag >= 0 && lag <= liveThresholdMillis ? FollowerState.LIVE : FollowerState.CATCHING_UP;
    }

    /** @return whether {@link #state()} is {@link FollowerState#LIVE}: what a readiness check wants */
    public boolean isLive() {
        return state() == FollowerState.LIVE;
    }

    /**
     * The follower's state in scoring-core's health vocabulary, what {@code Scorer.health()} judges (through
     * {@link FeatureStreamFollower#feedHealth()}): live exactly when {@link #state()} is {@link FollowerState#LIVE};
     * {@code lagRecords} is {@link #recordsBehind()}, {@code lagMillis} is {@link #eventTimeLagMillis()}, and the
     * problem of a follower that is not live says why (with the freshness lag against the live threshold while it
     * catches up, or the last error once it failed). Cold path: allocates.
     *
     * @return the state now; source {@code kafka:<topic>}
     */
    public FeedHealth feedHealth() {
        FollowerState s = state();
        boolean live = s == FollowerState.LIVE;
        return new FeedHealth("kafka:" + topic, s.name(), live, recordsBehind(), eventTimeLagMillis(),
                live ? null : notLiveBecause(s));
    }

    private String notLiveBecause(FollowerState s) {
        switch (s) {
            case STARTING:
                return "connecting to the brokers and finding where to start"
                        + (lastError == null ? "" : "; last error: " + lastError);
            case BOOTSTRAPPING:
                return "building generation " + generation + " from the topic (readers serve the previous one)";
            case CATCHING_UP: {
                long lag = freshnessLagMillis();
                String why = lag < 0 ? "not yet confirmed caught up with the topic's end"
                        : "freshness lag " + lag + " ms is above the live threshold of " + liveThresholdMillis + " ms";
                long behind = recordsBehind();
                return why + (behind < 0 ? "" : ", " + behind + " records behind")
                        + (lastError == null ? "" : "; last error: " + lastError);
            }
            case STOPPED:
                return "the follower was closed";
            case FAILED:
                return "the follower gave up: " + lastError;
            default:
                return s.name();
        }
    }

    /** @return the generation the follower writes (being built while bootstrapping), or -1 before it has one */
    public long generation() {
        return generation;
    }

    /** @return the freshness lag up to which the follower is live, in milliseconds */
    public long liveThresholdMillis() {
        return liveThresholdMillis;
    }

    // ------------------------------------------------------------------------------------------ per view

    /** @return records not applied yet over all followed partitions, or -1 if unknown */
    public long recordsBehind() {
        Partitions ps = partitions;
        long sum = 0;
        for (int i = 0; i < ps.ids.length; i++) {
            long b = ps.recordsBehind(i);
            if (b < 0) {
                return -1;
            }
            sum += b;
        }
        return ps.ids.length == 0 ? -1 : sum;
    }

    /** @return the largest {@link #freshnessLagMillis(int)} over the followed partitions, or -1 if any is unknown */
    public long freshnessLagMillis() {
        Partitions ps = partitions;
        if (ps.ids.length == 0) {
            return -1;
        }
        long now = clock.getAsLong();
        long max = 0;
        for (int i = 0; i < ps.ids.length; i++) {
            long fresh = ps.freshAsOf.get(i);
            if (fresh == 0) {
                return -1;
            }
            max = Math.max(max, now - fresh);
        }
        return Math.max(0, max);
    }

    /**
     * @return the time (epoch ms) as of which the follower is known to have applied everything every followed
     *     partition held (now minus {@link #freshnessLagMillis()}), or -1 if unknown
     */
    long freshAsOfMillis() {
        Partitions ps = partitions;
        if (ps.ids.length == 0) {
            return -1;
        }
        long min = Long.MAX_VALUE;
        for (int i = 0; i < ps.ids.length; i++) {
            long fresh = ps.freshAsOf.get(i);
            if (fresh == 0) {
                return -1;
            }
            min = Math.min(min, fresh);
        }
        return min;
    }

    /** @return now minus the newest event time applied from any partition, or -1 if nothing was applied yet */
    public long eventTimeLagMillis() {
        long newest = newestEventTimeMillis();
        return newest == Long.MIN_VALUE ? -1 : Math.max(0, clock.getAsLong() - newest);
    }

    /** @return the newest event time applied from any partition, or {@link Long#MIN_VALUE} if none yet */
    public long newestEventTimeMillis() {
        Partitions ps = partitions;
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < ps.ids.length; i++) {
            newest = Math.max(newest, ps.newestEventTime.get(i));
        }
        return newest;
    }

    // ------------------------------------------------------------------------------------------ per partition

    /** @return how many partitions are followed now */
    public int partitionCount() {
        return partitions.ids.length;
    }

    /**
     * @param index 0 .. {@link #partitionCount()} - 1
     * @return the Kafka partition number, or -1 if the index is out of range
     */
    public int partitionId(int index) {
        Partitions ps = partitions;
        return index >= 0 && index < ps.ids.length ? ps.ids[index] : -1;
    }

    /**
     * @param index partition index
     * @return the next offset the follower will apply in that partition, or -1
     */
    public long position(int index) {
        Partitions ps = partitions;
        return index >= 0 && index < ps.ids.length ? ps.position.get(index) : -1;
    }

    /**
     * @param index partition index
     * @return records of that partition not applied yet, or -1 if unknown
     */
    public long recordsBehind(int index) {
        Partitions ps = partitions;
        return index >= 0 && index < ps.ids.length ? ps.recordsBehind(index) : -1;
    }

    /**
     * @param index partition index
     * @return now minus the last time the follower had applied everything the partition held, or -1 if unknown
     */
    public long freshnessLagMillis(int index) {
        Partitions ps = partitions;
        if (index < 0 || index >= ps.ids.length) {
            return -1;
        }
        long fresh = ps.freshAsOf.get(index);
        return fresh == 0 ? -1 : Math.max(0, clock.getAsLong() - fresh);
    }

    /**
     * @param index partition index
     * @return now minus the newest event time applied from that partition, or -1 if none yet
     */
    public long eventTimeLagMillis(int index) {
        Partitions ps = partitions;
        if (index < 0 || index >= ps.ids.length) {
            return -1;
        }
        long newest = ps.newestEventTime.get(index);
        return newest == Long.MIN_VALUE ? -1 : Math.max(0, clock.getAsLong() - newest);
    }

    // ------------------------------------------------------------------------------------------ counters

    /** @return updates written to the view (inserted or changed an entity) */
    public long applied() {
        return applied.get();
    }

    /** @return updates dropped because the entity's stored record has a newer event time (last writer wins) */
    public long skippedOlder() {
        return skippedOlder.get();
    }

    /** @return tombstones applied (entities deleted; a tombstone for an absent entity is not counted) */
    public long deleted() {
        return deleted.get();
    }

    /**
     * @param reason a reject reason
     * @return records rejected for that reason
     */
    public long rejected(RejectReason reason) {
        return rejected.get(reason.ordinal());
    }

    /** @return records rejected for any reason */
    public long rejectedTotal() {
        long sum = 0;
        for (int i = 0; i < rejected.length(); i++) {
            sum += rejected.get(i);
        }
        return sum;
    }

    /** @return rejected records forwarded to the dead-letter topic (acknowledged by the broker) */
    public long deadLettered() {
        return deadLettered.get();
    }

    /** @return rejected records the dead-letter producer failed to deliver */
    public long deadLetterFailures() {
        return deadLetterFailures.get();
    }

    /** @return errors the follower recovered from (broker unreachable, probe failures, retries) */
    public long errors() {
        return errors.get();
    }

    /** @return bootstraps completed (initial, rebuilds and re-bootstraps) */
    public long bootstraps() {
        return bootstraps.get();
    }

    /** @return how long the last completed bootstrap took, in milliseconds, or -1 */
    public long lastBootstrapMillis() {
        return lastBootstrapMillis;
    }

    /** @return records read by the last completed bootstrap, or -1 */
    public long lastBootstrapRecords() {
        return lastBootstrapRecords;
    }

    /** @return the last error message, or null; cold path */
    public String lastError() {
        return lastError;
    }

    /** @return when the last error happened (epoch ms), or 0 */
    public long lastErrorAtMillis() {
        return lastErrorAtMillis;
    }

    // ------------------------------------------------------------------------------------------ writers

    void phase(FollowerState p) {
        this.phase = p;
    }

    FollowerState phase() {
        return phase;
    }

    void generation(long g) {
        this.generation = g;
    }

    Partitions partitions() {
        return partitions;
    }

    void partitions(Partitions ps) {
        this.partitions = ps;
    }

    void countApplied() {
        applied.lazySet(applied.get() + 1);
    }

    void countSkippedOlder() {
        skippedOlder.lazySet(skippedOlder.get() + 1);
    }

    void countDeleted() {
        deleted.lazySet(deleted.get() + 1);
    }

    void countRejected(RejectReason reason) {
        rejected.incrementAndGet(reason.ordinal());
    }

    void countDeadLetter(boolean delivered) {
        (delivered ? deadLettered : deadLetterFailures).incrementAndGet();
    }

    void error(String message) {
        // The message first: whoever sees the count grow finds the error it counts.
        lastErrorAtMillis = clock.getAsLong();
        lastError = message;
        errors.incrementAndGet();
    }

    void bootstrapped(long millis, long records) {
        lastBootstrapMillis = millis;
        lastBootstrapRecords = records;
        bootstraps.incrementAndGet();
    }

    long now() {
        return clock.getAsLong();
    }

    /**
     * Per-partition progress of one assignment. The arrays are indexed like {@link #ids}. Written by the follower
     * thread (positions, event times, the consumer's view of the end) and the lag probe (end offsets, freshness).
     */
    static final class Partitions {
        static final Partitions NONE = new Partitions(new int[0]);

        final int[] ids;
        /** Next offset to apply. */
        final AtomicLongArray position;
        /** Largest end offset known (probes and fetch responses); -1 unknown. */
        final AtomicLongArray end;
        /** Time (epoch ms) as of which everything in the partition was applied; 0 unknown. */
        final AtomicLongArray freshAsOf;
        /** Newest event time applied; Long.MIN_VALUE none. */
        final AtomicLongArray newestEventTime;
        /** The last probe: end offset, and the time the probe was sent. Guarded by this. */
        private final long[] probeEnd;
        private final long[] probeTime;

        Partitions(int[] ids) {
            this.ids = ids.clone();
            int n = ids.length;
            position = new AtomicLongArray(n);
            end = new AtomicLongArray(n);
            freshAsOf = new AtomicLongArray(n);
            newestEventTime = new AtomicLongArray(n);
            probeEnd = new long[n];
            probeTime = new long[n];
            for (int i = 0; i < n; i++) {
                end.set(i, -1);
                newestEventTime.set(i, Long.MIN_VALUE);
                probeEnd[i] = -1;
            }
        }

        long recordsBehind(int i) {
            long e = end.get(i);
            return e < 0 ? -1 : Math.max(0, e - position.get(i));
        }

        /** Records a probe sent at {@code sentAtMillis} that found the partition's end at {@code endOffset}. */
        synchronized void probed(int i, long endOffset, long sentAtMillis) {
            probeEnd[i] = endOffset;
            probeTime[i] = sentAtMillis;
            end.accumulateAndGet(i, endOffset, Math::max);
            confirmLocked(i);
        }

        /** Sets the position after applying records, and the end the consumer last saw; updates freshness. */
        synchronized void applied(int i, long nextOffset, long consumerEnd) {
            position.set(i, nextOffset);
            if (consumerEnd >= 0) {
                end.accumulateAndGet(i, consumerEnd, Math::max);
            }
            confirmLocked(i);
        }

        private void confirmLocked(int i) {
            if (probeEnd[i] >= 0 && position.get(i) >= probeEnd[i]) {
                freshAsOf.accumulateAndGet(i, probeTime[i], Math::max);
            }
        }

        void eventTime(int i, long eventTimeMillis) {
            if (eventTimeMillis > newestEventTime.get(i)) {
                newestEventTime.lazySet(i, eventTimeMillis);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ JSON

    /** @return these stats as a JSON object; cold path */
    public String toJson() {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = FollowerCheckpoint.JSON.createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            writeJson(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    void writeJson(JsonGenerator g) throws IOException {
        writeJson(g, phase);
    }

    /** Writes the stats as they are, but in phase {@code p} (about to be entered). */
    void writeJson(JsonGenerator g, FollowerState p) throws IOException {
        g.writeStartObject();
        g.writeStringField("view", viewName);
        g.writeStringField("topic", topic);
        g.writeStringField("state", stateIn(p).name());
        g.writeNumberField("generation", generation);
        g.writeNumberField("recordsBehind", recordsBehind());
        g.writeNumberField("freshnessLagMillis", freshnessLagMillis());
        g.writeNumberField("eventTimeLagMillis", eventTimeLagMillis());
        g.writeNumberField("liveThresholdMillis", liveThresholdMillis);
        g.writeNumberField("applied", applied());
        g.writeNumberField("skippedOlder", skippedOlder());
        g.writeNumberField("deleted", deleted());
        g.writeNumberField("rejectedTotal", rejectedTotal());
        g.writeObjectFieldStart("rejected");
        for (RejectReason r : RejectReason.values()) {
            g.writeNumberField(r.name(), rejected(r));
        }
        g.writeEndObject();
        g.writeNumberField("deadLettered", deadLettered());
        g.writeNumberField("deadLetterFailures", deadLetterFailures());
        g.writeNumberField("errors", errors());
        g.writeNumberField("bootstraps", bootstraps());
        g.writeNumberField("lastBootstrapMillis", lastBootstrapMillis);
        g.writeNumberField("lastBootstrapRecords", lastBootstrapRecords);
        if (lastError != null) {
            g.writeStringField("lastError", lastError);
            g.writeNumberField("lastErrorAtMillis", lastErrorAtMillis);
        }
        g.writeArrayFieldStart("partitions");
        Partitions ps = partitions;
        for (int i = 0; i < ps.ids.length; i++) {
            g.writeStartObject();
            g.writeNumberField("partition", ps.ids[i]);
            g.writeNumberField("position", ps.position.get(i));
            g.writeNumberField("recordsBehind", ps.recordsBehind(i));
            long fresh = ps.freshAsOf.get(i);
            g.writeNumberField("freshnessLagMillis", fresh == 0 ? -1 : Math.max(0, clock.getAsLong() - fresh));
            long newest = ps.newestEventTime.get(i);
            g.writeNumberField("eventTimeLagMillis", newest == Long.MIN_VALUE ? -1
                    : Math.max(0, clock.getAsLong() - newest));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
