package dev.hotpath.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** A small version of {@code bin/hotpath demo}, end to end: real pipeline JVM, Chronicle views, models, report. */
class FraudDemoTest {

    @Test
    void shouldRunTheWholeDemoWithoutAFailedRequest(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            code = FraudDemo.run(new String[] {"--transactions", "20000", "--history", "20000", "--threads", "2",
                "--rate", "20000", "--out", dir.toString(), "--seed", "7"}, out);
        }
        String text = buffer.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.contains("Requests: 20,000 scored, 0 failed"), text);
        Matcher swap = Pattern.compile("Hot swap half-way: 'primary' -> 'challenger' \\(v2\\)").matcher(text);
        assertTrue(swap.find(), text);
        assertTrue(text.contains("Latency per request"), text);
        assertTrue(text.contains("card: PRESENT="), text);
        assertTrue(text.contains("logistic-onnx"), "the ONNX shadow is in the report:\n" + text);
        Path html = dir.resolve("shadow-report.html");
        assertTrue(text.contains("HTML report: " + html.toAbsolutePath().toUri()), text);
        String page = Files.readString(html);
        assertTrue(page.contains("<svg"), "the HTML report has plots");
        assertFalse(page.contains("http://") || page.contains("https://") || page.contains("src=\""),
                "the HTML report must not reference anything outside the file");
    }

    @Test
    void shouldPrintHelpAndRejectUnknownOptions() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            assertEquals(0, FraudDemo.run(new String[] {"--help"}, out));
            assertEquals(2, FraudDemo.run(new String[] {"--bogus", "1"}, out));
        }
        assertTrue(buffer.toString(StandardCharsets.UTF_8).contains("--transactions N"));
    }
}
