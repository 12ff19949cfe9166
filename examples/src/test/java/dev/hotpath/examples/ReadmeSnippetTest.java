package dev.hotpath.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's code is exactly the compiled code of the examples: "Embedding Hotpath" is {@link FraudScoring}'s,
 * "Why was this payment blocked?" is {@link PaymentReasons}' and {@link BlockedPayments}'.
 */
class ReadmeSnippetTest {
    @Test
    void readmeShowsTheCompiledEmbeddingCode() throws Exception {
        assertReadmeContains("FraudScoring", "embedding");
    }

    @Test
    void readmeShowsTheCompiledReasonCodesCode() throws Exception {
        assertReadmeContains("PaymentReasons", "reasons");
    }

    @Test
    void readmeShowsTheCompiledScorerReasonsCode() throws Exception {
        assertReadmeContains("BlockedPayments", "scorer-reasons");
    }

    private static void assertReadmeContains(String className, String marker) throws Exception {
        List<String> source = Files.readAllLines(
                Path.of("src/main/java/dev/hotpath/examples/" + className + ".java"), StandardCharsets.UTF_8);
        int begin = source.indexOf("    // README:" + marker + ":begin");
        int end = source.indexOf("    // README:" + marker + ":end");
        assertTrue(begin >= 0 && end > begin, "markers in " + className + ".java");
        StringBuilder snippet = new StringBuilder();
        for (String line : source.subList(begin + 1, end)) {
            snippet.append(line.startsWith("    ") ? line.substring(4) : line).append('\n');
        }
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        assertTrue(readme.contains(snippet),
                "README.md must contain " + className + "'s code verbatim (4-space indent removed):\n" + snippet);
    }
}
