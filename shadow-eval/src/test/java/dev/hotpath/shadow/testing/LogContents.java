package dev.hotpath.shadow.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.hotpath.shadow.log.ComparisonRecord;
import dev.hotpath.shadow.log.CountersRecord;
import dev.hotpath.shadow.log.FeaturesRecord;
import dev.hotpath.shadow.log.LogRecordVisitor;
import dev.hotpath.shadow.log.ModelDescriptor;
import dev.hotpath.shadow.log.ReadSummary;
import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.log.ShadowLogReader;

/** Everything in a log, copied out of the reader's flyweights, for assertions. */
public final class LogContents implements LogRecordVisitor {
    /** A copied comparison record. */
    public record Cmp(long epochNanos, long requestId, long amount, int primaryModelId, int shadowModelId,
            float primaryScore, float shadowScore, int primaryDecision, int shadowDecision, int flags,
            int primaryLatency, int shadowLatency, int segment, int sampleRateE4) {
    }

    /** A copied features record. */
    public record Feat(long epochNanos, long requestId, float primaryScore, int primaryModelId, float[] features) {
    }

    public final List<Cmp> comparisons = new ArrayList<>();
    public final List<Feat> features = new ArrayList<>();
    public final Map<Integer, ModelDescriptor> models = new HashMap<>();
    /** Last COUNTERS values per scope. */
    public final Map<Integer, long[]> lastCounters = new HashMap<>();
    public ReadSummary summary;

    public static LogContents read(Path dirOrFile) {
        LogContents c = new LogContents();
        c.summary = ShadowLogReader.read(dirOrFile, c);
        return c;
    }

    @Override
    public void onComparison(ComparisonRecord r) {
        comparisons.add(new Cmp(r.epochNanos(), r.requestId(), r.amountMinor(), r.primaryModelId(),
                r.shadowModelId(), r.primaryScore(), r.shadowScore(), r.primaryDecision(), r.shadowDecision(),
                r.flags(), r.primaryLatencyNanos(), r.shadowLatencyNanos(), r.segmentKey(), r.sampleRateE4()));
    }

    @Override
    public void onFeatures(FeaturesRecord r) {
        float[] f = new float[r.count()];
        r.copyFeatures(f);
        features.add(new Feat(r.epochNanos(), r.requestId(), r.primaryScore(), r.primaryModelId(), f));
    }

    @Override
    public void onModelInfo(ModelDescriptor model, long epochNanos) {
        models.put(model.modelId(), model);
    }

    @Override
    public void onCounters(CountersRecord r) {
        long[] v = new long[ShadowLogFormat.COUNTER_SLOTS];
        r.copyValues(v);
        lastCounters.put(r.scope(), v);
    }

    public List<Cmp> forShadow(int id) {
        List<Cmp> out = new ArrayList<>();
        for (Cmp c : comparisons) {
            if (c.shadowModelId() == id) {
                out.add(c);
            }
        }
        return out;
    }

    public long global(int slot) {
        long[] v = lastCounters.get(ShadowLogFormat.SCOPE_GLOBAL);
        return v == null ? -1 : v[slot];
    }

    public long shadow(int id, int slot) {
        long[] v = lastCounters.get(id);
        return v == null ? -1 : v[slot];
    }
}
