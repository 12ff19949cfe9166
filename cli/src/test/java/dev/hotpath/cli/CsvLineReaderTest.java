package dev.hotpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CsvLineReaderTest {

    private static CsvLineReader reader(String text) {
        return new CsvLineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t.csv",
                CsvLineReader.DEFAULT_MAX_LINE_BYTES);
    }

    private static List<String> fields(CsvLineReader r) {
        int n = r.split(64);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(r.text(i));
        }
        return out;
    }

    /** Hands out at most 7 bytes per read, so lines straddle every kind of buffer boundary. */
    private static final class TrickleInputStream extends InputStream {
        private final byte[] data;
        private int pos;

        TrickleInputStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 7), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    @Test
    void shouldSplitFieldsTrimmingBlanksAndKeepingEmptyOnes() throws IOException {
        CsvLineReader r = reader(" a ,\tb\t,,c,\n");
        assertTrue(r.nextLine());
        assertEquals(List.of("a", "b", "", "c", ""), fields(r));
        assertFalse(r.nextLine());
    }

    @Test
    void shouldUnquoteFieldsWithCommasAndDoubledQuotes() throws IOException {
        CsvLineReader r = reader("\"a,b\", \"say \"\"hi\"\"\" ,\"\", \" x \"\n");
        assertTrue(r.nextLine());
        assertEquals(List.of("a,b", "say \"hi\"", "", " x "), fields(r));
        assertTrue(r.quoted(0));
    }

    @Test
    void shouldRejectAnUnterminatedQuote() throws IOException {
        CsvLineReader r = reader("a,b\n1,\"2\n3\"\n");
        assertTrue(r.nextLine());
        r.split(8);
        assertTrue(r.nextLine());
        CsvInputException e = assertThrows(CsvInputException.class, () -> r.split(8));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("field 2 has an opening quote but no closing quote"), e.getMessage());
    }

    @Test
    void shouldRejectTextAfterAClosingQuote() throws IOException {
        CsvLineReader r = reader("\"a\"b,c\n");
        assertTrue(r.nextLine());
        CsvInputException e = assertThrows(CsvInputException.class, () -> r.split(8));
        assertTrue(e.getMessage().contains("field 1 has text after its closing quote"), e.getMessage());
    }

    @Test
    void shouldCountLinesAndStripCrOnlyBeforeLf() throws IOException {
        CsvLineReader r = reader("h\r\n1\r\n\r\n2");
        List<String> lines = new ArrayList<>();
        while (r.nextLine()) {
            lines.add(r.lineNumber() + ":" + fields(r).get(0) + ":" + r.lineIsEmpty());
        }
        assertEquals(List.of("1:h:false", "2:1:false", "3::true", "4:2:false"), lines);
    }

    @Test
    void shouldReadLinesLongerThanTheInitialBufferAcrossTinyReads() throws IOException {
        StringBuilder sb = new StringBuilder();
        List<String> expected = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 300; i++) {
            int width = i == 150 ? 200_000 : rnd.nextInt(40);
            String line = "x".repeat(width) + i;
            expected.add(line);
            sb.append(line).append(i % 2 == 0 ? "\n" : "\r\n");
        }
        CsvLineReader r = new CsvLineReader(new TrickleInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)),
                "t.csv", CsvLineReader.DEFAULT_MAX_LINE_BYTES);
        List<String> got = new ArrayList<>();
        while (r.nextLine()) {
            got.add(fields(r).get(0));
        }
        assertEquals(expected, got);
        assertEquals(300, r.lineNumber());
    }

    @Test
    void shouldCountFieldsBeyondTheRecordedOnes() throws IOException {
        CsvLineReader r = reader("1,2,3,4,5,6\n");
        assertTrue(r.nextLine());
        assertEquals(6, r.split(2));
        assertEquals("2", r.text(1));
    }

    @Test
    void shouldDecodeUtf8Text() throws IOException {
        CsvLineReader r = reader("montant_€,âge\n");
        assertTrue(r.nextLine());
        assertEquals(List.of("montant_€", "âge"), fields(r));
    }

    @Test
    void shouldParseExactlyLikeFloatParseFloat() throws IOException {
        List<String> samples = new ArrayList<>(List.of("0", "-0", "+0", "1", "-1", "+7", "0000001", "9999999",
                "-9999999", "16777217", "123456789", "1.5", "-2e-3", ".5", "5.", "1e38", "1e39", "-1e39", "1e-46",
                "1.4e-45", "3.4028235e38", "0x1p-149", "0x1.fffffeP+127", "Infinity", "-Infinity", "+Infinity",
                "NaN", "-NaN", "+NaN", "1.5f", "2d", "0.1", "0.30000001192092896", "8388609", "0001234567",
                "99999999", "33554433"));
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            samples.add(Integer.toString(rnd.nextInt(-20_000_000, 20_000_000)));
            samples.add(Float.toString(Float.intBitsToFloat(rnd.nextInt())));
            samples.add(Double.toString(rnd.nextDouble(-1e6, 1e6)));
            samples.add(String.format(java.util.Locale.ROOT, "%." + rnd.nextInt(0, 12) + "f",
                    rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-5, 9))));
            samples.add(rnd.nextInt(1, 999_999) + "e" + rnd.nextInt(-30, 30));
        }
        StringBuilder csv = new StringBuilder();
        for (String s : samples) {
            csv.append(s).append('\n');
        }
        CsvLineReader r = reader(csv.toString());
        for (String s : samples) {
            assertTrue(r.nextLine());
            r.split(1);
            float expected = Float.parseFloat(s);
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(r.parseFloat(0)), s);
        }
    }

    @Test
    void shouldRoundDecimalsNearFloatMidpointsExactlyLikeFloatParseFloat() throws IOException {
        // The string-free fast path must agree with parseFloat where double rounding could bite: decimals at,
        // just below and just above the exact midpoint between two adjacent floats, at 6 to 17 digits.
        SplittableRandom rnd = new SplittableRandom(11);
        List<String> samples = new ArrayList<>(List.of("1.68802130953293E+18", "4.2554562212535E+27",
                "7.75063686226943E+22", "4.59219556850729E+16", "16777217", "16777219", "0.100000001490116119384765625",
                "3.4028235677973366e38", "1e-22", "9.99999999999999e21"));
        for (int i = 0; i < 30_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt(0x1A000000, 0x7E000000)); // about 1e-22 .. 1e37
            BigDecimal mid = new BigDecimal(f).add(new BigDecimal(Math.nextUp(f))).divide(BigDecimal.valueOf(2));
            int digits = rnd.nextInt(6, 18);
            for (RoundingMode mode : new RoundingMode[] {RoundingMode.HALF_EVEN, RoundingMode.FLOOR,
                RoundingMode.CEILING}) {
                samples.add(mid.round(new MathContext(digits, mode)).toString());
            }
        }
        StringBuilder csv = new StringBuilder();
        for (String s : samples) {
            csv.append(s).append('\n');
        }
        CsvLineReader r = reader(csv.toString());
        for (String s : samples) {
            assertTrue(r.nextLine());
            r.split(1);
            assertEquals(Float.floatToRawIntBits(Float.parseFloat(s)), Float.floatToRawIntBits(r.parseFloat(0)), s);
        }
    }

    @Test
    void shouldParseEmptyAndBlankFieldsAsNan() throws IOException {
        CsvLineReader r = reader(",  ,\"\",\" \"\n");
        assertTrue(r.nextLine());
        assertEquals(4, r.split(4));
        for (int i = 0; i < 4; i++) {
            assertTrue(Float.isNaN(r.parseFloat(i)), "field " + i);
        }
    }

    @Test
    void shouldRejectNonNumbers() throws IOException {
        CsvLineReader r = reader("abc,1-2,\"1\"\"\",nan,１\n");
        assertTrue(r.nextLine());
        assertEquals(5, r.split(5));
        for (int i = 0; i < 5; i++) {
            int field = i;
            assertThrows(NumberFormatException.class, () -> r.parseFloat(field), "field " + i);
        }
    }
}
