package dev.hotpath.cli;

import dev.hotpath.shadow.report.ExitCodes;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Puts the exit codes into a command's {@code --help}, in the words of {@link ExitCodes} (which the documents quote
 * too), so no command spells them out itself. A command opts in with
 * {@code @Command(modelTransformer = ExitCodeHelp.class)}: codes 0 to 3; commands that evaluate no gate use
 * {@link WithoutGates}: codes 0 to 2.
 *
 * <p>Stateless; thread-safe.
 */
final class ExitCodeHelp implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
        return document(spec, true);
    }

    /** For commands that evaluate no gate: exit codes 0 to 2. */
    static final class WithoutGates implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return document(spec, false);
        }
    }

    private static CommandSpec document(CommandSpec spec, boolean gates) {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(Integer.toString(ExitCodes.OK), ExitCodes.OK_MEANING);
        codes.put(Integer.toString(ExitCodes.FAILURE), ExitCodes.FAILURE_MEANING);
        codes.put(Integer.toString(ExitCodes.USAGE), ExitCodes.USAGE_MEANING);
        if (gates) {
            codes.put(Integer.toString(ExitCodes.GATE_FAILED), ExitCodes.GATE_FAILED_MEANING);
        }
        spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        return spec;
    }
}
