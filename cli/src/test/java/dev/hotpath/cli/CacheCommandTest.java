package dev.hotpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.shadow.report.ExitCodes;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code hotpath cache create|load|get|stats|repair} on real Chronicle Map files. */
class CacheCommandTest {
    private static final String CARD_DEF = "{\"name\":\"card\",\"keyKind\":\"string\",\"ttlMillis\":86400000,"
            + "\"features\":[{\"name\":\"txn_count_1h\",\"default\":0},{\"name\":\"avg_amount\"}]}";

    private static void assertOneLineError(CliRunner.Result r, String... fragments) {
        assertEquals(ExitCodes.FAILURE, r.exitCode(), r.out() + r.err());
        String[] lines = r.errLines();
        assertEquals(1, lines.length, "exactly one stderr line expected, got:\n" + r.err());
        assertTrue(lines[0].startsWith("hotpath: error: "), lines[0]);
        for (String f : fragments) {
            assertTrue(lines[0].contains(f), "'" + f + "' missing from: " + lines[0]);
        }
    }

    /** A created card view with c1 (txn_count_1h 3) loaded; returns the cache directory. */
    private static Path cardCache(Path dir) throws Exception {
        Path def = Files.writeString(dir.resolve("card.json"), CARD_DEF);
        Path cache = dir.resolve("cache");
        assertEquals(ExitCodes.OK, CliRunner.runReal("cache", "create", "--view", def.toString(), "--dir",
                cache.toString(), "--entities", "100").exitCode());
        Path csv = Files.writeString(dir.resolve("cards.csv"), "id,avg_amount,txn_count_1h\nc1,42.5,3\n");
        CliRunner.Result loaded = CliRunner.runReal("cache", "load", "--view", "card", "--dir", cache.toString(),
                "--csv", csv.toString(), "--no-progress");
        assertEquals(ExitCodes.OK, loaded.exitCode(), loaded.err());
        return cache;
    }

    @Test
    void shouldRecoverAHalfWrittenManifestWithCacheRepair(@TempDir Path dir) throws Exception {
        Path cache = cardCache(dir);
        Path manifest = cache.resolve("card.manifest.json");
        byte[] bytes = Files.readAllBytes(manifest);
        Files.write(manifest, Arrays.copyOf(bytes, bytes.length / 2));
        Path csv = dir.resolve("cards.csv");
        Path def = dir.resolve("card.json");

        assertOneLineError(CliRunner.runReal("cache", "load", "--view", "card", "--dir", cache.toString(),
                "--csv", csv.toString(), "--no-progress"), "corrupt manifest");
        assertOneLineError(CliRunner.runReal("cache", "create", "--view", def.toString(), "--dir", cache.toString(),
                "--entities", "100"), "hotpath cache repair --view " + def);
        assertOneLineError(CliRunner.runReal("cache", "stats", "--dir", cache.toString()),
                "cannot read 1 of 1 view(s)", "view card", "corrupt manifest");

        CliRunner.Result repaired = CliRunner.runReal("cache", "repair", "--view", def.toString(), "--dir",
                cache.toString());
        assertEquals(ExitCodes.OK, repaired.exitCode(), repaired.err());
        assertTrue(repaired.out().contains("\"repaired\" : true"), repaired.out());
        assertTrue(repaired.out().contains("\"generation\" : 2"), repaired.out());
        CliRunner.Result got = CliRunner.runReal("cache", "get", "--view", "card", "--dir", cache.toString(),
                "--id", "c1");
        assertTrue(got.out().contains("\"PRESENT\"") && got.out().contains("42.5"), got.out());
        CliRunner.Result again = CliRunner.runReal("cache", "repair", "--view", def.toString(), "--dir",
                cache.toString());
        assertTrue(again.out().contains("\"repaired\" : false"), again.out());

        // A new definition from the command line: the schema change path, also the rebuild when nothing is left.
        Path wider = Files.writeString(dir.resolve("card2.json"), CARD_DEF.replace("{\"name\":\"avg_amount\"}",
                "{\"name\":\"avg_amount\"},{\"name\":\"chargebacks\",\"default\":-1}"));
        Path widerCsv = Files.writeString(dir.resolve("wider.csv"), "id,avg_amount,txn_count_1h,chargebacks\n"
                + "c1,42.5,3,2\n");
        CliRunner.Result changed = CliRunner.runReal("cache", "load", "--view", "card", "--dir", cache.toString(),
                "--csv", widerCsv.toString(), "--definition", wider.toString(), "--no-progress");
        assertEquals(ExitCodes.OK, changed.exitCode(), changed.err());
        CliRunner.Result widerGot = CliRunner.runReal("cache", "get", "--view", "card", "--dir", cache.toString(),
                "--id", "c1");
        assertTrue(widerGot.out().contains("\"chargebacks\" : 2.0"), widerGot.out());
    }

    /**
     * A cache directory on a read-only file system: {@code cache stats} in a child JVM inside its own mount namespace
     * (unshare), where the directory is bind-mounted read-only. Real EROFS, also for root, without root on the host.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldFailStatsWithOneErrorLineOnAReadOnlyCacheDirectory(@TempDir Path dir) throws Exception {
        Path cache = cardCache(dir);
        List<String> java = new ArrayList<>();
        java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
                java.add(arg);
            }
        }
        java.addAll(List.of("-cp", System.getProperty("java.class.path"), HotpathCli.class.getName(), "cache",
                "stats", "--dir", cache.toString()));
        List<String> cmd = new ArrayList<>(List.of("unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                "mount --bind -o ro \"$0\" \"$0\" && exec \"$@\"", cache.toString()));
        cmd.addAll(java);
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "cache stats did not finish");
        } finally {
            p.destroyForcibly();
        }
        CliRunner.Result r = new CliRunner.Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        assertOneLineError(r, "cannot read 1 of 1 view(s) in " + cache, "view card",
                "not writable by this process (read-only file system)");
        assertEquals("", r.out());
    }

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
