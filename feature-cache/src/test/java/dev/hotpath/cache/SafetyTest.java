package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureStatus;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.hash.impl.BigSegmentHeader;
import net.openhft.chronicle.map.ChronicleMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks on open, Chronicle's defaults turned safe, and the JVM-flag check. */
class SafetyTest {
    @TempDir
    Path dir;

    private static final FeatureView VIEW = Fixtures.stringView("card", 3);

    /** Publishes a manifest for generation 1 of VIEW without creating its map file. */
    private Path manifestOnly() {
        Manifest m = new Manifest(VIEW, 1, RecordLayout.recordSize(3), 100, 16, 1L, 1L);
        m.writeAtomically(dir);
        return m.file(dir);
    }

    @Test
    void shouldRefuseAGenerationFileWhoseValueSizeDiffersFromTheManifest() throws Exception {
        ChronicleRuntime.ensureReady();
        Path file = manifestOnly();
        // Chronicle would silently adopt this header whatever our builder says.
        try (ChronicleMap<CharSequence, byte[]> foreign = ChronicleMap.of(CharSequence.class, byte[].class)
                .averageKeySize(8).constantValueSizeBySample(new byte[100]).entries(100)
                .createPersistedTo(file.toFile())) {
            foreign.put("x", new byte[100]);
        }
        FeatureFileException e = assertThrows(FeatureFileException.class,
                () -> FeatureReader.open(dir, VIEW, Fixtures.MANUAL_REFRESH));
        assertTrue(e.getMessage().contains("value size 100..100 bytes, expected a constant 64"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void shouldRefuseAGenerationFileWithAnotherKeyClass() throws Exception {
        ChronicleRuntime.ensureReady();
        Path file = manifestOnly();
        try (ChronicleMap<LongValue, byte[]> foreign = ChronicleMap.of(LongValue.class, byte[].class)
                .constantValueSizeBySample(new byte[64]).entries(100).createPersistedTo(file.toFile())) {
            assertEquals(0, foreign.size());
        }
        FeatureFileException e = assertThrows(FeatureFileException.class,
                () -> FeatureWriter.open(dir, "card", Fixtures.NO_HEARTBEAT));
        assertTrue(e.getMessage().contains("key class"), e.getMessage());
    }

    @Test
    void shouldRefuseAGenerationFileWithoutMetaRecordOrFromAnotherGeneration() throws Exception {
        ChronicleRuntime.ensureReady();
        Path file = manifestOnly();
        try (ChronicleMap<CharSequence, byte[]> bare = ChronicleMap.of(CharSequence.class, byte[].class)
                .averageKeySize(16).constantValueSizeBySample(new byte[64]).entries(100)
                .createPersistedTo(file.toFile())) {
            bare.put("x", new byte[64]);
        }
        FeatureFileException e = assertThrows(FeatureFileException.class,
                () -> FeatureReader.open(dir, VIEW, Fixtures.MANUAL_REFRESH));
        assertTrue(e.getMessage().contains("no meta record"), e.getMessage());

        // A real generation 2 file renamed to generation 1's name: the meta record tells.
        Files.delete(file);
        Manifest gen2 = new Manifest(VIEW, 2, RecordLayout.recordSize(3), 100, 16, 1L, 1L);
        MapHandle.createNew(dir, gen2, System.currentTimeMillis()).close();
        Files.move(gen2.file(dir), file);
        e = assertThrows(FeatureFileException.class, () -> FeatureReader.open(dir, VIEW, Fixtures.MANUAL_REFRESH));
        assertTrue(e.getMessage().contains("generation 2 in the meta record, expected 1"), e.getMessage());
    }

    @Test
    void shouldReturnSchemaMismatchWithDefaultsForRecordsWrittenUnderAnotherSchema() {
        Fixtures.createView(dir, VIEW, 100);
        try (FeatureWriter w = FeatureWriter.open(dir, "card", Fixtures.NO_HEARTBEAT);
             FeatureReader r = FeatureReader.open(dir, VIEW, Fixtures.MANUAL_REFRESH)) {
            RecordData rec = new RecordData(RecordLayout.recordSize(3));
            long now = System.currentTimeMillis();
            rec.writeHeader(now, now, VIEW.fingerprint() ^ 1, 0, 3);
            rec.writeValues(new float[] {1, 2, 3}, 0, 3);
            MapHandle.writeRecord(w.handleForTesting().stringMap, "wrong-fingerprint", rec, 1_000_000, null);
            rec.writeHeader(now, now, VIEW.fingerprint(), 0, 2);
            MapHandle.writeRecord(w.handleForTesting().stringMap, "wrong-count", rec, 1_000_000, null);
            rec.writeHeader(now, now, VIEW.fingerprint(), 0x40, 3);
            MapHandle.writeRecord(w.handleForTesting().stringMap, "unknown-flag", rec, 1_000_000, null);
            rec.writeHeader(now, now, VIEW.fingerprint(), 0, 3);
            MapHandle.writeRecord(w.handleForTesting().stringMap, "fine", rec, 1_000_000, null);
            float[] dst = new float[3];
            for (String id : new String[] {"wrong-fingerprint", "wrong-count", "unknown-flag"}) {
                assertEquals(FeatureStatus.SCHEMA_MISMATCH, r.read(id, dst, 0), id);
                assertArrayEquals(new float[] {-1, -2, -3}, dst, id);
            }
            assertEquals(FeatureStatus.PRESENT, r.read("fine", dst, 0));
            assertArrayEquals(new float[] {1, 2, 3}, dst);
        }
    }

    @Test
    void shouldRunWithoutChronicleAnalyticsAndWithABoundedLockTimeout() {
        Fixtures.createView(dir, VIEW, 10);
        assertThrows(ClassNotFoundException.class,
                () -> Class.forName("net.openhft.chronicle.analytics.Analytics"),
                "chronicle-analytics must be excluded from the dependency tree");
        assertEquals("true", System.getProperty("chronicle.analytics.disable"));
        assertEquals("true", System.getProperty("chronicle.announcer.disable"));
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            assertFalse(t.getName().contains("analytics"), "unexpected thread " + t.getName());
        }
        // Surefire does not set the property, so Hotpath's default (2 s instead of Chronicle's 60 s) applies.
        assertEquals(ChronicleRuntime.DEFAULT_LOCK_TIMEOUT_SECONDS, BigSegmentHeader.LOCK_TIMEOUT_SECONDS);
        assertEquals("2", System.getProperty(ChronicleRuntime.LOCK_TIMEOUT_PROPERTY));
    }

    @Test
    void shouldFindAllRequiredFlagsInThisJvm() {
        assertEquals(List.of(), ChronicleJvmFlags.missingFlags());
        ChronicleJvmFlags.check();
        for (String flag : ChronicleJvmFlags.REQUIRED_FLAGS) {
            assertTrue(ChronicleJvmFlags.jvmOptionsLine().contains(flag), flag);
        }
        assertEquals(9, ChronicleJvmFlags.REQUIRED_FLAGS.size());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldFailUpFrontWithTheExactFlagListWhenTheJvmLacksTheFlags() throws Exception {
        // No flags at all.
        try (ChildJvm child = ChildJvm.start(dir, List.of(), FlagCheckChildMain.class, dir.toString())) {
            String line = child.awaitLine("ERROR ", 60, TimeUnit.SECONDS);
            assertEquals(3, child.awaitExit(60, TimeUnit.SECONDS));
            // jdk.unsupported exports sun.misc to every module anyway, so that one flag can never be missing.
            List<String> expectedMissing = new ArrayList<>(ChronicleJvmFlags.REQUIRED_FLAGS);
            expectedMissing.remove("--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED");
            assertTrue(line.contains("missing JVM flags: " + String.join(" ", expectedMissing) + ". Start"), line);
            assertTrue(line.contains("Start the JVM with exactly these flags: " + ChronicleJvmFlags.jvmOptionsLine()),
                    line);
            // A user reading this on Java 17 may deploy on Java 25: the newer JDKs' flags are named too.
            assertTrue(line.contains(ChronicleJvmFlags.NATIVE_ACCESS)
                    && line.contains(ChronicleJvmFlags.UNSAFE_ACCESS_ALLOW), line);
        }
        // All but two flags.
        List<String> partial = new ArrayList<>(ChronicleJvmFlags.chronicleFlagsForTesting());
        String dropped1 = "--add-opens=java.base/java.lang=ALL-UNNAMED";
        String dropped2 = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
        assertTrue(partial.remove(dropped1) && partial.remove(dropped2));
        try (ChildJvm child = ChildJvm.start(dir, partial, FlagCheckChildMain.class, dir.toString())) {
            String line = child.awaitLine("ERROR ", 60, TimeUnit.SECONDS);
            assertEquals(3, child.awaitExit(60, TimeUnit.SECONDS));
            assertTrue(line.contains("missing JVM flags: " + dropped2 + " " + dropped1 + ". Start"), line);
        }
    }
}
