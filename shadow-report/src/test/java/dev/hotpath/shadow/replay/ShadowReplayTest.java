package dev.hotpath.shadow.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.shadow.ShadowEvalException;
import dev.hotpath.shadow.ShadowEvaluator;
import dev.hotpath.shadow.ShadowModelConfig;
import dev.hotpath.shadow.ShadowPublisher;
import dev.hotpath.shadow.log.FsyncPolicy;
import dev.hotpath.shadow.log.LogOptions;
import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.report.ShadowGates;
import dev.hotpath.shadow.report.ShadowReport;
import dev.hotpath.shadow.testing.LogContents;
import dev.hotpath.shadow.testing.TestModels.LinearModel;
import dev.hotpath.shadow.testing.TestModels.ThrowingModel;

class ShadowReplayTest {
    @TempDir
    Path dir;

    private final Map<Long, float[]> sent = new HashMap<>();
    private final Map<Long, Float> primary = new HashMap<>();

    private Path liveLog(double captureRate) {
        Path log = dir.resolve("live");
        ShadowEvaluator ev = ShadowEvaluator.builder(log)
                .log(LogOptions.builder().hostTag("live").minFreeBytes(0).fsyncPolicy(FsyncPolicy.none()).build())
                .summaryInterval(Duration.ZERO)
                .primaryModel(1, "fraud-v7", "1").primaryThreshold(0.5f)
                .addShadow(ShadowModelConfig.builder(2, "fraud-v8", new LinearModel(0f, 0.5f, 0.5f)).build())
                .featureCaptureRate(captureRate)
                .build();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            ev.start();
            for (long id = 0; id < 500; id++) {
                float[] x = {(id % 17) / 17f, (id % 5) / 5f};
                float ps = (id % 20) / 20f;
                assertEquals(ShadowPublisher.ACCEPTED, ev.publisher().offer(id, x, 2, ps, 1, 700));
                sent.put(id, x);
                primary.put(id, ps);
            }
            ev.close();
        });
        return log;
    }

    @Test
    void shouldScoreACandidateOnCapturedTrafficAndWriteTheSameLogFormat() {
        Path log = liveLog(1.0);
        Path out = dir.resolve("replayed");
        LinearModel candidate = new LinearModel(0.1f, 0.3f, 0.6f);
        ReplayResult result = ShadowReplay.replay(log, candidate, out, ReplayOptions.defaults().withName("fraud-v9"));
        assertEquals(500, result.replayed());
        assertEquals(500, result.scored());
        assertEquals(3, result.modelId(), "ids 1 and 2 are taken in the source log");
        assertEquals(0.5f, result.threshold(), "the primary's threshold by default");
        assertTrue(result.summary().contains("hotpath shadow report --log " + out));

        LogContents replayed = LogContents.read(out);
        assertTrue(replayed.summary.clean());
        List<LogContents.Cmp> records = replayed.forShadow(3);
        assertEquals(500, records.size());
        for (LogContents.Cmp c : records) {
            float[] x = sent.get(c.requestId());
            float expected = Math.max(0f, Math.min(1f, 0.1f + 0.3f * x[0] + 0.6f * x[1]));
            assertEquals(expected, c.shadowScore(), 0f);
            assertEquals(primary.get(c.requestId()), c.primaryScore(), 0f);
            assertEquals(1, c.primaryModelId());
            assertEquals(700, c.primaryLatency());
            assertTrue((c.flags() & ShadowLogFormat.FLAG_REPLAY) != 0);
            assertEquals(expected >= 0.5f ? 1 : 0, c.shadowDecision());
        }
        assertEquals(500, replayed.features.size(), "features copied, so the replay can be replayed");
        assertEquals("fraud-v9", replayed.models.get(3).name());
        assertEquals("fraud-v7", replayed.models.get(1).name());

        // The report compares the live shadow and the replayed candidate side by side.
        ShadowReport report = ShadowReport.builder().addLog(log).addLog(out).gates(ShadowGates.none()).build();
        assertEquals(List.of(2, 3), report.comparisons().stream().map(c -> c.shadow().modelId()).toList());
        assertEquals(500, report.comparison(3).records());
        assertEquals(500, report.comparison(3).replayed());
        assertEquals(1.0, report.comparison(3).coverage().coverage(), 1e-12);
    }

    @Test
    void shouldCountCandidateFailuresInsteadOfAborting() {
        Path log = liveLog(1.0);
        ReplayResult r = ShadowReplay.replay(log, new ThrowingModel(2), dir.resolve("out"));
        assertEquals(500, r.replayed());
        assertEquals(500, r.errors());
        assertEquals(0, r.scored());
        assertTrue(LogContents.read(dir.resolve("out")).forShadow(r.modelId()).stream()
                .allMatch(c -> (c.flags() & ShadowLogFormat.FLAG_SHADOW_ERROR) != 0));
    }

    @Test
    void shouldRefuseALogWithoutCapturedFeaturesOrAConflictingSetup() {
        Path log = liveLog(0.0);
        LinearModel m = new LinearModel(0f, 1f, 1f);
        ShadowEvalException e = assertThrows(ShadowEvalException.class,
                () -> ShadowReplay.replay(log, m, dir.resolve("out")));
        assertTrue(e.getMessage().contains("featureCaptureRate"), e.getMessage());
        assertThrows(ConfigurationException.class, () -> ShadowReplay.replay(log, m, log));
        Path withFeatures = dir.resolve("second");
        assertThrows(ShadowEvalException.class, () -> ShadowReplay.replay(dir.resolve("missing"), m, withFeatures));
    }

    @Test
    void shouldRefuseAModelIdAlreadyUsedInTheSourceLog() {
        Path log = liveLog(1.0);
        assertThrows(ConfigurationException.class, () -> ShadowReplay.replay(log, new LinearModel(0f, 1f, 1f),
                dir.resolve("out"), ReplayOptions.defaults().withModelId(2)));
    }
}
