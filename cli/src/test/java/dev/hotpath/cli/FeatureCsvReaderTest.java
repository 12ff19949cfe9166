package dev.hotpath.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading a CSV of rows into memory with {@code hotpath score}'s rules (the JMH own-model benchmark's input). The
 * rules themselves are {@link CsvScorerTest}'s; this checks the in-memory layout, the row limit and that errors
 * name the file.
 */
class FeatureCsvReaderTest {
    @TempDir
    Path dir;

    private Path csv(String text) throws Exception {
        Path f = dir.resolve("rows.csv");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void shouldLayRowsOutInModelFeatureOrderWhateverTheColumnOrder() throws Exception {
        FeatureCsvReader.Rows r = FeatureCsvReader.readRows(csv("country,amount,age\n1,50,20\n3,150,\n"),
                TestModels.threeFeatures(), false, 10);
        assertEquals(2, r.numRows());
        assertFalse(r.truncated());
        // the model's order is amount, age, country; the empty field is missing
        assertArrayEquals(new float[] {50, 20, 1, 150, Float.NaN, 3}, r.values());
    }

    @Test
    void shouldLeaveFeaturesWithoutAColumnMissingWhenAllowed() throws Exception {
        FeatureCsvReader.Rows r = FeatureCsvReader.readRows(csv("age\n20\n40\n"), TestModels.threeFeatures(), true,
                10);
        assertArrayEquals(new float[] {Float.NaN, 20, Float.NaN, Float.NaN, 40, Float.NaN}, r.values());
    }

    @Test
    void shouldStopAtTheRowLimitAndSayThereIsMore() throws Exception {
        StringBuilder sb = new StringBuilder("amount,age,country\n");
        for (int i = 0; i < 3000; i++) {
            sb.append(i).append(",1,2\n");
        }
        Path f = csv(sb.toString());
        FeatureCsvReader.Rows r = FeatureCsvReader.readRows(f, TestModels.threeFeatures(), false, 2500);
        assertEquals(2500, r.numRows());
        assertTrue(r.truncated());
        assertEquals(2500 * 3, r.values().length);
        assertEquals(2499f, r.values()[2499 * 3]);
        FeatureCsvReader.Rows all = FeatureCsvReader.readRows(f, TestModels.threeFeatures(), false, 3000);
        assertEquals(3000, all.numRows());
        assertFalse(all.truncated());
    }

    @Test
    void shouldNameTheFileAndLineOfABadRow() throws Exception {
        Path f = csv("amount,age,country\n1,2,3\n1,x,3\n");
        CsvInputException e = assertThrows(CsvInputException.class,
                () -> FeatureCsvReader.readRows(f, TestModels.threeFeatures(), false, 10));
        assertEquals(f + " line 3: column 'age': cannot parse \"x\" as a number; expected a Java float literal"
                + " (e.g. 1.5, -2e-3, Infinity), or NaN or an empty field for a missing value", e.getMessage());
    }
}
