package dev.hotpath.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.shadow.ShadowPublisher;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

/**
 * The ONNX and shadow-offer benchmarks outside JMH: documented method names, and set-ups that load real ONNX
 * Runtime sessions and start real shadow agents, with every benchmark method called once.
 */
class OnnxAndShadowBenchmarkTest extends BenchmarkTestBase {
    @Test
    void shouldKeepTheDocumentedMethodNames() throws Exception {
        assertEquals(Set.of("hotpath", "rawOrtBestPractice", "rawOrtNaive"), benchmarks(OnnxBenchmark.class));
        assertArrayEquals(new String[] {"mlp", "trees"},
                OnnxBenchmark.class.getField("graph").getAnnotation(Param.class).value());
        assertEquals(Set.of("offerAccepted", "offerAcceptedViaSink", "pacingOverhead", "offerSampledOut",
                "offerSampledOutViaSink", "offerRingFull"),
                benchmarks(ShadowOfferBenchmark.class));
        assertEquals("rawOrtBestPractice",
                OnnxBenchmark.class.getMethod("hotpath").getAnnotation(AllocatesNoMoreThan.class).value());
    }

    @Test
    void shouldScoreTheMlpThreeWaysWithIdenticalResults() throws Exception {
        OnnxBenchmark b = new OnnxBenchmark();
        b.graph = "mlp";
        b.setUp(); // throws if Hotpath, raw best practice and raw naive disagree on 512 rows
        try {
            float h = b.hotpath()[0];
            assertTrue(h > 0 && h < 1, "probability " + h);
            float best = b.rawOrtBestPractice();
            float naive = b.rawOrtNaive();
            assertTrue(best > 0 && best < 1 && naive > 0 && naive < 1, best + " " + naive);
        } finally {
            b.tearDown();
        }
    }

    @Test
    void shouldSeeEachOfferOutcomeItIsNamedAfter() throws Exception {
        ShadowOfferBenchmark b = new ShadowOfferBenchmark();
        b.setUp();
        ShadowOfferBenchmark.Outcomes o = new ShadowOfferBenchmark.Outcomes();
        ShadowOfferBenchmark.Accepting accepting = new ShadowOfferBenchmark.Accepting();
        ShadowOfferBenchmark.SamplingNothing nothing = new ShadowOfferBenchmark.SamplingNothing();
        ShadowOfferBenchmark.RingFull full = new ShadowOfferBenchmark.RingFull();
        accepting.idle = "default";
        ShadowOfferBenchmark.Pace pace = new ShadowOfferBenchmark.Pace();
        pace.paceNanos = 2000;
        accepting.setUp();
        nothing.setUp();
        full.setUp();
        try {
            accepting.startIteration();
            pace.pace();
            assertEquals(ShadowPublisher.ACCEPTED, b.offerAccepted(accepting, pace, o));
            long due = b.pacingOverhead(pace);
            pace.pace();
            assertTrue(b.pacingOverhead(pace) >= due + 2000, "the next invocation is due 2 µs later");
            assertEquals(ShadowPublisher.ACCEPTED, b.offerAccepted(accepting, pace, o));
            pace.pace();
            assertEquals(ShadowPublisher.ACCEPTED, b.offerAcceptedViaSink(accepting, pace, o));
            accepting.checkIteration();
            assertEquals(ShadowPublisher.SAMPLED_OUT, b.offerSampledOut(nothing, o));
            assertEquals(ShadowPublisher.SAMPLED_OUT, b.offerSampledOutViaSink(nothing, o));
            assertEquals(ShadowPublisher.DROPPED_RING_FULL, b.offerRingFull(full, o));
            assertEquals(3, o.accepted);
            assertEquals(2, o.sampledOut);
            assertEquals(1, o.ringFull);
            assertEquals(0, o.other);
        } finally {
            accepting.tearDown();
            nothing.tearDown();
            full.tearDown();
        }
    }
}
