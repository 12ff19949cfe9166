package dev.hotpath.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's "Embedding Hotpath" code is exactly the compiled code of {@link FraudScoring}. */
class ReadmeSnippetTest {
    @Test
    void readmeShowsTheCompiledEmbeddingCode() throws Exception {
        List<String> source = Files.readAllLines(
                Path.of("src/main/java/dev/hotpath/examples/FraudScoring.java"), StandardCharsets.UTF_8);
        int begin = source.indexOf("    // README:embedding:begin");
        int end = source.indexOf("    // README:embedding:end");
        assertTrue(begin >= 0 && end > begin, "markers in FraudScoring.java");
        StringBuilder snippet = new StringBuilder();
        for (String line : source.subList(begin + 1, end)) {
            snippet.append(line.startsWith("    ") ? line.substring(4) : line).append('\n');
        }
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        assertTrue(readme.contains(snippet),
                "README.md must contain FraudScoring's embedding code verbatim (4-space indent removed):\n" + snippet);
    }
}
