package dev.hotpath.shadow.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import dev.hotpath.shadow.log.FsyncPolicy;
import dev.hotpath.shadow.log.LogOptions;
import dev.hotpath.shadow.log.ModelDescriptor;
import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.log.ShadowLogWriter;

/** Writes shadow logs with exactly known contents, and reads JSON back into maps for assertions. */
final class ReportFixtures {
    static final long T0 = 1_764_000_000_000_000_000L;

    private ReportFixtures() {
    }

    static ShadowLogWriter writer(Path dir, long instance) {
        return ShadowLogWriter.open(dir, options(instance).build());
    }

    /** A writer whose segments hold about 1,000 comparison records each (64 KiB, 4 KiB blocks). */
    static ShadowLogWriter smallSegmentWriter(Path dir, long instance) {
        return ShadowLogWriter.open(dir, options(instance).rotateBytes(64 << 10).blockBytes(4096).build());
    }

    private static LogOptions.Builder options(long instance) {
        return LogOptions.builder().hostTag("fixture").instanceId(instance).minFreeBytes(0)
                .fsyncPolicy(FsyncPolicy.none());
    }

    static void models(ShadowLogWriter w, float primaryThreshold, float shadowThreshold) {
        w.registerModel(new ModelDescriptor(1, ShadowLogFormat.ROLE_PRIMARY, "fraud-v7", "2024-05", "c0ffee".repeat(10),
                "xgboost binary:logistic", primaryThreshold, 3, 0, 0));
        w.registerModel(new ModelDescriptor(2, ShadowLogFormat.ROLE_SHADOW, "fraud-v8", "rc1", "", "", shadowThreshold,
                3, 0, 5_000_000));
    }

    /** Comparison records for shadow 2: request id i, time T0 + i ms, latencies i + 1000 and i + 1500 ns. */
    static void comparisons(ShadowLogWriter w, float[] p, float[] s, int flags) {
        for (int i = 0; i < p.length; i++) {
            w.appendComparison(T0 + i * 1_000_000L, i, 0, 1, 2, p[i], s[i], 0, 0, flags, i + 1000, i + 1500, 0,
                    10_000);
        }
    }

    /**
     * One COUNTERS interval at {@code time} without drops: the run's ({@code accepted} of as many offered) and
     * shadow 2's ({@code received} queued for it).
     */
    static void counters(ShadowLogWriter w, long time, long accepted, long received) {
        w.appendCounters(time, ShadowLogFormat.SCOPE_GLOBAL, global(accepted, accepted, 0));
        w.appendCounters(time, 2, shadow(received, 0));
    }

    static long[] global(long offered, long accepted, long droppedRingFull) {
        long[] v = new long[ShadowLogFormat.COUNTER_SLOTS];
        v[ShadowLogFormat.G_OFFERED] = offered;
        v[ShadowLogFormat.G_ACCEPTED] = accepted;
        v[ShadowLogFormat.G_DROPPED_RING_FULL] = droppedRingFull;
        v[ShadowLogFormat.G_SAMPLE_RATE_E4] = 10_000;
        return v;
    }

    static long[] shadow(long received, long backlog) {
        long[] v = new long[ShadowLogFormat.COUNTER_SLOTS];
        v[ShadowLogFormat.S_RECEIVED] = received;
        v[ShadowLogFormat.S_DROPPED_BACKLOG] = backlog;
        return v;
    }

    /** p_i = (i + 0.5) / 1000 for i in 0..999: no value sits on a decile edge or threshold. */
    static float[] primaryGrid() {
        float[] p = new float[1000];
        for (int i = 0; i < p.length; i++) {
            p[i] = (i + 0.5f) / 1000f;
        }
        return p;
    }

    static float[] shifted(float[] p, float delta) {
        float[] s = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            s[i] = p[i] + delta;
        }
        return s;
    }

    /** Parses JSON into maps, lists, strings, numbers (as Double), booleans and nulls. */
    static Object parseJson(String json) {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            p.nextToken();
            return value(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, value(p));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(value(p));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IllegalStateException("unexpected token " + t);
        }
    }

    @SuppressWarnings("unchecked")
    static Object path(Object root, String... keys) {
        Object cur = root;
        for (String k : keys) {
            if (cur instanceof Map) {
                cur = ((Map<String, Object>) cur).get(k);
            } else if (cur instanceof List) {
                cur = ((List<Object>) cur).get(Integer.parseInt(k));
            } else {
                throw new IllegalArgumentException("no " + k + " in " + cur);
            }
        }
        return cur;
    }
}
