package dev.hotpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.cache.ChildJvm;
import dev.hotpath.shadow.report.ExitCodes;
import dev.hotpath.stream.testing.EmbeddedKafkaBroker;
import dev.hotpath.stream.testing.SharedBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hotpath cache publish}, {@code follow} and the follower section of {@code stats}, on a real broker: a CSV
 * is published to a topic, a {@code hotpath cache follow} process builds the view from it, {@code cache get} and
 * {@code cache stats} in another process see it, and SIGTERM stops the follower after it stored its positions.
 */
class CacheStreamCommandTest {
    @TempDir
    Path dir;

    private static final String DEFINITION = "{\"name\":\"card\",\"keyKind\":\"string\",\"ttlMillis\":86400000000,"
            + "\"features\":[{\"name\":\"txn_count_1h\",\"default\":0},{\"name\":\"avg_amount\"}]}";

    @Test
    void shouldPublishACsvFollowItIntoAViewAndStopCleanlyOnSigterm() throws Exception {
        EmbeddedKafkaBroker broker = SharedBroker.get();
        Path def = Files.writeString(dir.resolve("card.json"), DEFINITION);
        long now = System.currentTimeMillis();
        Path csv = Files.writeString(dir.resolve("cards.csv"),
                "id,avg_amount,txn_count_1h,event_time_millis\nc1,42.5,3," + now + "\nc2,,7," + now + "\n");
        String topic = "cli-card-" + ProcessHandle.current().pid();

        CliRunner.Result missing = CliRunner.runReal("cache", "publish", "--view", def.toString(), "--csv",
                csv.toString(), "--bootstrap-servers", broker.bootstrapServers(), "--topic", topic);
        assertEquals(ExitCodes.FAILURE, missing.exitCode(), missing.err());
        assertTrue(missing.err().contains("does not exist") && missing.err().contains("--partitions"), missing.err());

        CliRunner.Result published = CliRunner.runReal("cache", "publish", "--view", def.toString(), "--csv",
                csv.toString(), "--bootstrap-servers", broker.bootstrapServers(), "--topic", topic,
                "--partitions", "2", "--format", "json");
        assertEquals(ExitCodes.OK, published.exitCode(), published.err());
        assertTrue(published.out().contains("\"records\": 2"), published.out());
        assertTrue(published.err().contains("published 2 of 2 rows"), published.err());

        Path views = dir.resolve("views");
        try (ChildJvm follow = ChildJvm.start(dir, ChildJvm.chronicleJvmOptions(), HotpathCli.class, "cache",
                "follow", "--view", def.toString(), "--dir", views.toString(), "--bootstrap-servers",
                broker.bootstrapServers(), "--topic", topic, "--status-interval-ms", "200")) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (!follow.stderrText().contains("card LIVE")) {
                assertTrue(follow.isAlive() && System.nanoTime() < deadline, follow.stderrText());
                Thread.sleep(50);
            }
            CliRunner.Result got = CliRunner.runReal("cache", "get", "--view", "card", "--dir", views.toString(),
                    "--id", "c1");
            assertEquals(ExitCodes.OK, got.exitCode(), got.err());
            assertTrue(got.out().contains("\"PRESENT\"") && got.out().contains("42.5"), got.out());

            // The follower stores its status every second: wait for the stored one to say LIVE too.
            CliRunner.Result stats = CliRunner.runReal("cache", "stats", "--dir", views.toString());
            while (!stats.out().contains("\"state\" : \"LIVE\"")) {
                assertTrue(System.nanoTime() < deadline, stats.out());
                Thread.sleep(100);
                stats = CliRunner.runReal("cache", "stats", "--dir", views.toString());
            }
            assertEquals(ExitCodes.OK, stats.exitCode(), stats.err());
            assertTrue(stats.out().contains("\"followers\""), stats.out());
            assertTrue(stats.out().contains("\"statusAgeMillis\""), stats.out());

            assertEquals(143, follow.terminate(60, TimeUnit.SECONDS), "SIGTERM: exit 128 + 15 after the hooks ran");
            String err = follow.stderrText();
            assertTrue(err.contains("stopped; generation 1, positions {0="), err);
        }
        CliRunner.Result after = CliRunner.runReal("cache", "stats", "--dir", views.toString());
        assertTrue(after.out().contains("\"state\" : \"STOPPED\""), after.out());
    }

    @Test
    void shouldRefuseBadFollowArgumentsAsUsageErrors() {
        CliRunner.Result r = CliRunner.runReal("cache", "follow", "--view", "card", "--dir", dir.toString(),
                "--bootstrap-servers", "127.0.0.1:1", "--topic", "t", "--from", "yesterday");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.err());
        assertTrue(r.err().contains("--from must be one of [stored, earliest, latest, offsets]"), r.err());
        CliRunner.Result offsets = CliRunner.runReal("cache", "follow", "--view", "card", "--dir", dir.toString(),
                "--bootstrap-servers", "127.0.0.1:1", "--topic", "t", "--offsets", "0=5");
        assertEquals(ExitCodes.FAILURE, offsets.exitCode(), offsets.err());
        assertTrue(offsets.err().contains("partition:offset"), offsets.err());
    }
}
