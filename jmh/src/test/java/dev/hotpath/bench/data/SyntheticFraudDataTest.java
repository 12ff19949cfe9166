package dev.hotpath.bench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticFraudDataTest {
    @Test
    void shouldBeDeterministicForASeed() {
        SyntheticFraudData.Dataset a = SyntheticFraudData.generate(500, 200, 3);
        SyntheticFraudData.Dataset b = SyntheticFraudData.generate(500, 200, 3);
        assertArrayEquals(a.rows(), b.rows());
        assertArrayEquals(a.labels(), b.labels());
        assertFalse(Arrays.equals(a.rows(), SyntheticFraudData.generate(500, 200, 4).rows()));
    }

    @Test
    void shouldHaveAboutFivePercentMissingValuesAndPositives() {
        SyntheticFraudData.Dataset d = SyntheticFraudData.generate(20_000, 200, 11);
        assertEquals(0.05, d.missingRate(), 0.01, "missing rate");
        assertEquals(0.05, d.positiveRate(), 0.02, "positive rate");
    }

    @Test
    void shouldMakeNarrowRowsPrefixesOfTheWideOnes() {
        SyntheticFraudData.Dataset wide = SyntheticFraudData.generate(50, 200, 9);
        SyntheticFraudData.Dataset narrow = SyntheticFraudData.generate(50, 30, 9);
        for (int r = 0; r < 50; r++) {
            assertArrayEquals(Arrays.copyOf(wide.row(r), 30), narrow.row(r), "row " + r);
        }
        assertArrayEquals(wide.labels(), narrow.labels());
    }

    @Test
    void shouldHaveManyDistinctRows() {
        SyntheticFraudData.Dataset d = SyntheticFraudData.generate(4096, 200, 1);
        long distinct = java.util.stream.IntStream.range(0, 4096).mapToObj(r -> Arrays.toString(d.row(r)))
                .distinct().count();
        assertEquals(4096, distinct);
        assertTrue(d.rows().length == 4096 * 200);
    }

    @Test
    void shouldRejectWidthsOutsideTheGenerator() {
        assertThrows(IllegalArgumentException.class, () -> SyntheticFraudData.generate(1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> SyntheticFraudData.generate(1, 201, 1));
    }
}
