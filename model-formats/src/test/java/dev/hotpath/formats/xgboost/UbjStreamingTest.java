package dev.hotpath.formats.xgboost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.formats.xgboost.XgbTestSupport.Data;
import dev.hotpath.formats.xgboost.XgbTestSupport.Labels;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A UBJSON file is parsed straight from {@link ModelFileInput}'s 64 KB window, never read into one array: a model
 * that spans many windows (its typed arrays, strings and markers straddle the window boundaries) must read exactly as
 * the same bytes read from memory, score exactly as XGBoost4J does, carry the SHA-256 of the file, and fail with the
 * file and offset named when the file is cut short or has bytes after the document.
 */
class UbjStreamingTest {
    @TempDir
    static Path dir;
    private static Path ubj;
    private static byte[] bytes;
    private static float[] rows;
    private static float[][] xgbMargins;

    @BeforeAll
    static void trainAModelOfManyWindows() throws Exception {
        Data d = XgbTestSupport.trainingData(19, Labels.BINARY);
        Booster booster = XgbTestSupport.train(XgbTestSupport.params("binary:logistic", "max_depth", 6), d, 100, false,
                true);
        try {
            ubj = dir.resolve("m.ubj");
            booster.saveModel(ubj.toString());
            bytes = Files.readAllBytes(ubj);
            rows = XgbTestSupport.evalRows(7, XgboostReader.parse(bytes, "m.ubj", XgboostOptions.defaults().limits()));
            xgbMargins = XgbTestSupport.xgbPredict(booster, rows, rows.length / XgbTestSupport.NF, true, null);
        } finally {
            booster.dispose();
        }
        assertTrue(bytes.length > 3 * ModelFileInput.CHUNK, "the model spans several windows: " + bytes.length);
    }

    @AfterAll
    static void release() {
        bytes = null;
        rows = null;
    }

    @Test
    void shouldScoreAStreamedFileExactlyLikeXgboostAndLikeTheSameBytesInMemory() throws Exception {
        int n = rows.length / XgbTestSupport.NF;
        Model fromFile = XgboostReader.read(ubj, XgboostOptions.defaults());
        Model fromMemory = XgboostReader.read(bytes, ubj.toString(), XgboostOptions.defaults());
        XgbTestSupport.assertMarginsBitExact("streamed", fromFile, rows, n, xgbMargins);
        XgbTestSupport.assertMarginsBitExact("in memory", fromMemory, rows, n, xgbMargins);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertEquals(sha, fromFile.info().checksum());
        assertEquals(sha, fromMemory.info().checksum());
        assertEquals("xgboost-ubj", fromFile.info().format());
    }

    @Test
    void shouldNameTheFileAndOffsetWhenAStreamedFileIsCutShort() throws Exception {
        for (int cut : new int[] {ModelFileInput.CHUNK - 3, ModelFileInput.CHUNK, 2 * ModelFileInput.CHUNK + 1,
            bytes.length / 2, bytes.length - 1}) {
            Path p = dir.resolve("cut-" + cut + ".ubj");
            Files.write(p, Arrays.copyOf(bytes, cut));
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> XgboostReader.read(p, XgboostOptions.defaults()), "cut at " + cut);
            assertEquals(p.toString(), e.source(), e.getMessage());
            assertTrue(e.location() != null && e.location().startsWith("offset "), e.getMessage());
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("remain"), e.getMessage());
        }
    }

    @Test
    void shouldRejectBytesAfterTheDocumentOfAStreamedFile() throws Exception {
        Path p = dir.resolve("trailing.ubj");
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 2);
        longer[bytes.length] = 'Z';
        longer[bytes.length + 1] = 'Z';
        Files.write(p, longer);
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> XgboostReader.read(p, XgboostOptions.defaults()));
        assertEquals(p.toString(), e.source());
        assertEquals("offset " + bytes.length, e.location(), e.getMessage());
        assertTrue(e.getMessage().contains("2 bytes after the end"), e.getMessage());
    }
}
