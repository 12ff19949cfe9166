package dev.hotpath.shadow.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.scoring.Model;
import dev.hotpath.shadow.ShadowEvaluator;
import dev.hotpath.shadow.ShadowModelConfig;
import dev.hotpath.shadow.ShadowPublisher;
import dev.hotpath.shadow.log.LogOptions;
import dev.hotpath.shadow.replay.ReplayResult;
import dev.hotpath.shadow.replay.ShadowReplay;
import dev.hotpath.shadow.testing.TestModels.LinearModel;

/** The code of shadow-report/README.md, kept compiling and running here over a real evaluator's log. */
class ReadmeExampleTest {
    @TempDir
    Path tmp;

    /** A log as a service writes it: 25 % of 20,000 requests shadowed, 10 % of those with features. */
    private Path liveLog(Model primaryModel, Model candidateModel) {
        Path logDir = tmp.resolve("shadow");
        ShadowEvaluator shadow = ShadowEvaluator.builder(logDir)
                .primaryModel(1, "fraud-v7", primaryModel)
                .primaryThreshold(0.6f)
                .addShadow(ShadowModelConfig.builder(2, "fraud-v8", candidateModel).threshold(0.6f).build())
                .sampleRate(0.25)
                .featureCaptureRate(0.10)
                .log(LogOptions.builder().minFreeBytes(0).build())
                .build();
        shadow.start();
        ShadowPublisher publisher = shadow.publisher();
        float[] features = new float[3];
        for (long requestId = 1; requestId <= 20_000; requestId++) {
            features[0] = (requestId % 97) / 97f;
            features[1] = (requestId % 13) / 13f;
            features[2] = (requestId % 7) / 7f;
            int result = publisher.offer(requestId, features, 3, primaryModel.score(features), 1, 2_000);
            assertTrue(result == ShadowPublisher.ACCEPTED || result == ShadowPublisher.SAMPLED_OUT);
        }
        shadow.close();
        return logDir;
    }

    @Test
    void readmeReportAndReplayExamplesWork() {
        Model primaryModel = new LinearModel(-0.2f, 0.5f, 0.3f, 0.2f);
        Model candidateModel = new LinearModel(-0.25f, 0.55f, 0.25f, 0.25f);
        Model nextCandidate = new LinearModel(-0.3f, 0.6f, 0.3f, 0.2f);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Path logDir = liveLog(primaryModel, candidateModel);
            Path replayDir = tmp.resolve("replayed");

            // --- README: producing a report (library API)
            ShadowReport report = ShadowReport.builder()
                    .addLog(logDir)
                    .gates(ShadowGates.parse("spearman>=0.9, matched_flip_rate<0.02, coverage>=0.95"))
                    .build();
            report.writeText(System.out);
            report.writeJson(tmp.resolve("shadow-report.json"));
            report.writeHtml(tmp.resolve("shadow-report.html"));
            boolean promotable = report.verdict() != Verdict.FAIL;
            // --- end
            assertTrue(promotable, report.recommendation());
            assertTrue(Files.exists(tmp.resolve("shadow-report.html")));
            assertEquals(5000, report.comparison(2).records(), 1000.0, "about 25% of 20,000");

            // --- README: replaying yesterday's traffic through a new candidate
            ReplayResult replay = ShadowReplay.replay(logDir, nextCandidate, replayDir);
            System.out.println(replay.summary());
            // --- end
            assertTrue(replay.replayed() > 200);
            String text = ShadowReport.builder().addLog(logDir).addLog(replayDir).build().toText();
            assertTrue(text.contains("SHADOW candidate-"), text);
        });
    }
}
