package dev.hotpath.scoring.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryWatcherTest {
    private static final List<String> FEATURES = List.of("a");

    /** Model files here are text holding a constant; "corrupt" files fail to load like a truncated model would. */
    private static final Function<Path, Model> LOADER = p -> {
        try {
            String text = Files.readString(p).trim();
            if (text.equals("corrupt")) {
                throw new ModelFormatException(p.toString(), "offset 0", "expected a model");
            }
            if (text.equals("wrong-features")) {
                return TestViews.constant(List.of("zzz"), 0f);
            }
            return TestViews.constant(FEATURES, Float.parseFloat(text));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    };

    @Test
    void shouldSwapWhenTheCurrentLinkMovesAndKeepServingOnBadModels(@TempDir Path dir) throws Exception {
        Scorer scorer = Scorer.builder().primary("boot", TestViews.constant(FEATURES, 0f)).requestField("a").build();
        ModelDirectoryWatcher watcher = ModelDirectoryWatcher.manual(dir, LOADER, scorer);
        assertNull(watcher.checkNow(), "no current yet");

        Files.writeString(dir.resolve("v1.model"), "1");
        link(dir, "v1.model");
        SwapReport r = watcher.checkNow();
        assertNotNull(r);
        assertEquals("v1.model", scorer.primaryModelId());
        assertEquals(1f, scorer.score(scorer.newRequest(), scorer.newResult()));
        assertNull(watcher.checkNow(), "unchanged target: no swap");

        Files.writeString(dir.resolve("v2.model"), "corrupt");
        link(dir, "v2.model");
        assertNull(watcher.checkNow());
        assertTrue(watcher.lastError().contains("failed to load"), watcher.lastError());
        assertEquals("v1.model", scorer.primaryModelId());

        Files.writeString(dir.resolve("v3.model"), "wrong-features");
        link(dir, "v3.model");
        assertNull(watcher.checkNow());
        assertTrue(watcher.lastError().contains("'zzz' is not bound"), watcher.lastError());
        assertEquals(1f, scorer.score(scorer.newRequest(), scorer.newResult()));

        Files.writeString(dir.resolve("v4.model"), "4");
        link(dir, "v4.model");
        assertNotNull(watcher.checkNow());
        assertEquals(4f, scorer.score(scorer.newRequest(), scorer.newResult()));
        assertNull(watcher.lastError());
    }

    @Test
    void shouldFollowACurrentManifestFile(@TempDir Path dir) throws Exception {
        Scorer scorer = Scorer.builder().primary("boot", TestViews.constant(FEATURES, 0f)).requestField("a").build();
        Files.writeString(dir.resolve("m7.model"), "7");
        Path tmp = dir.resolve("CURRENT.tmp");
        Files.writeString(tmp, "m7.model\n");
        Files.move(tmp, dir.resolve("CURRENT"), StandardCopyOption.ATOMIC_MOVE);
        try (ModelDirectoryWatcher watcher = ModelDirectoryWatcher.start(dir, LOADER, scorer,
                java.time.Duration.ofMillis(20))) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!scorer.primaryModelId().equals("m7.model") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals("m7.model", scorer.primaryModelId());
            assertNull(watcher.lastError());
        }
    }

    @Test
    void shouldKeepPollingAfterALoadThrowsAnErrorAndReportTheNewestOutcome(@TempDir Path dir) throws Exception {
        // Errors stand in for what a hostile file or a broken loader can throw: the OutOfMemoryError of issue #20,
        // an AssertionError from a library. A scheduled task that throws is never run again.
        Function<Path, Model> loader = p -> {
            String text = readQuietly(p);
            if (text.equals("oom")) {
                throw new OutOfMemoryError("simulated: Java heap space");
            }
            if (text.equals("assert")) {
                throw new AssertionError("simulated: a library's internal check failed");
            }
            return LOADER.apply(p);
        };
        Scorer scorer = Scorer.builder().primary("boot", TestViews.constant(FEATURES, 0f)).requestField("a").build();
        try (ModelDirectoryWatcher watcher = ModelDirectoryWatcher.start(dir, loader, scorer,
                java.time.Duration.ofMillis(20))) {
            deploy(dir, "v1.model", "oom");
            awaitError(watcher, "OutOfMemoryError");
            assertTrue(watcher.lastError().startsWith("model " + dir.resolve("v1.model") + " failed to load"),
                    watcher.lastError());
            assertEquals("boot", scorer.primaryModelId());

            deploy(dir, "v2.model", "2");
            awaitPrimary(scorer, "v2.model");
            assertNull(watcher.lastError(), "the newest outcome is a successful deployment");
            assertEquals(2f, scorer.score(scorer.newRequest(), scorer.newResult()));

            deploy(dir, "v3.model", "assert");
            awaitError(watcher, "AssertionError");
            assertEquals("v2.model", scorer.primaryModelId());

            deploy(dir, "v4.model", "4");
            awaitPrimary(scorer, "v4.model");
            assertNull(watcher.lastError());
        }
        // Called directly, checkNow reports an Error through lastError() as well instead of throwing it.
        ModelDirectoryWatcher manual = ModelDirectoryWatcher.manual(dir, loader, scorer);
        deploy(dir, "v5.model", "oom");
        assertNull(manual.checkNow());
        assertTrue(manual.lastError().contains("OutOfMemoryError"), manual.lastError());
        assertEquals("v4.model", scorer.primaryModelId());
    }

    private static void deploy(Path dir, String name, String content) throws Exception {
        Files.writeString(dir.resolve(name), content);
        link(dir, name);
    }

    private static void awaitError(ModelDirectoryWatcher watcher, String fragment) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            String e = watcher.lastError();
            if (e != null && e.contains(fragment)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("lastError() never mentioned " + fragment + "; it is " + watcher.lastError());
    }

    private static void awaitPrimary(Scorer scorer, String id) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!scorer.primaryModelId().equals(id) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(id, scorer.primaryModelId(), "the watcher stopped deploying");
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void link(Path dir, String target) throws Exception {
        Path tmp = dir.resolve("current.tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, Path.of(target));
        Files.move(tmp, dir.resolve("current"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
