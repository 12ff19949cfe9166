package dev.hotpath.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small version of {@code bin/hotpath demo}, end to end: real pipeline JVM, Chronicle views, models, report. */
class FraudDemoTest {

    @Test
    void shouldRunTheWholeDemoWithoutAFailedRequest(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        FutureTask<Integer> demo;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            // 4,000 tx/s keeps the realistic phase (10,000 requests) running for 2.5 s, longer than the binder's
            // 1 s sampling interval, so a scrape during the run can see scored requests even on a fast idle machine.
            demo = new FutureTask<>(() -> FraudDemo.run(new String[] {"--transactions", "20000", "--history",
                "20000", "--threads", "2", "--rate", "4000", "--out", dir.toString(), "--seed", "7"}, out));
            new Thread(demo, "demo").start();
            scrapeWhileItScores(demo, buffer);
            demo.get(10, TimeUnit.MINUTES);
        }
        int code = demo.get();
        String text = buffer.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.contains("Requests: 20,000 scored, 0 failed"), text);
        Matcher swap = Pattern.compile("Hot swap half-way: 'primary' -> 'challenger' \\(v2\\)").matcher(text);
        assertTrue(swap.find(), text);
        assertTrue(text.contains("Latency per request"), text);
        assertTrue(text.contains("card: PRESENT="), text);
        assertTrue(text.contains("logistic-onnx"), "the ONNX shadow is in the report:\n" + text);
        // A newcomer reads why the verdict is FAIL before the verdict itself, not after 200 lines of report.
        int explanation = text.indexOf("Expect the report's VERDICT to be FAIL, by design");
        int verdict = text.indexOf("VERDICT: ");
        assertTrue(explanation >= 0 && verdict > explanation, text);
        assertTrue(explanation < text.indexOf("generating the synthetic payment stream"), text);
        Path html = dir.resolve("shadow-report.html");
        assertTrue(text.contains("HTML report: " + html.toAbsolutePath().toUri()), text);
        String page = Files.readString(html);
        assertTrue(page.contains("<svg"), "the HTML report has plots");
        assertFalse(page.contains("http://") || page.contains("https://") || page.contains("src=\""),
                "the HTML report must not reference anything outside the file");
    }

    /** The demo prints its /metrics address; scrape it until the scorer has scored (the demo is still running). */
    private static void scrapeWhileItScores(FutureTask<Integer> demo, ByteArrayOutputStream buffer)
            throws Exception {
        Pattern url = Pattern.compile("metrics \\(Prometheus\\): (http://127\\.0\\.0\\.1:\\d+/metrics)");
        Pattern scored = Pattern.compile("hotpath_scorer_requests_total\\{outcome=\"scored\",scorer=\"fraud\"} "
                + "([0-9.E]+)");
        String metrics = null;
        String last = null;
        while (!demo.isDone()) {
            if (metrics == null) {
                Matcher m = url.matcher(buffer.toString(StandardCharsets.UTF_8));
                metrics = m.find() ? m.group(1) : null;
            } else {
                String body;
                try {
                    body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(metrics)).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                } catch (java.io.IOException e) {
                    // The endpoint closes as the run ends, a moment before the demo's future completes: try again
                    // until the demo is done; if no scrape saw scores by then, the assertion below says so.
                    Thread.sleep(20);
                    continue;
                }
                Matcher m = scored.matcher(body);
                if (m.find() && Double.parseDouble(m.group(1)) > 0) {
                    last = body;
                    break;
                }
            }
            Thread.sleep(20);
        }
        if (last == null && demo.isDone()) {
            demo.get(); // surfaces the demo's own failure first
        }
        assertTrue(metrics != null, "the demo printed its metrics address:\n" + buffer);
        assertTrue(last != null, "a scrape during the run saw scored requests");
        assertTrue(last.contains("hotpath_feature_generation{view=\"card\"} "), last);
        assertTrue(last.contains("hotpath_feature_serving{view=\"merchant\"} 1.0"), last);
        assertTrue(last.contains("hotpath_shadow_offers_total{evaluator=\"shadows\",outcome=\"accepted\"}"), last);
        assertTrue(last.contains("hotpath_scorer_feature_reads_total{outcome=\"present\",scorer=\"fraud\","
                + "view=\"card\"}"), last);
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
