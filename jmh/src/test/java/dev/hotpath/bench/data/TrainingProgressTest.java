package dev.hotpath.bench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TrainingProgressTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldReportAtMostOncePerIntervalWithAnEstimateOfTheTimeLeft() {
        AtomicLong now = new AtomicLong(5 * SECOND);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        TrainingProgress p = new TrainingProgress(ModelSpec.LARGE, new PrintStream(buf, true, StandardCharsets.UTF_8),
                10 * SECOND, now::get);
        p.start();
        now.addAndGet(4 * SECOND);
        p.treeDone(100); // 4 s in: before the first interval, silent
        now.addAndGet(6 * SECOND);
        p.treeDone(250); // 10 s in: 250 of 2,000 trees, 70 s left at that pace
        now.addAndGet(SECOND);
        p.treeDone(275); // 1 s after the last line: silent
        now.addAndGet(389 * SECOND);
        p.treeDone(2000);
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length, String.join("\n", lines));
        assertEquals("[hotpath-jmh] training large: 2,000 trees of depth 8 on 20,000 rows x 200 features"
                + " (XGBoost4J, cached afterwards)", lines[0]);
        assertEquals("[hotpath-jmh] training large: 250/2,000 trees (12%), 10 s so far, about 1 min 10 s left", lines[1]);
        assertEquals("[hotpath-jmh] trained large: 2,000 trees in 6 min 40 s", lines[2]);
    }

    @Test
    void shouldPrintShortDurationsWithOneDecimal() {
        assertEquals("0.4 s", TrainingProgress.duration(400_000_000L));
        assertEquals("59 s", TrainingProgress.duration(59 * SECOND));
        assertEquals("1 min 0 s", TrainingProgress.duration(60 * SECOND));
    }
}
