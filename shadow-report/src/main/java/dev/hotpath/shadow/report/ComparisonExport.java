package dev.hotpath.shadow.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.shadow.JvmFlags;
import dev.hotpath.shadow.ShadowEvalException;
import dev.hotpath.shadow.log.ComparisonRecord;
import dev.hotpath.shadow.log.FeaturesRecord;
import dev.hotpath.shadow.log.LogRecordVisitor;
import dev.hotpath.shadow.log.ModelDescriptor;
import dev.hotpath.shadow.log.ShadowLogFormat;
import dev.hotpath.shadow.log.ShadowLogReader;

/**
 * The raw comparison records of shadow logs as a table, for notebooks and Spark: one row per comparison record with
 * the request id, time, both models and scores, the decision at each model's threshold, the record's flags, the
 * amount and segment key the service passed, and the captured features when the request's features were captured.
 * {@link #writeCsv(Path)} writes it; {@code hotpath shadow export} uses this for CSV and, through the spark module,
 * for Parquet.
 *
 * <p>Columns, in order ({@link #COLUMNS}, then {@code feature_0 .. feature_<n-1>} for the widest captured row):
 * request_id, epoch_nanos, time (ISO-8601 UTC), primary_model, primary_model_id, primary_score, primary_threshold,
 * primary_blocks, shadow_model, shadow_model_id, shadow_score, shadow_threshold, shadow_blocks, shadow_error,
 * breaker_open, over_budget, replayed, primary_latency_nanos, shadow_latency_nanos, amount_minor, segment_key,
 * sample_rate. A threshold unknown to the log (and not given) is empty and so are the decisions at it; features of
 * a request that was not captured are empty (null). Blocks means {@code score >= threshold}.
 *
 * <p><b>Thread-safety:</b> immutable once built. <b>Allocation:</b> cold path, about 100 bytes per record plus the
 * captured features.
 */
public final class ComparisonExport {
    /** The fixed columns, before the feature columns. */
    public static final List<String> COLUMNS = List.of("request_id", "epoch_nanos", "time", "primary_model",
            "primary_model_id", "primary_score", "primary_threshold", "primary_blocks", "shadow_model",
            "shadow_model_id", "shadow_score", "shadow_threshold", "shadow_blocks", "shadow_error", "breaker_open",
            "over_budget", "replayed", "primary_latency_nanos", "shadow_latency_nanos", "amount_minor",
            "segment_key", "sample_rate");

    /**
     * One comparison record. Immutable; {@code features} must not be modified.
     *
     * @param requestId the caller's request id
     * @param epochNanos when the primary decided
     * @param primaryModel the primary's name ({@code primary-<id>} without a MODEL_INFO record)
     * @param primaryModelId its log id
     * @param primaryScore its score
     * @param primaryThreshold its threshold, NaN when unknown
     * @param shadowModel the shadow's name
     * @param shadowModelId its log id
     * @param shadowScore its score (NaN when it failed)
     * @param shadowThreshold its threshold, NaN when unknown
     * @param flags the record's {@code ShadowLogFormat.FLAG_*} bits
     * @param primaryLatencyNanos the primary's latency (0: not timed)
     * @param shadowLatencyNanos the shadow's latency
     * @param amountMinor the amount the service passed (minor units, 0 when none)
     * @param segmentKey the segment key the service passed
     * @param sampleRateE4 the sampling rate in 1/10,000
     * @param features the captured features, or {@code null}
     */
    public record Row(long requestId, long epochNanos, String primaryModel, int primaryModelId, float primaryScore,
            float primaryThreshold, String shadowModel, int shadowModelId, float shadowScore, float shadowThreshold,
            int flags, int primaryLatencyNanos, int shadowLatencyNanos, long amountMinor, int segmentKey,
            int sampleRateE4, float[] features) {

        /** @return whether the primary blocks ({@code score >= threshold}); false when its threshold is unknown */
        public boolean primaryBlocks() {
            return primaryScore >= primaryThreshold;
        }

        /** @return whether the shadow blocks; false when its threshold is unknown or its score NaN */
        public boolean shadowBlocks() {
            return shadowScore >= shadowThreshold;
        }

        /**
         * @param flag a {@code ShadowLogFormat.FLAG_*} bit
         * @return whether the record has it
         */
        public boolean has(int flag) {
            return (flags & flag) != 0;
        }
    }

    private final List<Row> rows;
    private final int featureColumns;

    private ComparisonExport(List<Row> rows, int featureColumns) {
        this.rows = List.copyOf(rows);
        this.featureColumns = featureColumns;
    }

    /**
     * Reads the comparison records of shadow logs.
     *
     * @param logs log directories or files
     * @param threshold the threshold for both models' decisions, or NaN to use each model's from the log
     * @return the table
     * @throws ConfigurationException if no log is given or the threshold is infinite
     * @throws ShadowEvalException if a log path does not exist or holds no log file
     */
    public static ComparisonExport read(List<Path> logs, float threshold) {
        if (logs.isEmpty()) {
            throw new ConfigurationException("give at least one shadow log directory or file");
        }
        if (Float.isInfinite(threshold)) {
            throw new ConfigurationException("threshold must be finite, got " + threshold);
        }
        JvmFlags.requireAgronaAccess();
        LogPaths.requireLogFiles(logs);
        Collector c = new Collector();
        ShadowLogReader.read(logs, c);
        List<Row> rows = new ArrayList<>(c.records.size());
        int width = 0;
        for (long[] r : c.records) {
            int pid = (int) r[3];
            int sid = (int) r[4];
            ModelDescriptor p = c.models.get(pid);
            ModelDescriptor s = c.models.get(sid);
            float[] f = c.features.get(r[0]);
            width = Math.max(width, f == null ? 0 : f.length);
            rows.add(new Row(r[0], r[1], p == null ? "primary-" + pid : p.name(), pid,
                    Float.intBitsToFloat((int) r[2]), !Float.isNaN(threshold) ? threshold
                            : p == null ? Float.NaN : p.threshold(),
                    s == null ? "shadow-" + sid : s.name(), sid, Float.intBitsToFloat((int) r[5]),
                    !Float.isNaN(threshold) ? threshold : s == null ? Float.NaN : s.threshold(), (int) r[6],
                    (int) r[7], (int) r[8], r[9], (int) r[10], (int) r[11], f));
        }
        return new ComparisonExport(rows, width);
    }

    /** @return the rows, in reading order */
    public List<Row> rows() {
        return rows;
    }

    /** @return the number of {@code feature_i} columns: the widest captured feature row */
    public int featureColumns() {
        return featureColumns;
    }

    /** @return every column name: {@link #COLUMNS}, then {@code feature_0 ..} */
    public List<String> columnNames() {
        List<String> names = new ArrayList<>(COLUMNS);
        for (int i = 0; i < featureColumns; i++) {
            names.add("feature_" + i);
        }
        return names;
    }

    /**
     * Writes the table as CSV (UTF-8, header, comma-separated, empty = null; floats in Java's shortest
     * round-tripping form, so every score reads back bit-identical).
     *
     * @param file destination, overwritten
     * @throws ShadowEvalException if it cannot be written
     */
    public void writeCsv(Path file) {
        Objects.requireNonNull(file, "file");
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(String.join(",", columnNames()));
            w.write('\n');
            StringBuilder sb = new StringBuilder(256);
            for (Row r : rows) {
                sb.setLength(0);
                sb.append(r.requestId()).append(',').append(r.epochNanos()).append(',')
                        .append(Instant.ofEpochSecond(0, r.epochNanos())).append(',').append(csv(r.primaryModel()))
                        .append(',').append(r.primaryModelId()).append(',').append(num(r.primaryScore())).append(',')
                        .append(threshold(r.primaryThreshold())).append(',')
                        .append(Float.isNaN(r.primaryThreshold()) ? "" : r.primaryBlocks()).append(',')
                        .append(csv(r.shadowModel())).append(',').append(r.shadowModelId()).append(',')
                        .append(num(r.shadowScore())).append(',').append(threshold(r.shadowThreshold())).append(',')
                        .append(Float.isNaN(r.shadowThreshold()) ? "" : r.shadowBlocks()).append(',')
                        .append(r.has(ShadowLogFormat.FLAG_SHADOW_ERROR)).append(',')
                        .append(r.has(ShadowLogFormat.FLAG_BREAKER_OPEN)).append(',')
                        .append(r.has(ShadowLogFormat.FLAG_OVER_BUDGET)).append(',')
                        .append(r.has(ShadowLogFormat.FLAG_REPLAY)).append(',').append(r.primaryLatencyNanos())
                        .append(',').append(r.shadowLatencyNanos()).append(',').append(r.amountMinor()).append(',')
                        .append(r.segmentKey()).append(',').append(r.sampleRateE4() / 10_000.0);
                float[] f = r.features();
                for (int i = 0; i < featureColumns; i++) {
                    sb.append(',');
                    if (f != null && i < f.length) {
                        sb.append(num(f[i]));
                    }
                }
                sb.append('\n');
                w.append(sb);
            }
        } catch (IOException e) {
            throw new ShadowEvalException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** A score: NaN (a failed shadow) is written as {@code NaN}. */
    private static String num(float v) {
        return Float.toString(v);
    }

    /** A threshold: NaN means unknown, written empty. */
    private static String threshold(float v) {
        return Float.isNaN(v) ? "" : Float.toString(v);
    }

    private static String csv(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** Keeps the comparison records as primitives and the captured features by request id. */
    private static final class Collector implements LogRecordVisitor {
        final List<long[]> records = new ArrayList<>();
        final Map<Long, float[]> features = new HashMap<>();
        final Map<Integer, ModelDescriptor> models = new HashMap<>();

        @Override
        public void onComparison(ComparisonRecord r) {
            records.add(new long[] {r.requestId(), r.epochNanos(), Float.floatToRawIntBits(r.primaryScore()),
                r.primaryModelId(), r.shadowModelId(), Float.floatToRawIntBits(r.shadowScore()), r.flags(),
                r.primaryLatencyNanos(), r.shadowLatencyNanos(), r.amountMinor(), r.segmentKey(),
                r.sampleRateE4()});
        }

        @Override
        public void onFeatures(FeaturesRecord r) {
            float[] f = new float[r.count()];
            r.copyFeatures(f);
            features.put(r.requestId(), f);
        }

        @Override
        public void onModelInfo(ModelDescriptor model, long epochNanos) {
            models.put(model.modelId(), model);
        }
    }
}
