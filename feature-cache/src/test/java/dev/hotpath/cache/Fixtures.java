package dev.hotpath.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Shared test fixtures: small views, options without background threads, CSV writing. */
final class Fixtures {
    /** Manual reads only, so tests decide when a reader notices a new manifest. */
    static final ReaderOptions MANUAL_REFRESH = ReaderOptions.builder().refreshInterval(Duration.ZERO).build();
    /** No heartbeat thread, so tests decide when the meta record is written. */
    static final WriterOptions NO_HEARTBEAT = WriterOptions.builder().heartbeatInterval(Duration.ZERO).build();

    private Fixtures() {
    }

    /** A string-keyed view with {@code dim} features f0..f(dim-1), defaults -1, -2, ... and a one-hour TTL. */
    static FeatureView stringView(String name, int dim) {
        FeatureView.Builder b = FeatureView.builder(name).keyKind(KeyKind.STRING).ttl(Duration.ofHours(1));
        for (int i = 0; i < dim; i++) {
            b.feature("f" + i, -(i + 1));
        }
        return b.build();
    }

    static FeatureView longView(String name, int dim) {
        FeatureView.Builder b = FeatureView.builder(name).keyKind(KeyKind.LONG).ttl(Duration.ofHours(1));
        for (int i = 0; i < dim; i++) {
            b.feature("f" + i, -(i + 1));
        }
        return b.build();
    }

    /** Creates and publishes an empty first generation, like {@code hotpath cache create}. */
    static void createView(Path dir, FeatureView view, long entities) {
        try (FeatureWriter w = FeatureWriter.createGeneration(dir, view, entities, NO_HEARTBEAT)) {
            w.publish();
        }
    }

    static Path write(Path file, String text) {
        try {
            Files.write(file, text.getBytes(StandardCharsets.UTF_8));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Values of entity {@code k}, version {@code v}: v * 1000 + k * 10 + i, exact in float for the sizes used. */
    static float[] vector(int dim, int k, int v) {
        float[] out = new float[dim];
        for (int i = 0; i < dim; i++) {
            out[i] = v * 1000f + k * 10f + i;
        }
        return out;
    }
}
