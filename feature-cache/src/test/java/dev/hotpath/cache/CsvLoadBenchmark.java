package dev.hotpath.cache;

import dev.hotpath.scoring.scorer.FeatureStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Times the 1M entities x 50 features CSV load recorded in the root BENCHMARKS.md. Speed is not asserted in any
 * test; run this by hand (command in the README's "Benchmark" section).
 *
 * <p>Arguments: {@code WORK_DIR [ENTITIES] [FEATURES] [RUNS]}. Generates a deterministic CSV
 * ({@link SyntheticCsv}) in a fresh directory under WORK_DIR, creates the view, runs {@link FeatureCacheAdmin#load}
 * (the {@code hotpath cache load} path) RUNS times, verifies every entity, prints timings, deletes what it wrote.
 */
public final class CsvLoadBenchmark {
    private CsvLoadBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path work = Path.of(args[0]);
        int entities = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int features = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path dir = Files.createTempDirectory(work, "fc-bench-");
        try {
            Path csv = dir.resolve("features.csv");
            long t0 = System.nanoTime();
            SyntheticCsv.write(csv, entities, features);
            System.out.printf("csv: %d rows x %d features, %d MiB, generated in %d ms%n", entities, features,
                    Files.size(csv) >> 20, (System.nanoTime() - t0) / 1_000_000);
            FeatureView view = SyntheticCsv.view("bench", features);
            FeatureCacheAdmin.create(Files.writeString(dir.resolve("bench.json"), view.toJson()), dir, 1000);
            for (int run = 1; run <= runs; run++) {
                long t1 = System.nanoTime();
                LoadResult res = FeatureCsvLoader.load(dir, "bench", csv, WriterOptions.defaults(), null);
                System.out.printf("run %d: load %d ms (%d entities, map file %d MiB, generation %d)%n", run,
                        (System.nanoTime() - t1) / 1_000_000, res.entities(), res.fileSizeBytes() >> 20,
                        res.generation());
            }
            long t2 = System.nanoTime();
            try (FeatureReader r = FeatureReader.open(dir, view,
                    ReaderOptions.builder().refreshInterval(Duration.ZERO).build())) {
                float[] dst = new float[features];
                for (int i = 0; i < entities; i++) {
                    if (r.read(SyntheticCsv.id(i), dst, 0) != FeatureStatus.PRESENT) {
                        throw new AssertionError("entity " + i + " missing");
                    }
                    for (int j = 0; j < features; j++) {
                        if (dst[j] != Float.parseFloat(SyntheticCsv.text(i, j))) {
                            throw new AssertionError("entity " + i + " feature " + j + ": " + dst[j]);
                        }
                    }
                }
            }
            System.out.printf("verified all %d entities in %d ms%n", entities, (System.nanoTime() - t2) / 1_000_000);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
