package dev.hotpath.cache;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Main class of the writer process in the multi-process tests (runs in a child JVM).
 *
 * <ul>
 *   <li>{@code continuous DIR VIEW KEYS MILLIS STOPFILE MIN_UPSERTS}: upserts self-checking vectors
 *       ({@link #pattern}) round-robin over KEYS entities until STOPFILE exists and at least MIN_UPSERTS were
 *       written (or MILLIS ms passed), printing {@code READY} first and
 *       {@code DONE <upserts> <worst upsert µs>} at the end.</li>
 *   <li>{@code crash DIR VIEW KEYS CRASH_AT}: writes batches of all KEYS entities, version after version; when the
 *       CRASH_AT-th record overall has been written (inside its segment's write lock) it prints
 *       {@code HOLDING <id>} and sleeps, so the parent can SIGKILL it in the middle of a batch with the lock
 *       held.</li>
 * </ul>
 */
public final class WriterChildMain {
    private WriterChildMain() {
    }

    /**
     * Self-checking vector: v[0] = key, v[1] = version, v[i] = version + i. A torn read mixes two versions and
     * breaks {@code v[i] == v[1] + i}. Exact in float while version + dim < 2^24.
     */
    static void pattern(float[] v, int key, int version) {
        v[0] = key;
        v[1] = version;
        for (int i = 2; i < v.length; i++) {
            v[i] = version + i;
        }
    }

    /** @return whether {@code v[off..off+dim)} is an untorn {@link #pattern} vector of {@code key} */
    static boolean isConsistent(float[] v, int off, int dim, int key) {
        if (v[off] != key) {
            return false;
        }
        float version = v[off + 1];
        for (int i = 2; i < dim; i++) {
            if (v[off + i] != version + i) {
                return false;
            }
        }
        return true;
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        String view = args[2];
        int keys = Integer.parseInt(args[3]);
        // No heartbeat thread in crash mode: only the batch's record lock must be held when the process dies.
        WriterOptions options = WriterOptions.builder()
                .heartbeatInterval("crash".equals(mode) ? Duration.ZERO : Duration.ofMillis(200)).build();
        try (FeatureWriter w = FeatureWriter.open(dir, view, options)) {
            int dim = w.view().dimension();
            float[] v = new float[dim];
            if ("continuous".equals(mode)) {
                long until = System.nanoTime() + Duration.ofMillis(Long.parseLong(args[4])).toNanos();
                System.out.println("READY");
                System.out.flush();
                long n = 0;
                long worstNanos = 0;
                int version = 0;
                String[] ids = new String[keys];
                for (int k = 0; k < keys; k++) {
                    ids[k] = "e" + k;
                }
                Path stopFile = Path.of(args[5]);
                long minUpserts = Long.parseLong(args[6]);
                // The stop file is honoured only once MIN_UPSERTS were written: a parent on a loaded box may have
                // its reads long before this process had its share of the CPU.
                while (System.nanoTime() < until
                        && ((n & 4095) != 0 || n < minUpserts || !Files.exists(stopFile))) {
                    version = (version + 1) % 8_000_000;
                    int k = version % keys;
                    pattern(v, k, version);
                    long t0 = System.nanoTime();
                    w.upsert(ids[k], System.currentTimeMillis(), v, 0);
                    worstNanos = Math.max(worstNanos, System.nanoTime() - t0);
                    n++;
                }
                System.out.println("DONE " + n + " " + worstNanos / 1000);
                System.out.flush();
            } else if ("crash".equals(mode)) {
                long crashAt = Long.parseLong(args[4]);
                long[] written = {0};
                String[] currentId = {null};
                w.writeHookForTesting(() -> {
                    if (++written[0] == crashAt) {
                        System.out.println("HOLDING " + currentId[0]);
                        System.out.flush();
                        try {
                            Thread.sleep(Long.MAX_VALUE);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
                System.out.println("READY");
                System.out.flush();
                FeatureBatch batch = new FeatureBatch(dim, keys);
                for (int version = 1; ; version++) {
                    batch.clear();
                    for (int k = 0; k < keys; k++) {
                        pattern(v, k, version);
                        batch.add("e" + k, System.currentTimeMillis(), v, 0);
                    }
                    // The hook cannot see the batch index, so it learns the id through this side channel: the
                    // batch writes entities in order, so record number `written` is entity (written - 1) % keys.
                    long base = written[0];
                    long holdIndex = crashAt - 1 - base;
                    if (holdIndex >= 0 && holdIndex < keys) {
                        currentId[0] = "e" + holdIndex;
                    }
                    w.upsert(batch);
                }
            } else {
                throw new IllegalArgumentException("unknown mode " + mode);
            }
        }
    }
}
