package dev.hotpath.cli;

import dev.hotpath.scoring.Model;
import dev.hotpath.shadow.report.ExitCodes;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hotpath inspect --model FILE}: prints what a model file contains as JSON on stdout (see
 * {@link InspectJson} for the keys).
 *
 * <p>One instance per invocation; not thread-safe.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = ManifestVersionProvider.class,
        description = "Prints a model file's metadata as JSON on stdout.",
        footerHeading = "%nOutput:%n",
        footer = {
            "A pretty-printed JSON object with exactly these keys, in this order:",
            "  format          xgboost-json, xgboost-ubj, xgboost-binary, lightgbm-text,",
            "                  onnx, ...",
            "  format_version  version of the software that wrote the file (\"\" if unknown)",
            "  objective       e.g. binary:logistic (\"\" if unknown)",
            "  booster         gbtree, dart, gblinear, gbdt, rf, onnx, ...",
            "  num_features    input columns per row",
            "  num_outputs     values per row written by 'hotpath score' (without --margin)",
            "  num_trees       trees scored (0 for non-tree models)",
            "  max_depth       deepest root-to-leaf path (0 for non-tree models)",
            "  feature_names   the column names 'hotpath score' expects",
            "                  (f0..fN-1 when the file has none)",
            "  feature_types   float, integer, indicator or categorical, per feature",
            "  base_score      the model's base_score as the file records it (a string),",
            "                  or null",
            "  checksum        SHA-256 of the file, lower-case hex",
            "  source          the path the model was loaded from",
            "  properties      other format-specific facts, string to string",
            "",
            "Exit codes: 0 ok, 1 the model could not be loaded or written, 2 usage error."
        })
final class InspectCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "The model file: XGBoost JSON, UBJSON or legacy binary, LightGBM text, or ONNX"
                    + " (detected from the content).")
    private Path model;

    @Override
    public Integer call() throws IOException {
        HotpathCli cli = HotpathCli.from(spec);
        try (Model m = cli.loadModel(model)) {
            Writer out = new BufferedWriter(new OutputStreamWriter(cli.stdout(), StandardCharsets.UTF_8),
                    CliFiles.OUTPUT_BUFFER_CHARS);
            InspectJson.write(m, out);
        }
        return ExitCodes.OK;
    }
}
