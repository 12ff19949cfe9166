package dev.hotpath.stream;

import dev.hotpath.cache.FeatureReader;
import dev.hotpath.cache.FeatureView;
import dev.hotpath.scoring.scorer.FeatureStatus;
import dev.hotpath.cache.ReaderOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A scoring process reading a view while a follower in another process rebuilds it: reads entities
 * {@code e0 .. e(n-1)} round and round and checks every vector. Entity k at version v holds
 * {@code [k * 10 + v, k * 10 + v + 0.5, -(k * 10 + v)]}; a vector mixing two versions is torn; a version-1 vector
 * after a version-2 one means the reader went back to the old generation ("mixed"); anything not PRESENT means it
 * saw a half-built view. Reads have a 1 s lock budget: on a loaded box a writer (the follower's heartbeat) can be
 * descheduled while it holds a segment lock for longer than the default 200 µs, which is not what this checks.
 * Prints {@code READY} once it has read every entity, then
 * {@code STATS reads= torn= mixed= missing= v1= v2= statuses=...} when {@code <dir>/stop-reader} appears.
 *
 * <p>Arguments: {@code dir viewDefinition.json entities}.
 */
public final class ReaderChildMain {
    private ReaderChildMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        FeatureView view = FeatureView.fromJson(Path.of(args[1]));
        int n = Integer.parseInt(args[2]);
        long reads = 0;
        long torn = 0;
        long mixed = 0;
        long missing = 0;
        long v1 = 0;
        long v2 = 0;
        boolean sawV2 = false;
        long[] statuses = new long[FeatureStatus.values().length];
        float[] row = new float[view.dimension()];
        StringBuilder id = new StringBuilder();
        Path stop = dir.resolve("stop-reader");
        try (FeatureReader r = FeatureReader.open(dir, view,
                ReaderOptions.builder().refreshInterval(Duration.ofMillis(10)).readLockTimeout(Duration.ofSeconds(1))
                        .build())) {
            for (long pass = 0; ; pass++) {
                for (int k = 0; k < n; k++) {
                    id.setLength(0);
                    id.append('e').append(k);
                    FeatureStatus s = r.read(id, row, 0);
                    reads++;
                    if (s != FeatureStatus.PRESENT) {
                        missing++;
                        statuses[s.ordinal()]++;
                        continue;
                    }
                    float base = row[0];
                    int v = (int) (base - k * 10f);
                    if ((v != 1 && v != 2) || row[1] != base + 0.5f || row[2] != -base) {
                        torn++;
                        continue;
                    }
                    if (v == 2) {
                        v2++;
                        sawV2 = true;
                    } else {
                        v1++;
                        if (sawV2) {
                            mixed++;
                        }
                    }
                }
                if (pass == 0) {
                    System.out.println("READY");
                }
                if ((pass & 7) == 0 && Files.exists(stop)) {
                    break;
                }
            }
        }
        System.out.println("STATS reads=" + reads + " torn=" + torn + " mixed=" + mixed + " missing=" + missing
                + " v1=" + v1 + " v2=" + v2 + " statuses=" + java.util.Arrays.toString(statuses));
    }
}
