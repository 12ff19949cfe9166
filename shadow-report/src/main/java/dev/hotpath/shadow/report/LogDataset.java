package dev.hotpath.shadow.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.hotpath.shadow.log.ComparisonRecord;
import dev.hotpath.shadow.log.CountersRecord;
import dev.hotpath.shadow.log.FeaturesRecord;
import dev.hotpath.shadow.log.LogFileHeader;
import dev.hotpath.shadow.log.LogRecordVisitor;
import dev.hotpath.shadow.log.ModelDescriptor;
import dev.hotpath.shadow.log.ReadSummary;
import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.log.ShadowLogReader;

/** Everything the report needs from one or more logs, in primitive columns. Not thread-safe; used once. */
final class LogDataset implements LogRecordVisitor {
    /** Growable primitive columns of one shadow's comparison records. */
    static final class Columns {
        int size;
        long[] requestId = new long[1024];
        long[] epoch = new long[1024];
        float[] primary = new float[1024];
        float[] shadow = new float[1024];
        byte[] flags = new byte[1024];
        int[] primaryLatency = new int[1024];
        int[] shadowLatency = new int[1024];
        int[] primaryModel = new int[1024];
        int[] sampleRate = new int[1024];
        /** The amount the service passed with the request (minor units, 0 when unknown): the log's weight. */
        long[] amount = new long[1024];
        /** The segment key the service passed with the request. */
        int[] segment = new int[1024];
        boolean truncated;

        /** @return a copy holding the given rows, in that order */
        Columns subset(int[] rows, int n) {
            Columns c = new Columns();
            c.size = n;
            c.requestId = new long[n];
            c.epoch = new long[n];
            c.primary = new float[n];
            c.shadow = new float[n];
            c.flags = new byte[n];
            c.primaryLatency = new int[n];
            c.shadowLatency = new int[n];
            c.primaryModel = new int[n];
            c.sampleRate = new int[n];
            c.amount = new long[n];
            c.segment = new int[n];
            for (int k = 0; k < n; k++) {
                int i = rows[k];
                c.requestId[k] = requestId[i];
                c.epoch[k] = epoch[i];
                c.primary[k] = primary[i];
                c.shadow[k] = shadow[i];
                c.flags[k] = flags[i];
                c.primaryLatency[k] = primaryLatency[i];
                c.shadowLatency[k] = shadowLatency[i];
                c.primaryModel[k] = primaryModel[i];
                c.sampleRate[k] = sampleRate[i];
                c.amount[k] = amount[i];
                c.segment[k] = segment[i];
            }
            return c;
        }

        void add(ComparisonRecord r) {
            if (size == requestId.length) {
                int n = size + (size >> 1);
                requestId = Arrays.copyOf(requestId, n);
                epoch = Arrays.copyOf(epoch, n);
                primary = Arrays.copyOf(primary, n);
                shadow = Arrays.copyOf(shadow, n);
                flags = Arrays.copyOf(flags, n);
                primaryLatency = Arrays.copyOf(primaryLatency, n);
                shadowLatency = Arrays.copyOf(shadowLatency, n);
                primaryModel = Arrays.copyOf(primaryModel, n);
                sampleRate = Arrays.copyOf(sampleRate, n);
                amount = Arrays.copyOf(amount, n);
                segment = Arrays.copyOf(segment, n);
            }
            int i = size++;
            requestId[i] = r.requestId();
            epoch[i] = r.epochNanos();
            primary[i] = r.primaryScore();
            shadow[i] = r.shadowScore();
            flags[i] = (byte) r.flags();
            primaryLatency[i] = r.primaryLatencyNanos();
            shadowLatency[i] = r.shadowLatencyNanos();
            primaryModel[i] = r.primaryModelId();
            sampleRate[i] = r.sampleRateE4();
            amount[i] = r.amountMinor();
            segment[i] = r.segmentKey();
        }
    }

    /** One COUNTERS observation. */
    record CounterPoint(long epochNanos, long[] values) {
    }

    private final int maxRecordsPerShadow;
    final Map<Integer, Columns> shadows = new TreeMap<>();
    final Map<Integer, ModelDescriptor> models = new TreeMap<>();
    /** instanceId -> scope -> observations in reading order. */
    final Map<Long, Map<Integer, List<CounterPoint>>> counters = new HashMap<>();
    final TreeSet<Long> instances = new TreeSet<>();
    long featuresRecords;
    long firstEpoch = Long.MAX_VALUE;
    long lastEpoch = Long.MIN_VALUE;
    ReadSummary summary;

    LogDataset(int maxRecordsPerShadow) {
        this.maxRecordsPerShadow = maxRecordsPerShadow;
    }

    static LogDataset read(List<Path> paths, int maxRecordsPerShadow) {
        LogDataset d = new LogDataset(maxRecordsPerShadow);
        d.summary = ShadowLogReader.read(paths, d);
        return d;
    }

    @Override
    public void onFile(LogFileHeader header) {
        instances.add(header.instanceId());
    }

    @Override
    public void onComparison(ComparisonRecord r) {
        Columns c = shadows.computeIfAbsent(r.shadowModelId(), k -> new Columns());
        if (c.size >= maxRecordsPerShadow) {
            c.truncated = true;
            return;
        }
        c.add(r);
        time(r.epochNanos());
    }

    @Override
    public void onFeatures(FeaturesRecord r) {
        featuresRecords++;
        time(r.epochNanos());
    }

    @Override
    public void onModelInfo(ModelDescriptor model, long epochNanos) {
        models.put(model.modelId(), model);
    }

    @Override
    public void onCounters(CountersRecord r) {
        long[] v = new long[ShadowLogFormat.COUNTER_SLOTS];
        r.copyValues(v);
        counters.computeIfAbsent(r.instanceId(), k -> new HashMap<>())
                .computeIfAbsent(r.scope(), k -> new ArrayList<>()).add(new CounterPoint(r.epochNanos(), v));
    }

    private void time(long t) {
        if (t < firstEpoch) {
            firstEpoch = t;
        }
        if (t > lastEpoch) {
            lastEpoch = t;
        }
    }

    /** @return the latest counters of a scope in one instance (by time), or null */
    long[] latest(long instance, int scope) {
        Map<Integer, List<CounterPoint>> byScope = counters.get(instance);
        if (byScope == null || !byScope.containsKey(scope)) {
            return null;
        }
        CounterPoint best = null;
        for (CounterPoint p : byScope.get(scope)) {
            if (best == null || p.epochNanos() >= best.epochNanos()) {
                best = p;
            }
        }
        return best.values();
    }

    /** @return summed latest counters of a scope over the given instances (zeros if none) */
    long[] sumLatest(Iterable<Long> instanceIds, int scope) {
        long[] sum = new long[ShadowLogFormat.COUNTER_SLOTS];
        for (long id : instanceIds) {
            long[] v = latest(id, scope);
            if (v != null) {
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += v[i];
                }
            }
        }
        return sum;
    }

    /** @return instances that wrote counters for the given scope */
    List<Long> instancesWithScope(int scope) {
        List<Long> out = new ArrayList<>();
        for (Map.Entry<Long, Map<Integer, List<CounterPoint>>> e : counters.entrySet()) {
            if (e.getValue().containsKey(scope)) {
                out.add(e.getKey());
            }
        }
        out.sort(null);
        return out;
    }
}
