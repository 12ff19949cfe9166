package dev.hotpath.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hotpath.scoring.scorer.ShadowSink;
import dev.hotpath.scoring.testing.AllocationProbe;
import dev.hotpath.shadow.testing.TestModels.LinearModel;

/**
 * {@code offer} allocates 0 bytes per call in every branch, measured with the current thread's allocation counter
 * after a 20k-call warm-up over 100k calls. The evaluator is not started, so the ring fills deterministically and
 * no consumer thread runs. Each branch also asserts that every measured call really took that branch.
 */
@Tag("allocation")
class ShadowPublisherAllocationTest {
    private static final int WARMUP = AllocationProbe.DEFAULT_WARMUP;
    private static final int CALLS = AllocationProbe.DEFAULT_CALLS;

    @TempDir
    Path dir;

    private ShadowEvaluator evaluator;
    private final float[] features = {0.1f, 0.2f, 0.3f, 0.4f};
    private long nextId;
    private int unexpected;
    private long calls;
    private long sink;
    private Object escape;

    @AfterEach
    void close() {
        if (evaluator != null) {
            evaluator.close();
        }
    }

    private ShadowPublisher publisher(double rate, int intakeBytes) {
        evaluator = ShadowEvaluatorTest.base(dir)
                .addShadow(ShadowModelConfig.builder(2, "cand", new LinearModel(0f, 1f, 1f, 1f, 1f)).build())
                .sampleRate(rate)
                .intakeCapacityBytes(intakeBytes)
                .build();
        return evaluator.publisher();
    }

    private long measure(ShadowPublisher p, int expected) {
        unexpected = 0;
        calls = 0;
        return AllocationProbe.bytesAllocated(WARMUP, CALLS, () -> {
            calls++;
            int r = p.offer(nextId++, features, 4, 0.5f, 1, 1234);
            if (r != expected) {
                unexpected++;
            }
            sink += r;
        });
    }

    @Test
    void shouldAllocateNothingWhenSampledOut() {
        ShadowPublisher p = publisher(0.0, 1 << 16);
        assertEquals(0L, measure(p, ShadowPublisher.SAMPLED_OUT));
        assertEquals(0, unexpected);
        assertEquals(calls, p.sampledOutCount());
    }

    @Test
    void shouldAllocateNothingWhenAccepted() {
        // The probe makes at most 20k + 3 x 100k calls; 320k messages of 72 bytes (64 payload + 8 header) fit
        // into 32 MiB, so every call is accepted.
        ShadowPublisher p = publisher(1.0, 32 << 20);
        assertEquals(0L, measure(p, ShadowPublisher.ACCEPTED));
        assertEquals(0, unexpected);
        assertEquals(calls, p.acceptedCount());
    }

    @Test
    void shouldAllocateNothingWhenAcceptingWideVectorsThroughTheBulkCopy() {
        // 64 features (NaN payloads, -0.0, ordinary values) take the same bulk-copy path as the 200 of the fraud
        // model; 320k messages of 320 bytes (48 + 256 payload, 8 header, 8-aligned) fit into 128 MiB.
        float[] wide = new float[64];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = i % 3 == 0 ? Float.intBitsToFloat(0x7fc00000 | i) : i % 3 == 1 ? -0.0f : i * 0.5f;
        }
        evaluator = ShadowEvaluatorTest.base(dir)
                .addShadow(ShadowModelConfig.builder(2, "cand", new LinearModel(0f, 1f, 1f, 1f, 1f)).build())
                .sampleRate(1.0)
                .maxFeatures(64)
                .intakeCapacityBytes(128 << 20)
                .build();
        ShadowPublisher p = evaluator.publisher();
        unexpected = 0;
        calls = 0;
        long bytes = AllocationProbe.bytesAllocated(WARMUP, CALLS, () -> {
            calls++;
            int r = p.offer(nextId++, wide, 64, 0.5f, 1, 1234);
            if (r != ShadowPublisher.ACCEPTED) {
                unexpected++;
            }
            sink += r;
        });
        assertEquals(0L, bytes);
        assertEquals(0, unexpected);
        assertEquals(calls, p.acceptedCount());
    }

    @Test
    void shouldAllocateNothingWhenTheRingIsFull() {
        ShadowPublisher p = publisher(1.0, 1 << 16);
        while (p.offer(nextId++, features, 4, 0.5f, 1, 0) == ShadowPublisher.ACCEPTED) {
            sink++;
        }
        assertEquals(0L, measure(p, ShadowPublisher.DROPPED_RING_FULL));
        assertEquals(0, unexpected);
        assertTrue(p.droppedRingFullCount() >= calls);
    }

    @Test
    void shouldAllocateNothingWhenArgumentsAreInvalid() {
        ShadowPublisher p = publisher(1.0, 1 << 16);
        unexpected = 0;
        long bytes = AllocationProbe.bytesAllocated(WARMUP, CALLS, () -> {
            int r = p.offer(nextId++, features, 5, 0.5f, 1, 0); // longer than the array
            if (r != ShadowPublisher.REJECTED_INVALID) {
                unexpected++;
            }
            sink += r;
        });
        assertEquals(0L, bytes);
        assertEquals(0, unexpected);
    }

    @Test
    void shouldAllocateNothingAfterClose() {
        ShadowPublisher p = publisher(1.0, 1 << 16);
        evaluator.close();
        assertEquals(0L, measure(p, ShadowPublisher.CLOSED));
        assertEquals(0, unexpected);
    }

    @Test
    void shouldAllocateNothingWhenHashingStringRequestIds() {
        String id = "txn_8f14e45fceea167a5a36dedd4bea2543";
        long bytes = AllocationProbe.bytesAllocated(WARMUP, CALLS, () -> sink += ShadowSampling.requestIdOf(id));
        assertEquals(0L, bytes);
    }

    @Test
    void shouldAllocateNothingWhenTheScorerOffersThroughTheSink() {
        ShadowPublisher p = publisher(1.0, 32 << 20);
        ShadowSink sink = evaluator.sink();
        int primary = evaluator.resolvePrimary("fraud-v7", new LinearModel(0f, 1f, 1f, 1f, 1f), 1);
        unexpected = 0;
        calls = 0;
        long bytes = AllocationProbe.bytesAllocated(WARMUP, CALLS, () -> {
            calls++;
            if (sink.offer(nextId++, features, 4, 0.5f, primary, 1000) != ShadowSink.ACCEPTED) {
                unexpected++;
            }
        });
        assertEquals(0L, bytes);
        assertEquals(0, unexpected);
        assertEquals(calls, p.acceptedCount());
    }

    @Test
    void controlShouldSeeAllocationWhenTheBodyBoxes() {
        long bytes = AllocationProbe.bytesAllocated(WARMUP, CALLS, () -> {
            escape = Long.valueOf(nextId++ + 1_000_000L); // outside the Long cache, stored so it escapes
        });
        assertTrue(bytes >= CALLS * 16L, "the probe must see boxing: " + bytes);
    }
}
