package dev.hotpath.shadow.report;

import static dev.hotpath.shadow.report.Fmt.count;
import static dev.hotpath.shadow.report.Fmt.left;
import static dev.hotpath.shadow.report.Fmt.nanos;
import static dev.hotpath.shadow.report.Fmt.num;
import static dev.hotpath.shadow.report.Fmt.pct;
import static dev.hotpath.shadow.report.Fmt.right;
import static dev.hotpath.shadow.report.Fmt.score;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import dev.hotpath.shadow.log.ModelDescriptor;
import dev.hotpath.shadow.log.ReadProblem;
import dev.hotpath.shadow.log.SequenceProblem;

/** Renders a {@link ShadowReport} as plain text for terminals and pull-request comments (about 100 columns). */
final class TextReportWriter {
    private static final int TEXT_ROWS = 10;
    private TextReportWriter() {
    }

    static void write(ShadowReport r, Appendable out) throws IOException {
        RunSummary run = r.run();
        line(out, "SHADOW EVALUATION REPORT");
        line(out, "generated " + r.generatedAt() + " from " + (run.read().files() == 0 ? ""
                : run.read().files() + " log file(s): ") + String.join(", ", run.inputs()));
        if (run.firstEpochNanos() != 0) {
            line(out, "traffic " + Fmt.time(run.firstEpochNanos()) + " .. " + Fmt.time(run.lastEpochNanos()) + " ("
                    + Fmt.duration(run.firstEpochNanos(), run.lastEpochNanos()) + "), " + run.instances()
                    + " writer instance(s), sampling rate " + rates(run.sampleRatesE4()));
        }
        line(out, "");
        para(out, "", "VERDICT: " + r.verdict() + ". " + r.recommendation());
        line(out, "");

        line(out, "MODELS");
        for (ModelDescriptor m : run.models()) {
            line(out, "  " + left(m.isPrimary() ? "primary" : "shadow", 8) + left("[" + m.modelId() + "]", 6)
                    + left(m.label(), 28) + " threshold " + score(m.threshold())
                    + (m.checksum().isEmpty() ? "" : "  sha256 " + abbreviate(m.checksum(), 12))
                    + (m.description().isEmpty() ? "" : "  (" + abbreviate(m.description(), 40) + ")"));
        }
        line(out, "");

        line(out, "COVERAGE");
        line(out, "  offers " + count(run.offered()) + ", sampled and accepted " + count(run.accepted()));
        line(out, "  dropped: intake ring full " + count(run.droppedRingFull()) + ", by the writer (I/O, low disk) "
                + count(run.droppedIo()));
        if (!run.dropIntervals().isEmpty()) {
            line(out, "  worst interval drop rate " + pct(run.maxIntervalDropRate()) + " over "
                    + run.dropIntervals().size() + " counter interval(s)");
        }
        line(out, "  replayable requests (captured features) " + count(run.featuresRecords()));
        if (run.read().bytesSkipped() > 0) {
            line(out, "  reader skipped " + count(run.read().bytesSkipped()) + " byte(s):");
            for (ReadProblem p : run.read().problems()) {
                line(out, "    " + p);
            }
        }
        for (String w : run.warnings()) {
            para(out, "  ", "WARNING: " + w);
        }
        line(out, "");
        if (!run.read().sequenceProblems().isEmpty()) {
            line(out, "LOG INTEGRITY (each writer numbers its records across its segments)");
            for (SequenceProblem p : run.read().sequenceProblems()) {
                para(out, "  ", left(integrityLabel(p), 9) + " " + p.describe());
            }
            line(out, "");
        }

        for (ShadowComparison c : r.comparisons()) {
            writeComparison(c, r.isGated(c), out);
        }
        if (r.comparisons().isEmpty()) {
            line(out, "No comparison records found.");
        }
        SliceSections.writeText(r, out);
    }

    /** The first word of a LOG INTEGRITY line. */
    static String integrityLabel(SequenceProblem p) {
        switch (p.kind()) {
            case REPEATED:
                return "REPEATED";
            case MISSING:
                return "MISSING";
            default:
                return "older";
        }
    }

    private static void writeComparison(ShadowComparison c, boolean gated, Appendable out) throws IOException {
        String primaryName = c.primaries().isEmpty() ? "primary" : c.primaries().get(0).label();
        line(out, "=".repeat(100));
        line(out, "SHADOW " + c.shadow().label() + " [" + c.shadow().modelId() + "] vs PRIMARY " + primaryName
                + "   verdict " + c.verdict() + (gated ? "" : " (not gated)"));
        line(out, "=".repeat(100));
        CoverageSummary cov = c.coverage();
        line(out, "Records   " + count(c.records()) + " recorded of " + count(cov.dispatched())
                + " dispatched to it (coverage " + pct(cov.coverage()) + "); " + count(c.validPairs())
                + " with both scores");
        line(out, "          shadow errors " + count(c.errors()) + ", breaker-skipped " + count(c.breakerSkipped())
                + ", over latency budget " + count(c.overBudget()) + " (error rate " + pct(c.errorRate()) + ")");
        line(out, "          dropped: shadow queue full " + count(cov.droppedBacklog()) + ", writer ring full "
                + count(cov.droppedWriterFull()) + ", abandoned at shutdown " + count(cov.abandonedAtClose())
                + (cov.skippedSelf() > 0 ? "; " + count(cov.skippedSelf()) + " skipped (served by this model as the"
                        + " primary, around a promotion)" : "")
                + (c.replayed() > 0 ? "; " + count(c.replayed()) + " record(s) from offline replay" : ""));
        for (String n : c.notes()) {
            para(out, "  ", "NOTE: " + n);
        }
        line(out, "");

        if (c.validPairs() == 0) {
            line(out, "No comparable scores: the shadow failed, returned NaN or was skipped on every request.");
            line(out, "");
            latencyHeader(out);
            lat(out, "  shadow", c.shadowLatency());
            line(out, "");
            gates(c, out);
            return;
        }
        line(out, "Score distribution   " + right("primary", 10) + right("shadow", 10));
        DistributionSummary p = c.primaryScores();
        DistributionSummary s = c.shadowScores();
        row(out, "  mean", p.mean(), s.mean());
        row(out, "  p50", p.p50(), s.p50());
        row(out, "  p90", p.p90(), s.p90());
        row(out, "  p99", p.p99(), s.p99());
        row(out, "  p99.9", p.p999(), s.p999());
        row(out, "  max", p.max(), s.max());
        line(out, "");

        line(out, "Shift     PSI " + num(c.psi()) + " " + psiWords(c.psi()) + "; " + c.psiBins()
                + " bins at the primary's quantiles");
        line(out, "          KS D " + num(c.ks()) + " (largest CDF gap; a D above " + num(c.ksCritical05())
                + " would be significant at 5% for independent samples)");
        line(out, "          JS distance " + num(c.jsDistance()) + " (0 = same distribution, 1 = disjoint)");
        line(out, "Ranking   Spearman rho " + num(c.spearman()) + ", Kendall tau-b " + num(c.kendallTauB())
                + " (1 = same order of risk)");
        StringBuilder topk = new StringBuilder("riskiest requests found by both (top-k overlap):");
        for (TopKOverlap t : c.topK()) {
            topk.append(String.format(Locale.ROOT, " top %s (k=%d) %s,", trimPct(t.fraction()), t.k(),
                    pct(t.overlap())));
        }
        para(out, "          ", topk.substring(0, topk.length() - 1));
        line(out, "");

        decisionTable(out, "Decisions at the configured thresholds", c.configured());
        decisionTable(out, "Decisions at the block-rate-matched shadow threshold " + score(c.matchedThreshold())
                + " (the shadow blocks as many as the primary;\n  differences here are ranking, not scale)",
                c.matched());

        latencyHeader(out);
        lat(out, "  primary", c.primaryLatency());
        lat(out, "  shadow", c.shadowLatency());
        line(out, "  (primary: as reported by the caller; shadow: measured around score() on the shadow thread)");
        line(out, "");

        if (c.labels() != null) {
            LabelSummary l = c.labels();
            line(out, "Labels    " + count(l.labelled()) + " of " + count(l.requests()) + " compared requests labelled ("
                    + pct(l.coverage()) + ")");
            line(out, "          labelled among primary-blocked " + count(l.labelledPrimaryBlocked()) + " of "
                    + count(l.primaryBlocked()) + ", among allowed " + count(l.labelledPrimaryAllowed()) + " of "
                    + count(l.primaryAllowed()));
            line(out, "  " + left("model", 30) + right("thr", 8) + right("precision", 11) + right("recall", 9)
                    + right("F1", 8) + right("PR-AUC", 9) + right("ROC-AUC", 9) + right("Brier", 8));
            labelRow(out, l.primary());
            labelRow(out, l.shadow());
            labelRow(out, l.shadowMatched());
            for (String w : l.warnings()) {
                para(out, "  ", "WARNING: " + w);
            }
            line(out, "");
        }

        if (!c.topNewBlocks().isEmpty() || !c.topReleases().isEmpty()) {
            line(out, "Flips at the configured thresholds: " + count(c.configured().newBlocks())
                    + " new blocks, " + count(c.configured().releases()) + " releases; the largest of each:");
            disagreementHeader(out);
            for (Disagreement d : first(c.topNewBlocks())) {
                disagreementRow(out, d);
            }
            for (Disagreement d : first(c.topReleases())) {
                disagreementRow(out, d);
            }
            line(out, "");
        }
        if (!c.topDisagreements().isEmpty()) {
            line(out, "Largest score differences (any decision):");
            disagreementHeader(out);
            for (Disagreement d : first(c.topDisagreements())) {
                disagreementRow(out, d);
            }
            line(out, "  (full lists in the JSON and HTML reports; [replayable] = features captured)");
            line(out, "");
        }
        gates(c, out);
    }

    private static List<Disagreement> first(List<Disagreement> list) {
        return list.size() <= TEXT_ROWS ? list : list.subList(0, TEXT_ROWS);
    }

    private static void gates(ShadowComparison c, Appendable out) throws IOException {
        if (!c.gates().isEmpty()) {
            line(out, "Gates");
            for (GateResult g : c.gates()) {
                line(out, "  " + left(g.verdict().name(), 5) + left(g.gate().metric().key() + " = " + num(g.value()),
                        40) + left(" needs " + g.gate().operator() + " " + Fmt.limit(g.gate().limit()), 16) + " ["
                        + g.gate().level().name().toLowerCase(Locale.ROOT) + "]  " + g.gate().metric().label());
            }
            line(out, "");
        }
    }

    private static void decisionTable(Appendable out, String title, DecisionTable t) throws IOException {
        line(out, title + ":");
        line(out, "  primary blocks at score >= " + score(t.primaryThreshold()) + ", shadow at >= "
                + score(t.shadowThreshold()));
        line(out, "  " + left("", 18) + right("shadow allows", 15) + right("shadow blocks", 15));
        line(out, "  " + left("primary allows", 18) + right(count(t.bothAllow()), 15) + right(count(t.newBlocks()), 15)
                + "   <- new blocks " + pct(t.newBlockRate()));
        line(out, "  " + left("primary blocks", 18) + right(count(t.releases()), 15) + right(count(t.bothBlock()), 15)
                + "   <- releases " + pct(t.releaseRate()));
        line(out, "  agreement " + pct(t.agreement()) + ", flip rate " + pct(t.flipRate()) + ", block rate "
                + pct(t.primaryBlockRate()) + " -> " + pct(t.shadowBlockRate()) + String.format(Locale.ROOT,
                        " (%+.2f pp)", 100 * t.deltaBlockRate()) + ", Cohen's kappa " + num(t.kappa()));
        line(out, "");
    }

    private static void disagreementHeader(Appendable out) throws IOException {
        line(out, "  " + left("request id", 22) + right("primary", 9) + right("shadow", 9) + right("delta", 9)
                + "  " + left("decision", 16) + "time");
    }

    private static void disagreementRow(Appendable out, Disagreement d) throws IOException {
        line(out, "  " + left(Long.toString(d.requestId()), 22) + right(score(d.primaryScore()), 9)
                + right(score(d.shadowScore()), 9) + right(String.format(Locale.ROOT, "%+.4f", d.delta()), 9) + "  "
                + left(d.kind(), 16) + Fmt.time(d.epochNanos()) + (d.featuresCaptured() ? "  [replayable]" : ""));
    }

    private static void labelRow(Appendable out, LabelMetrics m) throws IOException {
        line(out, "  " + left(m.model(), 30) + right(score(m.threshold()), 8) + right(num(m.precision()), 11)
                + right(num(m.recall()), 9) + right(num(m.f1()), 8) + right(num(m.prAuc()), 9)
                + right(num(m.rocAuc()), 9) + right(num(m.brier()), 8) + "   (" + count(m.positives())
                + " positives of " + count(m.labelled()) + ")");
    }

    private static void latencyHeader(Appendable out) throws IOException {
        line(out, "Latency   " + right("calls", 12) + right("p50", 11) + right("p90", 11) + right("p99", 11)
                + right("p99.9", 11) + right("max", 11));
    }

    private static void lat(Appendable out, String name, LatencySummary l) throws IOException {
        line(out, left(name, 10) + right(count(l.count()), 12) + right(nanos(l.p50()), 11) + right(nanos(l.p90()), 11)
                + right(nanos(l.p99()), 11) + right(nanos(l.p999()), 11) + right(nanos(l.max()), 11));
    }

    private static void row(Appendable out, String name, double a, double b) throws IOException {
        line(out, left(name, 21) + right(score(a), 10) + right(score(b), 10));
    }

    static String psiWords(double psi) {
        if (Double.isNaN(psi)) {
            return "";
        }
        if (psi < 0.1) {
            return "(< 0.10: no significant shift)";
        }
        if (psi < 0.25) {
            return "(0.10-0.25: moderate shift; expected if the shadow is calibrated differently)";
        }
        return "(> 0.25: large shift; a retrained model can legitimately differ, check ranking and flips)";
    }

    private static String rates(List<Integer> rates) {
        if (rates.isEmpty()) {
            return "n/a";
        }
        StringBuilder sb = new StringBuilder();
        for (int r : rates) {
            sb.append(sb.length() == 0 ? "" : ", ").append(pct(r / 10_000.0));
        }
        return sb.toString();
    }

    private static String trimPct(double fraction) {
        return num(100 * fraction) + "%";
    }

    private static String abbreviate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n) + "...";
    }

    /** Writes {@code text} wrapped at 100 columns, every line starting with {@code indent}. */
    private static void para(Appendable out, String indent, String text) throws IOException {
        StringBuilder cur = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (cur.length() > indent.length() && cur.length() + 1 + word.length() > 100) {
                line(out, cur.toString());
                cur.setLength(0);
                cur.append(indent).append("  ");
            } else if (cur.length() > indent.length()) {
                cur.append(' ');
            }
            cur.append(word);
        }
        line(out, cur.toString());
    }

    private static void line(Appendable out, String s) throws IOException {
        out.append(s).append('\n');
    }
}
