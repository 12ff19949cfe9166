package dev.hotpath.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small {@code bin/hotpath demo --kafka}, end to end: a real broker, the pipeline publishing to Kafka, two scoring
 * host JVMs each following the topics into its own views directory and scoring its share with 0 failed requests.
 */
class FraudDemoKafkaTest {
    @Test
    void shouldRunTheFleetDemoWithTwoHostsFollowingKafka(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            code = FraudDemo.run(new String[] {"--kafka", "--transactions", "4000", "--history", "6000", "--rate",
                "2000", "--out", dir.toString(), "--seed", "7"}, out);
        }
        String text = buffer.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        for (String host : new String[] {"host-a", "host-b"}) {
            Matcher m = Pattern.compile(host + ": followers live .* scored 2,000 payments \\(share \\d of 2\\) at .*, 0"
                    + " failed").matcher(text);
            assertTrue(m.find(), host + ":\n" + text);
            assertTrue(Files.exists(dir.resolve(host).resolve("features").resolve("card.follower.json")), host);
        }
        assertTrue(text.contains("Latency per request"), text);
        Matcher followers = Pattern.compile("(?m)^  (card|merchant) +(LIVE|CATCHING_UP) ").matcher(text);
        int rows = 0;
        while (followers.find()) {
            rows++;
        }
        assertEquals(4, rows, "a lag row per view per host:\n" + text);
        assertTrue(text.contains("statuses card: PRESENT="), text);
        // Each host's scorer has its two followers attached as feeds: its health names them and their state.
        Matcher health = Pattern.compile("(?m)^  Health after scoring:  (NOT )?READY").matcher(text);
        int healthLines = 0;
        while (health.find()) {
            healthLines++;
        }
        assertEquals(2, healthLines, text);
        Matcher feeds = Pattern.compile("view (card|merchant) .*, feed kafka:\\S+ (LIVE|CATCHING_UP) ").matcher(text);
        int feedMentions = 0;
        while (feeds.find()) {
            feedMentions++;
        }
        assertEquals(8, feedMentions, "two views, two hosts, before and after scoring:\n" + text);
    }
}
