package dev.hotpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(5 * SECOND);
    private final StringWriter err = new StringWriter();

    private ProgressReporter reporter(boolean enabled) {
        return new ProgressReporter(new PrintWriter(err), clock::get, "scored", 2 * SECOND, 2 * SECOND, enabled);
    }

    @Test
    void shouldStaySilentForRunsShorterThanTheInitialDelay() {
        ProgressReporter p = reporter(true);
        clock.addAndGet(SECOND);
        p.update(1_000);
        clock.addAndGet(SECOND / 2);
        p.update(2_000);
        p.finish(2_500);
        assertEquals("", err.toString());
    }

    @Test
    void shouldReportRowsAndRateAfterTheDelayThenEveryInterval() {
        ProgressReporter p = reporter(true);
        clock.addAndGet(2 * SECOND);
        p.update(400_000);
        clock.addAndGet(SECOND);
        p.update(600_000);
        clock.addAndGet(SECOND);
        p.update(800_000);
        clock.addAndGet(SECOND);
        p.finish(1_000_000);
        String[] lines = err.toString().split(System.lineSeparator());
        assertEquals(3, lines.length, err.toString());
        assertEquals("hotpath: scored 400,000 rows in 2.0 s (200,000 rows/s)", lines[0]);
        assertEquals("hotpath: scored 800,000 rows in 4.0 s (200,000 rows/s)", lines[1]);
        assertEquals("hotpath: scored 1,000,000 rows in 5.0 s (200,000 rows/s), done", lines[2]);
        assertTrue(p.printedAnything());
    }

    @Test
    void shouldPrintNothingWhenDisabled() {
        ProgressReporter p = reporter(false);
        clock.addAndGet(100 * SECOND);
        p.update(1);
        p.finish(1);
        assertEquals("", err.toString());
    }
}
