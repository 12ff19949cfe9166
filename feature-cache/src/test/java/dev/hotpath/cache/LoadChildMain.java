package dev.hotpath.cache;

import java.nio.file.Path;

/**
 * Main class of a child JVM doing a real {@code hotpath cache load}: {@code DIR VIEW CSV}. At the loader's first
 * progress report (after {@link FeatureCsvLoader#PROGRESS_EVERY} rows, with the new generation's file allocated and
 * partly filled, long before publish) it prints {@code LOADING <rows>} and stops there, so the parent can SIGKILL it
 * in the middle of the load.
 */
public final class LoadChildMain {
    private LoadChildMain() {
    }

    public static void main(String[] args) throws Exception {
        FeatureCacheAdmin.load(args[1], Path.of(args[0]), Path.of(args[2]), (done, total) -> {
            System.out.println("LOADING " + done);
            System.out.flush();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        System.out.println("PUBLISHED");
    }
}
