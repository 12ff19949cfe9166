package dev.hotpath.shadow.report;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import dev.hotpath.shadow.log.ModelDescriptor;
import dev.hotpath.shadow.log.ReadProblem;
import dev.hotpath.shadow.log.SequenceProblem;

/** Renders a {@link ShadowReport} as JSON (layout version {@link ShadowReport#REPORT_VERSION}). */
final class JsonReportWriter {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private JsonReportWriter() {
    }

    static void write(ShadowReport r, OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("reportVersion", ShadowReport.REPORT_VERSION);
            g.writeStringField("generatedAt", r.generatedAt().toString());
            g.writeStringField("verdict", r.verdict().name());
            g.writeStringField("recommendation", r.recommendation());
            writeRun(g, r.run());
            g.writeArrayFieldStart("gates");
            for (Gate gate : r.gates().gates()) {
                g.writeString(gate.toString());
            }
            g.writeEndArray();
            g.writeArrayFieldStart("shadows");
            for (ShadowComparison c : r.comparisons()) {
                writeComparison(g, c, r.isGated(c));
            }
            g.writeEndArray();
            SliceSections.writeJson(r, g);
            g.writeEndObject();
        }
    }

    private static void writeRun(JsonGenerator g, RunSummary run) throws IOException {
        g.writeObjectFieldStart("run");
        g.writeArrayFieldStart("logs");
        for (String s : run.inputs()) {
            g.writeString(s);
        }
        g.writeEndArray();
        if (run.labelsFile() == null) {
            g.writeNullField("labels");
        } else {
            g.writeStringField("labels", run.labelsFile());
        }
        g.writeNumberField("files", run.read().files());
        g.writeNumberField("blocks", run.read().blocks());
        g.writeNumberField("records", run.read().records());
        g.writeNumberField("bytesSkipped", run.read().bytesSkipped());
        g.writeArrayFieldStart("readProblems");
        for (ReadProblem p : run.read().problems()) {
            g.writeStartObject();
            g.writeStringField("file", p.file().toString());
            g.writeNumberField("offset", p.offset());
            g.writeNumberField("bytesSkipped", p.bytesSkipped());
            g.writeStringField("reason", p.reason());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("recordsRepeated", run.read().recordsRepeated());
        g.writeNumberField("recordsMissing", run.read().recordsMissing());
        g.writeArrayFieldStart("sequenceProblems");
        for (SequenceProblem p : run.read().sequenceProblems()) {
            g.writeStartObject();
            g.writeStringField("kind", p.kind().name());
            g.writeStringField("writer", String.format(Locale.ROOT, "%016x", p.instanceId()));
            g.writeNumberField("firstSeq", p.firstSeq());
            g.writeNumberField("lastSeq", p.lastSeq());
            g.writeNumberField("records", p.records());
            g.writeStringField("segment", p.segment().toString());
            if (p.otherSegment() == null) {
                g.writeNullField("otherSegment");
            } else {
                g.writeStringField("otherSegment", p.otherSegment().toString());
            }
            g.writeStringField("message", p.describe());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("firstEpochNanos", run.firstEpochNanos());
        g.writeNumberField("lastEpochNanos", run.lastEpochNanos());
        g.writeNumberField("instances", run.instances());
        count(g, "offered", run.offered());
        count(g, "accepted", run.accepted());
        count(g, "droppedRingFull", run.droppedRingFull());
        count(g, "droppedIo", run.droppedIo());
        g.writeNumberField("featuresRecords", run.featuresRecords());
        num(g, "maxIntervalDropRate", run.maxIntervalDropRate());
        g.writeArrayFieldStart("sampleRates");
        for (int rate : run.sampleRatesE4()) {
            g.writeNumber(rate / 10_000.0);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("models");
        for (ModelDescriptor m : run.models()) {
            model(g, m);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("dropsOverTime");
        for (DropInterval d : run.dropIntervals()) {
            g.writeStartObject();
            g.writeNumberField("endEpochNanos", d.endEpochNanos());
            g.writeNumberField("sampled", d.sampled());
            g.writeNumberField("dropped", d.dropped());
            g.writeEndObject();
        }
        g.writeEndArray();
        strings(g, "warnings", run.warnings());
        g.writeEndObject();
    }

    private static void model(JsonGenerator g, ModelDescriptor m) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", m.modelId());
        g.writeStringField("role", m.isPrimary() ? "primary" : "shadow");
        g.writeStringField("name", m.name());
        g.writeStringField("version", m.version());
        g.writeStringField("checksum", m.checksum());
        g.writeStringField("description", m.description());
        num(g, "threshold", m.threshold());
        g.writeEndObject();
    }

    private static void writeComparison(JsonGenerator g, ShadowComparison c, boolean gated) throws IOException {
        g.writeStartObject();
        g.writeBooleanField("gated", gated);
        g.writeFieldName("model");
        model(g, c.shadow());
        g.writeArrayFieldStart("primaries");
        for (ModelDescriptor m : c.primaries()) {
            model(g, m);
        }
        g.writeEndArray();
        g.writeStringField("verdict", c.verdict().name());
        g.writeNumberField("records", c.records());
        g.writeNumberField("validPairs", c.validPairs());
        g.writeNumberField("errors", c.errors());
        g.writeNumberField("breakerSkipped", c.breakerSkipped());
        g.writeNumberField("overBudget", c.overBudget());
        g.writeNumberField("replayed", c.replayed());
        g.writeNumberField("duplicateRequestIds", c.duplicateRequestIds());
        g.writeBooleanField("truncated", c.truncated());
        num(g, "errorRate", c.errorRate());

        CoverageSummary cov = c.coverage();
        g.writeObjectFieldStart("coverage");
        count(g, "offered", cov.offered());
        count(g, "accepted", cov.accepted());
        count(g, "sampledOut", cov.sampledOut());
        count(g, "droppedRingFull", cov.droppedRingFull());
        count(g, "droppedBacklog", cov.droppedBacklog());
        count(g, "droppedWriterFull", cov.droppedWriterFull());
        count(g, "droppedIo", cov.droppedIo());
        count(g, "abandonedAtClose", cov.abandonedAtClose());
        count(g, "dispatched", cov.dispatched());
        count(g, "skippedSelf", cov.skippedSelf());
        g.writeNumberField("recorded", cov.recorded());
        num(g, "coverage", cov.coverage());
        num(g, "sampledShare", cov.sampledShare());
        g.writeEndObject();

        g.writeObjectFieldStart("thresholds");
        num(g, "primary", c.primaryThreshold());
        num(g, "shadow", c.shadowThreshold());
        num(g, "shadowBlockRateMatched", c.matchedThreshold());
        g.writeEndObject();

        g.writeObjectFieldStart("distribution");
        dist(g, "primary", c.primaryScores());
        dist(g, "shadow", c.shadowScores());
        g.writeObjectFieldStart("histogram");
        g.writeNumberField("lo", c.histogram().lo());
        g.writeNumberField("hi", c.histogram().hi());
        longs(g, "primary", c.histogram().primary());
        longs(g, "shadow", c.histogram().shadow());
        g.writeEndObject();
        g.writeEndObject();

        g.writeObjectFieldStart("drift");
        num(g, "psi", c.psi());
        g.writeStringField("psiBinning", c.psiBins() + " bins with inner edges at the primary's quantiles; "
                + "empty-bin share 1e-4");
        num(g, "ks", c.ks());
        num(g, "ksCritical05", c.ksCritical05());
        num(g, "jsDistance", c.jsDistance());
        g.writeEndObject();

        g.writeObjectFieldStart("ranking");
        num(g, "spearman", c.spearman());
        num(g, "kendallTauB", c.kendallTauB());
        g.writeArrayFieldStart("topKOverlap");
        for (TopKOverlap t : c.topK()) {
            g.writeStartObject();
            g.writeNumberField("fraction", t.fraction());
            g.writeNumberField("k", t.k());
            num(g, "overlap", t.overlap());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();

        g.writeObjectFieldStart("decisions");
        table(g, "configured", c.configured());
        table(g, "blockRateMatched", c.matched());
        g.writeEndObject();

        g.writeObjectFieldStart("latencyNanos");
        latency(g, "primary", c.primaryLatency());
        latency(g, "shadow", c.shadowLatency());
        g.writeEndObject();

        if (c.labels() == null) {
            g.writeNullField("labels");
        } else {
            LabelSummary l = c.labels();
            g.writeObjectFieldStart("labels");
            g.writeNumberField("requests", l.requests());
            g.writeNumberField("labelled", l.labelled());
            num(g, "coverage", l.coverage());
            g.writeNumberField("primaryBlocked", l.primaryBlocked());
            g.writeNumberField("labelledPrimaryBlocked", l.labelledPrimaryBlocked());
            g.writeNumberField("primaryAllowed", l.primaryAllowed());
            g.writeNumberField("labelledPrimaryAllowed", l.labelledPrimaryAllowed());
            labelMetrics(g, "primary", l.primary());
            labelMetrics(g, "shadow", l.shadow());
            labelMetrics(g, "shadowBlockRateMatched", l.shadowMatched());
            strings(g, "warnings", l.warnings());
            g.writeEndObject();
        }

        disagreements(g, "topDisagreements", c.topDisagreements());
        disagreements(g, "topNewBlocks", c.topNewBlocks());
        disagreements(g, "topReleases", c.topReleases());

        g.writeArrayFieldStart("gates");
        for (GateResult gr : c.gates()) {
            g.writeStartObject();
            g.writeStringField("gate", gr.gate().toString());
            g.writeStringField("metric", gr.gate().metric().key());
            g.writeStringField("operator", gr.gate().operator());
            g.writeNumberField("limit", gr.gate().limit());
            g.writeStringField("level", gr.gate().level().name());
            num(g, "value", gr.value());
            g.writeStringField("verdict", gr.verdict().name());
            g.writeEndObject();
        }
        g.writeEndArray();
        strings(g, "notes", c.notes());
        g.writeEndObject();
    }

    private static void table(JsonGenerator g, String name, DecisionTable t) throws IOException {
        g.writeObjectFieldStart(name);
        num(g, "primaryThreshold", t.primaryThreshold());
        num(g, "shadowThreshold", t.shadowThreshold());
        g.writeNumberField("bothAllow", t.bothAllow());
        g.writeNumberField("newBlocks", t.newBlocks());
        g.writeNumberField("releases", t.releases());
        g.writeNumberField("bothBlock", t.bothBlock());
        num(g, "agreement", t.agreement());
        num(g, "flipRate", t.flipRate());
        num(g, "newBlockRate", t.newBlockRate());
        num(g, "releaseRate", t.releaseRate());
        num(g, "primaryBlockRate", t.primaryBlockRate());
        num(g, "shadowBlockRate", t.shadowBlockRate());
        num(g, "deltaBlockRate", t.deltaBlockRate());
        num(g, "kappa", t.kappa());
        g.writeEndObject();
    }

    private static void dist(JsonGenerator g, String name, DistributionSummary d) throws IOException {
        g.writeObjectFieldStart(name);
        g.writeNumberField("n", d.n());
        num(g, "mean", d.mean());
        num(g, "min", d.min());
        num(g, "p50", d.p50());
        num(g, "p90", d.p90());
        num(g, "p99", d.p99());
        num(g, "p999", d.p999());
        num(g, "max", d.max());
        g.writeEndObject();
    }

    private static void latency(JsonGenerator g, String name, LatencySummary l) throws IOException {
        g.writeObjectFieldStart(name);
        g.writeNumberField("count", l.count());
        g.writeNumberField("p50", l.p50());
        g.writeNumberField("p90", l.p90());
        g.writeNumberField("p99", l.p99());
        g.writeNumberField("p999", l.p999());
        g.writeNumberField("max", l.max());
        g.writeEndObject();
    }

    private static void labelMetrics(JsonGenerator g, String name, LabelMetrics m) throws IOException {
        g.writeObjectFieldStart(name);
        num(g, "threshold", m.threshold());
        g.writeNumberField("labelled", m.labelled());
        g.writeNumberField("positives", m.positives());
        g.writeNumberField("truePositives", m.truePositives());
        g.writeNumberField("falsePositives", m.falsePositives());
        g.writeNumberField("falseNegatives", m.falseNegatives());
        num(g, "precision", m.precision());
        num(g, "recall", m.recall());
        num(g, "f1", m.f1());
        num(g, "prAuc", m.prAuc());
        num(g, "rocAuc", m.rocAuc());
        num(g, "brier", m.brier());
        g.writeEndObject();
    }

    private static void disagreements(JsonGenerator g, String name, java.util.List<Disagreement> list)
            throws IOException {
        g.writeArrayFieldStart(name);
        for (Disagreement d : list) {
            g.writeStartObject();
            g.writeNumberField("requestId", d.requestId());
            g.writeNumberField("epochNanos", d.epochNanos());
            num(g, "primaryScore", d.primaryScore());
            num(g, "shadowScore", d.shadowScore());
            num(g, "delta", d.delta());
            g.writeBooleanField("primaryBlocks", d.primaryBlocks());
            g.writeBooleanField("shadowBlocks", d.shadowBlocks());
            g.writeStringField("kind", d.kind());
            g.writeBooleanField("featuresCaptured", d.featuresCaptured());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void strings(JsonGenerator g, String name, java.util.List<String> list) throws IOException {
        g.writeArrayFieldStart(name);
        for (String s : list) {
            g.writeString(s);
        }
        g.writeEndArray();
    }

    private static void longs(JsonGenerator g, String name, long[] values) throws IOException {
        g.writeArrayFieldStart(name);
        for (long v : values) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }

    private static void count(JsonGenerator g, String name, long v) throws IOException {
        if (v < 0) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, v);
        }
    }

    private static void num(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(name, v);
        } else {
            g.writeNullField(name);
        }
    }
}
