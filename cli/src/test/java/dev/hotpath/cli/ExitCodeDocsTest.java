package dev.hotpath.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.shadow.report.ExitCodes;
import dev.hotpath.shadow.report.Gate;
import dev.hotpath.shadow.report.ShadowGates;
import dev.hotpath.shadow.report.Verdict;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** One exit-code story: every document quotes {@link ExitCodes} word for word, and the default gates as they are. */
class ExitCodeDocsTest {
    private static final Path ROOT = Path.of(System.getProperty("hotpath.repo.root", ".."));

    private static String read(String relative) throws IOException {
        return Files.readString(ROOT.resolve(relative), StandardCharsets.UTF_8);
    }

    @Test
    void shouldQuoteTheSameExitCodeTableInEveryDocument() throws IOException {
        String[] rows = {
            "| 0 | " + ExitCodes.OK_MEANING + " |",
            "| 1 | " + ExitCodes.FAILURE_MEANING + " |",
            "| 2 | " + ExitCodes.USAGE_MEANING + " |",
            "| 3 | " + ExitCodes.GATE_FAILED_MEANING + " |"
        };
        for (String doc : new String[] {"README.md", "cli/README-cli.md", "shadow-report/README.md"}) {
            String text = read(doc);
            for (String row : rows) {
                assertTrue(text.contains(row), doc + " lacks the exit code row: " + row);
            }
        }
        String shadowEval = read("shadow-eval/README.md");
        assertFalse(shadowEval.matches("(?s).*\\b[Ee]xit (code|with).*"),
                "shadow-eval/README.md describes exit codes; they belong to the report's README");
    }

    @Test
    void shouldDocumentEveryDefaultGateAtItsLevel() throws IOException {
        String readme = read("shadow-report/README.md");
        String failRow = readme.lines().filter(l -> l.startsWith("| fail |")).findFirst().orElseThrow();
        String warnRow = readme.lines().filter(l -> l.startsWith("| warn |")).findFirst().orElseThrow();
        for (Gate g : ShadowGates.defaults().gates()) {
            String expr = "`" + g.metric().key() + g.operator()
                    + BigDecimal.valueOf(g.limit()).stripTrailingZeros().toPlainString() + "`";
            String row = g.level() == Verdict.FAIL ? failRow : warnRow;
            assertTrue(row.contains(expr), "default gate " + expr + " is not in the " + g.level() + " row");
        }
        long documented = (failRow + warnRow).chars().filter(c -> c == '`').count() / 2;
        assertTrue(documented == ShadowGates.defaults().gates().size(), "documented " + documented + " gates");
    }
}
