package dev.hotpath.cli;

import dev.hotpath.scoring.explain.ReasonCodeExplainer;
import dev.hotpath.scoring.explain.ReasonCodes;
import dev.hotpath.scoring.explain.TopReasons;
import dev.hotpath.scoring.explain.TreeExplainer;
import dev.hotpath.shadow.report.ExitCodes;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hotpath explain --model FILE --input IN.csv [--output OUT.csv] [--top K] [--reasons MAP.json]}: per input
 * row, the exact TreeSHAP contributions ({@link TreeExplainer}) in XGBoost's {@code pred_contribs} order, or with
 * {@code --top K} the K largest reason codes ({@link ReasonCodeExplainer}). The CSV input rules and errors are
 * {@code hotpath score}'s ({@link CsvScorer} reads the rows).
 *
 * <p>One instance per invocation; not thread-safe.
 */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = ManifestVersionProvider.class,
        description = {
            "Explains every row of a CSV file: exact TreeSHAP contributions of each feature to the model's margin"
                    + " (XGBoost's pred_contribs), or with --top K the K largest reason codes."
        },
        footerHeading = "%nInput:%n",
        footer = {
            "Exactly as for 'hotpath score': a header naming the model's features (any order; f0..fN-1 when the"
                    + " model has no names), then one row per line; empty or NaN is missing (it follows the"
                    + " model's default direction and usually gets a contribution of its own), Infinity and"
                    + " -Infinity are values.",
            "",
            "Output:",
            "Without --top: one line per row with every contribution in XGBoost's order: the features, then bias"
                    + " (the expected margin: base score plus the trees' averages); prefixed class<k>. for"
                    + " multi-output models, one block per class. Each block sums to the row's margin (log-odds"
                    + " for binary:logistic). Values are written with Float.toString.",
            "With --top K: reason_1,contribution_1,...,reason_K,contribution_K: the K codes that raised the margin"
                    + " most, largest first (exact ties in code order); fewer qualifying codes leave empty fields."
                    + " Without --reasons every feature is its own code. For a multi-output model, one block per"
                    + " class (prefixed class<k>.) unless the map names a class.",
            "",
            "Reasons map (--reasons MAP.json), every key optional:",
            "  {\"codes\": {\"VELOCITY\": [\"txn_count_1h\", \"txn_count_24h\"],",
            "             \"AMOUNT\": [\"amount\"]},",
            "   \"exclude\": [\"customer_age\"],",
            "   \"unmapped\": \"own_code\" | \"exclude\",",
            "   \"direction\": \"positive\" | \"negative\" | \"either\",",
            "   \"min_contribution\": 0.0,",
            "   \"class\": 0}",
            "A code's contribution is the sum of its features'; excluded features are never cited (their amount"
                    + " stays in the score).",
            "",
            "Only tree models (XGBoost) can be explained; an ONNX model is refused with the reason.",
            "Exit codes: 0 ok, 1 runtime failure (bad model, input or map: one line 'hotpath: error: ...' on"
                    + " stderr), 2 usage error."
        })
final class ExplainCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private CsvCommandOptions csv;

    @Option(names = "--top", paramLabel = "K",
            description = "Write the K largest reason codes per row instead of every contribution.")
    private Integer top;

    @Option(names = "--reasons", paramLabel = "MAP.json",
            description = "Reason codes: features grouped into codes, exclusions, direction (needs --top).")
    private Path reasons;

    @Override
    public Integer call() throws IOException {
        if (top != null && top < 1) {
            throw new ParameterException(spec.commandLine(), "--top must be at least 1, got " + top);
        }
        if (reasons != null && top == null) {
            throw new ParameterException(spec.commandLine(), "--reasons needs --top K (the number of reasons"
                    + " per row)");
        }
        HotpathCli cli = HotpathCli.from(spec);
        ReasonMapFile.Parsed map = reasons == null ? null : ReasonMapFile.read(reasons);
        CsvScorer.run(cli, csv.input, csv.output, csv.model, m -> {
            TreeExplainer explainer = TreeExplainer.of(m);
            CsvScorer.Output out = top == null ? new Contributions(explainer)
                    : new Reasons(explainer, map == null ? ReasonCodes.perFeature() : map.codes(),
                            map == null ? null : map.outputGroup(), top);
            return new CsvScorer(m, out, csv.allowMissingColumns, CsvLineReader.DEFAULT_MAX_LINE_BYTES);
        }, "explained", !csv.noProgress);
        return ExitCodes.OK;
    }

    /** Every contribution, XGBoost's layout. */
    static final class Contributions implements CsvScorer.Output {
        private final TreeExplainer explainer;
        private final TreeExplainer.Scratch scratch;
        private final double[] values;

        Contributions(TreeExplainer explainer) {
            this.explainer = explainer;
            this.scratch = explainer.newScratch();
            this.values = new double[explainer.width()];
        }

        @Override
        public List<String> columns() {
            return explainer.columnNames();
        }

        @Override
        public void write(float[] rows, int n, Writer out) throws IOException {
            int nf = explainer.numFeatures();
            for (int r = 0; r < n; r++) {
                explainer.contributions(rows, r * nf, scratch, values, 0);
                for (int j = 0; j < values.length; j++) {
                    if (j > 0) {
                        out.write(',');
                    }
                    out.write(Float.toString((float) values[j]));
                }
                out.write('\n');
            }
        }
    }

    /** The top K reason codes, per explained class. */
    static final class Reasons implements CsvScorer.Output {
        private final int nf;
        private final int k;
        private final ReasonCodeExplainer[] perClass;
        private final TopReasons[] results;
        private final List<String> columns = new ArrayList<>();

        Reasons(TreeExplainer explainer, ReasonCodes codes, Integer outputGroup, int k) {
            this.nf = explainer.numFeatures();
            this.k = k;
            int groups = explainer.numGroups();
            boolean allClasses = outputGroup == null && groups > 1;
            perClass = new ReasonCodeExplainer[allClasses ? groups : 1];
            results = new TopReasons[perClass.length];
            for (int g = 0; g < perClass.length; g++) {
                ReasonCodes c = allClasses ? rebuild(codes, g) : codes;
                perClass[g] = explainer.reasons(c);
                results[g] = perClass[g].newResult(k);
                String prefix = allClasses ? "class" + g + "." : "";
                for (int i = 1; i <= k; i++) {
                    columns.add(prefix + "reason_" + i);
                    columns.add(prefix + "contribution_" + i);
                }
            }
        }

        private static ReasonCodes rebuild(ReasonCodes codes, int group) {
            ReasonCodes.Builder b = ReasonCodes.builder().unmapped(codes.unmapped()).direction(codes.direction())
                    .minContribution(codes.minContribution()).outputGroup(group).exclude(codes.excluded());
            codes.codes().forEach(b::code);
            return b.build();
        }

        @Override
        public List<String> columns() {
            return columns;
        }

        @Override
        public void write(float[] rows, int n, Writer out) throws IOException {
            for (int r = 0; r < n; r++) {
                for (int g = 0; g < perClass.length; g++) {
                    TopReasons top = results[g];
                    int count = perClass[g].explain(rows, r * nf, top);
                    for (int i = 0; i < k; i++) {
                        if (g > 0 || i > 0) {
                            out.write(',');
                        }
                        if (i < count) {
                            out.write(CsvScorer.csvField(top.code(i)));
                            out.write(',');
                            out.write(Float.toString((float) top.contribution(i)));
                        } else {
                            out.write(',');
                        }
                    }
                }
                out.write('\n');
            }
        }
    }
}
