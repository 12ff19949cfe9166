package dev.hotpath.cli;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.Model;
import dev.hotpath.shadow.replay.ReplayOptions;
import dev.hotpath.shadow.replay.ReplayResult;
import dev.hotpath.shadow.replay.ShadowReplay;
import dev.hotpath.shadow.report.ExitCodes;
import dev.hotpath.shadow.report.ShadowGates;
import dev.hotpath.shadow.report.ShadowReport;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code hotpath shadow report|replay}: compare shadow models with the primary from their logs, and rescore a
 * candidate over captured traffic. The work is done by shadow-report's {@code ShadowReport} and
 * {@code ShadowReplay}; this class only parses arguments and maps them to exit codes.
 */
@Command(name = "shadow", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
        description = "Shadow (candidate) model evaluation: reports and replays of shadow logs.",
        subcommands = {ShadowCommand.Report.class, ShadowCommand.Replay.class})
final class ShadowCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: report or replay");
    }

    /** {@code hotpath shadow report}. */
    @Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
            versionProvider = ManifestVersionProvider.class,
            description = "Compares every shadow model with the primary over one or more shadow log directories:"
                    + " coverage and drops, log integrity, score distributions (PSI, KS, Jensen-Shannon), rank"
                    + " correlation, decision flips and Cohen's kappa, top-k overlap, latency, top disagreements"
                    + " and, with --labels, precision/recall/PR-AUC/Brier. Prints the text report on stdout.",
            modelTransformer = ExitCodeHelp.class,
            footer = {"%nDefault gates, replaced by --gates (fail: decides the exit code, warn: is reported only):",
                "  fail: spearman>=0.8, matched_flip_over_block_rate<=1,",
                "        error_rate<=0.001, coverage>=0.95",
                "  warn: psi<=0.1, ks<=0.1, js_distance<=0.1, latency_p99_ratio<=2,",
                "        spearman>=0.9, matched_flip_over_block_rate<=0.5,",
                "        error_rate<=0.0001, coverage>=0.99",
                "matched_flip_over_block_rate<=1: at the block-rate-matched threshold the",
                "shadow flips no more decisions than the primary blocks."})
    static final class Report implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--log", required = true, paramLabel = "DIR",
                description = "A shadow log directory (or file); repeat to combine several hosts or days.")
        private List<Path> logs;

        @Option(names = "--labels", paramLabel = "FILE",
                description = "CSV with a header and columns request_id,label (1 = fraud): adds precision,"
                        + " recall, PR-AUC and Brier per model.")
        private Path labels;

        @Option(names = "--threshold", paramLabel = "T",
                description = "Decision threshold (block when score >= T) for the primary and every shadow,"
                        + " overriding the thresholds recorded in the log.")
        private Float threshold;

        @Option(names = "--json", paramLabel = "OUT", description = "Also write the report as JSON (for CI).")
        private Path json;

        @Option(names = "--html", paramLabel = "OUT",
                description = "Also write a single self-contained HTML page with plots (opens offline).")
        private Path html;

        @Option(names = "--gates", paramLabel = "EXPR", converter = GatesConverter.class,
                description = "Gates replacing the defaults, e.g. 'psi<0.1, spearman>=0.9, warn:ks<0.1'"
                        + " ([warn:|fail:]metric op limit; fail is the default level).")
        private ShadowGates gates;

        @Option(names = "--shadow", paramLabel = "NAME",
                description = "Gate on this shadow only (name, name@version or log id; repeatable): the other"
                        + " shadows are still reported but cannot fail the verdict or the exit code.")
        private List<String> shadows;

        @Option(names = "--quiet", description = "Do not print the text report (the verdict line still prints).")
        private boolean quiet;

        @Override
        public Integer call() throws IOException {
            HotpathCli cli = HotpathCli.from(spec);
            ShadowReport.Builder b = ShadowReport.builder().labels(labels);
            for (Path log : logs) {
                b.addLog(log);
            }
            if (threshold != null) {
                if (!Float.isFinite(threshold)) {
                    throw new ParameterException(spec.commandLine(), "--threshold must be a finite number, got "
                            + threshold);
                }
                b.threshold(threshold);
            }
            if (gates != null) {
                b.gates(gates);
            }
            if (shadows != null) {
                shadows.forEach(b::gateShadow);
            }
            ShadowReport report;
            try {
                report = b.build();
            } catch (ConfigurationException e) {
                // What the builder can still refuse here comes from the options: a --shadow name not in the log.
                throw new ParameterException(spec.commandLine(), e.getMessage(), e);
            }
            if (json != null) {
                report.writeJson(json);
            }
            if (html != null) {
                report.writeHtml(html);
            }
            Writer out = new OutputStreamWriter(cli.stdout(), StandardCharsets.UTF_8);
            if (!quiet) {
                report.writeText(out);
            }
            if (json != null) {
                out.write("JSON report: " + json.toAbsolutePath() + "\n");
            }
            if (html != null) {
                out.write("HTML report: " + html.toAbsolutePath().toUri() + "\n");
            }
            out.write("verdict: " + report.verdict() + "\n");
            out.flush();
            return report.exitCode();
        }
    }

    /** Parses {@code --gates}, so that a malformed expression or an unknown metric is a usage error. */
    static final class GatesConverter implements ITypeConverter<ShadowGates> {
        @Override
        public ShadowGates convert(String value) {
            try {
                return ShadowGates.parse(value);
            } catch (ConfigurationException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code hotpath shadow replay}. */
    @Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
            versionProvider = ManifestVersionProvider.class,
            description = "Scores a candidate model over the feature vectors captured in a shadow log and writes a"
                    + " new log in the same format, so 'hotpath shadow report --log OUT' compares the candidate"
                    + " with the primary on yesterday's traffic without deploying it. Needs logs written with"
                    + " feature capture (ShadowEvaluatorBuilder.featureCaptureRate > 0).",
            modelTransformer = ExitCodeHelp.WithoutGates.class)
    static final class Replay implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--log", required = true, paramLabel = "DIR", description = "The shadow log to replay.")
        private Path log;

        @Option(names = "--model", required = true, paramLabel = "FILE",
                description = "The candidate model file (XGBoost, LightGBM or ONNX, detected from the"
                        + " content).")
        private Path model;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the new log.")
        private Path out;

        @Option(names = "--threshold", paramLabel = "T", description = "The candidate's decision threshold.")
        private Float threshold;

        @Override
        public Integer call() throws IOException {
            HotpathCli cli = HotpathCli.from(spec);
            ReplayOptions options = ReplayOptions.defaults().withName(model.getFileName().toString());
            if (threshold != null) {
                options = options.withThreshold(threshold);
            }
            try (Model m = cli.loadModel(model)) {
                ReplayResult r = ShadowReplay.replay(log, m, out, options);
                Writer w = new OutputStreamWriter(cli.stdout(), StandardCharsets.UTF_8);
                w.write(r.summary() + "\n");
                w.flush();
            }
            return ExitCodes.OK;
        }
    }
}
