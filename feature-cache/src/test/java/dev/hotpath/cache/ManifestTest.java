package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestTest {
    @TempDir
    Path dir;

    private static Manifest sample() {
        FeatureView v = Fixtures.stringView("card", 3);
        return new Manifest(v, 7, RecordLayout.recordSize(3), 1000, 24, 1_700_000_000_000L, 4242);
    }

    @Test
    void shouldWriteAtomicallyAndReadBackEveryField() throws IOException {
        Manifest m = sample();
        m.writeAtomically(dir);
        Manifest back = Manifest.read(dir, "card");
        assertEquals(m.view, back.view);
        assertEquals(7, back.generation);
        assertEquals("card." + m.view.fingerprintHex() + ".000007.cm3", back.fileName);
        assertEquals(m.recordSize, back.recordSize);
        assertEquals(1000, back.entriesCapacity);
        assertEquals(24, back.averageKeyBytes);
        assertEquals(1_700_000_000_000L, back.createdAtMillis);
        assertEquals(4242, back.writerPid);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file may remain after the rename");
        }
    }

    @Test
    void shouldRoundTripThePublishedGenerationsItKeepsAndRejectAnythingElseThere() {
        Manifest m = sample().withPreviousFiles(java.util.List.of("card." + sample().view.fingerprintHex()
                + ".000006.cm3", "card.00000001.000002.cm3"));
        m.writeAtomically(dir);
        assertEquals(m.previousFiles, Manifest.read(dir, "card").previousFiles);
        String json = m.toJson();
        for (String bad : new String[] {"../../etc/passwd", "other.00000001.000002.cm3", "card.00000001.000007.cm3"}) {
            String hostile = json.replace("card.00000001.000002.cm3", bad);
            FeatureFileException e = assertThrows(FeatureFileException.class,
                    () -> Manifest.parse(hostile, "m.json"));
            assertTrue(e.getMessage().contains("previousFiles entry"), e.getMessage());
        }
        String escape = json.replace("card.00000001.000002.cm3", "\\u001b[2Jx");
        FeatureFileException e = assertThrows(FeatureFileException.class, () -> Manifest.parse(escape, "m.json"));
        assertFalse(e.getMessage().contains("\u001b"), "control characters from the file are escaped");
        assertTrue(e.getMessage().contains("\\u001b[2Jx"), e.getMessage());
    }

    @Test
    void shouldRejectCorruptManifestsNamingTheFileAndTheProblem() {
        String good = sample().toJson();
        Path file = Manifest.path(dir, "card");
        String[][] cases = {
                {good.substring(0, good.length() / 2), "malformed JSON"},
                {"[]", "expected a JSON object"},
                {good.replace("\"generation\" : 7", "\"generation\" : 0"), "generation must be >= 1"},
                {good.replace("\"schemaFingerprint\" : \"", "\"schemaFingerprint\" : \"0"),
                        "does not match the embedded view definition"},
                {good.replace(".000007.cm3", ".000008.cm3"), "does not match view, fingerprint and generation"},
                {good.replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"), "formatVersion 99"},
                {good.replaceAll("\\s*\"createdAtMillis\" : \\d+,", ""), "missing field \"createdAtMillis\""},
                {good.replace("\"recordSize\" : 64", "\"recordSize\" : 72"), "recordSize 72"},
                {good.replace("\"default\" : -1.0", "\"default\" : -1.5"), "does not match the embedded view"},
        };
        for (String[] c : cases) {
            assertFalse(c[0].equals(good), "test case must change the manifest: " + c[1]);
            Fixtures.write(file, c[0]);
            FeatureFileException e = assertThrows(FeatureFileException.class, () -> Manifest.read(dir, "card"),
                    c[1]);
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), "expected \"" + c[1] + "\" in: " + e.getMessage());
        }
    }

    @Test
    void shouldFailToOpenAReaderWithAMissingManifestOrGenerationFile() throws IOException {
        FeatureFileException e = assertThrows(FeatureFileException.class,
                () -> FeatureReader.open(dir, "card", Fixtures.MANUAL_REFRESH));
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains("hotpath cache create"),
                e.getMessage());

        FeatureView v = Fixtures.stringView("card", 3);
        Fixtures.createView(dir, v, 100);
        Path genFile = Manifest.read(dir, "card").file(dir);
        Files.delete(genFile);
        e = assertThrows(FeatureFileException.class, () -> FeatureReader.open(dir, v, Fixtures.MANUAL_REFRESH));
        assertTrue(e.getMessage().contains(genFile.toString()) && e.getMessage().contains("missing"),
                e.getMessage());
    }

    @Test
    void shouldKeepServingTheCurrentGenerationWhenTheManifestIsCorrupted() throws IOException {
        FeatureView v = Fixtures.stringView("card", 3);
        Fixtures.createView(dir, v, 100);
        try (FeatureWriter w = FeatureWriter.open(dir, "card", Fixtures.NO_HEARTBEAT);
             FeatureReader r = FeatureReader.open(dir, v, Fixtures.MANUAL_REFRESH)) {
            w.upsert("a", System.currentTimeMillis(), new float[] {1, 2, 3}, 0);
            Path manifest = Manifest.path(dir, "card");
            Fixtures.write(manifest, "{ \"formatVersion\": 1, ");
            FeatureFileException e = assertThrows(FeatureFileException.class, r::refresh);
            assertTrue(e.getMessage().contains(manifest.toString()), e.getMessage());
            float[] dst = new float[3];
            assertEquals(FeatureStatus.PRESENT, r.read("a", dst, 0));
            assertEquals(2f, dst[1]);
            Files.delete(manifest);
            assertThrows(FeatureFileException.class, r::refresh);
            assertEquals(FeatureStatus.PRESENT, r.read("a", dst, 0));
        }
    }

    @Test
    void shouldCountBackgroundRefreshErrorsAndKeepServing() throws Exception {
        FeatureView v = Fixtures.stringView("card", 3);
        Fixtures.createView(dir, v, 100);
        ReaderOptions fast = ReaderOptions.builder().refreshInterval(java.time.Duration.ofMillis(5)).build();
        try (FeatureWriter w = FeatureWriter.open(dir, "card", Fixtures.NO_HEARTBEAT);
             FeatureReader r = FeatureReader.open(dir, v, fast)) {
            w.upsert("a", System.currentTimeMillis(), new float[] {1, 2, 3}, 0);
            Fixtures.write(Manifest.path(dir, "card"), "not json");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (r.stats().refreshErrors() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            ReaderStats s = r.stats();
            assertTrue(s.refreshErrors() > 0, s.toString());
            assertTrue(s.lastRefreshError() != null && s.lastRefreshError().contains("corrupt manifest"),
                    String.valueOf(s.lastRefreshError()));
            assertEquals(FeatureStatus.PRESENT, r.read("a", new float[3], 0));
        }
    }
}
