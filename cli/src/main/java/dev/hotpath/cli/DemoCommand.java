package dev.hotpath.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code hotpath demo}: listed here so {@code hotpath --help} shows it. {@code bin/hotpath demo} runs the demo from
 * the examples module (it trains models with XGBoost4J, which this jar does not carry) and never reaches this
 * class; invoked through the jar directly it explains that.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
        description = "The fraud-scoring service demo end to end (run it as 'bin/hotpath demo' from a checkout;"
                + " 'bin/hotpath demo --help' lists its options).")
final class DemoCommand implements Callable<Integer> {
    @Parameters(hidden = true)
    private List<String> ignored;

    @Override
    public Integer call() {
        throw new CliException("the demo runs from a source checkout with 'bin/hotpath demo' (it builds and runs the"
                + " examples module); this jar does not contain it");
    }
}
