package dev.hotpath.shadow.replay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelInfo;
import dev.hotpath.shadow.JvmFlags;
import dev.hotpath.shadow.ShadowEvalException;
import dev.hotpath.shadow.ShadowSampling;
import dev.hotpath.shadow.log.ComparisonRecord;
import dev.hotpath.shadow.log.FeaturesRecord;
import dev.hotpath.shadow.log.FsyncPolicy;
import dev.hotpath.shadow.log.LogOptions;
import dev.hotpath.shadow.log.LogRecordVisitor;
import dev.hotpath.shadow.log.ModelDescriptor;
import dev.hotpath.shadow.log.ReadSummary;
import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.log.ShadowLogReader;
import dev.hotpath.shadow.log.ShadowLogWriter;

/**
 * Scores a candidate model over the feature vectors captured in a shadow log (FEATURES records, see
 * {@code ShadowEvaluatorBuilder.featureCaptureRate}) and writes a new log in the same format: one COMPARISON
 * record per captured request, with the primary's original score and decision and the candidate's score, flagged
 * {@link ShadowLogFormat#FLAG_REPLAY}. {@code hotpath shadow report --log OUT} then compares the candidate with
 * the primary on yesterday's traffic without deploying it; add {@code --log SOURCE} to see it next to the live
 * shadows.
 *
 * <p>The CLI loads the model and calls {@link #replay(Path, Model, Path)}. Stateless and thread-safe; each call
 * runs on the calling thread (cold path).
 */
public final class ShadowReplay {
    private ShadowReplay() {
    }

    /**
     * Replays with {@link ReplayOptions#defaults()}.
     *
     * @param logDir the source log directory (or file)
     * @param model the candidate; the caller keeps ownership
     * @param outDir where to write the new log; created if missing; must differ from {@code logDir}
     * @return what was done
     * @throws ShadowEvalException if the source has no captured features or cannot be read, or writing fails
     */
    public static ReplayResult replay(Path logDir, Model model, Path outDir) {
        return replay(logDir, model, outDir, ReplayOptions.defaults());
    }

    /**
     * @param logDir the source log directory (or file)
     * @param model the candidate; the caller keeps ownership
     * @param outDir where to write the new log; created if missing; must differ from {@code logDir}
     * @param options id, name, threshold and output of the candidate
     * @return what was done
     * @throws ShadowEvalException if the source has no captured features or cannot be read, or writing fails
     * @throws ConfigurationException if the options conflict with the source log or the model
     */
    public static ReplayResult replay(Path logDir, Model model, Path outDir, ReplayOptions options) {
        JvmFlags.requireAgronaAccess();
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        if (!Files.exists(logDir)) {
            throw new ShadowEvalException("shadow log path does not exist: " + logDir);
        }
        if (Files.exists(outDir) && outDir.toAbsolutePath().normalize().equals(logDir.toAbsolutePath().normalize())) {
            throw new ConfigurationException("--out must differ from --log (" + outDir + ")");
        }

        Survey survey = new Survey();
        ReadSummary read = ShadowLogReader.read(logDir, survey);
        if (survey.features == 0) {
            throw new ShadowEvalException("no captured feature vectors (FEATURES records) in " + logDir
                    + "; enable featureCaptureRate(...) on the ShadowEvaluator so traffic can be replayed");
        }
        int outputIndex = options.outputIndex() >= 0 ? options.outputIndex() : defaultOutputIndex(model);
        if (outputIndex >= model.numOutputs()) {
            throw new ConfigurationException("outputIndex " + outputIndex + " is outside the model's "
                    + model.numOutputs() + " outputs " + model.outputNames());
        }
        int id = options.modelId() >= 0 ? options.modelId() : survey.freeId();
        if (survey.usedIds.contains(id)) {
            throw new ConfigurationException("model id " + id + " is already used in " + logDir
                    + "; choose another (used: " + survey.usedIds + ")");
        }
        float primaryThreshold = survey.primaryThreshold();
        float threshold = Float.isNaN(options.threshold()) ? primaryThreshold : options.threshold();
        ModelInfo info = model.info();
        String name = options.name() != null ? options.name() : defaultName(info);
        String version = options.version() != null ? options.version() : info.formatVersion();
        ModelDescriptor candidate = new ModelDescriptor(id, ShadowLogFormat.ROLE_SHADOW, name, version,
                info.checksum(), ("replay of " + info.format() + " " + info.objective()).strip(), threshold,
                model.numFeatures(), outputIndex, 0);

        ShadowLogWriter writer = ShadowLogWriter.open(outDir, LogOptions.builder().hostTag("replay").failFast(true)
                .minFreeBytes(0).fsyncPolicy(FsyncPolicy.periodic(java.time.Duration.ofSeconds(5)))
                .recoverPartFiles(false).build());
        Replayer replayer = new Replayer(model, outputIndex, id, threshold, primaryThreshold, survey.primaryThresholds,
                writer, options.copyFeatures());
        try {
            for (ModelDescriptor d : survey.primaries.values()) {
                writer.registerModel(d);
            }
            writer.registerModel(candidate);
            ShadowLogReader.read(logDir, replayer);
            long now = System.currentTimeMillis() * 1_000_000L;
            long[] global = new long[ShadowLogFormat.COUNTER_SLOTS];
            global[ShadowLogFormat.G_OFFERED] = replayer.replayed;
            global[ShadowLogFormat.G_ACCEPTED] = replayer.replayed;
            global[ShadowLogFormat.G_DISPATCHED] = replayer.replayed;
            global[ShadowLogFormat.G_FEATURES_CAPTURED] = options.copyFeatures() ? replayer.replayed : 0;
            global[ShadowLogFormat.G_SAMPLE_RATE_E4] = ShadowSampling.RATE_SCALE;
            writer.appendCounters(now, ShadowLogFormat.SCOPE_GLOBAL, global);
            long[] shadow = new long[ShadowLogFormat.COUNTER_SLOTS];
            shadow[ShadowLogFormat.S_RECEIVED] = replayer.replayed;
            shadow[ShadowLogFormat.S_SCORED] = replayer.scored;
            shadow[ShadowLogFormat.S_ERRORS] = replayer.errors;
            shadow[ShadowLogFormat.S_NAN_OUTPUTS] = replayer.nans;
            shadow[ShadowLogFormat.S_RECORDS_EMITTED] = replayer.replayed;
            writer.appendCounters(now, id, shadow);
        } finally {
            writer.close();
        }
        return new ReplayResult(outDir, writer.finishedFiles(), id, name, threshold, replayer.replayed,
                replayer.scored, replayer.errors, replayer.nans, replayer.narrow, replayer.scoreNanos, read);
    }

    private static int defaultOutputIndex(Model model) {
        int n = model.numOutputs();
        if (n == 1) {
            return 0;
        }
        if (n == 2) {
            return 1;
        }
        throw new ConfigurationException("model has " + n + " outputs " + model.outputNames()
                + "; choose the score with ReplayOptions.withOutputIndex(...)");
    }

    private static String defaultName(ModelInfo info) {
        if (!info.source().isEmpty()) {
            Path p = Path.of(info.source()).getFileName();
            if (p != null && !p.toString().isBlank()) {
                String s = p.toString();
                return s.length() > 200 ? s.substring(0, 200) : s;
            }
        }
        return "candidate-" + info.shortId();
    }

    /** First pass: models, used ids, and how many FEATURES records there are. */
    private static final class Survey implements LogRecordVisitor {
        final Map<Integer, ModelDescriptor> primaries = new LinkedHashMap<>();
        final Map<Integer, Float> primaryThresholds = new HashMap<>();
        final TreeSet<Integer> usedIds = new TreeSet<>();
        final Map<Integer, Long> primaryUse = new HashMap<>();
        long features;

        @Override
        public void onModelInfo(ModelDescriptor model, long epochNanos) {
            usedIds.add(model.modelId());
            if (model.isPrimary()) {
                primaries.put(model.modelId(), model);
                primaryThresholds.put(model.modelId(), model.threshold());
            }
        }

        @Override
        public void onComparison(ComparisonRecord r) {
            usedIds.add(r.shadowModelId());
            usedIds.add(r.primaryModelId());
        }

        @Override
        public void onFeatures(FeaturesRecord r) {
            features++;
            usedIds.add(r.primaryModelId());
            primaryUse.merge(r.primaryModelId(), 1L, Long::sum);
        }

        int freeId() {
            for (int i = 1; i < ShadowLogFormat.SCOPE_GLOBAL; i++) {
                if (!usedIds.contains(i)) {
                    return i;
                }
            }
            throw new ConfigurationException("no free model id left in the source log");
        }

        float primaryThreshold() {
            int best = -1;
            long bestUse = -1;
            for (Map.Entry<Integer, Long> e : primaryUse.entrySet()) {
                if (e.getValue() > bestUse) {
                    best = e.getKey();
                    bestUse = e.getValue();
                }
            }
            Float t = primaryThresholds.get(best);
            return t == null || t.isNaN() ? 0.5f : t;
        }
    }

    /** Second pass: score every FEATURES record and write the new log. */
    private static final class Replayer implements LogRecordVisitor {
        private final Model model;
        private final int outputIndex;
        private final int modelId;
        private final float threshold;
        private final float defaultPrimaryThreshold;
        private final Map<Integer, Float> primaryThresholds;
        private final ShadowLogWriter writer;
        private final boolean copyFeatures;
        private final float[] features;
        private final float[] out;
        long replayed;
        long scored;
        long errors;
        long nans;
        long narrow;
        long scoreNanos;

        Replayer(Model model, int outputIndex, int modelId, float threshold, float defaultPrimaryThreshold,
                Map<Integer, Float> primaryThresholds, ShadowLogWriter writer, boolean copyFeatures) {
            this.model = model;
            this.outputIndex = outputIndex;
            this.modelId = modelId;
            this.threshold = threshold;
            this.defaultPrimaryThreshold = defaultPrimaryThreshold;
            this.primaryThresholds = primaryThresholds;
            this.writer = writer;
            this.copyFeatures = copyFeatures;
            this.features = new float[Math.max(1, Math.max(model.numFeatures(), ShadowLogFormat.MAX_FEATURES))];
            this.out = new float[Math.max(1, model.numOutputs())];
        }

        @Override
        public void onFeatures(FeaturesRecord r) {
            int n = r.copyFeatures(features);
            int width = model.numFeatures();
            if (n < width) {
                narrow++;
                for (int i = n; i < width; i++) {
                    features[i] = Float.NaN;
                }
            }
            int flags = ShadowLogFormat.FLAG_REPLAY | (copyFeatures ? ShadowLogFormat.FLAG_FEATURES_CAPTURED : 0);
            float score = Float.NaN;
            long t0 = System.nanoTime();
            try {
                model.score(features, out);
                score = out[outputIndex];
            } catch (RuntimeException | Error e) {
                flags |= ShadowLogFormat.FLAG_SHADOW_ERROR;
                errors++;
            }
            long elapsed = System.nanoTime() - t0;
            scoreNanos += elapsed;
            if ((flags & ShadowLogFormat.FLAG_SHADOW_ERROR) == 0) {
                if (score != score) {
                    flags |= ShadowLogFormat.FLAG_SHADOW_ERROR | ShadowLogFormat.FLAG_NAN_OUTPUT;
                    nans++;
                } else {
                    scored++;
                }
            }
            Float pt = primaryThresholds.get(r.primaryModelId());
            float primaryThreshold = pt == null || pt.isNaN() ? defaultPrimaryThreshold : pt;
            // Replayed traffic is the sample that was also captured: both rates multiply.
            long rate = (long) r.sampleRateE4() * r.captureRateE4() / ShadowSampling.RATE_SCALE;
            int effectiveRate = (int) Math.max(r.sampleRateE4() > 0 && r.captureRateE4() > 0 ? 1 : 0, rate);
            writer.appendComparison(r.epochNanos(), r.requestId(), r.amountMinor(), r.primaryModelId(), modelId,
                    r.primaryScore(), score, ShadowLogFormat.decision(r.primaryScore(), primaryThreshold),
                    ShadowLogFormat.decision(score, threshold), flags, r.primaryLatencyNanos(),
                    (int) Math.min(Integer.MAX_VALUE, elapsed), r.segmentKey(), effectiveRate);
            if (copyFeatures) {
                writer.append(r.buffer(), r.offset(), r.length());
            }
            replayed++;
        }
    }
}
