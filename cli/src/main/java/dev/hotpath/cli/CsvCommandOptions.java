package dev.hotpath.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every command that streams a CSV of feature rows through a model shares ({@code score},
 * {@code explain}): a picocli mixin, so the names, meanings and help text are the same everywhere. One instance per
 * invocation; not thread-safe.
 */
final class CsvCommandOptions {
    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "The model file, detected from the content: XGBoost JSON, UBJSON or legacy binary,"
                    + " LightGBM text (not for explain yet), or ONNX (not for explain).")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "IN.csv",
            description = "The CSV file to read; '-' reads stdin.")
    Path input;

    @Option(names = "--output", paramLabel = "OUT.csv",
            description = "Where to write the CSV (default: stdout; '-' is stdout too).")
    Path output;

    @Option(names = "--allow-missing-columns",
            description = "Treat model features that have no column in the header as missing (NaN) in every row"
                    + " instead of failing.")
    boolean allowMissingColumns;

    @Option(names = "--no-progress", description = "Never print progress on stderr.")
    boolean noProgress;
}
