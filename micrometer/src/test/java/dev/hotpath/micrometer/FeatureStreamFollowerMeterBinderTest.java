package dev.hotpath.micrometer;

import static dev.hotpath.stream.StreamFixtures.T0;
import static dev.hotpath.stream.StreamFixtures.json;
import static dev.hotpath.stream.StreamFixtures.send;
import static dev.hotpath.stream.StreamFixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.cache.FeatureView;
import dev.hotpath.stream.FeatureStreamFollower;
import dev.hotpath.stream.FollowerState;
import dev.hotpath.stream.RejectReason;
import dev.hotpath.stream.StreamFixtures;
import dev.hotpath.stream.testing.EmbeddedKafkaBroker;
import dev.hotpath.stream.testing.SharedBroker;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FeatureStreamFollowerMeterBinder} over a real follower of a topic on a real KRaft broker. */
class FeatureStreamFollowerMeterBinderTest {
    private static final Duration WAIT = Duration.ofSeconds(180);

    @TempDir
    Path dir;

    @Test
    void shouldExposeTheFollowersStateLagUpdatesAndRejectsByReason() throws Exception {
        EmbeddedKafkaBroker broker = SharedBroker.get();
        FeatureView card = StreamFixtures.cardView();
        String topic = StreamFixtures.newTopic(broker, "meters", 1, Map.of());
        try (KafkaProducer<byte[], byte[]> p = StreamFixtures.producer(broker)) {
            for (int k = 0; k < 10; k++) {
                send(p, topic, null, utf8("e" + k), json(T0 + 1_000, "a", k, "b", 1, "c", 1));
            }
            send(p, topic, null, utf8("e1"), json(T0, "a", -1));                       // older: skipped
            send(p, topic, null, utf8("e2"), null);                                   // tombstone: deleted
            send(p, topic, null, utf8("e3"), utf8("{\"event_time_millis\": 1, \"features\": {"));
            send(p, topic, null, utf8("e4"), json(T0 + 2_000, "nope", 1));            // unknown feature
            send(p, topic, null, utf8("e5"), json(T0 + 2_000, "a", "\"many\""));      // bad value
            send(p, topic, null, null, json(T0 + 2_000, "a", 1));                     // no key
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MeterReader meters = new MeterReader(registry);
        FeatureStreamFollower f = FeatureStreamFollower.start(dir, card, StreamFixtures.options(broker, topic)
                .liveThreshold(Duration.ofSeconds(30)).build());
        try {
            new FeatureStreamFollowerMeterBinder(f, Duration.ZERO).bindTo(registry);
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);

            assertEquals(10, meters.counter("hotpath.feed.updates", "view", "card", "outcome", "applied"));
            assertEquals(1, meters.counter("hotpath.feed.updates", "view", "card", "outcome", "skipped_older"));
            assertEquals(1, meters.counter("hotpath.feed.updates", "view", "card", "outcome", "deleted"));
            assertEquals(1, meters.counter("hotpath.feed.rejected", "view", "card", "outcome", "malformed_json"));
            assertEquals(1, meters.counter("hotpath.feed.rejected", "view", "card", "outcome", "unknown_feature"));
            assertEquals(1, meters.counter("hotpath.feed.rejected", "view", "card", "outcome", "bad_value"));
            assertEquals(1, meters.counter("hotpath.feed.rejected", "view", "card", "outcome", "bad_key"));
            for (RejectReason r : Set.of(RejectReason.MALFORMED_BINARY, RejectReason.FINGERPRINT_MISMATCH,
                    RejectReason.FORBIDDEN_NAN, RejectReason.WRONG_FORMAT)) {
                assertEquals(0, meters.counter("hotpath.feed.rejected", "view", "card", "outcome",
                        Meters.tagValue(r)), r.name());
            }
            assertEquals(0, meters.counter("hotpath.feed.dead.letters", "view", "card", "outcome", "delivered"));
            assertEquals(1, meters.counter("hotpath.feed.bootstraps", "view", "card"));
            assertEquals(1, meters.gauge("hotpath.feed.generation", "view", "card"));

            StreamFixtures.await("the live gauges", WAIT, () -> meters.gauge("hotpath.feed.live", "view", "card") == 1
                    && meters.gauge("hotpath.feed.state", "view", "card", "state", "live") == 1,
                    () -> f.stats().toJson());
            assertEquals(0, meters.gauge("hotpath.feed.state", "view", "card", "state", "catching_up"));
            assertEquals(0, meters.gauge("hotpath.feed.lag.records", "view", "card"));
            // The newest event time applied is T0 + 1 s, about a minute before now (the rejected ones are newer).
            double eventLag = meters.gauge("hotpath.feed.lag", "view", "card");
            double sinceT0 = (System.currentTimeMillis() - T0) / 1e3;
            assertTrue(eventLag >= sinceT0 - 1 - 5 && eventLag <= sinceT0, "event-time lag " + eventLag + " s");
            double fresh = meters.gauge("hotpath.feed.freshness.lag", "view", "card");
            assertTrue(fresh >= 0 && fresh <= 30, "freshness lag " + fresh + " s");
            assertEquals(30, meters.gauge("hotpath.feed.live.threshold", "view", "card"));

            f.close();
            assertEquals(1, meters.gauge("hotpath.feed.state", "view", "card", "state", "stopped"));
            assertEquals(0, meters.gauge("hotpath.feed.state", "view", "card", "state", "live"));
            assertEquals(0, meters.gauge("hotpath.feed.live", "view", "card"));
        } finally {
            f.close();
        }
        Set<String> names = new TreeSet<>();
        for (Meter m : registry.getMeters()) {
            names.add(m.getId().getName());
            assertEquals("card", m.getId().getTag("view"), m.getId().toString());
        }
        assertEquals(new TreeSet<>(Set.of("hotpath.feed.live", "hotpath.feed.lag.records", "hotpath.feed.lag",
                "hotpath.feed.freshness.lag", "hotpath.feed.live.threshold", "hotpath.feed.generation",
                "hotpath.feed.state", "hotpath.feed.updates", "hotpath.feed.rejected", "hotpath.feed.dead.letters",
                "hotpath.feed.errors", "hotpath.feed.bootstraps")), names);
    }
}
