package dev.hotpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.Model;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The CSV rules of {@code hotpath score}, checked against hand-built models whose outputs are worked out by hand
 * (see {@link TestModels#threeFeatures()}: amount &lt; 100 → 0.25 else 1.5, missing → 1.5; age &lt; 30 → -0.5
 * else 0.125, missing → -0.5; country &lt; 2 → 0.0625 else 4.0, missing → 4.0).
 */
class CsvScorerTest {

    static String score(Model model, String csv) {
        return score(model, csv, false, false);
    }

    static String score(Model model, String csv, boolean margin, boolean allowMissing) {
        StringWriter out = new StringWriter();
        try {
            new CsvScorer(model, margin, allowMissing, CsvLineReader.DEFAULT_MAX_LINE_BYTES).score(
                    new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "in.csv", out, silent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static CsvInputException error(Model model, String csv) {
        return assertThrows(CsvInputException.class, () -> score(model, csv));
    }

    static ProgressReporter silent() {
        return new ProgressReporter(new PrintWriter(new StringWriter()), System::nanoTime, "scored", 0, 0, false);
    }

    @Test
    void shouldScoreRowsInInputOrderWithHeaderNamedAfterOutputs() {
        assertEquals("score\n-0.1875\n5.625\n",
                score(TestModels.threeFeatures(), "amount,age,country\n50,20,1\n150,40,3\n"));
    }

    @Test
    void shouldMatchColumnsByNameWhenTheirOrderDiffersFromTheModel() {
        assertEquals("score\n-0.1875\n5.625\n",
                score(TestModels.threeFeatures(), "country,amount,age\n1,50,20\n3,150,40\n"));
    }

    @Test
    void shouldMatchPositionalNamesWhenTheModelHasNoFeatureNames() {
        assertEquals("score\n-0.1875\n5.625\n",
                score(TestModels.threeFeaturesUnnamed(), "f2,f0,f1\n1,50,20\n3,150,40\n"));
    }

    @Test
    void shouldTreatInfinityAsAValueAndNanOrEmptyAsMissing() {
        // age: +Infinity is not < 30 (right, 0.125); NaN and empty are missing (left, -0.5).
        // amount: -Infinity is < 100 (left, 0.25); missing goes right (1.5).
        String csv = "amount,age,country\n"
                + "50,Infinity,1\n"
                + "50,+Infinity,1\n"
                + "50,NaN,1\n"
                + "50,,1\n"
                + "50,   ,1\n"
                + "-Infinity,50,1\n"
                + ",50,1\n"
                + "NaN,50,1\n";
        assertEquals("score\n0.4375\n0.4375\n-0.1875\n-0.1875\n-0.1875\n0.4375\n1.6875\n1.6875\n",
                score(TestModels.threeFeatures(), csv));
    }

    @Test
    void shouldAcceptJavaFloatSyntaxQuotesAndBlanks() {
        // 99.99999 parses to a float below 100 (left); 1e2 is exactly 100 (right); 0x1p1 is 2.0 (right);
        // 3E1 is exactly 30 (right).
        String csv = "amount,age,country\n"
                + " 99.99999 , \"20\" ,\"1.5\"\n"
                + "1e2,29.5f,0x1p1\n"
                + "\"-0\",3E1,1\n";
        assertEquals("score\n-0.1875\n5.0\n0.4375\n", score(TestModels.threeFeatures(), csv));
    }

    @Test
    void shouldAcceptCrlfLineEndingsAndAMissingFinalNewline() {
        Model m = TestModels.threeFeatures();
        assertEquals("score\n-0.1875\n5.625\n", score(m, "amount,age,country\r\n50,20,1\r\n150,40,3\r\n"));
        assertEquals("score\n-0.1875\n5.625\n", score(m, "amount,age,country\r\n50,20,1\r\n150,40,3"));
        assertEquals("score\n-0.1875\n5.625\n", score(m, "amount,age,country\n50,20,1\n150,40,3"));
    }

    @Test
    void shouldNotTreatTheFinalNewlineAsAnExtraRow() {
        String out = score(TestModels.threeFeatures(), "amount,age,country\n50,20,1\n");
        assertEquals("score\n-0.1875\n", out);
    }

    @Test
    void shouldSkipAUtf8ByteOrderMark() {
        assertEquals("score\n-0.1875\n", score(TestModels.threeFeatures(), "\uFEFFamount,age,country\n50,20,1\n"));
    }

    @Test
    void shouldAcceptQuotedHeaderNames() {
        assertEquals("score\n-0.1875\n",
                score(TestModels.threeFeatures(), "\"amount\", \"age\" ,country\n50,20,1\n"));
    }

    @Test
    void shouldWriteOnlyTheHeaderForAHeaderOnlyInput() {
        assertEquals("score\n", score(TestModels.threeFeatures(), "amount,age,country\n"));
    }

    @Test
    void shouldKeepRowOrderAcrossManyBatches() {
        int n = 2 * CsvScorer.MAX_BATCH_ROWS + 477;
        StringBuilder csv = new StringBuilder("age,amount,country\n");
        StringBuilder expected = new StringBuilder("score\n");
        for (int i = 0; i < n; i++) {
            int amount = i % 200;
            int age = i % 60;
            int country = i % 5;
            csv.append(age).append(',').append(amount).append(',').append(country).append('\n');
            // The model's rule, restated by hand; all terms are dyadic, so the float sum is exact in any order.
            double expect = (amount < 100 ? 0.25 : 1.5) + (age < 30 ? -0.5 : 0.125)
                    + (country < 2 ? 0.0625 : 4.0);
            expected.append(Float.toString((float) expect)).append('\n');
        }
        assertEquals(expected.toString(), score(TestModels.threeFeatures(), csv.toString()));
    }

    @Test
    void shouldWriteRawMarginsWithMarginOption() {
        Model hinge = TestModels.threeFeaturesHinge();
        String csv = "amount,age,country\n50,20,1\n150,40,3\n";
        assertEquals("score\n0.0\n1.0\n", score(hinge, csv, false, false));
        assertEquals("margin\n-0.1875\n5.625\n", score(hinge, csv, true, false));
    }

    @Test
    void shouldWriteEveryMarginOfAMultiMarginModel() {
        Model argmax = TestModels.twoClassArgmax();
        // margins: m0 = x < 0 ? 1 : -1, m1 = y < 0 ? -2 : 2, missing goes left in both.
        String csv = "x,y\n-1,1\n-1,-1\n1,-1\n,\n1,1\n";
        assertEquals("class\n1.0\n0.0\n0.0\n0.0\n1.0\n", score(argmax, csv, false, false));
        assertEquals("margin_0,margin_1\n1.0,2.0\n1.0,-2.0\n-1.0,-2.0\n1.0,-2.0\n-1.0,2.0\n",
                score(argmax, csv, true, false));
    }

    @Test
    void shouldTreatAnEmptyLineAsOneEmptyFieldForASingleColumnInput() {
        float[] leaves = {0.5f, 1.5f};
        Model table = TestModels.lookupTable(leaves, 1);
        // x missing: the root's default direction is right (defaultLeft = false) → leaf 1 = 1.5.
        assertEquals("score\n0.5\n1.5\n1.5\n", score(table, "x\n0.5\n\n1.5\n"));
    }

    @Test
    void shouldRejectARowWithTooFewFieldsNamingItsLine() {
        CsvInputException e = error(TestModels.threeFeatures(), "amount,age,country\n50,20,1\n50,20\n1,2,3\n");
        assertEquals(3, e.line());
        assertEquals("in.csv line 3: expected 3 fields as in the header, found 2", e.getMessage());
    }

    @Test
    void shouldRejectARowWithTooManyFieldsNamingItsLine() {
        CsvInputException e = error(TestModels.threeFeatures(), "amount,age,country\n50,20,1,7\n");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("found 4"), e.getMessage());
    }

    @Test
    void shouldRejectAnEmptyLineInAMultiColumnInput() {
        CsvInputException e = error(TestModels.threeFeatures(), "amount,age,country\r\n50,20,1\r\n\r\n50,20,1\r\n");
        assertEquals(3, e.line());
        assertTrue(e.getMessage().endsWith("found 1 (the line is empty)"), e.getMessage());
    }

    @Test
    void shouldRejectAnUnparsableNumberNamingLineColumnAndText() {
        CsvInputException e = error(TestModels.threeFeatures(), "amount,age,country\n50,20,1\n50,abc,1\n");
        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith("in.csv line 3: column 'age': cannot parse \"abc\" as a number"),
                e.getMessage());
    }

    @Test
    void shouldRejectNonJavaSpellingsOfSpecialValues() {
        for (String bad : new String[] {"nan", "inf", "-inf", "Inf", "1,5", "1.2.3", "--1", "1e", "0x"}) {
            String csv = "amount,age,country\n50,\"" + bad + "\",1\n";
            CsvInputException e = error(TestModels.threeFeatures(), csv);
            assertEquals(2, e.line(), bad);
            assertTrue(e.getMessage().contains("column 'age'"), e.getMessage());
        }
    }

    @Test
    void shouldRejectUnknownColumnsListingWhatTheModelExpects() {
        CsvInputException e = error(TestModels.threeFeatures(), "amount,label,age,country\n1,2,3,4\n");
        assertEquals(1, e.line());
        assertEquals("in.csv line 1: unknown column 'label'; the model's 3 features are: amount, age, country",
                e.getMessage());
    }

    @Test
    void shouldExplainPositionalNamesWhenTheModelHasNone() {
        CsvInputException e = error(TestModels.threeFeaturesUnnamed(), "amount,age,country\n1,2,3\n");
        assertTrue(e.getMessage().contains("unknown columns 'amount', 'age', 'country'"), e.getMessage());
        assertTrue(e.getMessage().contains("named by position: f0 … f2"), e.getMessage());
    }

    @Test
    void shouldRejectAbsentFeatureColumnsByDefault() {
        CsvInputException e = error(TestModels.threeFeatures(), "age,amount\n20,50\n");
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("no column for 1 of the model's 3 features: 'country'"), e.getMessage());
        assertTrue(e.getMessage().contains("--allow-missing-columns"), e.getMessage());
    }

    @Test
    void shouldTreatAbsentColumnsAsMissingWhenAllowed() {
        // country absent → missing → right → 4.0.
        assertEquals("score\n3.75\n5.625\n",
                score(TestModels.threeFeatures(), "age,amount\n20,50\n40,150\n", false, true));
    }

    @Test
    void shouldRejectARepeatedColumn() {
        CsvInputException e = error(TestModels.threeFeatures(), "amount,age,amount,country\n1,2,3,4\n");
        assertEquals("in.csv line 1: column 'amount' appears twice (columns 1 and 3)", e.getMessage());
    }

    @Test
    void shouldRejectAHeaderWiderThanTheModel() {
        StringBuilder header = new StringBuilder("amount,age,country");
        for (int i = 0; i < 100; i++) {
            header.append(",extra").append(i);
        }
        CsvInputException e = error(TestModels.threeFeatures(), header + "\n");
        assertTrue(e.getMessage().contains("the header has 103 columns but the model has only 3 features"),
                e.getMessage());
    }

    @Test
    void shouldRejectAnEmptyInputAndAnEmptyHeader() {
        assertTrue(error(TestModels.threeFeatures(), "").getMessage().contains("line 1: the input is empty"));
        assertTrue(error(TestModels.threeFeatures(), "\n50,20,1\n").getMessage()
                .contains("line 1: the header row is empty"));
        assertTrue(error(TestModels.threeFeatures(), "amount,,country\n").getMessage()
                .contains("header column 2 has no name"));
    }

    @Test
    void shouldExplainClassicMacLineEndings() {
        CsvInputException e = error(TestModels.threeFeatures(), "amount,age,country\r50,20,1\r150,40,3\r");
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("line 1: the line contains a lone CR: the file seems to use classic Mac OS"
                + " line endings (CR only)"), e.getMessage());
        assertTrue(e.getMessage().contains("tr '\\r' '\\n'"), e.getMessage());
        String longMac = "amount,age,country\r" + "50,20,1\r".repeat(20);
        CsvInputException tooLong = assertThrows(CsvInputException.class, () ->
                new CsvScorer(TestModels.threeFeatures(), false, false, 64).score(
                        new ByteArrayInputStream(longMac.getBytes(StandardCharsets.US_ASCII)), "in.csv",
                        new StringWriter(), silent()));
        assertTrue(tooLong.getMessage().contains("classic Mac OS line endings"), tooLong.getMessage());
    }

    @Test
    void shouldRejectLinesLongerThanTheLimit() {
        String csv = "amount,age,country\n50,20,1\n" + "1".repeat(200) + ",2,3\n";
        CsvInputException e = assertThrows(CsvInputException.class, () ->
                new CsvScorer(TestModels.threeFeatures(), false, false, 64).score(
                        new ByteArrayInputStream(csv.getBytes(StandardCharsets.US_ASCII)), "in.csv",
                        new StringWriter(), silent()));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("longer than 64 bytes"), e.getMessage());
    }

    @Test
    void shouldQuoteOutputNamesOnlyWhenCsvRequiresIt() {
        assertEquals("score", CsvScorer.csvField("score"));
        assertEquals("\"a,b\"", CsvScorer.csvField("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", CsvScorer.csvField("say \"hi\""));
        assertEquals("\" padded\"", CsvScorer.csvField(" padded"));
    }
}
