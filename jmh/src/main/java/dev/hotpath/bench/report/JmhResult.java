package dev.hotpath.bench.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One entry of JMH's {@code -rf json} output: the benchmark, its parameters and the figures the report and the
 * allocation gate need.
 *
 * <p>Immutable.
 *
 * @param benchmark fully qualified method, e.g. {@code dev.hotpath.bench.TreeEnsembleBenchmark.hotpathSingleRow}
 * @param mode JMH's short mode name: {@code avgt}, {@code thrpt}, {@code sample}, {@code ss}
 * @param params the {@code @Param} values, sorted by name
 * @param score the primary score
 * @param scoreError the primary score's error (NaN when JMH printed none)
 * @param scoreUnit e.g. {@code us/op}
 * @param percentiles for {@code sample} mode: percentile ("50.0", "99.9", …) to value, else empty
 * @param secondary secondary metric name to score, e.g. {@code gc.alloc.rate.norm}
 * @param secondaryMin secondary metric name to its smallest per-iteration value (from {@code rawData})
 */
public record JmhResult(String benchmark, String mode, Map<String, String> params, double score, double scoreError,
                        String scoreUnit, Map<String, Double> percentiles, Map<String, Double> secondary,
                        Map<String, Double> secondaryMin) {
    /** JMH's normalised allocation metric, bytes per operation. */
    public static final String ALLOC_NORM = "gc.alloc.rate.norm";
    /** Emitted by {@code -prof gc} whenever the profiler ran. */
    public static final String ALLOC_RATE = "gc.alloc.rate";

    /** @return the simple class name, e.g. {@code TreeEnsembleBenchmark} */
    public String className() {
        String cls = benchmark.substring(0, benchmark.lastIndexOf('.'));
        return cls.substring(cls.lastIndexOf('.') + 1);
    }

    /** @return the fully qualified class name */
    public String fullClassName() {
        return benchmark.substring(0, benchmark.lastIndexOf('.'));
    }

    /** @return the method name */
    public String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /**
     * JMH leaves {@code gc.alloc.rate.norm} out when it measured exactly 0 bytes, so a missing value means 0.
     *
     * @return bytes per operation, or 0 when the metric is absent
     */
    public double allocBytesPerOp() {
        Double v = secondary.get(ALLOC_NORM);
        return v == null ? 0.0 : v;
    }

    /**
     * @return bytes per operation allocated by the benchmark's own (request) threads, from
     *     {@link ThreadAllocationProfiler}, or NaN when that profiler did not run
     */
    public double requestThreadBytesPerOp() {
        Double v = secondary.get(ThreadAllocationProfiler.METRIC);
        return v == null ? Double.NaN : v;
    }

    /**
     * The smallest per-iteration value of the allocation metric the gate uses (request-thread when present, else
     * all threads; a missing metric is 0). A JIT event (deoptimisation re-materialising a scalar-replaced object,
     * OSR) can allocate once, early; an allocation on the path itself recurs in every iteration and is still seen.
     *
     * @return bytes per operation in the best iteration
     */
    public double bestIterationBytesPerOp() {
        String key = secondary.containsKey(ThreadAllocationProfiler.METRIC) ? ThreadAllocationProfiler.METRIC
                : ALLOC_NORM;
        Double min = secondaryMin.get(key);
        if (min != null) {
            return min;
        }
        Double v = secondary.get(key);
        return v == null ? 0.0 : v;
    }

    /**
     * A figure whose error (the half-width of JMH's 99.9 % confidence interval) exceeds the figure itself says
     * nothing reliable: its interval includes zero and anything up to twice the score.
     *
     * @return whether the error exceeds the score; {@code false} when JMH gave no error (a single iteration)
     */
    public boolean noise() {
        return !Double.isNaN(scoreError) && scoreError > Math.abs(score);
    }

    /** @return whether {@code -prof gc} ran for this benchmark */
    public boolean gcProfiled() {
        return secondary.containsKey(ALLOC_RATE) || secondary.containsKey(ALLOC_NORM);
    }

    /** @return the params as {@code k=v,k=v}, or empty */
    public String paramString() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    /**
     * Reads a JMH JSON result file.
     *
     * @param file the {@code -rff} file
     * @return its entries in file order
     * @throws IOException if the file cannot be read or is not JMH JSON
     */
    public static List<JmhResult> read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        }
    }

    /**
     * Parses JMH JSON.
     *
     * @param in the JSON
     * @param source a name for error messages
     * @return the entries
     * @throws IOException if the input is not JMH JSON
     */
    public static List<JmhResult> parse(InputStream in, String source) throws IOException {
        Object root;
        try (JsonParser p = new JsonFactory().createParser(in)) {
            p.nextToken();
            root = value(p);
        }
        if (!(root instanceof List<?> list)) {
            throw new IOException(source + ": expected a JSON array of JMH results");
        }
        List<JmhResult> out = new ArrayList<>();
        for (Object o : list) {
            Map<?, ?> e = map(o, source);
            String benchmark = string(e.get("benchmark"), source, "benchmark");
            String mode = string(e.get("mode"), source, "mode");
            Map<String, String> params = new TreeMap<>();
            if (e.get("params") instanceof Map<?, ?> pm) {
                for (Map.Entry<?, ?> pe : pm.entrySet()) {
                    params.put(String.valueOf(pe.getKey()), String.valueOf(pe.getValue()));
                }
            }
            Map<?, ?> primary = map(e.get("primaryMetric"), source);
            double score = number(primary.get("score"));
            double error = number(primary.get("scoreError"));
            String unit = string(primary.get("scoreUnit"), source, "scoreUnit");
            Map<String, Double> pct = new TreeMap<>((a, b) -> Double.compare(Double.parseDouble(a),
                    Double.parseDouble(b)));
            if (primary.get("scorePercentiles") instanceof Map<?, ?> pp && mode.equals("sample")) {
                for (Map.Entry<?, ?> pe : pp.entrySet()) {
                    pct.put(String.valueOf(pe.getKey()), number(pe.getValue()));
                }
            }
            Map<String, Double> secondary = new LinkedHashMap<>();
            Map<String, Double> secondaryMin = new LinkedHashMap<>();
            if (e.get("secondaryMetrics") instanceof Map<?, ?> sm) {
                for (Map.Entry<?, ?> se : sm.entrySet()) {
                    if (se.getValue() instanceof Map<?, ?> m) {
                        String name = String.valueOf(se.getKey());
                        secondary.put(name, number(m.get("score")));
                        double min = Double.NaN;
                        if (m.get("rawData") instanceof List<?> forks) {
                            for (Object fork : forks) {
                                if (fork instanceof List<?> its) {
                                    for (Object it : its) {
                                        double v = number(it);
                                        min = Double.isNaN(min) || v < min ? v : min;
                                    }
                                }
                            }
                        }
                        if (!Double.isNaN(min)) {
                            secondaryMin.put(name, min);
                        }
                    }
                }
            }
            out.add(new JmhResult(benchmark, mode, Collections.unmodifiableMap(params), score, error, unit,
                    Collections.unmodifiableMap(pct), Collections.unmodifiableMap(secondary),
                    Collections.unmodifiableMap(secondaryMin)));
        }
        return out;
    }

    private static Map<?, ?> map(Object o, String source) throws IOException {
        if (o instanceof Map<?, ?> m) {
            return m;
        }
        throw new IOException(source + ": expected a JSON object, found " + o);
    }

    private static String string(Object o, String source, String what) throws IOException {
        if (o instanceof String s) {
            return s;
        }
        throw new IOException(source + ": expected a string for '" + what + "', found " + o);
    }

    /** JMH writes "NaN" (a string) for undefined errors. */
    private static double number(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        if (o instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    private static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new IOException("unexpected end of JSON");
        }
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String k = p.currentName();
                    p.nextToken();
                    m.put(k, value(p));
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
                throw new IOException("unexpected JSON token " + t);
        }
    }
}
