package dev.hotpath.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.scoring.Model;
import dev.hotpath.shadow.log.FsyncPolicy;
import dev.hotpath.shadow.log.LogOptions;
import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.testing.LogContents;
import dev.hotpath.shadow.testing.TestModels.LinearModel;

/** The code of shadow-eval/README.md, kept compiling and running here. Keep both in sync. */
class ReadmeExampleTest {
    @TempDir
    Path tmp;

    @Test
    void readmeWiringExampleWorks() {
        Model primaryModel = new LinearModel(-0.2f, 0.5f, 0.3f, 0.2f);
        Model candidateModel = new LinearModel(-0.25f, 0.55f, 0.25f, 0.25f);
        Path logDir = tmp.resolve("shadow");
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
                    .log(LogOptions.builder()
                            .fsyncPolicy(FsyncPolicy.periodic(Duration.ofSeconds(1)))
                            .retainMaxAge(Duration.ofDays(7))        // this host's segments older than a week go
                            .minFreeBytes(0)                         // (test only: ignore the disk-space floor)
                            .build())
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

            LogContents log = LogContents.read(logDir);
            assertTrue(log.summary.clean(), log.summary.describe());
            assertEquals(5000, log.forShadow(2).size(), 1000.0, "about 25% of 20,000");
            assertEquals(log.forShadow(2).size(), log.shadow(2, ShadowLogFormat.S_RECORDS_EMITTED));
            assertEquals("fraud-v7", log.models.get(1).name());
        });
    }
}
