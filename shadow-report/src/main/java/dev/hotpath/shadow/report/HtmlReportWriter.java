package dev.hotpath.shadow.report;

import static dev.hotpath.shadow.report.Fmt.count;
import static dev.hotpath.shadow.report.Fmt.nanos;
import static dev.hotpath.shadow.report.Fmt.num;
import static dev.hotpath.shadow.report.Fmt.pct;
import static dev.hotpath.shadow.report.Fmt.score;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;

import dev.hotpath.shadow.log.ModelDescriptor;
import dev.hotpath.shadow.log.ReadProblem;
import dev.hotpath.shadow.log.SequenceProblem;

/**
 * Renders a {@link ShadowReport} as one self-contained HTML page: inline CSS and inline SVG plots drawn here, no
 * scripts, fonts, images or links to anything outside the file, so it opens offline and can be attached to a
 * ticket or CI run as is.
 */
final class HtmlReportWriter {
    private static final String PRIMARY_COLOR = "#1f6fb4";
    private static final String SHADOW_COLOR = "#e07b10";

    private HtmlReportWriter() {
    }

    static void write(ShadowReport r, Writer w) throws IOException {
        RunSummary run = r.run();
        StringBuilder o = new StringBuilder(64 * 1024);
        o.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        o.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        o.append("<title>Shadow evaluation report - ").append(r.verdict()).append("</title>\n");
        o.append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        o.append("<h1>Shadow evaluation report</h1>\n");
        o.append("<p class=\"meta\">Generated ").append(esc(r.generatedAt().toString())).append(" from ")
                .append(run.read().files() == 0 ? "" : run.read().files() + " log file(s): ")
                .append(esc(String.join(", ", run.inputs())));
        if (run.labelsFile() != null) {
            o.append("; labels ").append(esc(run.labelsFile()));
        }
        o.append("</p>\n");
        o.append("<div class=\"verdict v-").append(r.verdict().name().toLowerCase(Locale.ROOT)).append("\"><b>")
                .append(r.verdict()).append("</b> ").append(esc(r.recommendation())).append("</div>\n");

        o.append("<h2>Run</h2>\n<table class=\"kv\">\n");
        kv(o, "Traffic", run.firstEpochNanos() == 0 ? "-" : Fmt.time(run.firstEpochNanos()) + " .. "
                + Fmt.time(run.lastEpochNanos()) + " (" + Fmt.duration(run.firstEpochNanos(), run.lastEpochNanos())
                + ")");
        kv(o, "Writer instances", Integer.toString(run.instances()));
        kv(o, "Offers", count(run.offered()));
        kv(o, "Sampled and accepted", count(run.accepted()));
        kv(o, "Dropped: intake ring full", count(run.droppedRingFull()));
        kv(o, "Dropped: writer (I/O, low disk)", count(run.droppedIo()));
        kv(o, "Worst interval drop rate", run.dropIntervals().isEmpty() ? "-" : pct(run.maxIntervalDropRate()));
        kv(o, "Replayable requests (captured features)", count(run.featuresRecords()));
        kv(o, "Log blocks read / bytes skipped", count(run.read().blocks()) + " / "
                + count(run.read().bytesSkipped()));
        o.append("</table>\n");
        for (String warning : run.warnings()) {
            o.append("<p class=\"warn\">").append(esc(warning)).append("</p>\n");
        }
        if (!run.read().problems().isEmpty()) {
            o.append("<details><summary>What the reader skipped</summary><ul>\n");
            for (ReadProblem p : run.read().problems()) {
                o.append("<li>").append(esc(p.toString())).append("</li>\n");
            }
            o.append("</ul></details>\n");
        }
        if (!run.read().sequenceProblems().isEmpty()) {
            o.append("<details open><summary>Log integrity: each writer numbers its records across its segments"
                    + "</summary><ul>\n");
            for (SequenceProblem p : run.read().sequenceProblems()) {
                o.append("<li><b>").append(TextReportWriter.integrityLabel(p)).append("</b> ")
                        .append(esc(p.describe())).append("</li>\n");
            }
            o.append("</ul></details>\n");
        }
        if (run.dropIntervals().size() > 1 && run.maxIntervalDropRate() > 0) {
            o.append("<h3>Producer drop rate over time</h3>\n");
            dropChart(o, run.dropIntervals());
        } else if (!run.dropIntervals().isEmpty()) {
            o.append("<p>No sampled request was dropped at the intake ring in any of the ")
                    .append(run.dropIntervals().size()).append(" counter interval(s).</p>\n");
        }

        o.append("<h2>Models</h2>\n<table>\n<tr><th>role</th><th>id</th><th>name</th><th>version</th>"
                + "<th>threshold</th><th>sha256</th><th>description</th></tr>\n");
        for (ModelDescriptor m : run.models()) {
            o.append("<tr><td>").append(m.isPrimary() ? "primary" : "shadow").append("</td><td>").append(m.modelId())
                    .append("</td><td>").append(esc(m.name())).append("</td><td>").append(esc(m.version()))
                    .append("</td><td class=\"n\">").append(score(m.threshold())).append("</td><td><code>")
                    .append(esc(m.checksum().length() > 16 ? m.checksum().substring(0, 16) + "..." : m.checksum()))
                    .append("</code></td><td>").append(esc(m.description())).append("</td></tr>\n");
        }
        o.append("</table>\n");

        if (r.comparisons().isEmpty()) {
            o.append("<p class=\"warn\">No comparison records found.</p>\n");
        }
        for (ShadowComparison c : r.comparisons()) {
            comparison(o, c, r.isGated(c));
        }
        SliceSections.writeHtml(r, o);
        o.append("<footer>Hotpath shadow-eval report v").append(ShadowReport.REPORT_VERSION)
                .append(". PSI and JS use bins at the primary's quantiles; quantiles are linear (type 7); ")
                .append("PR-AUC is average precision; latency percentiles come from HdrHistogram (3 significant ")
                .append("digits). The report recommends; promotion stays a human decision.</footer>\n");
        o.append("</body>\n</html>\n");
        w.write(o.toString());
    }

    private static void comparison(StringBuilder o, ShadowComparison c, boolean gated) {
        String primary = c.primaries().isEmpty() ? "primary" : c.primaries().get(0).label();
        o.append("<section>\n<h2>Shadow ").append(esc(c.shadow().label())).append(" [").append(c.shadow().modelId())
                .append("] vs primary ").append(esc(primary)).append(" <span class=\"badge v-")
                .append(c.verdict().name().toLowerCase(Locale.ROOT)).append("\">").append(c.verdict())
                .append(gated ? "" : " (not gated)").append("</span></h2>\n");
        CoverageSummary cov = c.coverage();
        o.append("<div class=\"cards\">\n");
        card(o, "coverage", pct(cov.coverage()), count(c.records()) + " of " + count(cov.dispatched()) + " recorded");
        card(o, "PSI", num(c.psi()), TextReportWriter.psiWords(c.psi()).replace("(", "").replace(")", ""));
        card(o, "KS D", num(c.ks()), "largest CDF gap");
        card(o, "JS distance", num(c.jsDistance()), "0 same, 1 disjoint");
        card(o, "Spearman", num(c.spearman()), "rank agreement");
        card(o, "Kendall tau-b", num(c.kendallTauB()), "pairwise order");
        card(o, "flip rate", pct(c.configured().flipRate()), "at configured thresholds");
        card(o, "flip rate (matched)", pct(c.matched().flipRate()), "same block rate as primary");
        card(o, "Cohen's kappa", num(c.configured().kappa()), "decision agreement beyond chance");
        card(o, "error rate", pct(c.errorRate()), count(c.errors()) + " errors, " + count(c.breakerSkipped())
                + " breaker-skipped");
        o.append("</div>\n");
        for (String n : c.notes()) {
            o.append("<p class=\"note\">").append(esc(n)).append("</p>\n");
        }

        if (c.validPairs() == 0) {
            o.append("<p class=\"warn\">No comparable scores: the shadow failed, returned NaN or was skipped on "
                    + "every request.</p>\n");
            gatesTable(o, c);
            o.append("</section>\n");
            return;
        }
        o.append("<div class=\"plots\">\n<figure>\n<figcaption>Score distributions (share of requests per bin)"
                + "</figcaption>\n");
        histogram(o, c);
        o.append("</figure>\n<figure>\n<figcaption>Primary vs shadow score (").append(c.scatterPrimary().length)
                .append(" of ").append(count(c.validPairs())).append(" requests)</figcaption>\n");
        scatter(o, c);
        o.append("</figure>\n</div>\n");

        o.append("<h3>Distribution</h3>\n<table>\n<tr><th></th><th>mean</th><th>p50</th><th>p90</th><th>p99</th>"
                + "<th>p99.9</th><th>max</th></tr>\n");
        dist(o, "primary", c.primaryScores());
        dist(o, "shadow", c.shadowScores());
        o.append("</table>\n");
        o.append("<p>Top-k overlap of the riskiest requests: ");
        for (TopKOverlap t : c.topK()) {
            o.append("top ").append(num(100 * t.fraction())).append("% (k=").append(t.k()).append(") <b>")
                    .append(pct(t.overlap())).append("</b>; ");
        }
        o.append("</p>\n");

        o.append("<h3>Decisions</h3>\n<div class=\"plots\">\n");
        table(o, "At the configured thresholds", c.configured());
        table(o, "At the block-rate-matched shadow threshold (ranking only)", c.matched());
        o.append("</div>\n");

        if (!c.topNewBlocks().isEmpty() || !c.topReleases().isEmpty()) {
            o.append("<h3>Flips</h3>\n<details open><summary>").append(count(c.configured().newBlocks()))
                    .append(" new blocks and ").append(count(c.configured().releases()))
                    .append(" releases at the configured thresholds; the largest score differences of each</summary>\n");
            disagreements(o, c.topNewBlocks(), c.topReleases());
            o.append("</details>\n");
        }
        if (!c.topDisagreements().isEmpty()) {
            o.append("<h3>Largest score differences</h3>\n<details><summary>Show the ")
                    .append(c.topDisagreements().size()).append(" requests with the largest |shadow - primary|"
                            + "</summary>\n");
            disagreements(o, c.topDisagreements(), List.of());
            o.append("</details>\n");
        }

        o.append("<h3>Latency</h3>\n");
        latencyChart(o, c.primaryLatency(), c.shadowLatency());
        o.append("<table>\n<tr><th></th><th>calls</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th>"
                + "<th>max</th></tr>\n");
        lat(o, "primary (reported by caller)", c.primaryLatency());
        lat(o, "shadow (measured on its thread)", c.shadowLatency());
        o.append("</table>\n");

        if (c.labels() != null) {
            LabelSummary l = c.labels();
            o.append("<h3>Labels</h3>\n<p>").append(count(l.labelled())).append(" of ").append(count(l.requests()))
                    .append(" compared requests labelled (").append(pct(l.coverage()))
                    .append("); labelled among primary-blocked ").append(count(l.labelledPrimaryBlocked()))
                    .append("/").append(count(l.primaryBlocked())).append(", among allowed ")
                    .append(count(l.labelledPrimaryAllowed())).append("/").append(count(l.primaryAllowed()))
                    .append(".</p>\n");
            o.append("<table>\n<tr><th>model</th><th>threshold</th><th>precision</th><th>recall</th><th>F1</th>"
                    + "<th>PR-AUC</th><th>ROC-AUC</th><th>Brier</th><th>positives</th></tr>\n");
            labelRow(o, l.primary());
            labelRow(o, l.shadow());
            labelRow(o, l.shadowMatched());
            o.append("</table>\n");
            for (String warning : l.warnings()) {
                o.append("<p class=\"warn\">").append(esc(warning)).append("</p>\n");
            }
        }

        gatesTable(o, c);
        o.append("</section>\n");
    }

    private static void gatesTable(StringBuilder o, ShadowComparison c) {
        if (c.gates().isEmpty()) {
            return;
        }
        o.append("<h3>Gates</h3>\n<table>\n<tr><th>verdict</th><th>metric</th><th>value</th><th>needs</th>"
                + "<th>level</th></tr>\n");
        for (GateResult g : c.gates()) {
            o.append("<tr class=\"v-").append(g.verdict().name().toLowerCase(Locale.ROOT)).append("\"><td>")
                    .append(g.verdict()).append("</td><td>").append(esc(g.gate().metric().label()))
                    .append(" <code>").append(g.gate().metric().key()).append("</code></td><td class=\"n\">")
                    .append(num(g.value())).append("</td><td>").append(esc(g.gate().operator())).append(' ')
                    .append(Fmt.limit(g.gate().limit())).append("</td><td>").append(g.gate().level())
                    .append("</td></tr>\n");
        }
        o.append("</table>\n");
    }

    private static void card(StringBuilder o, String title, String value, String sub) {
        o.append("<div class=\"card\"><div class=\"t\">").append(esc(title)).append("</div><div class=\"v\">")
                .append(esc(value)).append("</div><div class=\"s\">").append(esc(sub)).append("</div></div>\n");
    }

    private static void kv(StringBuilder o, String k, String v) {
        o.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>\n");
    }

    private static void dist(StringBuilder o, String name, DistributionSummary d) {
        o.append("<tr><th>").append(name).append("</th>");
        for (double v : new double[] {d.mean(), d.p50(), d.p90(), d.p99(), d.p999(), d.max()}) {
            o.append("<td class=\"n\">").append(score(v)).append("</td>");
        }
        o.append("</tr>\n");
    }

    private static void table(StringBuilder o, String title, DecisionTable t) {
        o.append("<div><p><b>").append(esc(title)).append("</b><br>primary blocks at &ge; ")
                .append(score(t.primaryThreshold())).append(", shadow at &ge; ").append(score(t.shadowThreshold()))
                .append("</p>\n<table class=\"confusion\">\n<tr><th></th><th>shadow allows</th><th>shadow blocks</th>"
                        + "</tr>\n<tr><th>primary allows</th><td class=\"n\">").append(count(t.bothAllow()))
                .append("</td><td class=\"n flip\">").append(count(t.newBlocks())).append("<br><small>new blocks ")
                .append(pct(t.newBlockRate())).append("</small></td></tr>\n<tr><th>primary blocks</th>"
                        + "<td class=\"n flip\">").append(count(t.releases())).append("<br><small>releases ")
                .append(pct(t.releaseRate())).append("</small></td><td class=\"n\">").append(count(t.bothBlock()))
                .append("</td></tr>\n</table>\n<p>agreement ").append(pct(t.agreement())).append(", flip rate ")
                .append(pct(t.flipRate())).append(", block rate ").append(pct(t.primaryBlockRate())).append(" &rarr; ")
                .append(pct(t.shadowBlockRate())).append(", Cohen's &kappa; ").append(num(t.kappa()))
                .append("</p></div>\n");
    }

    private static void disagreements(StringBuilder o, List<Disagreement> a, List<Disagreement> b) {
        o.append("<table>\n<tr><th>request id</th><th>kind</th><th>primary</th><th>shadow</th><th>&Delta;</th>"
                + "<th>time</th><th>replayable</th></tr>\n");
        for (List<Disagreement> list : List.of(a, b)) {
            for (Disagreement d : list) {
                o.append("<tr><td><code>").append(d.requestId()).append("</code></td><td>").append(d.kind())
                        .append("</td><td class=\"n\">").append(score(d.primaryScore())).append("</td><td class=\"n\">")
                        .append(score(d.shadowScore())).append("</td><td class=\"n\">")
                        .append(String.format(Locale.ROOT, "%+.4f", d.delta())).append("</td><td>")
                        .append(Fmt.time(d.epochNanos())).append("</td><td>").append(d.featuresCaptured() ? "yes" : "")
                        .append("</td></tr>\n");
            }
        }
        o.append("</table>\n");
    }

    private static void lat(StringBuilder o, String name, LatencySummary l) {
        o.append("<tr><th>").append(esc(name)).append("</th><td class=\"n\">").append(count(l.count())).append("</td>");
        for (long v : new long[] {l.p50(), l.p90(), l.p99(), l.p999(), l.max()}) {
            o.append("<td class=\"n\">").append(nanos(v)).append("</td>");
        }
        o.append("</tr>\n");
    }

    private static void labelRow(StringBuilder o, LabelMetrics m) {
        o.append("<tr><th>").append(esc(m.model())).append("</th><td class=\"n\">").append(score(m.threshold()))
                .append("</td>");
        for (double v : new double[] {m.precision(), m.recall(), m.f1(), m.prAuc(), m.rocAuc(), m.brier()}) {
            o.append("<td class=\"n\">").append(num(v)).append("</td>");
        }
        o.append("<td class=\"n\">").append(count(m.positives())).append(" / ").append(count(m.labelled()))
                .append("</td></tr>\n");
    }

    // ------------------------------------------------------------------ SVG plots

    private static final int W = 560;
    private static final int H = 260;
    private static final int ML = 48;
    private static final int MR = 12;
    private static final int MT = 12;
    private static final int MB = 40;

    private static void histogram(StringBuilder o, ShadowComparison c) {
        ScoreHistogram h = c.histogram();
        int bins = h.primary().length;
        long np = Math.max(1, sum(h.primary()));
        long ns = Math.max(1, sum(h.shadow()));
        double ymax = 0;
        for (int i = 0; i < bins; i++) {
            ymax = Math.max(ymax, Math.max((double) h.primary()[i] / np, (double) h.shadow()[i] / ns));
        }
        if (ymax == 0) {
            ymax = 1;
        }
        double pw = W - ML - MR;
        double ph = H - MT - MB;
        svgOpen(o, W, H, "Histogram of primary and shadow scores");
        axes(o, h.lo(), h.hi(), 0, ymax, true);
        for (int series = 0; series < 2; series++) {
            long[] counts = series == 0 ? h.primary() : h.shadow();
            long total = series == 0 ? np : ns;
            StringBuilder d = new StringBuilder();
            d.append("M").append(f(ML)).append(',').append(f(MT + ph));
            for (int i = 0; i < bins; i++) {
                double x0 = ML + pw * i / bins;
                double x1 = ML + pw * (i + 1) / bins;
                double y = MT + ph - ph * ((double) counts[i] / total) / ymax;
                d.append(" L").append(f(x0)).append(',').append(f(y)).append(" L").append(f(x1)).append(',')
                        .append(f(y));
            }
            d.append(" L").append(f(ML + pw)).append(',').append(f(MT + ph)).append(" Z");
            String color = series == 0 ? PRIMARY_COLOR : SHADOW_COLOR;
            o.append("<path d=\"").append(d).append("\" fill=\"").append(color).append("\" fill-opacity=\"0.28\" "
                    + "stroke=\"").append(color).append("\" stroke-width=\"1.5\"/>\n");
        }
        threshold(o, c.primaryThreshold(), h.lo(), h.hi(), PRIMARY_COLOR, "primary threshold");
        threshold(o, c.shadowThreshold(), h.lo(), h.hi(), SHADOW_COLOR, "shadow threshold");
        legend(o, W - MR - 150, MT + 8);
        o.append("</svg>\n");
    }

    private static void scatter(StringBuilder o, ShadowComparison c) {
        int size = 300;
        ScoreHistogram h = c.histogram();
        double lo = h.lo();
        double hi = h.hi();
        double pw = size - ML - MR;
        double ph = size - MT - MB;
        svgOpen(o, size, size, "Scatter of primary score against shadow score");
        o.append("<rect x=\"").append(ML).append("\" y=\"").append(MT).append("\" width=\"").append(f(pw))
                .append("\" height=\"").append(f(ph)).append("\" fill=\"#fafafa\" stroke=\"#999\"/>\n");
        o.append("<line x1=\"").append(ML).append("\" y1=\"").append(f(MT + ph)).append("\" x2=\"").append(f(ML + pw))
                .append("\" y2=\"").append(MT).append("\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>\n");
        float[] xs = c.scatterPrimary();
        float[] ys = c.scatterShadow();
        double tx = c.primaryThreshold();
        double ty = c.shadowThreshold();
        for (int i = 0; i < xs.length; i++) {
            double x = ML + pw * clamp((xs[i] - lo) / (hi - lo));
            double y = MT + ph - ph * clamp((ys[i] - lo) / (hi - lo));
            boolean flip = (xs[i] >= tx) != (ys[i] >= ty);
            o.append("<circle cx=\"").append(f(x)).append("\" cy=\"").append(f(y)).append("\" r=\"1.6\" fill=\"")
                    .append(flip ? "#c0392b" : "#34495e").append("\" fill-opacity=\"").append(flip ? "0.9" : "0.35")
                    .append("\"/>\n");
        }
        if (tx >= lo && tx <= hi) {
            double x = ML + pw * (tx - lo) / (hi - lo);
            o.append("<line x1=\"").append(f(x)).append("\" y1=\"").append(MT).append("\" x2=\"").append(f(x))
                    .append("\" y2=\"").append(f(MT + ph)).append("\" stroke=\"").append(PRIMARY_COLOR)
                    .append("\" stroke-dasharray=\"5 3\"/>\n");
        }
        if (ty >= lo && ty <= hi) {
            double y = MT + ph - ph * (ty - lo) / (hi - lo);
            o.append("<line x1=\"").append(ML).append("\" y1=\"").append(f(y)).append("\" x2=\"").append(f(ML + pw))
                    .append("\" y2=\"").append(f(y)).append("\" stroke=\"").append(SHADOW_COLOR)
                    .append("\" stroke-dasharray=\"5 3\"/>\n");
        }
        for (int i = 0; i <= 4; i++) {
            double v = lo + (hi - lo) * i / 4;
            double x = ML + pw * i / 4;
            double y = MT + ph - ph * i / 4;
            o.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(MT + ph + 14))
                    .append("\" text-anchor=\"middle\">").append(num(v)).append("</text>\n");
            o.append("<text x=\"").append(ML - 4).append("\" y=\"").append(f(y + 4)).append("\" text-anchor=\"end\">")
                    .append(num(v)).append("</text>\n");
        }
        o.append("<text x=\"").append(f(ML + pw / 2)).append("\" y=\"").append(size - 6)
                .append("\" text-anchor=\"middle\">primary score</text>\n");
        o.append("<text x=\"12\" y=\"").append(f(MT + ph / 2)).append("\" text-anchor=\"middle\" transform=\"rotate(-90 12 ")
                .append(f(MT + ph / 2)).append(")\">shadow score</text>\n");
        o.append("</svg>\n<p class=\"small\">Red points change decision at the configured thresholds (dashed lines)."
                + "</p>\n");
    }

    private static void latencyChart(StringBuilder o, LatencySummary p, LatencySummary s) {
        long max = Math.max(1, Math.max(p.p999(), s.p999()));
        long min = Long.MAX_VALUE;
        for (long v : new long[] {p.p50(), s.p50()}) {
            if (v > 0) {
                min = Math.min(min, v);
            }
        }
        if (min == Long.MAX_VALUE) {
            min = 1;
        }
        double logLo = Math.floor(Math.log10(min));
        double logHi = Math.ceil(Math.log10(max));
        if (logHi <= logLo) {
            logHi = logLo + 1;
        }
        String[] names = {"p50", "p90", "p99", "p99.9"};
        long[][] values = {{p.p50(), p.p90(), p.p99(), p.p999()}, {s.p50(), s.p90(), s.p99(), s.p999()}};
        int height = 40 + names.length * 34;
        int left = 60;
        double pw = W - left - 80;
        svgOpen(o, W, height, "Latency percentiles, log scale");
        for (int k = 0; k < names.length; k++) {
            double y0 = 10 + k * 34;
            o.append("<text x=\"").append(left - 6).append("\" y=\"").append(f(y0 + 18)).append("\" text-anchor=\"end\">")
                    .append(names[k]).append("</text>\n");
            for (int series = 0; series < 2; series++) {
                long v = values[series][k];
                double wBar = v <= 0 ? 0 : pw * (Math.log10(v) - logLo) / (logHi - logLo);
                double y = y0 + series * 13;
                o.append("<rect x=\"").append(left).append("\" y=\"").append(f(y)).append("\" width=\"")
                        .append(f(Math.max(0, wBar))).append("\" height=\"11\" fill=\"")
                        .append(series == 0 ? PRIMARY_COLOR : SHADOW_COLOR).append("\"/>\n");
                o.append("<text x=\"").append(f(left + Math.max(0, wBar) + 4)).append("\" y=\"").append(f(y + 10))
                        .append("\">").append(nanos(v)).append("</text>\n");
            }
        }
        double axisY = 10 + names.length * 34 + 4;
        for (double e = logLo; e <= logHi + 1e-9; e++) {
            double x = left + pw * (e - logLo) / (logHi - logLo);
            o.append("<line x1=\"").append(f(x)).append("\" y1=\"6\" x2=\"").append(f(x)).append("\" y2=\"")
                    .append(f(axisY)).append("\" stroke=\"#ddd\"/>\n");
            o.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(axisY + 14)).append("\" text-anchor=\"middle\">")
                    .append(nanos((long) Math.pow(10, e))).append("</text>\n");
        }
        legend(o, W - 150, 2);
        o.append("</svg>\n");
    }

    private static void dropChart(StringBuilder o, List<DropInterval> intervals) {
        double max = 0.01;
        for (DropInterval d : intervals) {
            max = Math.max(max, d.dropRate());
        }
        int h = 160;
        double pw = W - ML - MR;
        double ph = h - MT - 30;
        svgOpen(o, W, h, "Share of sampled requests dropped per counters interval");
        int n = intervals.size();
        for (int i = 0; i < n; i++) {
            double rate = intervals.get(i).dropRate();
            double bw = pw / n;
            double bh = ph * rate / max;
            o.append("<rect x=\"").append(f(ML + i * bw)).append("\" y=\"").append(f(MT + ph - bh)).append("\" width=\"")
                    .append(f(Math.max(1, bw - 1))).append("\" height=\"").append(f(bh)).append("\" fill=\"")
                    .append(rate > 0.01 ? "#c0392b" : "#7f8c8d").append("\"/>\n");
        }
        double y1 = MT + ph - ph * 0.01 / max;
        o.append("<line x1=\"").append(ML).append("\" y1=\"").append(f(y1)).append("\" x2=\"").append(f(ML + pw))
                .append("\" y2=\"").append(f(y1)).append("\" stroke=\"#c0392b\" stroke-dasharray=\"4 3\"/>\n");
        o.append("<text x=\"").append(ML - 4).append("\" y=\"").append(f(y1 + 4)).append("\" text-anchor=\"end\">1%</text>\n");
        if (max > 0.011) {
            o.append("<text x=\"").append(ML - 4).append("\" y=\"").append(MT + 8)
                    .append("\" text-anchor=\"end\">").append(pct(max)).append("</text>\n");
        }
        o.append("<text x=\"").append(ML).append("\" y=\"").append(h - 6).append("\">")
                .append(Fmt.time(intervals.get(0).endEpochNanos())).append("</text>\n");
        o.append("<text x=\"").append(f(ML + pw)).append("\" y=\"").append(h - 6).append("\" text-anchor=\"end\">")
                .append(Fmt.time(intervals.get(n - 1).endEpochNanos())).append("</text>\n");
        o.append("</svg>\n");
    }

    private static void axes(StringBuilder o, double xlo, double xhi, double ylo, double yhi, boolean yPercent) {
        double pw = W - ML - MR;
        double ph = H - MT - MB;
        o.append("<line x1=\"").append(ML).append("\" y1=\"").append(f(MT + ph)).append("\" x2=\"").append(f(ML + pw))
                .append("\" y2=\"").append(f(MT + ph)).append("\" stroke=\"#555\"/>\n");
        o.append("<line x1=\"").append(ML).append("\" y1=\"").append(MT).append("\" x2=\"").append(ML)
                .append("\" y2=\"").append(f(MT + ph)).append("\" stroke=\"#555\"/>\n");
        for (int i = 0; i <= 5; i++) {
            double x = ML + pw * i / 5;
            o.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(MT + ph + 14))
                    .append("\" text-anchor=\"middle\">").append(num(xlo + (xhi - xlo) * i / 5)).append("</text>\n");
            double y = MT + ph - ph * i / 4.0;
            if (i <= 4) {
                double v = ylo + (yhi - ylo) * i / 4;
                o.append("<text x=\"").append(ML - 4).append("\" y=\"").append(f(y + 4))
                        .append("\" text-anchor=\"end\">").append(yPercent ? pct(v) : num(v)).append("</text>\n");
                o.append("<line x1=\"").append(ML).append("\" y1=\"").append(f(y)).append("\" x2=\"").append(f(ML + pw))
                        .append("\" y2=\"").append(f(y)).append("\" stroke=\"#eee\"/>\n");
            }
        }
        o.append("<text x=\"").append(f(ML + pw / 2)).append("\" y=\"").append(H - 6)
                .append("\" text-anchor=\"middle\">score</text>\n");
    }

    private static void threshold(StringBuilder o, double t, double lo, double hi, String color, String title) {
        if (!(t >= lo && t <= hi)) {
            return;
        }
        double pw = W - ML - MR;
        double x = ML + pw * (t - lo) / (hi - lo);
        o.append("<line x1=\"").append(f(x)).append("\" y1=\"").append(MT).append("\" x2=\"").append(f(x))
                .append("\" y2=\"").append(f(H - MB)).append("\" stroke=\"").append(color)
                .append("\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"><title>").append(esc(title)).append(' ')
                .append(score(t)).append("</title></line>\n");
    }

    private static void legend(StringBuilder o, int x, int y) {
        o.append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"12\" height=\"10\" fill=\"")
                .append(PRIMARY_COLOR).append("\"/><text x=\"").append(x + 16).append("\" y=\"").append(y + 9)
                .append("\">primary</text>\n");
        o.append("<rect x=\"").append(x + 75).append("\" y=\"").append(y).append("\" width=\"12\" height=\"10\" fill=\"")
                .append(SHADOW_COLOR).append("\"/><text x=\"").append(x + 91).append("\" y=\"").append(y + 9)
                .append("\">shadow</text>\n");
    }

    private static void svgOpen(StringBuilder o, int w, int h, String title) {
        o.append("<svg width=\"").append(w).append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(w)
                .append(' ').append(h).append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\">\n<title>")
                .append(esc(title)).append("</title>\n");
    }

    private static double clamp(double v) {
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long v : a) {
            s += v;
        }
        return s;
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<':
                    b.append("&lt;");
                    break;
                case '>':
                    b.append("&gt;");
                    break;
                case '&':
                    b.append("&amp;");
                    break;
                case '"':
                    b.append("&quot;");
                    break;
                case '\'':
                    b.append("&#39;");
                    break;
                default:
                    b.append(ch);
            }
        }
        return b.toString();
    }

    private static final String CSS = String.join("\n",
            "body{font:14px/1.45 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#222;max-width:1180px;",
            "margin:24px auto;padding:0 16px}",
            "h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid #ddd}",
            "h3{font-size:15px;margin:18px 0 6px}.meta{color:#666;margin:0 0 12px}",
            ".verdict{padding:10px 14px;border-radius:6px;margin:10px 0}",
            ".v-pass{background:#e8f6ec;border-left:5px solid #27ae60}",
            ".v-warn{background:#fff6e0;border-left:5px solid #e6a100}",
            ".v-fail{background:#fdecea;border-left:5px solid #c0392b}",
            ".badge{font-size:12px;padding:2px 8px;border-radius:10px;vertical-align:middle}",
            "table{border-collapse:collapse;margin:6px 0 10px}th,td{border:1px solid #ddd;padding:3px 8px;",
            "text-align:left}th{background:#f5f5f5;font-weight:600}td.n{text-align:right;",
            "font-variant-numeric:tabular-nums}table.kv th{width:280px}",
            "table.confusion td.flip{background:#fff3f0}",
            ".cards{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}",
            ".card{border:1px solid #ddd;border-radius:6px;padding:6px 10px;min-width:120px}",
            ".card .t{font-size:12px;color:#666}.card .v{font-size:20px;font-weight:600}",
            ".card .s{font-size:11px;color:#888}",
            ".plots{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}figure{margin:0}",
            "figcaption{font-weight:600;margin-bottom:4px}svg{font-size:11px;fill:#333}",
            ".warn{background:#fff6e0;padding:6px 10px;border-radius:4px}",
            ".note{color:#555;font-style:italic}.small{font-size:12px;color:#666}",
            "code{font-size:12px}footer{margin-top:32px;color:#777;font-size:12px}",
            "");
}
