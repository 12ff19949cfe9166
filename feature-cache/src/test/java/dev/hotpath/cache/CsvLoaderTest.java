package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvLoaderTest {
    @TempDir
    Path dir;

    private static final FeatureView CARD = FeatureView.builder("card").ttl(Duration.ofDays(3650))
            .feature("amount", 0f).feature("count", 0f).feature("risk").build();

    private LoadResult load(String csv) {
        Fixtures.createView(dir, CARD, 10);
        return FeatureCsvLoader.load(dir, "card", Fixtures.write(dir.resolve("in.csv"), csv),
                Fixtures.NO_HEARTBEAT, null);
    }

    private FeatureFileException loadFails(String csv) {
        Fixtures.createView(dir, CARD, 10);
        Path file = Fixtures.write(dir.resolve("bad.csv"), csv);
        FeatureFileException e = assertThrows(FeatureFileException.class,
                () -> FeatureCsvLoader.load(dir, "card", file, Fixtures.NO_HEARTBEAT, null));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        return e;
    }

    @Test
    void shouldLoadColumnsByNameBuildANewGenerationAndPublishIt() {
        String csv = "\uFEFFcard_id,risk,amount,count,event_time_millis\r\n"
                + "c1,0.5,12.25,3,1700000000000\r\n"
                + "\"c,2\",,1e3,-0,1700000000001\r\n"
                + "\r\n"
                + "\"say \"\"hi\"\"\",NaN,0.1,7,1700000000002\r\n";
        List<long[]> progress = new ArrayList<>();
        Fixtures.createView(dir, CARD, 10);
        LoadResult res = FeatureCsvLoader.load(dir, "card", Fixtures.write(dir.resolve("in.csv"), csv),
                Fixtures.NO_HEARTBEAT, (done, total) -> progress.add(new long[] {done, total}));
        assertEquals(3, res.rows());
        assertEquals(3, res.entities());
        assertEquals(0, res.duplicates());
        assertEquals(2, res.generation());
        assertEquals(1, progress.size());
        assertArrayEquals(new long[] {3, 3}, progress.get(0));
        try (FeatureReader r = FeatureReader.open(dir, CARD, Fixtures.MANUAL_REFRESH)) {
            float[] dst = new float[3];
            assertEquals(FeatureStatus.PRESENT, r.read("c1", dst, 0));
            assertArrayEquals(new float[] {12.25f, 3f, 0.5f}, dst);
            assertEquals(FeatureStatus.PRESENT, r.read("c,2", dst, 0));
            assertArrayEquals(new float[] {1000f, -0f, Float.NaN}, dst);
            assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(dst[1]));
            assertEquals(FeatureStatus.PRESENT, r.read("say \"hi\"", dst, 0));
            assertArrayEquals(new float[] {0.1f, 7f, Float.NaN}, dst);
            assertEquals(1_700_000_000_001L, r.lookup("c,2").eventTimeMillis());
            assertEquals(1_700_000_000_002L, r.stats().watermarkMillis(), "watermark = newest event time loaded");
        }
    }

    @Test
    void shouldLetTheLastDuplicateWinAndCountDuplicates() {
        LoadResult res = load("id,amount,count,risk\na,1,1,1\nb,2,2,2\na,3,3,3\na,4,4,4\n");
        assertEquals(4, res.rows());
        assertEquals(2, res.entities());
        assertEquals(2, res.duplicates());
        assertTrue(res.toJson().contains("\"duplicates\" : 2"), res.toJson());
        try (FeatureReader r = FeatureReader.open(dir, CARD, Fixtures.MANUAL_REFRESH)) {
            float[] dst = new float[3];
            assertEquals(FeatureStatus.PRESENT, r.read("a", dst, 0));
            assertArrayEquals(new float[] {4, 4, 4}, dst);
        }
    }

    @Test
    void shouldStampTheLoadTimeWhenThereIsNoEventTimeColumn() {
        long before = System.currentTimeMillis();
        load("id,amount,count,risk\na,1,1,1\n");
        try (FeatureReader r = FeatureReader.open(dir, CARD, Fixtures.MANUAL_REFRESH)) {
            long t = r.lookup("a").eventTimeMillis();
            assertTrue(t >= before && t <= System.currentTimeMillis(), Long.toString(t));
        }
    }

    @Test
    void shouldRejectUnknownAndMissingFeatureColumns() {
        FeatureFileException e = loadFails("id,amount,count,risk,colour,size\na,1,1,1,1,1\n");
        assertTrue(e.getMessage().contains(":1: unknown feature column(s) [colour, size]")
                && e.getMessage().contains("[amount, count, risk]"), e.getMessage());
        e = loadFails("id,amount,risk\na,1,1\n");
        assertTrue(e.getMessage().contains(":1: missing feature column(s) [count]"), e.getMessage());
        e = loadFails("id,amount,count,amount,risk\na,1,1,1,1\n");
        assertTrue(e.getMessage().contains("column \"amount\" appears twice"), e.getMessage());
        e = loadFails("");
        assertTrue(e.getMessage().contains(":1: empty file"), e.getMessage());
        e = loadFails("id,amount,count,risk\n\n");
        assertTrue(e.getMessage().contains("no data rows; refusing to publish an empty generation"), e.getMessage());
    }

    @Test
    void shouldNameTheLineAndColumnOfAMalformedNumber() {
        FeatureFileException e = loadFails("id,amount,count,risk\na,1,2,3\nb,1,2,3\nc,4,1.5f,6\n");
        assertTrue(e.getMessage().contains(":4: column \"count\" (column 3): cannot parse \"1.5f\""), e.getMessage());
        e = loadFails("id,amount,count,risk\na, 1,2,3\n");
        assertTrue(e.getMessage().contains(":2: column \"amount\""), e.getMessage());
        e = loadFails("id,amount,count,risk,event_time_millis\na,1,2,3,yesterday\n");
        assertTrue(e.getMessage().contains(":2: column \"event_time_millis\""), e.getMessage());
    }

    @Test
    void shouldNameTheLineOfAMalformedRow() {
        FeatureFileException e = loadFails("id,amount,count,risk\na,1,2,3\nb,1,2\n");
        assertTrue(e.getMessage().contains(":3: expected 4 fields like the header, found 3"), e.getMessage());
        e = loadFails("id,amount,count,risk\n\"a,1,2,3\n");
        assertTrue(e.getMessage().contains(":2: unterminated quoted field"), e.getMessage());
        e = loadFails("id,amount,count,risk\n,1,2,3\n");
        assertTrue(e.getMessage().contains(":2: invalid id \"\""), e.getMessage());
    }

    @Test
    void shouldRejectNonNumericIdsForLongKeyedViewsWithTheLineNumber() {
        FeatureView merchant = Fixtures.longView("merchant", 1);
        Fixtures.createView(dir, merchant, 10);
        Path csv = Fixtures.write(dir.resolve("m.csv"), "merchant_id,f0\n17,1\nabc,2\n");
        FeatureFileException e = assertThrows(FeatureFileException.class,
                () -> FeatureCsvLoader.load(dir, "merchant", csv, Fixtures.NO_HEARTBEAT, null));
        assertTrue(e.getMessage().contains(":3: invalid id \"abc\""), e.getMessage());
    }

    @Test
    void shouldKeepServingThePublishedGenerationAndCleanUpWhenALoadFails() throws Exception {
        load("id,amount,count,risk\na,1,2,3\n");
        Path bad = Fixtures.write(dir.resolve("bad.csv"), "id,amount,count,risk\nb,1,2,3\nc,x,2,3\n");
        assertThrows(FeatureFileException.class,
                () -> FeatureCsvLoader.load(dir, "card", bad, Fixtures.NO_HEARTBEAT, null));
        assertEquals(2, Manifest.read(dir, "card").generation);
        assertEquals(2, Manifest.listGenerations(dir, "card").size(), "the partial generation 3 was deleted");
        try (FeatureReader r = FeatureReader.open(dir, CARD, Fixtures.MANUAL_REFRESH)) {
            assertEquals(FeatureStatus.PRESENT, r.read("a", new float[3], 0));
            assertEquals(FeatureStatus.NOT_FOUND, r.read("b", new float[3], 0));
        }
        // The build lock was released: the next load works.
        LoadResult again = FeatureCsvLoader.load(dir, "card",
                Fixtures.write(dir.resolve("good.csv"), "id,amount,count,risk\nb,1,2,3\n"), Fixtures.NO_HEARTBEAT,
                null);
        assertEquals(3, again.generation());
    }

    @Test
    void shouldExplainAnEmptyHeaderLineAndClassicMacLineEndingsBeforeBuildingAnything() throws Exception {
        Fixtures.createView(dir, CARD, 10);
        Path blankTop = Fixtures.write(dir.resolve("blank.csv"), "\nid,amount,count,risk\nb,1,2,3\n");
        FeatureFileException e = assertThrows(FeatureFileException.class,
                () -> FeatureCsvLoader.load(dir, "card", blankTop, Fixtures.NO_HEARTBEAT, null));
        assertTrue(e.getMessage().startsWith(blankTop + ":1: the header line is empty; expected the id column"),
                e.getMessage());

        Path mac = Fixtures.write(dir.resolve("mac.csv"), "id,amount,count,risk\rb,1,2,3\rc,4,5,6\r");
        e = assertThrows(FeatureFileException.class,
                () -> FeatureCsvLoader.load(dir, "card", mac, Fixtures.NO_HEARTBEAT, null));
        assertTrue(e.getMessage().startsWith(mac + ":1: line ends with a lone CR (classic Mac OS line endings)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("tr '\\r' '\\n'"), e.getMessage());
        // CRLF files are fine; a lone CR further down is named by its line.
        Path mixed = Fixtures.write(dir.resolve("mixed.csv"), "id,amount,count,risk\r\nb,1,2,3\r\nc,4,5,6\rd,7,8,9\n");
        e = assertThrows(FeatureFileException.class,
                () -> FeatureCsvLoader.load(dir, "card", mixed, Fixtures.NO_HEARTBEAT, null));
        assertTrue(e.getMessage().startsWith(mixed + ":3: line ends with a lone CR"), e.getMessage());
        assertEquals(1, Manifest.listGenerations(dir, "card").size(), "nothing was built");
    }

    @Test
    void shouldEscapeControlCharactersFromTheFileInMessages() {
        Fixtures.createView(dir, CARD, 10);
        Path ansi = Fixtures.write(dir.resolve("ansi.csv"),
                "id,amount,count,risk,evil\u001b[2J\u001b[31m\nb,1,2,3,4\n");
        FeatureFileException e = assertThrows(FeatureFileException.class,
                () -> FeatureCsvLoader.load(dir, "card", ansi, Fixtures.NO_HEARTBEAT, null));
        assertTrue(e.getMessage().contains("unknown feature column(s) [evil\\u001b[2J\\u001b[31m]"), e.getMessage());
        assertTrue(e.getMessage().chars().noneMatch(c -> c < 0x20), e.getMessage());
        Path cell = Fixtures.write(dir.resolve("cell.csv"), "id,amount,count,risk\nb,1\u001b]0;title\u0007,2,3\n");
        e = assertThrows(FeatureFileException.class,
                () -> FeatureCsvLoader.load(dir, "card", cell, Fixtures.NO_HEARTBEAT, null));
        assertTrue(e.getMessage().contains("cannot parse \"1\\u001b]0;title\\u0007\""), e.getMessage());
    }

    @Test
    void shouldFailClearlyForAMissingCsvOrView() {
        Fixtures.createView(dir, CARD, 10);
        Path absent = dir.resolve("absent.csv");
        FeatureFileException e = assertThrows(FeatureFileException.class,
                () -> FeatureCsvLoader.load(dir, "card", absent, Fixtures.NO_HEARTBEAT, null));
        assertTrue(e.getMessage().contains(absent + ": CSV file not found"), e.getMessage());
        Path csv = Fixtures.write(dir.resolve("x.csv"), "id,a\nk,1\n");
        e = assertThrows(FeatureFileException.class,
                () -> FeatureCsvLoader.load(dir, "nosuchview", csv, Fixtures.NO_HEARTBEAT, null));
        assertTrue(e.getMessage().contains("manifest of view \"nosuchview\" not found"), e.getMessage());
    }

    @Test
    void shouldReportProgressEveryHundredThousandRows() throws Exception {
        FeatureView one = Fixtures.stringView("one", 1);
        Fixtures.createView(dir, one, 10);
        StringBuilder sb = new StringBuilder("id,f0\n");
        for (int i = 0; i < 250_000; i++) {
            sb.append('k').append(i).append(',').append(i).append('\n');
        }
        Path csv = Fixtures.write(dir.resolve("big.csv"), sb.toString());
        List<Long> done = new ArrayList<>();
        List<Long> totals = new ArrayList<>();
        LoadResult res = FeatureCsvLoader.load(dir, "one", csv, Fixtures.NO_HEARTBEAT,
                (d, t) -> {
                    done.add(d);
                    totals.add(t);
                });
        assertEquals(List.of(100_000L, 200_000L, 250_000L), done);
        assertEquals(List.of(250_000L, 250_000L, 250_000L), totals);
        assertEquals(250_000, res.entities());
        try (FeatureReader r = FeatureReader.open(dir, one, Fixtures.MANUAL_REFRESH)) {
            float[] dst = new float[1];
            assertEquals(FeatureStatus.PRESENT, r.read("k249999", dst, 0));
            assertEquals(249_999f, dst[0]);
        }
        assertTrue(Files.size(res.file()) > 0);
    }
}
