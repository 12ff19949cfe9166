package dev.hotpath.cli;

import dev.hotpath.shadow.report.ExitCodes;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hotpath score --model FILE --input IN.csv [--output OUT.csv] [--margin]}: scores a CSV file row by row
 * (see {@link CsvScorer} for the exact input and output rules).
 *
 * <p>One instance per invocation; not thread-safe.
 */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = ManifestVersionProvider.class,
        description = {
            "Scores every row of a CSV file with a model and writes one CSV row of outputs per input row, in"
                    + " input order."
        },
        footerHeading = "%nInput:%n",
        footer = {
            "The first line is a header naming the columns. Each column must be one of the model's features"
                    + " (see 'hotpath inspect'); when the model file has no feature names they are f0..fN-1 by"
                    + " position. Column order does not matter. An unknown or repeated column is an error."
                    + " Every feature must have a column; a feature without one is an error unless"
                    + " --allow-missing-columns is given, which makes it missing in every row.",
            "Each following line is one row with exactly as many fields as the header (an empty line is a row"
                    + " with one empty field). A field is a Java float literal (1, -0.5, 2.5e-3, 0x1p-3,"
                    + " Infinity, -Infinity, +Infinity are values) or empty or NaN for a missing value. Blanks"
                    + " around fields are ignored, fields may be double-quoted, CRLF line ends are accepted.",
            "",
            "Output:",
            "A header naming the outputs (e.g. score, or score_0,score_1; with --margin: margin, or"
                    + " margin_0,margin_1), then"
                    + " exactly one line per input row, values separated by commas and written with Java's"
                    + " Float.toString, so each parses back to the identical float. Lines end with \\n.",
            "With --output a file is replaced only when scoring succeeds (through a symbolic link, the file it"
                    + " points to is replaced and the link kept); a FIFO or device (e.g. /dev/stdout) is written"
                    + " directly. On stdout, a FIFO or a device, rows before an error may already have been"
                    + " written.",
            "Progress goes to stderr, and only for runs longer than 2 seconds.",
            "",
            "Exit codes: 0 ok, 1 runtime failure (bad model or input: one line 'hotpath: error: ...' on"
                    + " stderr, naming the input line), 2 usage error."
        })
final class ScoreCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private CsvCommandOptions csv;

    @Option(names = "--margin",
            description = "Write the raw, untransformed margins (e.g. log-odds) instead of the model's outputs.")
    private boolean margin;

    @Override
    public Integer call() throws IOException {
        HotpathCli cli = HotpathCli.from(spec);
        CsvScorer.run(cli, csv.input, csv.output, csv.model, m -> new CsvScorer(m, margin, csv.allowMissingColumns,
                CsvLineReader.DEFAULT_MAX_LINE_BYTES), "scored", !csv.noProgress);
        return ExitCodes.OK;
    }
}
