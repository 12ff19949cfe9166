package dev.hotpath.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FeatureCsvLoader#readRows}: the loader's validated rows, handed to a caller instead of a generation. */
class CsvReadRowsTest {
    private static final FeatureView CARD = FeatureView.builder("card").ttl(Duration.ofDays(1))
            .feature("amount").feature("count", 0f).build();

    @TempDir
    Path dir;

    @Test
    void shouldHandEveryRowInFileOrderWithItsLineNumber() {
        Path csv = Fixtures.write(dir.resolve("rows.csv"), "id,count,amount,event_time_millis\n"
                + "c1,2,1.5,1700000000000\n\nc2,,4,1700000000009\n");
        List<String> seen = new ArrayList<>();
        long rows = FeatureCsvLoader.readRows(csv, CARD, 5L, (id, t, v, line) ->
                seen.add(id + "@" + t + ":" + v[0] + "/" + v[1] + "#" + line), null);
        assertEquals(2, rows);
        assertEquals(List.of("c1@1700000000000:1.5/2.0#2", "c2@1700000000009:4.0/NaN#4"), seen);
    }

    @Test
    void shouldUseTheDefaultEventTimeWithoutAnEventTimeColumn() {
        Path csv = Fixtures.write(dir.resolve("rows.csv"), "id,amount,count\nc1,1,2\n");
        long[] t = {0};
        FeatureCsvLoader.readRows(csv, CARD, 42L, (id, time, v, line) -> t[0] = time, null);
        assertEquals(42L, t[0]);
    }

    @Test
    void shouldNameTheLineWhenTheHandlerRefusesARow() {
        Path csv = Fixtures.write(dir.resolve("rows.csv"), "id,amount,count\nc1,1,2\nbad,1,2\n");
        FeatureFileException e = assertThrows(FeatureFileException.class, () -> FeatureCsvLoader.readRows(csv, CARD,
                0L, (id, time, v, line) -> {
                    if (id.equals("bad")) {
                        throw new IllegalArgumentException("no such id");
                    }
                }, null));
        assertTrue(e.getMessage().startsWith(csv + ":3: no such id"), e.getMessage());
    }
}
