package dev.hotpath.shadow.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.shadow.log.ShadowLogWriter;

/**
 * Amount-weighted and per-segment metrics against values computed by hand (in the comments) on an 11-row table,
 * for score pairs (a backtest) and for a shadow log carrying the same amounts and segment keys.
 */
class SlicedMetricsTest {
    private static final double EPS = 1e-12;
    // id is the index; label -1 = unknown. Threshold 0.5 for both models (block when score >= 0.5).
    private static final float[] CURRENT = {0.9f, 0.2f, 0.7f, 0.1f, 0.6f, 0.3f, 0.2f, 0.8f, 0.4f, 0.1f, 0.55f};
    private static final float[] CANDIDATE = {0.9f, 0.8f, 0.3f, 0.1f, 0.6f, 0.4f, 0.2f, 0.9f, 0.7f, 0.2f, 0.65f};
    private static final int[] LABEL = {1, 1, 0, 0, 0, 1, 0, -1, 0, 1, 1};
    private static final long[] AMOUNT = {100, 50, 200, 400, 10, 80, 60, 30, 25, 45, 5};
    private static final String[] COUNTRY = {"US", "US", "US", "US", "FR", "FR", "FR", "FR", "DE", "DE", "BR"};

    @TempDir
    Path dir;

    private static ScorePairs pairs() {
        ScorePairs.Builder b = ScorePairs.builder("fraud-v7", "fraud-v8").weight("amount").segments("country")
                .labelled().sources(List.of("payments.parquet"));
        for (int i = 0; i < CURRENT.length; i++) {
            b.add(i, CURRENT[i], CANDIDATE[i], LABEL[i], AMOUNT[i], COUNTRY[i]);
        }
        return b.build();
    }

    private static ShadowReport report(ScorePairs pairs) {
        return ShadowReport.builder().threshold(0.5f).minSegmentSize(2).maxSegments(2).build(pairs);
    }

    @Test
    void shouldComputeAmountWeightedPrecisionRecallAndBlockRateAsByHand() {
        ShadowReport r = report(pairs());
        SliceSummary s = r.slices(r.comparisons().get(0));
        assertEquals("amount", s.weightName());
        WeightedMetrics p = s.weighted().get(0);
        WeightedMetrics c = s.weighted().get(1);
        assertEquals("primary", p.model());
        assertEquals("shadow", c.model());
        // total 100+50+200+400+10+80+60+30+25+45+5 = 1005
        assertEquals(1005, p.totalWeight(), EPS);
        // primary blocks ids 0,2,4,7,10: 100+200+10+30+5 = 345
        assertEquals(345, p.blockedWeight(), EPS);
        assertEquals(345.0 / 1005, p.blockRate(), EPS);
        // fraud: ids 0,1,5,9,10 = 100+50+80+45+5 = 280; primary catches 0 and 10 = 105
        assertEquals(280, p.fraudWeight(), EPS);
        assertEquals(105, p.fraudCaught(), EPS);
        assertEquals(0.375, p.recall(), EPS);
        // good: ids 2,3,4,6,8 = 200+400+10+60+25 = 695; primary blocks 2 and 4 = 210
        assertEquals(695, p.goodWeight(), EPS);
        assertEquals(210, p.goodBlocked(), EPS);
        assertEquals(105.0 / 315, p.precision(), EPS);
        assertEquals(210.0 / 695, p.goodBlockRate(), EPS);
        // candidate blocks ids 0,1,4,7,8,10: 100+50+10+30+25+5 = 220; catches 0,1,10 = 155; good blocked 4,8 = 35
        assertEquals(220.0 / 1005, c.blockRate(), EPS);
        assertEquals(155, c.fraudCaught(), EPS);
        assertEquals(155.0 / 280, c.recall(), EPS);
        assertEquals(35, c.goodBlocked(), EPS);
        assertEquals(155.0 / 190, c.precision(), EPS);
        assertEquals(r.comparisons().get(0).matchedThreshold(), s.weighted().get(2).threshold());
    }

    @Test
    void shouldListSegmentsByLargestShiftAndFoldSmallAndSurplusSegmentsIntoOther() {
        ShadowReport r = report(pairs());
        SegmentBreakdown b = r.slices(r.comparisons().get(0)).segments().get(0);
        assertEquals("country", b.column());
        assertEquals(4, b.segments());
        // US: flips at ids 1 (0.2 -> 0.8) and 2 (0.7 -> 0.3) = 2/4; DE: id 8 (0.4 -> 0.7) = 1/2; FR: 0/4;
        // BR has 1 pair < minSegmentSize 2. US and DE tie at 0.5, US has more pairs; maxSegments 2 folds FR.
        assertEquals(List.of("US", "DE", "(other)"), b.rows().stream().map(SegmentMetrics::value).toList());
        assertEquals(1, b.foldedSmall());
        assertEquals(1, b.foldedBeyondMax());
        SegmentMetrics us = b.rows().get(0);
        assertEquals(0.5, us.shift(), EPS);
        assertEquals(4, us.comparison().validPairs());
        // US primary blocks ids 0,2; candidate 0,1
        assertEquals(0.5, us.comparison().configured().primaryBlockRate(), EPS);
        assertEquals(0.5, us.comparison().configured().shadowBlockRate(), EPS);
        // US label recall: positives 0,1; primary catches 0, candidate both
        assertEquals(0.5, us.comparison().labels().primary().recall(), EPS);
        assertEquals(1.0, us.comparison().labels().shadow().recall(), EPS);
        // US weighted: total 750, primary blocks 100+200, candidate 100+50; fraud 150: primary 100, candidate 150
        assertEquals(300.0 / 750, us.weighted().get(0).blockRate(), EPS);
        assertEquals(150.0 / 750, us.weighted().get(1).blockRate(), EPS);
        assertEquals(100.0 / 150, us.weighted().get(0).recall(), EPS);
        assertEquals(1.0, us.weighted().get(1).recall(), EPS);
        assertEquals(100.0 / 300, us.weighted().get(0).precision(), EPS);
        SegmentMetrics de = b.rows().get(1);
        assertEquals(0.5, de.shift(), EPS);
        assertEquals(0.0, de.comparison().configured().primaryBlockRate(), EPS);
        assertEquals(0.5, de.comparison().configured().shadowBlockRate(), EPS);
        // DE candidate blocks id 8 (good, 25) of 70; its fraud (id 9, 45) is caught by neither
        assertEquals(25.0 / 70, de.weighted().get(1).blockRate(), EPS);
        assertEquals(0.0, de.weighted().get(1).recall(), EPS);
        assertEquals(0.0, de.weighted().get(1).precision(), EPS);
        assertTrue(Double.isNaN(de.weighted().get(0).precision()), "the primary blocks nothing labelled in DE");
        SegmentMetrics other = b.rows().get(2);
        // (other) = FR + BR: ids 4..7 and 10; both models block 4, 7, 10 = 3/5, no flips
        assertEquals(2, other.foldedSegments());
        assertEquals(5, other.comparison().validPairs());
        assertEquals(0.6, other.comparison().configured().primaryBlockRate(), EPS);
        assertEquals(0.6, other.comparison().configured().shadowBlockRate(), EPS);
        assertEquals(0.0, other.shift(), EPS);
    }

    @Test
    void shouldListEverySegmentWhenTheRulesAllow() {
        ShadowReport r = ShadowReport.builder().threshold(0.5f).minSegmentSize(1).build(pairs());
        SegmentBreakdown b = r.slices(r.comparisons().get(0)).segments().get(0);
        // BR: 0.55 -> 0.65 both block, 0 flips, 1 pair: after FR (0 flips, 4 pairs)
        assertEquals(List.of("US", "DE", "FR", "BR"), b.rows().stream().map(SegmentMetrics::value).toList());
        assertEquals(0, b.foldedSmall() + b.foldedBeyondMax());
    }

    @Test
    void shouldComputeTheSameSlicesFromAShadowLogWithAmountsAndSegmentKeys() throws Exception {
        Path log = dir.resolve("log");
        StringBuilder csv = new StringBuilder("request_id,label\n");
        ScorePairs.Builder pb = ScorePairs.builder("fraud-v7", "fraud-v8").weight("amount").segments("segment")
                .labelled();
        try (ShadowLogWriter w = ReportFixtures.writer(log, 1)) {
            ReportFixtures.models(w, 0.5f, 0.5f);
            for (int i = 0; i < CURRENT.length; i++) {
                int key = List.of("US", "FR", "DE", "BR").indexOf(COUNTRY[i]) + 1;
                w.appendComparison(ReportFixtures.T0 + i, i, AMOUNT[i], 1, 2, CURRENT[i], CANDIDATE[i], 0, 0, 0, 0,
                        0, key, 10_000);
                pb.add(i, CURRENT[i], CANDIDATE[i], LABEL[i], AMOUNT[i], Integer.toString(key));
                if (LABEL[i] >= 0) {
                    csv.append(i).append(',').append(LABEL[i]).append('\n');
                }
            }
        }
        Path labels = dir.resolve("labels.csv");
        Files.writeString(labels, csv);
        ShadowReport fromLog = ShadowReport.builder().addLog(log).labels(labels).weight("amount").segment("segment")
                .minSegmentSize(2).maxSegments(2).build();
        ShadowReport fromPairs = ShadowReport.builder().threshold(0.5f).minSegmentSize(2).maxSegments(2)
                .build(pb.build());

        SliceSummary s = fromLog.slices(fromLog.comparisons().get(0));
        assertEquals(105, s.weighted().get(0).fraudCaught(), EPS);
        assertEquals(35, s.weighted().get(1).goodBlocked(), EPS);
        // key 1 = US, 3 = DE (see the order above)
        assertEquals(List.of("1", "3", "(other)"),
                s.segments().get(0).rows().stream().map(SegmentMetrics::value).toList());
        // Every weighted and segment figure is the same (only the shadow's log id differs: 2 here, 1 for pairs).
        Object a = ReportFixtures.parseJson(fromPairs.toJson());
        Object l = ReportFixtures.parseJson(fromLog.toJson());
        for (String key : List.of("weight", "weighted", "segments", "notes")) {
            assertTrue(ReportFixtures.path(a, "slices", "0", key).equals(ReportFixtures.path(l, "slices", "0", key)),
                    key);
        }
    }

    @Test
    void shouldRenderWeightedAndSegmentSectionsInTextJsonAndHtml() {
        ShadowReport r = report(pairs());
        String text = r.toText();
        assertTrue(text.contains("WEIGHTED BY amount"), text);
        assertTrue(text.contains("SEGMENTS BY country"), text);
        assertTrue(text.contains("(other: 2)"), text);
        Object json = ReportFixtures.parseJson(r.toJson());
        assertEquals(105.0, ((Number) ReportFixtures.path(json, "slices", "0", "weighted", "0", "fraudCaught"))
                .doubleValue(), EPS);
        assertEquals("US", ReportFixtures.path(json, "slices", "0", "segments", "0", "rows", "0", "value"));
        String html = r.toHtml();
        assertTrue(html.contains("<h2>Weighted by amount"), html);
        assertTrue(html.contains("<h2>Segments by country"), html);
    }

    @Test
    void shouldShowTheThresholdAndTheInputsOfAPairsReport() {
        ShadowReport r = report(pairs());
        assertEquals(0.5f, r.run().models().get(0).threshold());
        assertEquals(0.5f, r.run().models().get(1).threshold());
        String text = r.toText();
        assertFalse(text.contains("log file(s)"), text);
        assertTrue(text.contains("from payments.parquet"), text);
        assertFalse(text.contains("threshold n/a"), text);
    }

    @Test
    void shouldOmitSlicesWhenNoneWereAsked() {
        ShadowReport r = ShadowReport.builder().threshold(0.5f)
                .build(ScorePairs.builder("a", "b").add(1, 0.1f, 0.2f).add(2, 0.7f, 0.9f).build());
        assertNull(r.slices(r.comparisons().get(0)));
        assertFalse(r.toText().contains("WEIGHTED BY"));
    }

    @Test
    void shouldRefuseBadWeightsAndNamesALogDoesNotRecord(@TempDir Path log) {
        ConfigurationException neg = assertThrows(ConfigurationException.class,
                () -> ScorePairs.builder("a", "b").weight("amount").add(7, 0.1f, 0.2f, 0, -1.0));
        assertTrue(neg.getMessage().contains("row 7") && neg.getMessage().contains("amount"), neg.getMessage());
        assertThrows(ConfigurationException.class,
                () -> ScorePairs.builder("a", "b").segments("country").add(7, 0.1f, 0.2f, 0, 1.0));
        assertThrows(ConfigurationException.class,
                () -> ScorePairs.builder("a", "b").weight("amount").add(7, 0.1f, 0.2f));
        ConfigurationException name = assertThrows(ConfigurationException.class,
                () -> ShadowReport.builder().addLog(log).segment("country").build());
        assertTrue(name.getMessage().contains("'segment'") && name.getMessage().contains("country"),
                name.getMessage());
    }
}
