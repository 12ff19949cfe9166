package dev.hotpath.stream;

import dev.hotpath.cache.FeatureFileException;
import dev.hotpath.cache.FeatureView;
import dev.hotpath.cache.FeatureWriter;
import dev.hotpath.scoring.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI helpers that need no broker: resolving {@code --view}, parsing {@code --offsets}. */
class StreamAdminTest {
    @TempDir
    Path dir;

    @Test
    void shouldReadThePublishedDefinitionOrADefinitionFile() throws Exception {
        FeatureView card = StreamFixtures.cardView();
        try (FeatureWriter w = FeatureWriter.createGeneration(dir, card, 10, StreamFixtures.WRITER)) {
            w.publish();
        }
        assertEquals(card, StreamAdmin.resolveView(dir, "card"));
        assertEquals(card.fingerprint(), StreamAdmin.resolveView(dir, "card").fingerprint());
        Path def = Files.writeString(dir.resolve("def.json"), StreamFixtures.merchantView().toJson());
        assertEquals(StreamFixtures.merchantView(), StreamAdmin.resolveView(dir, def.toString()));
        FeatureFileException e = assertThrows(FeatureFileException.class, () -> StreamAdmin.resolveView(dir, "nope"));
        assertTrue(e.getMessage().contains("--view DEF.json"), e.getMessage());
    }

    @Test
    void shouldParseOffsetsAndRefuseMalformedOnes() {
        assertEquals(Map.of(0, 1200L, 3, 7L), StreamAdmin.parseOffsets("0:1200, 3:7"));
        for (String bad : new String[] {"0=1", "x:1", "0:-1", "0:1,0:2", ":5", ""}) {
            assertThrows(ConfigurationException.class, () -> StreamAdmin.parseOffsets(bad), bad);
        }
    }
}
