package dev.hotpath.stream;

import dev.hotpath.cache.FeatureReader;
import dev.hotpath.cache.FeatureView;
import dev.hotpath.scoring.model.TreeEnsemble;
import dev.hotpath.scoring.scorer.FeedHealth;
import dev.hotpath.scoring.scorer.Scorer;
import dev.hotpath.scoring.scorer.ScorerHealth;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.hotpath.stream.StreamFixtures.T0;
import static dev.hotpath.stream.StreamFixtures.json;
import static dev.hotpath.stream.StreamFixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The follower is scoring-core's {@code FeatureFeed}: a {@code Scorer} it is attached to reports its view ready only
 * while the follower is LIVE. The lag side of the flip (the broker goes away: not ready with the freshness lag as the
 * reason, then ready again once caught up) is in {@link BrokerOutageTest}. A scoring process that does not run the
 * follower judges it by the view's watermark, which the follower sets to the time as of which it had applied
 * everything the topic held.
 */
class FollowerHealthTest extends BrokerTest {

    /** A real tree ensemble over the card view's features whose output is the same for every row. */
    static TreeEnsemble cardModel() {
        return TreeEnsemble.builder(3, 1).featureNames(List.of("card.a", "card.b", "card.c"))
                .baseMargins(new float[] {0.25f}).build();
    }

    static Scorer scorer(FeatureReader cards, FeatureStreamFollower follower) {
        return Scorer.builder().primary("m", cardModel()).featureSource(cards).feed(follower).fallbackScore(0f)
                .build();
    }

    @Test
    void shouldMakeTheScorerReadyOnlyWhileTheFollowerIsLive() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        String topic = StreamFixtures.newTopic(broker, "health", 2, Map.of());
        for (int k = 0; k < 50; k++) {
            producer.send(new ProducerRecord<>(topic, utf8("e" + k), json(T0 + k, "a", k, "b", 1, "c", 2)));
        }
        producer.flush();
        FeatureStreamFollower f = FeatureStreamFollower.start(dir, card, StreamFixtures.options(broker, topic)
                .liveThreshold(Duration.ofSeconds(30)).build());
        try {
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
            assertEquals("card", f.viewName());
            try (FeatureReader cards = FeatureReader.open(dir, card); Scorer scorer = scorer(cards, f)) {
                // LIVE already (awaitCaughtUp); a generous threshold keeps it LIVE on a loaded box.
                StreamFixtures.await("the scorer to be ready", WAIT, () -> scorer.health().ready(),
                        () -> scorer.health().toString());
                ScorerHealth ready = scorer.health();
                FeedHealth feed = ready.views().get(0).feed();
                assertEquals("kafka:" + topic, feed.source());
                assertTrue(feed.live());
                assertEquals("LIVE", feed.state());
                assertEquals(0, feed.lagRecords());
                assertTrue(feed.lagMillis() >= 0, "event-time lag known once updates were applied: " + feed);
                assertNull(feed.problem());

                f.close();
                ScorerHealth stopped = scorer.health();
                assertFalse(stopped.ready(), stopped.toString());
                assertFalse(stopped.views().get(0).ready());
                assertEquals("STOPPED", stopped.views().get(0).feed().state());
                assertEquals(List.of("view card: feed kafka:" + topic + " is not live (STOPPED): the follower was"
                        + " closed"), stopped.problems());
                assertTrue(stopped.views().get(0).health().serving(), "readers still serve the last state");
            }
        } finally {
            f.close();
        }
    }

    @Test
    void shouldLetAScorerWithoutTheFollowerJudgeItByTheViewsWatermark() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        String topic = StreamFixtures.newTopic(broker, "health-watermark", 1, Map.of());
        producer.send(new ProducerRecord<>(topic, utf8("e1"), json(T0, "a", 1, "b", 1, "c", 1))).get();
        FeatureStreamFollower f = FeatureStreamFollower.start(dir, card, StreamFixtures.options(broker, topic)
                .liveThreshold(Duration.ofSeconds(30)).build());
        try {
            StreamFixtures.awaitCaughtUp(f, broker, topic, WAIT);
            // What a scoring process that does not run the follower sees: the view's meta record only.
            try (FeatureReader cards = FeatureReader.open(dir, card);
                 Scorer scorer = Scorer.builder().primary("m", cardModel()).featureSource(cards).fallbackScore(0f)
                         .maxWatermarkLag("card", Duration.ofSeconds(3)).build()) {
                StreamFixtures.await("the watermark to be within 3 s", WAIT, () -> scorer.health().ready(),
                        () -> scorer.health().toString());

                f.close();
                StreamFixtures.await("the watermark to fall behind once the follower stopped", WAIT,
                        () -> !scorer.health().ready(), () -> scorer.health().toString());
                assertTrue(scorer.health().problems().get(0).startsWith("view card: watermark lag"),
                        scorer.health().toString());
            }
        } finally {
            f.close();
        }
    }
}
