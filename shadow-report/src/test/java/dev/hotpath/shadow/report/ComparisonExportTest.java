package dev.hotpath.shadow.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.shadow.ShadowEvalException;
import dev.hotpath.shadow.log.LogRecordEncoder;
import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.log.ShadowLogWriter;

/** {@code shadow export}'s table: every comparison record with its decisions, flags, request fields and features. */
class ComparisonExportTest {
    @TempDir
    Path dir;

    private Path log() {
        Path log = dir.resolve("log");
        try (ShadowLogWriter w = ReportFixtures.writer(log, 1)) {
            ReportFixtures.models(w, 0.5f, 0.6f);
            w.appendComparison(ReportFixtures.T0, 7, 1250, 1, 2, 0.75f, 0.55f, 0, 0, 0, 900, 1200, 44, 10_000);
            w.appendComparison(ReportFixtures.T0 + 1_000_000, 8, 0, 1, 2, 0.25f, Float.NaN, 0, 0,
                    ShadowLogFormat.FLAG_SHADOW_ERROR | ShadowLogFormat.FLAG_FEATURES_CAPTURED, 0, 0, 0, 2_500);
            UnsafeBuffer b = new UnsafeBuffer(new byte[256]);
            int len = LogRecordEncoder.encodeFeaturesHeader(b, 0, ReportFixtures.T0 + 1_000_000, 8, 0, 1, 2, 0.25f, 0,
                    0, 2_500, 10_000);
            b.putFloat(ShadowLogFormat.F_VALUES, 3.5f, ShadowLogFormat.ORDER);
            b.putFloat(ShadowLogFormat.F_VALUES + 4, Float.NaN, ShadowLogFormat.ORDER);
            assertTrue(w.append(b, 0, len));
        }
        return log;
    }

    @Test
    void shouldWriteEveryComparisonRecordAsACsvRowWithDecisionsFlagsAndCapturedFeatures() throws Exception {
        Path csv = dir.resolve("out.csv");
        ComparisonExport.read(List.of(log()), Float.NaN).writeCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(List.of(
                "request_id,epoch_nanos,time,primary_model,primary_model_id,primary_score,primary_threshold,"
                        + "primary_blocks,shadow_model,shadow_model_id,shadow_score,shadow_threshold,shadow_blocks,"
                        + "shadow_error,breaker_open,over_budget,replayed,primary_latency_nanos,shadow_latency_nanos,"
                        + "amount_minor,segment_key,sample_rate,feature_0,feature_1",
                "7,1764000000000000000,2025-11-24T16:00:00Z,fraud-v7,1,0.75,0.5,true,fraud-v8,2,0.55,0.6,false,"
                        + "false,false,false,false,900,1200,1250,44,1.0,,",
                "8,1764000000001000000,2025-11-24T16:00:00.001Z,fraud-v7,1,0.25,0.5,false,fraud-v8,2,NaN,0.6,false,"
                        + "true,false,false,false,0,0,0,0,0.25,3.5,NaN"), lines);
    }

    @Test
    void shouldDecideAtTheGivenThresholdInsteadOfTheLogs() {
        ComparisonExport e = ComparisonExport.read(List.of(log()), 0.5f);
        assertEquals(0.5f, e.rows().get(0).shadowThreshold());
        assertTrue(e.rows().get(0).shadowBlocks(), "0.55 >= 0.5");
        assertEquals(2, e.featureColumns());
    }

    @Test
    void shouldNameAMissingLogPath() {
        ShadowEvalException e = assertThrows(ShadowEvalException.class,
                () -> ComparisonExport.read(List.of(dir.resolve("absent")), Float.NaN));
        assertTrue(e.getMessage().contains("absent"), e.getMessage());
    }
}
