package dev.hotpath.shadow.report;

import static dev.hotpath.shadow.report.Fmt.count;
import static dev.hotpath.shadow.report.Fmt.left;
import static dev.hotpath.shadow.report.Fmt.num;
import static dev.hotpath.shadow.report.Fmt.pct;
import static dev.hotpath.shadow.report.Fmt.right;
import static dev.hotpath.shadow.report.Fmt.score;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Renders the weighted and segmented sections ({@link SliceSummary}) of a report in text, JSON and HTML; the report
 * writers append them after the comparisons. Stateless, thread-safe.
 */
final class SliceSections {
    private SliceSections() {
    }

    // ------------------------------------------------------------------ text

    static void writeText(ShadowReport r, Appendable out) throws IOException {
        for (ShadowComparison c : r.comparisons()) {
            SliceSummary s = r.slices(c);
            if (s == null) {
                continue;
            }
            String who = c.shadow().label() + " [" + c.shadow().modelId() + "]";
            if (s.weightName() != null) {
                out.append("WEIGHTED BY ").append(s.weightName()).append(" - shadow ").append(who).append('\n');
                out.append("  ").append(left("model", 30)).append(right("threshold", 10)).append(right("blocks", 9))
                        .append(right("fraud caught", 14)).append(right("recall", 9))
                        .append(right("good blocked", 14)).append(right("precision", 10)).append('\n');
                for (WeightedMetrics w : s.weighted()) {
                    textWeighted(out, w);
                }
                out.append("  (blocks = share of the ").append(s.weightName()).append(" blocked; fraud caught and"
                        + " good blocked are sums of ").append(s.weightName()).append(" over labelled requests)\n");
            }
            for (SegmentBreakdown b : s.segments()) {
                out.append("SEGMENTS BY ").append(b.column()).append(" - shadow ").append(who).append(": ")
                        .append(Integer.toString(b.segments())).append(" segment(s), largest shift (flip rate)"
                                + " first");
                if (b.foldedSmall() + b.foldedBeyondMax() > 0) {
                    out.append("; (other) folds ").append(Integer.toString(b.foldedSmall()))
                            .append(" under ").append(Integer.toString(b.minSize())).append(" requests and ")
                            .append(Integer.toString(b.foldedBeyondMax())).append(" beyond the top ")
                            .append(Integer.toString(b.maxSegments()));
                }
                out.append('\n');
                out.append("  ").append(left("segment", 18)).append(right("pairs", 9)).append(right("flips", 8))
                        .append(right("block p", 9)).append(right("block s", 9)).append(right("PSI", 8))
                        .append(right("Spearman", 9)).append(right("recall p>s", 16));
                if (s.weightName() != null) {
                    out.append(right("w.recall p>s", 16));
                }
                out.append('\n');
                for (SegmentMetrics m : b.rows()) {
                    ShadowComparison sc = m.comparison();
                    LabelSummary l = sc.labels();
                    String value = m.isOther() ? "(other: " + m.foldedSegments() + ")" : m.value();
                    out.append("  ").append(left(value.length() > 17 ? value.substring(0, 16) + "~" : value, 18))
                            .append(right(count(sc.validPairs()), 9)).append(right(pct(m.shift()), 8))
                            .append(right(pct(sc.configured().primaryBlockRate()), 9))
                            .append(right(pct(sc.configured().shadowBlockRate()), 9))
                            .append(right(num(sc.psi()), 8)).append(right(num(sc.spearman()), 9))
                            .append(right(l == null ? "-" : pct(l.primary().recall()) + ">"
                                    + pct(l.shadow().recall()), 16));
                    if (s.weightName() != null) {
                        out.append(right(pct(m.weighted().get(0).recall()) + ">" + pct(m.weighted().get(1).recall()),
                                16));
                    }
                    out.append('\n');
                }
            }
            for (String n : s.notes()) {
                out.append("  NOTE: ").append(n).append('\n');
            }
            out.append('\n');
        }
    }

    private static void textWeighted(Appendable out, WeightedMetrics w) throws IOException {
        out.append("  ").append(left(w.model(), 30)).append(right(score(w.threshold()), 10))
                .append(right(pct(w.blockRate()), 9)).append(right(num(w.fraudCaught()), 14))
                .append(right(pct(w.recall()), 9)).append(right(num(w.goodBlocked()), 14))
                .append(right(pct(w.precision()), 10)).append('\n');
    }

    // ------------------------------------------------------------------ JSON

    static void writeJson(ShadowReport r, JsonGenerator g) throws IOException {
        g.writeArrayFieldStart("slices");
        for (ShadowComparison c : r.comparisons()) {
            SliceSummary s = r.slices(c);
            if (s == null) {
                continue;
            }
            g.writeStartObject();
            g.writeNumberField("shadowModelId", s.shadowId());
            if (s.weightName() == null) {
                g.writeNullField("weight");
            } else {
                g.writeStringField("weight", s.weightName());
            }
            g.writeArrayFieldStart("weighted");
            for (WeightedMetrics w : s.weighted()) {
                jsonWeighted(g, w);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("segments");
            for (SegmentBreakdown b : s.segments()) {
                g.writeStartObject();
                g.writeStringField("column", b.column());
                g.writeNumberField("segments", b.segments());
                g.writeNumberField("minSize", b.minSize());
                g.writeNumberField("maxSegments", b.maxSegments());
                g.writeNumberField("foldedSmall", b.foldedSmall());
                g.writeNumberField("foldedBeyondMax", b.foldedBeyondMax());
                g.writeArrayFieldStart("rows");
                for (SegmentMetrics m : b.rows()) {
                    jsonSegment(g, m);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("notes");
            for (String n : s.notes()) {
                g.writeString(n);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void jsonWeighted(JsonGenerator g, WeightedMetrics w) throws IOException {
        g.writeStartObject();
        g.writeStringField("model", w.model());
        jnum(g, "threshold", w.threshold());
        g.writeNumberField("requests", w.requests());
        jnum(g, "totalWeight", w.totalWeight());
        jnum(g, "blockedWeight", w.blockedWeight());
        jnum(g, "blockRate", w.blockRate());
        jnum(g, "fraudWeight", w.fraudWeight());
        jnum(g, "fraudCaught", w.fraudCaught());
        jnum(g, "recall", w.recall());
        jnum(g, "goodWeight", w.goodWeight());
        jnum(g, "goodBlocked", w.goodBlocked());
        jnum(g, "goodBlockRate", w.goodBlockRate());
        jnum(g, "precision", w.precision());
        g.writeEndObject();
    }

    private static void jsonSegment(JsonGenerator g, SegmentMetrics m) throws IOException {
        ShadowComparison c = m.comparison();
        g.writeStartObject();
        g.writeStringField("value", m.value());
        g.writeNumberField("foldedSegments", m.foldedSegments());
        jnum(g, "shift", m.shift());
        g.writeNumberField("records", c.records());
        g.writeNumberField("validPairs", c.validPairs());
        g.writeNumberField("errors", c.errors());
        jnum(g, "errorRate", c.errorRate());
        jnum(g, "psi", c.psi());
        jnum(g, "ks", c.ks());
        jnum(g, "jsDistance", c.jsDistance());
        jnum(g, "spearman", c.spearman());
        jnum(g, "kendallTauB", c.kendallTauB());
        jnum(g, "primaryMean", c.primaryScores().mean());
        jnum(g, "shadowMean", c.shadowScores().mean());
        DecisionTable t = c.configured();
        g.writeObjectFieldStart("configured");
        g.writeNumberField("bothAllow", t.bothAllow());
        g.writeNumberField("newBlocks", t.newBlocks());
        g.writeNumberField("releases", t.releases());
        g.writeNumberField("bothBlock", t.bothBlock());
        jnum(g, "primaryBlockRate", t.primaryBlockRate());
        jnum(g, "shadowBlockRate", t.shadowBlockRate());
        jnum(g, "flipRate", t.flipRate());
        jnum(g, "deltaBlockRate", t.deltaBlockRate());
        jnum(g, "kappa", t.kappa());
        g.writeEndObject();
        LabelSummary l = c.labels();
        if (l == null) {
            g.writeNullField("labels");
        } else {
            g.writeObjectFieldStart("labels");
            g.writeNumberField("labelled", l.labelled());
            for (LabelMetrics lm : List.of(l.primary(), l.shadow())) {
                g.writeObjectFieldStart(lm.model());
                g.writeNumberField("positives", lm.positives());
                g.writeNumberField("truePositives", lm.truePositives());
                g.writeNumberField("falsePositives", lm.falsePositives());
                jnum(g, "precision", lm.precision());
                jnum(g, "recall", lm.recall());
                jnum(g, "prAuc", lm.prAuc());
                jnum(g, "rocAuc", lm.rocAuc());
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        g.writeArrayFieldStart("weighted");
        for (WeightedMetrics w : m.weighted()) {
            jsonWeighted(g, w);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void jnum(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(name, v);
        } else {
            g.writeNullField(name);
        }
    }

    // ------------------------------------------------------------------ HTML

    static void writeHtml(ShadowReport r, StringBuilder o) {
        for (ShadowComparison c : r.comparisons()) {
            SliceSummary s = r.slices(c);
            if (s == null) {
                continue;
            }
            String who = HtmlReportWriter.esc(c.shadow().label());
            if (s.weightName() != null) {
                o.append("<h2>Weighted by ").append(HtmlReportWriter.esc(s.weightName())).append(": ").append(who)
                        .append("</h2>\n<table>\n<tr><th>model</th><th>threshold</th><th>blocks (share of ")
                        .append(HtmlReportWriter.esc(s.weightName())).append(")</th><th>fraud caught</th>"
                                + "<th>recall</th><th>good blocked</th><th>good block rate</th><th>precision</th>"
                                + "</tr>\n");
                for (WeightedMetrics w : s.weighted()) {
                    o.append("<tr><td>").append(HtmlReportWriter.esc(w.model())).append("</td>");
                    cells(o, score(w.threshold()), pct(w.blockRate()), num(w.fraudCaught()), pct(w.recall()),
                            num(w.goodBlocked()), pct(w.goodBlockRate()), pct(w.precision()));
                    o.append("</tr>\n");
                }
                o.append("</table>\n");
            }
            for (SegmentBreakdown b : s.segments()) {
                o.append("<h2>Segments by ").append(HtmlReportWriter.esc(b.column())).append(": ").append(who)
                        .append("</h2>\n<p class=\"meta\">").append(b.segments()).append(" segment(s), largest shift"
                                + " (flip rate at the configured thresholds) first. (other) folds ")
                        .append(b.foldedSmall()).append(" segment(s) under ").append(b.minSize())
                        .append(" comparable requests and ").append(b.foldedBeyondMax()).append(" beyond the top ")
                        .append(b.maxSegments()).append(".</p>\n<table>\n<tr><th>segment</th><th>pairs</th>"
                                + "<th>flips</th><th>block primary</th><th>block shadow</th><th>PSI</th><th>KS</th>"
                                + "<th>Spearman</th><th>recall primary</th><th>recall shadow</th>");
                if (s.weightName() != null) {
                    o.append("<th>weighted recall primary</th><th>weighted recall shadow</th>");
                }
                o.append("</tr>\n");
                for (SegmentMetrics m : b.rows()) {
                    ShadowComparison sc = m.comparison();
                    LabelSummary l = sc.labels();
                    o.append("<tr><td>").append(HtmlReportWriter.esc(m.isOther()
                            ? "(other: " + m.foldedSegments() + " segments)" : m.value())).append("</td>");
                    cells(o, count(sc.validPairs()), pct(m.shift()), pct(sc.configured().primaryBlockRate()),
                            pct(sc.configured().shadowBlockRate()), num(sc.psi()), num(sc.ks()),
                            num(sc.spearman()), l == null ? "-" : pct(l.primary().recall()),
                            l == null ? "-" : pct(l.shadow().recall()));
                    if (s.weightName() != null) {
                        cells(o, pct(m.weighted().get(0).recall()), pct(m.weighted().get(1).recall()));
                    }
                    o.append("</tr>\n");
                }
                o.append("</table>\n");
            }
            for (String n : s.notes()) {
                o.append("<p class=\"warn\">").append(HtmlReportWriter.esc(n)).append("</p>\n");
            }
        }
    }

    private static void cells(StringBuilder o, String... values) {
        for (String v : values) {
            o.append("<td class=\"n\">").append(HtmlReportWriter.esc(v)).append("</td>");
        }
    }
}
