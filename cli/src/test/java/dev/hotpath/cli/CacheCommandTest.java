package dev.hotpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.shadow.report.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hotpath cache create|load|get|stats} on real Chronicle Map files. */
class CacheCommandTest {
    @Test
    void shouldCreateLoadGetAndReportAView(@TempDir Path dir) throws Exception {
        Path def = Files.writeString(dir.resolve("card.json"), "{\"name\":\"card\",\"keyKind\":\"string\","
                + "\"ttlMillis\":86400000,\"features\":[{\"name\":\"txn_count_1h\",\"default\":0},"
                + "{\"name\":\"avg_amount\"}]}");
        Path cache = dir.resolve("cache");
        CliRunner.Result created = CliRunner.runReal("cache", "create", "--view", def.toString(), "--dir",
                cache.toString(), "--entities", "1000");
        assertEquals(ExitCodes.OK, created.exitCode(), created.err());

        Path csv = Files.writeString(dir.resolve("cards.csv"), "id,avg_amount,txn_count_1h\nc1,42.5,3\nc2,,7\n");
        CliRunner.Result loaded = CliRunner.runReal("cache", "load", "--view", "card", "--dir", cache.toString(),
                "--csv", csv.toString());
        assertEquals(ExitCodes.OK, loaded.exitCode(), loaded.err());
        assertTrue(loaded.err().contains("loaded 2 of 2 rows"), loaded.err());

        CliRunner.Result got = CliRunner.runReal("cache", "get", "--view", "card", "--dir", cache.toString(),
                "--id", "c1");
        assertEquals(ExitCodes.OK, got.exitCode(), got.err());
        assertTrue(got.out().contains("\"PRESENT\""), got.out());
        assertTrue(got.out().contains("42.5"), got.out());
        CliRunner.Result missing = CliRunner.runReal("cache", "get", "--view", "card", "--dir", cache.toString(),
                "--id", "nobody");
        assertTrue(missing.out().contains("\"NOT_FOUND\""), missing.out());

        CliRunner.Result stats = CliRunner.runReal("cache", "stats", "--dir", cache.toString());
        assertEquals(ExitCodes.OK, stats.exitCode(), stats.err());
        assertTrue(stats.out().contains("\"card\""), stats.out());
    }

    @Test
    void shouldReportABadCsvLineAsARuntimeFailure(@TempDir Path dir) throws Exception {
        Path def = Files.writeString(dir.resolve("v.json"), "{\"name\":\"v\",\"keyKind\":\"string\","
                + "\"ttlMillis\":60000,\"features\":[{\"name\":\"x\"}]}");
        Path cache = dir.resolve("cache");
        assertEquals(ExitCodes.OK, CliRunner.runReal("cache", "create", "--view", def.toString(), "--dir",
                cache.toString(), "--entities", "10").exitCode());
        Path csv = Files.writeString(dir.resolve("bad.csv"), "id,x\na,1\nb,oops\n");
        CliRunner.Result r = CliRunner.runReal("cache", "load", "--view", "v", "--dir", cache.toString(), "--csv",
                csv.toString(), "--no-progress");
        assertEquals(ExitCodes.FAILURE, r.exitCode());
        assertTrue(r.err().startsWith("hotpath: error: ") && r.err().contains("3"), r.err());
    }
}
