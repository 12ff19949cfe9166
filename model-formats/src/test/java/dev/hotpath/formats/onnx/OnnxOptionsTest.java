package dev.hotpath.formats.onnx;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.ModelLimits;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxOptionsTest {

    @Test
    void shouldDefaultToOneThreadAutomaticOutputAndModelLimitDefaults() {
        OnnxOptions d = OnnxOptions.defaults();
        assertEquals(1, d.intraOpThreads());
        assertEquals(1, d.interOpThreads());
        assertEquals(Optional.empty(), d.outputName());
        assertEquals(List.of(), d.inputNames());
        assertEquals(256, d.maxBatchRows());
        assertEquals(ModelLimits.defaults(), d.limits());
        assertEquals(Duration.ofSeconds(10), d.closeTimeout());
        assertTrue(d.cpuArenaAllocator());
        assertEquals(Optional.empty(), d.nativeLibraryDirectory());
    }

    @Test
    void shouldRejectInvalidValuesAsSoonAsTheyAreSet() {
        OnnxOptions.Builder b = OnnxOptions.builder();
        assertThrows(ConfigurationException.class, () -> b.intraOpThreads(0));
        assertThrows(ConfigurationException.class, () -> b.intraOpThreads(1_025));
        assertThrows(ConfigurationException.class, () -> b.interOpThreads(-1));
        assertThrows(ConfigurationException.class, () -> b.maxBatchRows(0));
        assertThrows(ConfigurationException.class, () -> b.maxBatchRows(65_537));
        assertThrows(ConfigurationException.class, () -> b.maxFileBytes(0));
        assertThrows(ConfigurationException.class, () -> b.outputName(" "));
        assertThrows(ConfigurationException.class, () -> b.outputName(null));
        assertThrows(ConfigurationException.class, () -> b.inputNames(List.of()));
        assertThrows(ConfigurationException.class, () -> b.inputNames("a", "a"));
        assertThrows(ConfigurationException.class, () -> b.inputNames("a", ""));
        assertThrows(ConfigurationException.class, () -> b.closeTimeout(Duration.ZERO));
        assertThrows(ConfigurationException.class, () -> b.closeTimeout(Duration.ofHours(2)));
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> b.intraOpThreads(0));
        assertTrue(e.getMessage().contains("intraOpThreads must be between 1 and 1024, got 0"), e.getMessage());
        // Nothing invalid was kept.
        assertEquals(OnnxOptions.defaults().toString(), b.build().toString());
    }

    @Test
    void shouldBuildImmutableOptionsAndRoundTripThroughToBuilder() {
        List<String> names = new ArrayList<>(List.of("a", "b"));
        OnnxOptions o = OnnxOptions.builder().intraOpThreads(2).interOpThreads(3).outputName("probabilities")
                .inputNames(names).maxBatchRows(32).maxFileBytes(1_000_000).closeTimeout(Duration.ofMillis(250))
                .cpuArenaAllocator(false).build();
        names.add("c");
        assertEquals(List.of("a", "b"), o.inputNames());
        assertThrows(UnsupportedOperationException.class, () -> o.inputNames().add("x"));
        OnnxOptions copy = o.toBuilder().build();
        assertEquals(o.toString(), copy.toString());
        assertEquals(2, copy.intraOpThreads());
        assertEquals(3, copy.interOpThreads());
        assertEquals(Optional.of("probabilities"), copy.outputName());
        assertEquals(32, copy.maxBatchRows());
        assertEquals(1_000_000, copy.limits().maxFileBytes());
        assertEquals(Duration.ofMillis(250), copy.closeTimeout());
        assertFalse(copy.cpuArenaAllocator());
    }

    @Test
    void shouldScoreIdenticallyWithMoreThreadsAndWithoutTheArena() {
        OnnxOptions tuned = OnnxOptions.builder().intraOpThreads(2).interOpThreads(2).cpuArenaAllocator(false).build();
        float[][] rows = OnnxFixtures.randomRows(8, 50, 200);
        try (OnnxModel base = OnnxReader.read(OnnxFixtures.model("mlp.onnx"));
             OnnxModel other = OnnxReader.read(OnnxFixtures.model("mlp.onnx"), tuned)) {
            assertEquals("2", other.info().properties().get("intra_op_threads"));
            for (float[] row : rows) {
                assertTrue(OnnxFixtures.sameFloat(base.score(row), other.score(row)));
            }
        }
    }
}
