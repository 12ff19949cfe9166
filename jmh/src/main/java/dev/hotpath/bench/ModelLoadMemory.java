package dev.hotpath.bench;

import dev.hotpath.bench.data.BenchData;
import dev.hotpath.bench.data.ModelSpec;
import dev.hotpath.formats.ModelLoader;
import dev.hotpath.scoring.Model;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Heap used while Hotpath loads a model, next to the file's size (issue #19 item 2: at most 3× the file). Run it in a
 * fresh JVM per figure, e.g. {@code java -Xmx60m -cp jmh/target/benchmarks.jar dev.hotpath.bench.ModelLoadMemory
 * json}: a load that needs more than the {@code -Xmx} given fails with an {@link OutOfMemoryError}, which is the
 * strict test (the JVM's own heap before the load, about 2–4 MB, counts against it too). It also prints the peak of
 * the heap pools during the load with the heap before the load subtracted (an upper bound: the peaks of the pools may
 * fall at different moments and include garbage not yet collected) and the heap the loaded model keeps.
 *
 * <p>Arguments: {@code json}, {@code ubj} (the {@code large} benchmark model in that format) or a model file path.
 */
public final class ModelLoadMemory {
    private ModelLoadMemory() {
    }

    /**
     * @param args {@code json}, {@code ubj} or a model file
     */
    public static void main(String[] args) throws Exception {
        String what = args.length == 0 ? "json" : args[0];
        Path file;
        if ("json".equals(what) || "ubj".equals(what)) {
            Path json = BenchData.model(ModelSpec.LARGE).xgboostJson();
            file = "ubj".equals(what) ? ModelLoadBenchmark.ubj(json) : json;
        } else {
            file = Path.of(what);
        }
        long size = Files.size(file);
        long before = settledHeap();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
        long peak;
        long kept;
        try (Model m = ModelLoader.load(file)) {
            peak = 0;
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == MemoryType.HEAP) {
                    peak += p.getPeakUsage().getUsed();
                }
            }
            kept = settledHeap() - before;
            System.out.printf(Locale.ROOT, "%s: file %.1f MB, -Xmx %.0f MB; peak heap during load %.1f MB above"
                            + " the %.1f MB before it (%.2fx the file); the loaded model keeps %.1f MB (%.2fx); %s%n",
                    file.getFileName(), mb(size), mb(Runtime.getRuntime().maxMemory()), mb(peak - before),
                    mb(before), (double) (peak - before) / size, mb(kept), (double) kept / size, m.info().format());
        }
    }

    private static long settledHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static double mb(long bytes) {
        return bytes / 1e6;
    }
}
