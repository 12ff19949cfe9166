package dev.hotpath.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.formats.onnx.OnnxTestModels;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.scorer.ModelDirectoryWatcher;
import dev.hotpath.scoring.scorer.Scorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link ModelDirectoryWatcher} whose loader checks each file in a child JVM (issue #20 item 2): a deployed model
 * that crashes ONNX Runtime is refused and reported while the serving model keeps scoring in this JVM, and the
 * next good model is deployed.
 */
class WatcherWithChildJvmCheckTest {
    @TempDir
    Path dir;

    @Test
    void shouldRefuseAModelThatCrashesTheChildAndDeployTheNextGoodOne() throws Exception {
        Path fixtures = Path.of("src/test/resources/xgboost/legacy/2.1.4");
        Model boot = ModelLoader.load(fixtures.resolve("binary_logistic.json"));
        Scorer.Builder b = Scorer.builder().primary("boot", boot);
        boot.featureNames().forEach(b::requestField);
        Scorer scorer = b.build();
        float before = scorer.score(scorer.newRequest(), scorer.newResult());

        List<String> names = boot.featureNames();
        ChildJvmCheck check = ChildJvmCheck.builder()
                .rows(names, new float[][] {new float[names.size()]})
                .workDirectory(Files.createDirectories(dir.resolve("work")))
                .build();
        LoadOptions options = LoadOptions.defaults().withChildJvmCheck(check);
        Function<Path, Model> loader = file -> ModelLoader.load(file, options);
        ModelDirectoryWatcher watcher = ModelDirectoryWatcher.manual(dir, loader, scorer);

        Files.write(dir.resolve("v2.onnx"), OnnxTestModels.shortLinearRegressor(1000, 100));
        link("v2.onnx");
        assertNull(watcher.checkNow(), "the crashing model is not deployed");
        assertTrue(watcher.lastError().contains("child JVM"), watcher.lastError());
        assertEquals("boot", scorer.primaryModelId());
        assertEquals(before, scorer.score(scorer.newRequest(), scorer.newResult()), "still serving in this JVM");

        Files.copy(fixtures.resolve("dart.json"), dir.resolve("v3.json"));
        link("v3.json");
        assertNotNull(watcher.checkNow());
        assertEquals("v3.json", scorer.primaryModelId());
        assertNull(watcher.lastError());
        scorer.close();
    }

    private void link(String target) throws Exception {
        Path tmp = dir.resolve("current.tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, Path.of(target));
        Files.move(tmp, dir.resolve("current"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
