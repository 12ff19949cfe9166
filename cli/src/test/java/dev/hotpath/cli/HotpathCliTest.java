package dev.hotpath.cli;

import dev.hotpath.scoring.testing.DelegatingModel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.shadow.report.ExitCodes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command tree, options, streams and exit codes, run in-process. */
class HotpathCliTest {
    private static final String CSV = "country,amount,age\n1,50,20\n3,150,40\n";

    @TempDir
    Path dir;

    /** Serves the hand-built three-feature model for any path, like a loader that read it from that file. */
    private static final HotpathCli.ModelSource THREE = file -> TestModels.threeFeatures();
    private static final HotpathCli.ModelSource HINGE = file -> TestModels.threeFeaturesHinge();

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private void assertOneLineError(CliRunner.Result r, String... fragments) {
        assertEquals(ExitCodes.FAILURE, r.exitCode(), r.err());
        String[] lines = r.errLines();
        assertEquals(1, lines.length, "exactly one stderr line expected, got:\n" + r.err());
        assertTrue(lines[0].startsWith("hotpath: error: "), lines[0]);
        for (String f : fragments) {
            assertTrue(lines[0].contains(f), "'" + f + "' missing from: " + lines[0]);
        }
    }

    @Test
    void shouldPrintHelpOnStdoutForEveryCommand() {
        for (List<String> args : List.of(List.of("--help"), List.of("-h"), List.of("score", "--help"),
                List.of("inspect", "--help"), List.of("help", "score"), List.of("help", "inspect"),
                List.of("help"))) {
            CliRunner.Result r = CliRunner.run(THREE, args.toArray(new String[0]));
            assertEquals(ExitCodes.OK, r.exitCode(), args + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: hotpath"), args + ": " + r.out());
            assertEquals("", r.err(), args.toString());
        }
    }

    @Test
    void shouldDocumentOptionsExitCodesAndTheMissingColumnRuleInHelp() {
        String root = CliRunner.run(THREE, "--help").out();
        assertTrue(root.contains("score") && root.contains("inspect"), root);
        assertTrue(root.contains("Exit codes:"), root);
        assertTrue(root.contains("3   a FAIL gate failed in 'shadow report'"), root);
        String score = CliRunner.run(THREE, "score", "--help").out();
        for (String s : new String[] {"--model=FILE", "--input=IN.csv", "--output=OUT.csv", "--margin",
            "--allow-missing-columns", "--no-progress", "--verbose", "Float.toString"}) {
            assertTrue(score.contains(s), s + " missing from:\n" + score);
        }
        String inspect = CliRunner.run(THREE, "inspect", "--help").out();
        assertTrue(inspect.contains("--model=FILE") && inspect.contains("base_score"), inspect);
    }

    @Test
    void shouldPrintTheVersion() {
        CliRunner.Result r = CliRunner.run(THREE, "--version");
        assertEquals(ExitCodes.OK, r.exitCode());
        assertTrue(r.out().startsWith("hotpath "), r.out());
    }

    @Test
    void shouldExitWithUsageErrorWithoutACommand() {
        CliRunner.Result r = CliRunner.run(THREE);
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("Usage: hotpath"), r.err());
        assertTrue(r.err().contains("hotpath: error: missing command"), r.err());
    }

    @Test
    void shouldExitWithUsageErrorForUnknownCommandsAndOptions() {
        CliRunner.Result r = CliRunner.run(THREE, "scroe");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.err().startsWith("hotpath: error: Unmatched argument at index 0: 'scroe'"), r.err());
        assertTrue(r.err().contains("score"), r.err());
        assertTrue(r.err().contains("Try 'hotpath --help' for more information."), r.err());

        r = CliRunner.run(THREE, "score", "--model", "m.json", "--input", "in.csv", "--bogus");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.err().startsWith("hotpath: error: Unknown option: '--bogus'"), r.err());
        assertTrue(r.err().contains("Try 'hotpath score --help' for more information."), r.err());
        assertEquals("", r.out());
    }

    @Test
    void shouldExitWithUsageErrorForMissingRequiredOptions() {
        CliRunner.Result r = CliRunner.run(THREE, "score", "--input", "in.csv");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.err().startsWith("hotpath: error: Missing required option: '--model=FILE'"), r.err());
        r = CliRunner.run(THREE, "inspect");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.err().contains("'--model=FILE'"), r.err());
    }

    @Test
    void shouldScoreToStdout() throws IOException {
        Path in = write("in.csv", CSV);
        CliRunner.Result r = CliRunner.run(THREE, "score", "--model", "m.json", "--input", in.toString());
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        assertEquals("score\n-0.1875\n5.625\n", r.out());
        assertEquals("", r.err());
    }

    @Test
    void shouldScoreStdinWhenInputIsDash() {
        CliRunner.Result r = CliRunner.run(THREE, Map.of(), CSV, "score", "--model", "m.json", "--input", "-");
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        assertEquals("score\n-0.1875\n5.625\n", r.out());
    }

    @Test
    void shouldWriteTheOutputFileAndNothingOnStdout() throws IOException {
        Path in = write("in.csv", CSV);
        Path out = dir.resolve("out.csv");
        CliRunner.Result r = CliRunner.run(THREE, "score", "--model", "m.json", "--input", in.toString(),
                "--output", out.toString());
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        assertEquals("", r.out());
        assertEquals("", r.err());
        assertEquals("score\n-0.1875\n5.625\n", Files.readString(out));
        assertEquals(List.of("in.csv", "out.csv"), listDir());
    }

    @Test
    void shouldWriteMarginsWithMarginOption() throws IOException {
        Path in = write("in.csv", CSV);
        CliRunner.Result plain = CliRunner.run(HINGE, "score", "--model", "m.json", "--input", in.toString());
        CliRunner.Result margin = CliRunner.run(HINGE, "score", "--model", "m.json", "--input", in.toString(),
                "--margin");
        assertEquals("score\n0.0\n1.0\n", plain.out());
        assertEquals("margin\n-0.1875\n5.625\n", margin.out());
    }

    @Test
    void shouldReportBadInputInOneLineAndExitWithFailure() throws IOException {
        Path in = write("in.csv", "amount,age,country\n50,20,1\n50,x7,1\n");
        CliRunner.Result r = CliRunner.run(THREE, "score", "--model", "m.json", "--input", in.toString());
        assertOneLineError(r, in + " line 3: column 'age': cannot parse \"x7\" as a number");
    }

    @Test
    void shouldEscapeControlCharactersAndAnsiEscapesFromTheInputInTheErrorLine() throws IOException {
        Path in = write("in.csv", "amount,age,\u001b[2J\u001b[31mcountry\u001b]0;pwned\u0007\n50,20,1\n");
        CliRunner.Result r = CliRunner.run(THREE, "score", "--model", "m.json", "--input", in.toString());
        assertOneLineError(r, "unknown column '\\u001b[2J\\u001b[31mcountry\\u001b]0;pwned\\u0007'");
        assertTrue(r.err().chars().noneMatch(c -> c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f), r.err());
        // The same for messages that are not Hotpath's own (e.g. a library's), at the one place errors are printed.
        assertEquals("a\\u001b[0mb c", HotpathCli.oneLine("a\u001b[0mb\r\n c"));
    }

    @Test
    void shouldLeaveAnExistingOutputFileUntouchedWhenScoringFails() throws IOException {
        Path in = write("in.csv", "amount,age,country\n50,20,1\n50,20\n");
        Path out = write("out.csv", "previous content\n");
        CliRunner.Result r = CliRunner.run(THREE, "score", "--model", "m.json", "--input", in.toString(),
                "--output", out.toString());
        assertOneLineError(r, "line 3: expected 3 fields as in the header, found 2");
        assertEquals("previous content\n", Files.readString(out));
        assertEquals(List.of("in.csv", "out.csv"), listDir(), "no temporary file may be left behind");
    }

    @Test
    void shouldReportAMissingInputFile() {
        CliRunner.Result r = CliRunner.run(THREE, "score", "--model", "m.json", "--input",
                dir.resolve("nope.csv").toString());
        assertOneLineError(r, "cannot read input " + dir.resolve("nope.csv") + ": no such file or directory");
    }

    @Test
    void shouldReportAnUnwritableOutputLocation() throws IOException {
        Path in = write("in.csv", CSV);
        Path out = dir.resolve("no-such-dir").resolve("out.csv");
        CliRunner.Result r = CliRunner.run(THREE, "score", "--model", "m.json", "--input", in.toString(),
                "--output", out.toString());
        assertOneLineError(r, "cannot write output " + out + ": no such file or directory");
    }

    @Test
    void shouldReportAMissingModelFileThroughTheRealLoader() throws IOException {
        Path in = write("in.csv", CSV);
        Path model = dir.resolve("missing.json");
        assertOneLineError(CliRunner.runReal("score", "--model", model.toString(), "--input", in.toString()),
                "model file not found: " + model);
        assertOneLineError(CliRunner.runReal("inspect", "--model", model.toString()),
                "model file not found: " + model);
        assertOneLineError(CliRunner.runReal("inspect", "--model", dir.toString()),
                "model path is not a regular file: " + dir);
    }

    @Test
    void shouldReportLoaderErrorsAsOneLine() {
        HotpathCli.ModelSource broken = file -> {
            throw new ModelFormatException(file.toString(), "offset 12", "expected '{' or a UBJSON object,\n"
                    + "found 0x00");
        };
        CliRunner.Result r = CliRunner.run(broken, "inspect", "--model", "bad.bin");
        assertOneLineError(r, "bad.bin at offset 12: expected '{' or a UBJSON object, found 0x00");
    }

    @Test
    void shouldPrintTheStackTraceOnlyWhenAskedTo() throws IOException {
        Path in = write("in.csv", "amount,age,country\n50,20\n");
        String[] args = {"score", "--model", "m.json", "--input", in.toString()};
        CliRunner.Result quiet = CliRunner.run(THREE, args);
        assertOneLineError(quiet, "line 2");
        assertFalse(quiet.err().contains("\tat "), quiet.err());

        for (CliRunner.Result r : new CliRunner.Result[] {
            CliRunner.run(THREE, concat(args, "--verbose")),
            CliRunner.run(THREE, concat(new String[] {"--verbose"}, args)),
            CliRunner.run(THREE, Map.of("HOTPATH_DEBUG", "1"), "", args)}) {
            assertEquals(ExitCodes.FAILURE, r.exitCode());
            assertEquals(quiet.errLines()[0], r.errLines()[0]);
            assertTrue(r.err().contains("dev.hotpath.cli.CsvInputException"), r.err());
            assertTrue(r.err().contains("\tat dev.hotpath.cli.CsvScorer"), r.err());
        }
    }

    @Test
    void shouldCallUnexpectedExceptionsInternalErrors() {
        HotpathCli.ModelSource buggy = file -> {
            throw new IllegalStateException("boom");
        };
        CliRunner.Result r = CliRunner.run(buggy, "inspect", "--model", "m.json");
        assertOneLineError(r, "internal error: java.lang.IllegalStateException: boom");
    }

    @Test
    void shouldReportErrorsLikeABrokenClasspathInOneLine() {
        HotpathCli.ModelSource missingClass = file -> {
            throw new NoClassDefFoundError("ai/onnxruntime/OrtException");
        };
        CliRunner.Result r = CliRunner.run(missingClass, "inspect", "--model", "m.onnx");
        assertOneLineError(r, "broken installation: java.lang.NoClassDefFoundError: ai/onnxruntime/OrtException");

        HotpathCli.ModelSource tooBig = file -> {
            throw new OutOfMemoryError("Java heap space");
        };
        r = CliRunner.run(tooBig, "inspect", "--model", "huge.json");
        assertOneLineError(r, "out of memory; raise the heap limit with JAVA_OPTS=-Xmx");

        r = CliRunner.run(missingClass, Map.of("HOTPATH_DEBUG", "1"), "", "inspect", "--model", "m.onnx");
        assertEquals(ExitCodes.FAILURE, r.exitCode());
        assertTrue(r.err().contains("\tat dev.hotpath.cli.InspectCommand.call"), r.err());
    }

    @Test
    void shouldStopQuietlyWhenStdoutIsABrokenPipe() throws IOException {
        Path in = write("in.csv", CSV);
        OutputStream closedPipe = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        CliRunner.Result r = CliRunner.runWithStdout(THREE, closedPipe, "score", "--model", "m.json", "--input",
                in.toString());
        assertEquals(ExitCodes.FAILURE, r.exitCode());
        assertEquals("", r.err());
    }

    @Test
    void shouldCloseTheModelAfterTheCommand() throws IOException {
        Path in = write("in.csv", CSV);
        boolean[] closed = {false};
        Model real = TestModels.threeFeatures();
        HotpathCli.ModelSource tracking = file -> new DelegatingModel(real) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        assertEquals(ExitCodes.OK, CliRunner.run(tracking, "score", "--model", "m", "--input", in.toString())
                .exitCode());
        assertTrue(closed[0]);
    }

    @Test
    void shouldHaveDistinctDocumentedExitCodes() {
        assertEquals(List.of(0, 1, 2, 3), List.of(ExitCodes.OK, ExitCodes.FAILURE, ExitCodes.USAGE,
                ExitCodes.GATE_FAILED));
    }

    private List<String> listDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
