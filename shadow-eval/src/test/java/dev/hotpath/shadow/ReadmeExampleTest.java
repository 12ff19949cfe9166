package dev.hotpath.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.scoring.Model;
import dev.hotpath.shadow.log.FsyncPolicy;
import dev.hotpath.shadow.replay.ReplayResult;
import dev.hotpath.shadow.replay.ShadowReplay;
import dev.hotpath.shadow.report.ShadowGates;
import dev.hotpath.shadow.report.ShadowReport;
import dev.hotpath.shadow.report.Verdict;
import dev.hotpath.shadow.testing.TestModels.LinearModel;

/** The code of shadow-eval/README.md, kept compiling and running here. Keep both in sync. */
class ReadmeExampleTest {
    @TempDir
    Path tmp;

    @Test
    void readmeWiringReportAndReplayExamplesWork() {
        Model primaryModel = new LinearModel(-0.2f, 0.5f, 0.3f, 0.2f);
        Model candidateModel = new LinearModel(-0.25f, 0.55f, 0.25f, 0.25f);
        Model nextCandidate = new LinearModel(-0.3f, 0.6f, 0.3f, 0.2f);
        Path logDir = tmp.resolve("shadow");
        Path replayDir = tmp.resolve("replayed");
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            // --- README: wiring a shadow model in
            ShadowEvaluator shadow = ShadowEvaluator.builder(logDir)
                    .primaryModel(1, "fraud-v7", primaryModel)       // names the primary in the log
                    .primaryThreshold(0.6f)                          // primary blocks at score >= 0.6
                    .addShadow(ShadowModelConfig.builder(2, "fraud-v8", candidateModel)
                            .version("2026-11-24")
                            .threshold(0.6f)
                            .latencyBudget(Duration.ofMillis(2))     // slower calls count towards the breaker
                            .build())
                    .sampleRate(0.25)                                // 25% of requests, same ones on every host
                    .featureCaptureRate(0.10)                        // 10% of those are kept for replay
                    .fsyncPolicy(FsyncPolicy.periodic(Duration.ofSeconds(1)))
                    .minFreeBytes(0)                                 // (test only: ignore the disk-space floor)
                    .build();
            shadow.start();
            ShadowPublisher publisher = shadow.publisher();

            // on the request thread, after the primary has scored:
            float[] features = new float[3];
            for (long requestId = 1; requestId <= 20_000; requestId++) {
                features[0] = (requestId % 97) / 97f;
                features[1] = (requestId % 13) / 13f;
                features[2] = (requestId % 7) / 7f;
                long t0 = System.nanoTime();
                float score = primaryModel.score(features);
                int latencyNanos = (int) (System.nanoTime() - t0);
                int result = publisher.offer(requestId, features, 3, score, 1, latencyNanos);
                // result is ACCEPTED, SAMPLED_OUT, DROPPED_RING_FULL, ...; never an exception, never a wait
                assertTrue(result == ShadowPublisher.ACCEPTED || result == ShadowPublisher.SAMPLED_OUT);
            }

            // at shutdown: drains, writes the final counters, renames the last segment
            shadow.close();
            // --- end

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
