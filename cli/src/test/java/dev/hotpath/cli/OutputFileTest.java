package dev.hotpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.shadow.report.ExitCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code score --output} with destinations that are not plain files: real symbolic links, a real FIFO and real
 * device nodes. Only a regular file may be replaced (atomically); anything else is written where it is.
 */
class OutputFileTest {
    private static final String CSV = "country,amount,age\n1,50,20\n3,150,40\n";
    private static final String SCORES = "score\n-0.1875\n5.625\n";
    private static final HotpathCli.ModelSource THREE = file -> TestModels.threeFeatures();

    @TempDir
    Path dir;

    private Path input() throws IOException {
        return Files.writeString(dir.resolve("in.csv"), CSV, StandardCharsets.UTF_8);
    }

    private CliRunner.Result score(Path output) throws IOException {
        return CliRunner.run(THREE, "score", "--model", "m.json", "--input", input().toString(), "--output",
                output.toString());
    }

    private List<String> listDir(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void shouldReplaceTheFileASymlinkPointsToAndKeepTheLink() throws IOException {
        Path runs = Files.createDirectory(dir.resolve("runs"));
        Path real = Files.writeString(runs.resolve("today.csv"), "old scores\n");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r-----"));
        Path link = Files.createSymbolicLink(dir.resolve("latest.csv"), Path.of("runs", "today.csv"));

        CliRunner.Result r = score(link);
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        assertTrue(Files.isSymbolicLink(link), "the link must stay a link");
        assertEquals(Path.of("runs", "today.csv"), Files.readSymbolicLink(link));
        assertEquals(SCORES, Files.readString(real));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)),
                "a replaced file keeps its mode");
        assertEquals(List.of("today.csv"), listDir(runs), "no temporary file may be left behind");
    }

    @Test
    void shouldCreateTheTargetOfADanglingSymlinkAndFollowChains() throws IOException {
        Files.createDirectory(dir.resolve("runs"));
        Path dangling = Files.createSymbolicLink(dir.resolve("next.csv"), Path.of("runs", "new.csv"));
        Path chain = Files.createSymbolicLink(dir.resolve("chain.csv"), Path.of("next.csv"));
        CliRunner.Result r = score(chain);
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        assertTrue(Files.isSymbolicLink(chain) && Files.isSymbolicLink(dangling));
        assertEquals(SCORES, Files.readString(dir.resolve("runs").resolve("new.csv")));

        Path loop = Files.createSymbolicLink(dir.resolve("loop.csv"), Path.of("loop.csv"));
        CliRunner.Result looped = score(loop);
        assertEquals(ExitCodes.FAILURE, looped.exitCode());
        assertEquals("hotpath: error: cannot write output " + loop + ": too many levels of symbolic links",
                looped.err().strip());
        assertTrue(Files.isSymbolicLink(loop));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldWriteIntoAFifoWithoutReplacingIt() throws Exception {
        Path fifo = dir.resolve("scores.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
        Path got = dir.resolve("got.txt");
        // A real reader on the other end, as a pipeline would have: cat copies what comes through the FIFO.
        Process reader = new ProcessBuilder("cat", fifo.toString()).redirectOutput(got.toFile()).start();
        try {
            CliRunner.Result r = score(fifo);
            assertEquals(ExitCodes.OK, r.exitCode(), r.err());
            assertTrue(reader.waitFor(30, TimeUnit.SECONDS), "the reader must see the end of the stream");
            assertEquals(SCORES, Files.readString(got));
            PosixFileAttributes a = Files.readAttributes(fifo, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            assertTrue(a.isOther(), "the FIFO must still be a FIFO");
            assertEquals(List.of("got.txt", "in.csv", "scores.fifo"), listDir(dir));
        } finally {
            reader.destroyForcibly();
        }
    }

    @Test
    void shouldWriteToDevicesInPlaceAndNameAFullDeviceInOneLine() throws IOException {
        CliRunner.Result toNull = score(Path.of("/dev/null"));
        assertEquals(ExitCodes.OK, toNull.exitCode(), toNull.err());

        CliRunner.Result full = score(Path.of("/dev/full"));
        assertEquals(ExitCodes.FAILURE, full.exitCode());
        assertEquals("hotpath: error: cannot write output /dev/full: No space left on device", full.err().strip());
        for (String device : new String[] {"/dev/null", "/dev/full"}) {
            PosixFileAttributes a = Files.readAttributes(Path.of(device), PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            assertTrue(a.isOther() && !a.isRegularFile(), device + " must still be a device");
        }
        assertFalse(listDir(Path.of("/dev")).stream().anyMatch(n -> n.contains(".hotpath-")),
                "no temporary file in /dev");
    }
}
