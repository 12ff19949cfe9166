package dev.hotpath.shadow.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.HdrHistogram.Histogram;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.shadow.JvmFlags;
import dev.hotpath.shadow.ShadowEvalException;
import dev.hotpath.shadow.log.ModelDescriptor;
import dev.hotpath.shadow.log.ShadowLogFormat;

/**
 * A comparison of every shadow against the primary, computed from one or more shadow log directories (and
 * optionally a labels CSV), with JSON, plain-text and single-file HTML renderings.
 *
 * <pre>{@code
 * ShadowReport report = ShadowReport.builder()
 *         .addLog(Path.of("/var/log/hotpath/shadow"))
 *         .labels(Path.of("chargebacks.csv"))      // optional: request_id,label
 *         .gates(ShadowGates.parse("psi<0.25, spearman>=0.9, matched_flip_rate<0.01"))
 *         .build();
 * report.writeText(System.out);
 * report.writeJson(Path.of("shadow-report.json"));
 * report.writeHtml(Path.of("shadow-report.html"));
 * if (report.verdict() == Verdict.FAIL) { ... }
 * }</pre>
 *
 * <p>What is computed, per shadow, on the requests where both models produced a finite score: score quantiles;
 * PSI and Jensen–Shannon distance on 10 bins at the primary's deciles (see
 * {@link ShadowMetrics#quantileBinEdges}); the KS statistic; Spearman's rho and Kendall's tau-b; top-k overlap at
 * 0.1/0.5/1/5 %; the 2x2 decision table, flip rate (new blocks and releases), block-rate change and Cohen's kappa
 * at the configured thresholds and at the block-rate-matched shadow threshold; latency percentiles; the largest
 * disagreements; and with labels precision, recall, F1, PR-AUC (average precision), ROC-AUC and Brier. Gates turn
 * metrics into PASS/WARN/FAIL; the report only recommends.
 *
 * <p><b>Thread-safety:</b> a built report is immutable and thread-safe. <b>Allocation:</b> cold path; memory is
 * about 50 bytes per comparison record read.
 */
public final class ShadowReport {
    /** Version of the JSON layout; bumped on incompatible changes. */
    public static final int REPORT_VERSION = 1;
    static final double[] TOP_K_FRACTIONS = {0.001, 0.005, 0.01, 0.05};
    static final int HISTOGRAM_BINS = 40;
    static final int SCATTER_POINTS = 2000;
    static final int MAX_DROP_INTERVALS = 240;

    private final Instant generatedAt;
    private final RunSummary run;
    private final List<ShadowComparison> comparisons;
    private final ShadowGates gates;
    private final Set<Integer> gatedShadowIds;
    private final Verdict verdict;
    private final String recommendation;
    private final Map<Integer, SliceSummary> slices;

    private ShadowReport(Instant generatedAt, RunSummary run, List<ShadowComparison> comparisons, ShadowGates gates,
            Set<Integer> gatedShadowIds, Verdict verdict, String recommendation, Map<Integer, SliceSummary> slices) {
        this.generatedAt = generatedAt;
        this.run = run;
        this.comparisons = List.copyOf(comparisons);
        this.gates = gates;
        this.gatedShadowIds = Set.copyOf(gatedShadowIds);
        this.verdict = verdict;
        this.recommendation = recommendation;
        this.slices = Map.copyOf(slices);
    }

    /** @return a builder with the documented defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return when the report was computed */
    public Instant generatedAt() {
        return generatedAt;
    }

    /** @return inputs, time range, run-wide counters */
    public RunSummary run() {
        return run;
    }

    /** @return one comparison per shadow model id found, by id */
    public List<ShadowComparison> comparisons() {
        return comparisons;
    }

    /**
     * @param modelId a shadow model id
     * @return its comparison
     * @throws IllegalArgumentException if the log has no records for it
     */
    public ShadowComparison comparison(int modelId) {
        for (ShadowComparison c : comparisons) {
            if (c.shadow().modelId() == modelId) {
                return c;
            }
        }
        throw new IllegalArgumentException("no comparison records for shadow model " + modelId);
    }

    /**
     * The amount-weighted and per-segment metrics of a comparison, when the report was asked for them
     * ({@link Builder#weight}, {@link Builder#segment}, or score pairs with a weight or segments).
     *
     * @param comparison one of {@link #comparisons()}
     * @return its weighted and segmented metrics, or {@code null} when none were asked for
     */
    public SliceSummary slices(ShadowComparison comparison) {
        return slices.get(comparison.shadow().modelId());
    }

    /** @return the gates applied */
    public ShadowGates gates() {
        return gates;
    }

    /**
     * @return the worst verdict over the gated shadows (all of them unless {@link Builder#gateShadow} chose some;
     *     {@code FAIL} when there is nothing to compare)
     */
    public Verdict verdict() {
        return verdict;
    }

    /**
     * @param comparison one of {@link #comparisons()}
     * @return whether its verdict counts towards {@link #verdict()}
     */
    public boolean isGated(ShadowComparison comparison) {
        return gatedShadowIds.contains(comparison.shadow().modelId());
    }

    /**
     * The process exit code for this report, for CLIs and jobs that gate on it: {@link ExitCodes#GATE_FAILED} when
     * the verdict is {@code FAIL}, else {@link ExitCodes#OK} (a {@code WARN} does not fail).
     *
     * @return the exit code
     */
    public int exitCode() {
        return verdict == Verdict.FAIL ? ExitCodes.GATE_FAILED : ExitCodes.OK;
    }

    /** @return the overall recommendation in one or two sentences */
    public String recommendation() {
        return recommendation;
    }

    // ------------------------------------------------------------------ output

    /**
     * Writes the JSON report (UTF-8) for CI gates and dashboards; the layout is versioned by
     * {@link #REPORT_VERSION}. Non-finite numbers are written as {@code null}.
     *
     * @param out destination; not closed
     */
    public void writeJson(OutputStream out) {
        try {
            JsonReportWriter.write(this, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param file destination, overwritten
     * @throws ShadowEvalException if it cannot be written
     */
    public void writeJson(Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            writeJson(out);
        } catch (IOException | UncheckedIOException e) {
            throw new ShadowEvalException("cannot write JSON report " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return the JSON report as a string */
    public String toJson() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        writeJson(bytes);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * Writes the plain-text report, sized for a terminal or a pull-request comment.
     *
     * @param out destination
     */
    public void writeText(Appendable out) {
        try {
            TextReportWriter.write(this, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the plain-text report */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        writeText(sb);
        return sb.toString();
    }

    /**
     * Writes a single self-contained HTML page (inline CSS and SVG, no scripts, no external references) that opens
     * offline in any browser.
     *
     * @param out destination; not closed
     */
    public void writeHtml(Writer out) {
        try {
            HtmlReportWriter.write(this, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param file destination, overwritten
     * @throws ShadowEvalException if it cannot be written
     */
    public void writeHtml(Path file) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writeHtml(w);
        } catch (IOException | UncheckedIOException e) {
            throw new ShadowEvalException("cannot write HTML report " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return the HTML page */
    public String toHtml() {
        StringWriter w = new StringWriter();
        writeHtml(w);
        return w.toString();
    }

    // ------------------------------------------------------------------ computation

    private static ShadowReport compute(Builder b) {
        JvmFlags.requireAgronaAccess();
        Slices.validateLogNames(b.weight, b.segments);
        List<String> warnings = new ArrayList<>();
        LogPaths.requireLogFiles(b.logs);
        LabelFile labels = b.labels == null ? null : LabelFile.load(b.labels);
        LogDataset data = LogDataset.read(b.logs, b.maxRecordsPerShadow);
        if (data.summary.bytesSkipped() > 0 || !data.summary.problems().isEmpty()) {
            warnings.add("The reader skipped " + data.summary.bytesSkipped() + " byte(s) in "
                    + data.summary.problems().size() + " place(s) (torn or corrupt blocks, e.g. after a crash); "
                    + "everything before them was read.");
        }
        if (data.summary.recordsRepeated() > 0) {
            warnings.add(data.summary.recordsRepeated() + " record(s) were found in two files (a segment copied "
                    + "under a second name, or a log given twice) and were counted once; see LOG INTEGRITY.");
        }
        if (data.summary.recordsMissing() > 0) {
            warnings.add(data.summary.recordsMissing() + " record(s) are missing between segments of a writer (a "
                    + "deleted or lost segment): the comparison lacks that traffic; see LOG INTEGRITY.");
        }
        if (labels != null && labels.conflicts() > 0) {
            warnings.add(labels.conflicts() + " request id(s) in " + labels.path()
                    + " have both labels; they are counted as positive.");
        }

        List<String> inputs = new ArrayList<>();
        for (Path p : b.logs) {
            inputs.add(p.toString());
        }
        boolean sliced = b.weight != null || !b.segments.isEmpty();
        return assemble(b, data, labels, warnings, inputs, true,
                c -> sliced ? Slices.ofLog(c, b.weight, b.segments) : null);
    }

    /** Score pairs from any source: the same computation as for a log, from {@link #assemble} on. */
    private static ShadowReport compute(Builder b, ScorePairs pairs) {
        LogDataset data = pairs.toDataset();
        // The report's model table shows the thresholds the comparison uses, as a log's MODEL_INFO would.
        data.models.put(pairs.current().modelId(), withThreshold(pairs.current(), b.primaryThreshold));
        data.models.put(pairs.candidate().modelId(), withThreshold(pairs.candidate(),
                Float.isNaN(b.shadowThreshold) ? b.primaryThreshold : b.shadowThreshold));
        Slices.Dimensions dims = pairs.dimensions();
        return assemble(b, data, pairs.toLabels(), new ArrayList<>(), pairs.sources(), false,
                c -> dims.isEmpty() ? null : dims);
    }

    private static ModelDescriptor withThreshold(ModelDescriptor d, float threshold) {
        return new ModelDescriptor(d.modelId(), d.role(), d.name(), d.version(), d.checksum(), d.description(),
                threshold, d.numFeatures(), d.outputIndex(), d.latencyBudgetNanos());
    }

    /**
     * The one computation behind every report, whatever the records came from.
     *
     * @param fromLogs whether {@code data} was read from shadow logs (which have counters, latency and sampling)
     */
    private static ShadowReport assemble(Builder b, LogDataset data, LabelFile labels, List<String> warnings,
            List<String> inputs, boolean fromLogs,
            java.util.function.Function<LogDataset.Columns, Slices.Dimensions> dimensions) {
        List<ShadowComparison> comparisons = new ArrayList<>();
        Map<Integer, SliceSummary> slices = new HashMap<>();
        for (Map.Entry<Integer, LogDataset.Columns> e : data.shadows.entrySet()) {
            ShadowComparison c = compare(b, data, e.getKey(), e.getValue(), labels);
            Slices.Dimensions dims = dimensions.apply(e.getValue());
            if (dims != null) {
                int shadowId = e.getKey();
                slices.put(shadowId, Slices.compute(dims, e.getValue(), c, labels,
                        sub -> compare(b, data, shadowId, sub, labels), b.minSegmentSize, b.maxSegments, fromLogs));
            }
            List<GateResult> results = new ArrayList<>();
            Verdict v = Verdict.PASS;
            for (Gate g : b.gates.gates()) {
                GateResult r = GateResult.evaluate(g, c);
                results.add(r);
                v = v.worst(r.verdict());
            }
            comparisons.add(c.withGates(results, v));
        }
        RunSummary run = runSummary(data, labels, warnings, inputs, fromLogs);
        Set<Integer> gated = gatedShadowIds(b.gatedShadows, comparisons);
        Verdict verdict = Verdict.PASS;
        List<ShadowComparison> gatedComparisons = new ArrayList<>();
        for (ShadowComparison c : comparisons) {
            if (gated.contains(c.shadow().modelId())) {
                verdict = verdict.worst(c.verdict());
                gatedComparisons.add(c);
            }
        }
        if (comparisons.isEmpty()) {
            verdict = Verdict.FAIL;
        }
        String recommendation = recommend(gatedComparisons, verdict);
        if (gatedComparisons.size() < comparisons.size()) {
            recommendation += " " + (comparisons.size() - gatedComparisons.size()) + " other shadow(s) are reported"
                    + " but not gated.";
        }
        return new ShadowReport(b.clock.instant(), run, comparisons, b.gates, gated, verdict, recommendation,
                slices);
    }

    /** Resolves the shadows named for gating (name, name@version or id); every shadow when none is named. */
    private static Set<Integer> gatedShadowIds(List<String> names, List<ShadowComparison> comparisons) {
        Set<Integer> ids = new TreeSet<>();
        for (ShadowComparison c : comparisons) {
            ids.add(c.shadow().modelId());
        }
        if (names.isEmpty()) {
            return ids;
        }
        Set<Integer> chosen = new TreeSet<>();
        for (String name : names) {
            boolean found = false;
            for (ShadowComparison c : comparisons) {
                ModelDescriptor d = c.shadow();
                if (name.equals(d.name()) || name.equals(d.label()) || name.equals(Integer.toString(d.modelId()))) {
                    chosen.add(d.modelId());
                    found = true;
                }
            }
            if (!found) {
                List<String> known = new ArrayList<>();
                for (ShadowComparison c : comparisons) {
                    known.add(c.shadow().name() + " [" + c.shadow().modelId() + "]");
                }
                throw new ConfigurationException("no shadow named '" + name + "' in the log; its shadows: "
                        + (known.isEmpty() ? "none" : String.join(", ", known)));
            }
        }
        return chosen;
    }

    private static RunSummary runSummary(LogDataset data, LabelFile labels, List<String> warnings,
            List<String> inputs, boolean fromLogs) {
        List<Long> withGlobal = data.instancesWithScope(ShadowLogFormat.SCOPE_GLOBAL);
        long[] g = data.sumLatest(withGlobal, ShadowLogFormat.SCOPE_GLOBAL);
        TreeSet<Integer> rates = new TreeSet<>();
        for (LogDataset.Columns c : data.shadows.values()) {
            for (int i = 0; i < c.size; i++) {
                rates.add(c.sampleRate[i]);
            }
        }
        if (rates.size() > 1) {
            warnings.add("The sampling rate changed during the run (" + rates.size() + " distinct rates); "
                    + "metrics are unweighted, so periods with a higher rate weigh more.");
        }
        if (fromLogs && withGlobal.isEmpty() && !data.shadows.isEmpty()) {
            warnings.add("The log has no COUNTERS records, so coverage and drops are unknown (was the process "
                    + "killed before its first counters interval?).");
        }
        List<DropInterval> intervals = dropIntervals(data);
        double maxDrop = 0;
        for (DropInterval d : intervals) {
            maxDrop = Math.max(maxDrop, d.dropRate());
        }
        if (maxDrop > 0.01) {
            warnings.add(String.format(Locale.ROOT, "In at least one interval %.1f%% of sampled requests were "
                    + "dropped because the intake ring was full. Drops come in bursts (and bursts can coincide with "
                    + "attacks), so the compared traffic may under-represent those periods.", 100 * maxDrop));
        }
        return new RunSummary(inputs, labels == null ? null : labels.path().toString(), data.summary,
                data.firstEpoch == Long.MAX_VALUE ? 0 : data.firstEpoch,
                data.lastEpoch == Long.MIN_VALUE ? 0 : data.lastEpoch, data.instances.size(),
                new ArrayList<>(data.models.values()), withGlobal.isEmpty() ? -1 : g[ShadowLogFormat.G_OFFERED],
                withGlobal.isEmpty() ? -1 : g[ShadowLogFormat.G_ACCEPTED],
                withGlobal.isEmpty() ? -1 : g[ShadowLogFormat.G_DROPPED_RING_FULL],
                withGlobal.isEmpty() ? -1 : g[ShadowLogFormat.G_DROPPED_IO], data.featuresRecords,
                new ArrayList<>(rates), intervals, warnings);
    }

    private static List<DropInterval> dropIntervals(LogDataset data) {
        TreeMap<Long, long[]> byEnd = new TreeMap<>();
        for (Map.Entry<Long, Map<Integer, List<LogDataset.CounterPoint>>> e : data.counters.entrySet()) {
            List<LogDataset.CounterPoint> pts = e.getValue().get(ShadowLogFormat.SCOPE_GLOBAL);
            if (pts == null) {
                continue;
            }
            List<LogDataset.CounterPoint> sorted = new ArrayList<>(pts);
            sorted.sort((x, y) -> Long.compare(x.epochNanos(), y.epochNanos()));
            long prevAccepted = 0;
            long prevDropped = 0;
            for (LogDataset.CounterPoint p : sorted) {
                long acc = p.values()[ShadowLogFormat.G_ACCEPTED];
                long drop = p.values()[ShadowLogFormat.G_DROPPED_RING_FULL];
                long dAcc = acc - prevAccepted;
                long dDrop = drop - prevDropped;
                prevAccepted = acc;
                prevDropped = drop;
                if (dAcc < 0 || dDrop < 0) {
                    continue; // duplicated or reordered counters (e.g. the same file read twice)
                }
                long[] slot = byEnd.computeIfAbsent(p.epochNanos(), k -> new long[2]);
                slot[0] += dAcc + dDrop;
                slot[1] += dDrop;
            }
        }
        List<DropInterval> out = new ArrayList<>();
        if (byEnd.isEmpty()) {
            return out;
        }
        long first = byEnd.firstKey();
        long last = byEnd.lastKey();
        if (byEnd.size() <= MAX_DROP_INTERVALS || last == first) {
            for (Map.Entry<Long, long[]> e : byEnd.entrySet()) {
                out.add(new DropInterval(e.getKey(), e.getValue()[0], e.getValue()[1]));
            }
            return out;
        }
        long width = (last - first) / MAX_DROP_INTERVALS + 1;
        long[][] buckets = new long[MAX_DROP_INTERVALS + 1][2];
        for (Map.Entry<Long, long[]> e : byEnd.entrySet()) {
            int i = (int) ((e.getKey() - first) / width);
            buckets[i][0] += e.getValue()[0];
            buckets[i][1] += e.getValue()[1];
        }
        for (int i = 0; i < buckets.length; i++) {
            if (buckets[i][0] > 0 || buckets[i][1] > 0) {
                out.add(new DropInterval(first + (i + 1) * width, buckets[i][0], buckets[i][1]));
            }
        }
        return out;
    }

    private static ShadowComparison compare(Builder b, LogDataset data, int shadowId, LogDataset.Columns c,
            LabelFile labels) {
        List<String> notes = new ArrayList<>();
        ModelDescriptor shadow = data.models.get(shadowId);
        if (shadow == null) {
            shadow = new ModelDescriptor(shadowId, ShadowLogFormat.ROLE_SHADOW, "shadow-" + shadowId, "", "", "",
                    Float.NaN, -1, 0, 0);
            notes.add("No MODEL_INFO record names shadow " + shadowId + "; it is shown by id.");
        }
        // Primary models seen, most frequent first.
        Map<Integer, Integer> primaryCounts = new HashMap<>();
        for (int i = 0; i < c.size; i++) {
            primaryCounts.merge(c.primaryModel[i], 1, Integer::sum);
        }
        List<Integer> primaryIds = new ArrayList<>(primaryCounts.keySet());
        primaryIds.sort((x, y) -> Integer.compare(primaryCounts.get(y), primaryCounts.get(x)));
        List<ModelDescriptor> primaries = new ArrayList<>();
        for (int id : primaryIds) {
            ModelDescriptor d = data.models.get(id);
            primaries.add(d != null ? d : new ModelDescriptor(id, ShadowLogFormat.ROLE_PRIMARY, "primary-" + id, "",
                    "", "", Float.NaN, -1, 0, 0));
        }
        if (primaries.size() > 1) {
            notes.add("Records come from " + primaries.size() + " primary models; they are compared together.");
        }

        float tp = b.primaryThreshold;
        if (Float.isNaN(tp)) {
            tp = primaries.isEmpty() ? Float.NaN : primaries.get(0).threshold();
        }
        if (Float.isNaN(tp)) {
            tp = 0.5f;
            notes.add("No primary threshold in the log or on the command line; 0.5 is used.");
        }
        float ts = b.shadowThreshold;
        if (Float.isNaN(ts)) {
            ts = shadow.threshold();
        }
        if (Float.isNaN(ts)) {
            ts = tp;
        }

        // Counts over all records; metrics over valid pairs.
        long errors = 0;
        long breaker = 0;
        long overBudget = 0;
        long replayed = 0;
        int valid = 0;
        Histogram primaryLat = new Histogram(1, 3_600_000_000_000L, 3);
        Histogram shadowLat = new Histogram(1, 3_600_000_000_000L, 3);
        int[] validIdx = new int[c.size];
        for (int i = 0; i < c.size; i++) {
            int f = c.flags[i] & 0xFF;
            if ((f & ShadowLogFormat.FLAG_SHADOW_ERROR) != 0) {
                errors++;
            }
            if ((f & ShadowLogFormat.FLAG_BREAKER_OPEN) != 0) {
                breaker++;
            }
            if ((f & ShadowLogFormat.FLAG_OVER_BUDGET) != 0) {
                overBudget++;
            }
            if ((f & ShadowLogFormat.FLAG_REPLAY) != 0) {
                replayed++;
            }
            if (c.primaryLatency[i] > 0) {
                primaryLat.recordValue(Math.min(c.primaryLatency[i], 3_600_000_000_000L));
            }
            if ((f & ShadowLogFormat.FLAG_BREAKER_OPEN) == 0 && c.shadowLatency[i] > 0) {
                shadowLat.recordValue(c.shadowLatency[i]);
            }
            if (Float.isFinite(c.primary[i]) && Float.isFinite(c.shadow[i])) {
                validIdx[valid++] = i;
            }
        }
        float[] p = new float[valid];
        float[] s = new float[valid];
        for (int k = 0; k < valid; k++) {
            p[k] = c.primary[validIdx[k]];
            s[k] = c.shadow[validIdx[k]];
        }
        long[] ids = Arrays.copyOf(c.requestId, c.size);
        Arrays.sort(ids);
        long duplicates = 0;
        for (int i = 1; i < ids.length; i++) {
            if (ids[i] == ids[i - 1]) {
                duplicates++;
            }
        }
        if (duplicates > 0) {
            notes.add(duplicates + " record(s) repeat a request id already seen for this shadow (the same log "
                    + "read twice, or ids reused by the caller).");
        }
        if (c.truncated) {
            notes.add("Only the first " + b.maxRecordsPerShadow + " records of this shadow were used.");
        }

        CoverageSummary coverage = coverage(data, shadowId, c.size);
        if (coverage.dispatched() >= 0 && c.size > coverage.dispatched()) {
            notes.add("More records (" + c.size + ") than requests dispatched to this shadow ("
                    + coverage.dispatched() + "): its COUNTERS are incomplete (e.g. a writer's last segment is "
                    + "missing), so the coverage shown is overstated.");
        }
        float[] ps = ShadowMetrics.sortedCopy(p);
        float[] ss = ShadowMetrics.sortedCopy(s);
        double[] edges = valid == 0 ? new double[0] : ShadowMetrics.quantileBinEdges(p, b.psiBins);
        double psi = Double.NaN;
        double js = Double.NaN;
        if (valid > 0) {
            double[] ep = ShadowMetrics.binShares(p, edges);
            double[] es = ShadowMetrics.binShares(s, edges);
            psi = ShadowMetrics.psiFromShares(ep, es);
            js = Math.sqrt(ShadowMetrics.jsDivergenceFromShares(ep, es));
        }
        if (valid > 0 && edges.length + 1 < b.psiBins) {
            notes.add("Primary scores have many ties, so PSI/JS use " + (edges.length + 1) + " bins instead of "
                    + b.psiBins + ".");
        }
        if (valid > 0 && valid < 1000) {
            notes.add("Only " + valid + " comparable requests: treat the metrics as indicative.");
        }
        List<TopKOverlap> topK = new ArrayList<>();
        for (double frac : TOP_K_FRACTIONS) {
            int k = (int) Math.max(1, Math.round(frac * valid));
            if (valid > 0 && k <= valid) {
                topK.add(new TopKOverlap(frac, k, ShadowMetrics.topKOverlap(p, s, k)));
            }
        }
        DecisionTable configured = DecisionTable.of(p, s, tp, ts);
        double blockRate = configured.primaryBlockRate();
        float matchedThreshold = valid == 0 ? Float.NaN
                : ShadowMetrics.blockRateMatchedThreshold(s, blockRate);
        DecisionTable matched = DecisionTable.of(p, s, tp, matchedThreshold);

        LabelSummary labelSummary = labels == null ? null
                : labelSummary(labels, c, validIdx, valid, p, s, tp, ts, matchedThreshold);

        List<Disagreement> top = disagreements(c, validIdx, valid, tp, ts, b.topDisagreements, 0);
        List<Disagreement> newBlocks = disagreements(c, validIdx, valid, tp, ts, b.topDisagreements, 1);
        List<Disagreement> releases = disagreements(c, validIdx, valid, tp, ts, b.topDisagreements, -1);

        int stride = Math.max(1, (valid + SCATTER_POINTS - 1) / SCATTER_POINTS);
        int points = valid == 0 ? 0 : (valid + stride - 1) / stride;
        float[] sp = new float[points];
        float[] sv = new float[points];
        for (int k = 0, i = 0; k < points; k++, i += stride) {
            sp[k] = p[i];
            sv[k] = s[i];
        }

        return new ShadowComparison(shadow, primaries, c.size, valid, errors, breaker, overBudget, replayed,
                duplicates, c.truncated, coverage, tp, ts, DistributionSummary.ofSorted(ps),
                DistributionSummary.ofSorted(ss), edges.length + 1, psi, valid == 0 ? Double.NaN : ShadowMetrics.ks(p, s),
                valid == 0 ? Double.NaN : ShadowMetrics.ksCritical05(valid, valid), js, ScoreHistogram.of(p, s,
                        HISTOGRAM_BINS), ShadowMetrics.spearman(p, s), ShadowMetrics.kendallTauB(p, s), topK,
                configured, matchedThreshold, matched, LatencySummary.of(primaryLat), LatencySummary.of(shadowLat),
                labelSummary, top, newBlocks, releases, sp, sv, List.of(), Verdict.PASS, notes);
    }

    private static CoverageSummary coverage(LogDataset data, int shadowId, long recorded) {
        List<Long> instances = data.instancesWithScope(shadowId);
        if (instances.isEmpty()) {
            return new CoverageSummary(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, recorded);
        }
        long[] g = data.sumLatest(instances, ShadowLogFormat.SCOPE_GLOBAL);
        long[] s = data.sumLatest(instances, shadowId);
        return new CoverageSummary(g[ShadowLogFormat.G_OFFERED], g[ShadowLogFormat.G_ACCEPTED],
                g[ShadowLogFormat.G_SAMPLED_OUT], g[ShadowLogFormat.G_DROPPED_RING_FULL],
                s[ShadowLogFormat.S_DROPPED_BACKLOG], s[ShadowLogFormat.S_DROPPED_WRITER_FULL],
                g[ShadowLogFormat.G_DROPPED_IO], s[ShadowLogFormat.S_ABANDONED_AT_CLOSE],
                s[ShadowLogFormat.S_RECEIVED] + s[ShadowLogFormat.S_DROPPED_BACKLOG], s[ShadowLogFormat.S_SKIPPED_SELF],
                recorded);
    }

    private static LabelSummary labelSummary(LabelFile labels, LogDataset.Columns c, int[] validIdx, int valid,
            float[] p, float[] s, float tp, float ts, float matchedThreshold) {
        int n = 0;
        long blocked = 0;
        long blockedLabelled = 0;
        long allowed = 0;
        long allowedLabelled = 0;
        int[] which = new int[valid];
        boolean[] y = new boolean[valid];
        for (int k = 0; k < valid; k++) {
            int l = labels.label(c.requestId[validIdx[k]]);
            boolean pb = p[k] >= tp;
            if (pb) {
                blocked++;
            } else {
                allowed++;
            }
            if (l >= 0) {
                which[n] = k;
                y[n] = l == 1;
                n++;
                if (pb) {
                    blockedLabelled++;
                } else {
                    allowedLabelled++;
                }
            }
        }
        float[] lp = new float[n];
        float[] ls = new float[n];
        boolean[] ly = Arrays.copyOf(y, n);
        long positives = 0;
        for (int j = 0; j < n; j++) {
            lp[j] = p[which[j]];
            ls[j] = s[which[j]];
            if (ly[j]) {
                positives++;
            }
        }
        List<String> warnings = new ArrayList<>();
        double covBlocked = blocked == 0 ? Double.NaN : (double) blockedLabelled / blocked;
        double covAllowed = allowed == 0 ? Double.NaN : (double) allowedLabelled / allowed;
        // Blocked traffic with clearly thinner label coverage is the signature of outcome labels (chargebacks).
        if (blocked > 0 && !(covBlocked >= 0.9 * covAllowed)) {
            warnings.add(String.format(Locale.ROOT, "Selection bias: labels cover %.1f%% of the requests the "
                    + "primary allowed but only %.1f%% of those it blocked. Blocked payments rarely get chargebacks, "
                    + "so fraud the primary stopped is mostly unlabelled: precision/recall here describe approved "
                    + "traffic, and what the shadow would have released among blocked traffic is not measured. "
                    + "Use exploration traffic (a small random share of would-be blocks let through) for unbiased "
                    + "estimates.", 100 * covAllowed, 100 * covBlocked));
        }
        if (n == 0) {
            warnings.add("No compared request has a label (check that the labels file uses the same request ids).");
        } else if (positives < 30) {
            warnings.add("Only " + positives + " labelled positive(s): label metrics are very uncertain.");
        }
        return new LabelSummary(valid, n, blocked, blockedLabelled, allowed, allowedLabelled,
                LabelMetrics.of("primary", lp, ly, tp), LabelMetrics.of("shadow", ls, ly, ts),
                LabelMetrics.of("shadow (block-rate-matched)", ls, ly, matchedThreshold), warnings);
    }

    /** @param kind 0 = any, 1 = new blocks only, -1 = releases only */
    private static List<Disagreement> disagreements(LogDataset.Columns c, int[] validIdx, int valid, float tp,
            float ts, int limit, int kind) {
        List<Integer> picked = new ArrayList<>();
        for (int k = 0; k < valid; k++) {
            int i = validIdx[k];
            boolean pb = c.primary[i] >= tp;
            boolean sb = c.shadow[i] >= ts;
            if ((kind == 1 && !(sb && !pb)) || (kind == -1 && !(pb && !sb))) {
                continue;
            }
            picked.add(i);
        }
        picked.sort((x, y) -> {
            int cmp = Double.compare(Math.abs((double) c.shadow[y] - c.primary[y]),
                    Math.abs((double) c.shadow[x] - c.primary[x]));
            return cmp != 0 ? cmp : Long.compare(c.requestId[x], c.requestId[y]);
        });
        List<Disagreement> out = new ArrayList<>();
        for (int j = 0; j < Math.min(limit, picked.size()); j++) {
            int i = picked.get(j);
            if (kind == 0 && c.shadow[i] == c.primary[i]) {
                break;
            }
            out.add(new Disagreement(c.requestId[i], c.epoch[i], c.primary[i], c.shadow[i], c.primary[i] >= tp,
                    c.shadow[i] >= ts, (c.flags[i] & ShadowLogFormat.FLAG_FEATURES_CAPTURED) != 0));
        }
        return out;
    }

    private static String recommend(List<ShadowComparison> comparisons, Verdict verdict) {
        if (comparisons.isEmpty()) {
            return "No comparison records were found, so no shadow can be assessed. Check that the shadow "
                    + "evaluator ran, sampled traffic and could write its log.";
        }
        StringBuilder sb = new StringBuilder();
        for (ShadowComparison c : comparisons) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            String name = c.shadow().label();
            List<String> failed = new ArrayList<>();
            List<String> warned = new ArrayList<>();
            for (GateResult r : c.gates()) {
                String text = r.gate().metric().key() + "=" + Fmt.num(r.value()) + " (needs "
                        + r.gate().operator() + Fmt.limit(r.gate().limit()) + ")";
                if (r.verdict() == Verdict.FAIL) {
                    failed.add(text);
                } else if (r.verdict() == Verdict.WARN) {
                    warned.add(text);
                }
            }
            if (c.verdict() == Verdict.FAIL) {
                sb.append("Do not promote ").append(name).append(": ").append(String.join(", ", failed)).append('.');
            } else if (c.verdict() == Verdict.WARN) {
                sb.append("Review ").append(name).append(" before promoting: ").append(String.join(", ", warned))
                        .append('.');
            } else {
                sb.append(name).append(" passes every gate");
                if (!Double.isNaN(c.spearman())) {
                    sb.append(String.format(Locale.ROOT, " (Spearman %.3f, %.2f%% flips at the matched threshold)",
                            c.spearman(), 100 * c.matched().flipRate()));
                }
                sb.append("; it can be considered for promotion.");
            }
        }
        if (verdict != Verdict.FAIL) {
            sb.append(" The report recommends; promotion stays a human decision.");
        }
        return sb.toString();
    }

    /**
     * Configures and computes a {@link ShadowReport}. Setters validate eagerly; {@link #build()} reads the logs.
     * Not thread-safe; reusable.
     */
    public static final class Builder {
        private final List<Path> logs = new ArrayList<>();
        private Path labels;
        private float primaryThreshold = Float.NaN;
        private float shadowThreshold = Float.NaN;
        private int psiBins = 10;
        private int topDisagreements = 20;
        private int maxRecordsPerShadow = 50_000_000;
        private ShadowGates gates = ShadowGates.defaults();
        private final List<String> gatedShadows = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private String weight;
        private final List<String> segments = new ArrayList<>();
        private int minSegmentSize = 100;
        private int maxSegments = 20;

        private Builder() {
        }

        /**
         * Adds amount-weighted precision, recall and block rate (fraud money caught, good money blocked). A shadow
         * log records one weight with every comparison, {@code amount}: the {@code amountMinor} the service passed
         * to {@code ShadowPublisher.offer}. Score pairs carry their own weight ({@link ScorePairs.Builder#weight})
         * and ignore this.
         *
         * @param name {@code amount} for a shadow log
         * @return this
         */
        public Builder weight(String name) {
            if (name == null || name.isBlank()) {
                throw new ConfigurationException("weight must be non-empty");
            }
            this.weight = name;
            return this;
        }

        /**
         * Adds every metric per segment, largest shift first. A shadow log records one segment column with every
         * comparison, {@code segment}: the {@code segmentKey} the service passed to {@code ShadowPublisher.offer}.
         * Score pairs carry their own segments ({@link ScorePairs.Builder#segments}) and ignore this.
         *
         * @param column {@code segment} for a shadow log
         * @return this
         */
        public Builder segment(String column) {
            if (column == null || column.isBlank()) {
                throw new ConfigurationException("segment column must be non-empty");
            }
            if (!segments.contains(column)) {
                segments.add(column);
            }
            return this;
        }

        /**
         * @param n comparable requests a segment needs to be listed on its own (smaller ones fold into
         *     {@code (other)}), {@code >= 1}; default 100
         * @return this
         */
        public Builder minSegmentSize(int n) {
            if (n < 1) {
                throw new ConfigurationException("minSegmentSize must be >= 1, got " + n);
            }
            this.minSegmentSize = n;
            return this;
        }

        /**
         * @param n segments listed per segment column at most (the rest fold into {@code (other)}),
         *     {@code 1..1000}; default 20
         * @return this
         */
        public Builder maxSegments(int n) {
            if (n < 1 || n > 1000) {
                throw new ConfigurationException("maxSegments must be in 1..1000, got " + n);
            }
            this.maxSegments = n;
            return this;
        }

        /**
         * @param fileOrDirectory a log directory (all {@code .shdw} and {@code .shdw.part} files) or one file;
         *     repeatable
         * @return this
         */
        public Builder addLog(Path fileOrDirectory) {
            logs.add(Objects.requireNonNull(fileOrDirectory, "log"));
            return this;
        }

        /**
         * @param csv labels file {@code request_id,label}, or {@code null} for none
         * @return this
         */
        public Builder labels(Path csv) {
            this.labels = csv;
            return this;
        }

        /**
         * @param threshold decision threshold for the primary and every shadow, overriding the log's
         * @return this
         */
        public Builder threshold(float threshold) {
            primaryThreshold(threshold);
            shadowThreshold(threshold);
            return this;
        }

        /**
         * @param threshold the primary's decision threshold, overriding the log's
         * @return this
         */
        public Builder primaryThreshold(float threshold) {
            this.primaryThreshold = finite("primaryThreshold", threshold);
            return this;
        }

        /**
         * @param threshold every shadow's decision threshold, overriding the log's
         * @return this
         */
        public Builder shadowThreshold(float threshold) {
            this.shadowThreshold = finite("shadowThreshold", threshold);
            return this;
        }

        /**
         * @param bins PSI/JS bins (at the primary's quantiles), {@code 2..1000}; default 10
         * @return this
         */
        public Builder psiBins(int bins) {
            if (bins < 2 || bins > 1000) {
                throw new ConfigurationException("psiBins must be in 2..1000, got " + bins);
            }
            this.psiBins = bins;
            return this;
        }

        /**
         * @param n rows in each disagreement table, {@code 0..10_000}; default 20
         * @return this
         */
        public Builder topDisagreements(int n) {
            if (n < 0 || n > 10_000) {
                throw new ConfigurationException("topDisagreements must be in 0..10000, got " + n);
            }
            this.topDisagreements = n;
            return this;
        }

        /**
         * @param n records read per shadow at most (memory bound, about 50 bytes each); default 50 million
         * @return this
         */
        public Builder maxRecordsPerShadow(int n) {
            if (n < 1) {
                throw new ConfigurationException("maxRecordsPerShadow must be >= 1, got " + n);
            }
            this.maxRecordsPerShadow = n;
            return this;
        }

        /**
         * @param gates the gates to apply; default {@link ShadowGates#defaults()}
         * @return this
         */
        public Builder gates(ShadowGates gates) {
            this.gates = Objects.requireNonNull(gates, "gates");
            return this;
        }

        /**
         * Gates only on this shadow: the report's {@link #verdict()} (and exit code) considers the named shadows
         * alone, so an experimental model reported next to the candidate does not fail it; the other shadows are
         * still reported, marked as not gated. Repeatable; by default every shadow is gated.
         *
         * @param name a shadow's name, {@code name@version} or log id
         * @return this
         */
        public Builder gateShadow(String name) {
            if (name == null || name.isBlank()) {
                throw new ConfigurationException("shadow name must be non-empty");
            }
            gatedShadows.add(name);
            return this;
        }

        /**
         * @param clock source of the report's timestamp; default UTC system clock
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Reads the logs and computes the report.
         *
         * @return the report
         * @throws ConfigurationException if no log was added, or a shadow named for gating is not in the log
         * @throws ShadowEvalException if a log or the labels file cannot be read, or no log file exists
         */
        public ShadowReport build() {
            if (logs.isEmpty()) {
                throw new ConfigurationException("add at least one log directory with addLog(...)");
            }
            return compute(this);
        }

        /**
         * Computes the report over score pairs from any source (a backtest, a notebook) instead of logs: the same
         * statistics, gates and verdict, through the same code. Logs and labels files added to this builder are not
         * read; the pairs carry their own labels.
         *
         * @param pairs the current model's and the candidate's scores
         * @return the report, with the candidate as its one shadow
         */
        public ShadowReport build(ScorePairs pairs) {
            return compute(this, Objects.requireNonNull(pairs, "pairs"));
        }

        private static float finite(String name, float v) {
            if (!Float.isFinite(v)) {
                throw new ConfigurationException(name + " must be finite, got " + v);
            }
            return v;
        }
    }
}
