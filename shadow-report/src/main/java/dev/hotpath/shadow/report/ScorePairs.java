package dev.hotpath.shadow.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.shadow.log.ModelDescriptor;
import dev.hotpath.shadow.log.ShadowLogFormat;

/**
 * Score pairs from any source — a backtest over a historical table, a notebook, another scoring system — for the
 * same comparison report a shadow log gets: {@code ShadowReport.builder()...build(pairs)} computes every statistic
 * through the same code as {@link ShadowReport.Builder#build()} does for a log, with the current model in the
 * primary's place and the candidate in the shadow's.
 *
 * <pre>{@code
 * ScorePairs pairs = ScorePairs.builder("fraud-v7", "fraud-v8")
 *         .add(rowId, currentScore, candidateScore, label)     // label 1 fraud, 0 genuine, -1 unknown
 *         ...
 *         .build();
 * ShadowReport report = ShadowReport.builder().threshold(0.8f).build(pairs);
 * }</pre>
 *
 * <p>With a weight ({@link Builder#weight(String)}, e.g. the amount) and segment columns
 * ({@link Builder#segments(String...)}, e.g. country), pass each pair's values to
 * {@link Builder#add(long, float, float, int, double, String...)}: the report then adds amount-weighted metrics and
 * per-segment metrics (see {@link SliceSummary}).
 *
 * <p>What a log has and pairs do not is reported as unknown: latency, coverage and drops (gates on them give
 * {@code WARN}, so backtests usually gate without them). A pair whose candidate score is not finite counts as a
 * candidate error, as in a shadow log.
 *
 * <p><b>Thread-safety:</b> built pairs are immutable; the builder is not thread-safe. <b>Allocation:</b> cold path,
 * about 20 bytes per pair.
 */
public final class ScorePairs {
    private final ModelDescriptor current;
    private final ModelDescriptor candidate;
    private final List<String> sources;
    private final String labelsSource;
    private final int size;
    private final long[] ids;
    private final float[] currentScores;
    private final float[] candidateScores;
    private final byte[] labels;
    private final boolean labelled;
    private final String weightName;
    private final double[] weights;
    private final List<String> segmentNames;
    private final int[][] segmentCodes;
    private final List<List<String>> segmentValues;

    private ScorePairs(Builder b) {
        this.current = b.current;
        this.candidate = b.candidate;
        this.sources = List.copyOf(b.sources);
        this.labelsSource = b.labelsSource;
        this.size = b.size;
        this.ids = Arrays.copyOf(b.ids, b.size);
        this.currentScores = Arrays.copyOf(b.currentScores, b.size);
        this.candidateScores = Arrays.copyOf(b.candidateScores, b.size);
        this.labels = Arrays.copyOf(b.labels, b.size);
        this.labelled = b.labelled;
        this.weightName = b.weightName;
        this.weights = b.weightName == null ? null : Arrays.copyOf(b.weights, b.size);
        this.segmentNames = b.segmentNames;
        this.segmentCodes = new int[b.segmentNames.size()][];
        List<List<String>> values = new ArrayList<>();
        for (int j = 0; j < segmentCodes.length; j++) {
            segmentCodes[j] = Arrays.copyOf(b.segmentCodes[j], b.size);
            values.add(List.copyOf(b.segmentValues.get(j)));
        }
        this.segmentValues = List.copyOf(values);
    }

    /**
     * @param currentName the model in production (the primary's place in the report)
     * @param candidateName the model under test (the shadow's place)
     * @return an empty builder
     */
    public static Builder builder(String currentName, String candidateName) {
        return new Builder(currentName, candidateName);
    }

    /** @return the number of pairs */
    public int size() {
        return size;
    }

    /** The pairs as one shadow's comparison records: the candidate has id 1, the current model id 0. */
    LogDataset toDataset() {
        LogDataset d = new LogDataset(Integer.MAX_VALUE);
        LogDataset.Columns c = new LogDataset.Columns();
        c.size = size;
        c.requestId = ids.clone();
        c.epoch = new long[size];
        c.primary = currentScores.clone();
        c.shadow = candidateScores.clone();
        c.flags = new byte[size];
        for (int i = 0; i < size; i++) {
            if (!Float.isFinite(candidateScores[i])) {
                c.flags[i] = (byte) ShadowLogFormat.FLAG_SHADOW_ERROR;
            }
        }
        c.primaryLatency = new int[size];
        c.shadowLatency = new int[size];
        c.primaryModel = new int[size];
        c.sampleRate = new int[size];
        Arrays.fill(c.sampleRate, 10_000);
        d.shadows.put(candidate.modelId(), c);
        d.models.put(current.modelId(), current);
        d.models.put(candidate.modelId(), candidate);
        d.summary = new dev.hotpath.shadow.log.ReadSummary(0, 0, size, 0, List.of(), 0, List.of());
        return d;
    }

    /** @return the labels as a label set, or {@code null} when no pair was labelled */
    LabelFile toLabels() {
        if (!labelled) {
            return null;
        }
        int np = 0;
        int nn = 0;
        for (byte l : labels) {
            np += l == 1 ? 1 : 0;
            nn += l == 0 ? 1 : 0;
        }
        long[] pos = new long[np];
        long[] neg = new long[nn];
        np = 0;
        nn = 0;
        for (int i = 0; i < size; i++) {
            if (labels[i] == 1) {
                pos[np++] = ids[i];
            } else if (labels[i] == 0) {
                neg[nn++] = ids[i];
            }
        }
        return LabelFile.of(labelsSource, pos, neg, np + nn);
    }

    List<String> sources() {
        return sources;
    }

    /** @return the weight and segment columns, indexed like {@link #toDataset()}'s rows */
    Slices.Dimensions dimensions() {
        return new Slices.Dimensions(weightName, weights, segmentNames, Arrays.asList(segmentCodes), segmentValues);
    }

    /** @return the current model's descriptor with a threshold (NaN: unknown) */
    ModelDescriptor current() {
        return current;
    }

    /** @return the candidate's descriptor */
    ModelDescriptor candidate() {
        return candidate;
    }

    /** Collects pairs. Not thread-safe. */
    public static final class Builder {
        private final ModelDescriptor current;
        private final ModelDescriptor candidate;
        private List<String> sources = List.of();
        private String labelsSource = "labels";
        private int size;
        private long[] ids = new long[1024];
        private float[] currentScores = new float[1024];
        private float[] candidateScores = new float[1024];
        private byte[] labels = new byte[1024];
        private boolean labelled;
        private String weightName;
        private double[] weights = new double[0];
        private List<String> segmentNames = List.of();
        private int[][] segmentCodes = new int[0][];
        private List<List<String>> segmentValues = List.of();
        private List<Map<String, Integer>> segmentIndex = List.of();

        private Builder(String currentName, String candidateName) {
            this.current = new ModelDescriptor(0, ShadowLogFormat.ROLE_PRIMARY, name(currentName, "current"), "", "",
                    "", Float.NaN, -1, 0, 0);
            this.candidate = new ModelDescriptor(1, ShadowLogFormat.ROLE_SHADOW,
                    name(candidateName, "candidate"), "", "", "", Float.NaN, -1, 0, 0);
        }

        private static String name(String name, String what) {
            if (name == null || name.isBlank()) {
                throw new ConfigurationException(what + " model name must be non-empty");
            }
            return name;
        }

        /**
         * @param inputs what the pairs were computed from (shown as the report's inputs), e.g. table paths
         * @return this
         */
        public Builder sources(List<String> inputs) {
            this.sources = List.copyOf(inputs);
            return this;
        }

        /**
         * @param description where the labels come from (shown in the report), e.g. {@code column is_fraud}
         * @return this
         */
        public Builder labelsSource(String description) {
            this.labelsSource = Objects.requireNonNull(description, "description");
            return this;
        }

        /**
         * Gives every pair a weight, e.g. the payment amount, for amount-weighted precision, recall and block rate.
         * Call before the first {@code add}.
         *
         * @param name what the weight is (shown in the report), e.g. {@code amount}
         * @return this
         * @throws ConfigurationException if the name is blank or pairs were added already
         */
        public Builder weight(String name) {
            requireEmpty("weight");
            this.weightName = name(name, "weight");
            this.weights = new double[ids.length];
            return this;
        }

        /**
         * Gives every pair a value in each of these segment columns (e.g. country, merchant category), for
         * per-segment metrics. Call before the first {@code add}.
         *
         * @param names the segment columns, in the order {@code add} passes their values
         * @return this
         * @throws ConfigurationException if a name is blank or repeated, or pairs were added already
         */
        public Builder segments(String... names) {
            requireEmpty("segments");
            List<String> list = new ArrayList<>();
            for (String n : names) {
                if (list.contains(name(n, "segment column"))) {
                    throw new ConfigurationException("segment column '" + n + "' given twice");
                }
                list.add(n);
            }
            this.segmentNames = List.copyOf(list);
            this.segmentCodes = new int[list.size()][ids.length];
            this.segmentValues = new ArrayList<>();
            this.segmentIndex = new ArrayList<>();
            for (int j = 0; j < list.size(); j++) {
                segmentValues.add(new ArrayList<>());
                segmentIndex.add(new HashMap<>());
            }
            return this;
        }

        private void requireEmpty(String what) {
            if (size > 0) {
                throw new ConfigurationException(what + " must be declared before the first pair is added");
            }
        }

        /**
         * Adds a pair with its weight and segment values.
         *
         * @param id the row's id (unique; the report's disagreement tables show it)
         * @param currentScore the current model's score
         * @param candidateScore the candidate's score
         * @param label 1 positive (fraud), 0 negative, -1 unknown
         * @param weight the pair's weight, finite and {@code >= 0}; ignored without {@link #weight(String)}
         * @param segmentValues one value per {@link #segments(String...)} column, {@code null} allowed (shown as
         *     {@code (null)})
         * @return this
         * @throws ConfigurationException if the label is not -1, 0 or 1, the weight is negative or not finite, or
         *     the number of segment values differs from the number of segment columns
         */
        public Builder add(long id, float currentScore, float candidateScore, int label, double weight,
                String... segmentValues) {
            if (weightName != null && !(weight >= 0 && weight < Double.POSITIVE_INFINITY)) {
                throw new ConfigurationException("weight '" + weightName + "' must be finite and >= 0, got " + weight
                        + " for row " + id);
            }
            if (segmentValues.length != segmentNames.size()) {
                throw new ConfigurationException("row " + id + " has " + segmentValues.length
                        + " segment value(s); expected one per segment column " + segmentNames);
            }
            append(id, currentScore, candidateScore, label);
            int i = size - 1;
            if (weightName != null) {
                if (weights.length <= i) {
                    weights = Arrays.copyOf(weights, ids.length);
                }
                weights[i] = weight;
            }
            for (int j = 0; j < segmentValues.length; j++) {
                if (segmentCodes[j].length <= i) {
                    segmentCodes[j] = Arrays.copyOf(segmentCodes[j], ids.length);
                }
                String v = segmentValues[j] == null ? Slices.NULL_SEGMENT : segmentValues[j];
                List<String> dict = this.segmentValues.get(j);
                segmentCodes[j][i] = segmentIndex.get(j).computeIfAbsent(v, k -> {
                    dict.add(k);
                    return dict.size() - 1;
                });
            }
            return this;
        }

        /**
         * Adds an unlabelled pair.
         *
         * @param id the row's id (unique; the report's disagreement tables show it)
         * @param currentScore the current model's score
         * @param candidateScore the candidate's score
         * @return this
         */
        public Builder add(long id, float currentScore, float candidateScore) {
            return add(id, currentScore, candidateScore, -1);
        }

        /**
         * Adds a pair.
         *
         * @param id the row's id (unique; the report's disagreement tables show it)
         * @param currentScore the current model's score
         * @param candidateScore the candidate's score
         * @param label 1 positive (fraud), 0 negative, -1 unknown
         * @return this
         * @throws ConfigurationException if the label is not -1, 0 or 1
         */
        public Builder add(long id, float currentScore, float candidateScore, int label) {
            if (weightName != null || !segmentNames.isEmpty()) {
                throw new ConfigurationException("pairs with a weight or segments need add(id, current, candidate,"
                        + " label, weight, segments...)");
            }
            return append(id, currentScore, candidateScore, label);
        }

        private Builder append(long id, float currentScore, float candidateScore, int label) {
            if (label < -1 || label > 1) {
                throw new ConfigurationException("label must be 1, 0 or -1 (unknown), got " + label + " for row "
                        + id);
            }

            if (size == ids.length) {
                int n = size + (size >> 1);
                ids = Arrays.copyOf(ids, n);
                currentScores = Arrays.copyOf(currentScores, n);
                candidateScores = Arrays.copyOf(candidateScores, n);
                labels = Arrays.copyOf(labels, n);
            }
            ids[size] = id;
            currentScores[size] = currentScore;
            candidateScores[size] = candidateScore;
            labels[size] = (byte) label;
            labelled |= label >= 0;
            size++;
            return this;
        }

        /**
         * Marks the pairs as labelled even if no pair has a label yet (the report then says none is labelled).
         *
         * @return this
         */
        public Builder labelled() {
            this.labelled = true;
            return this;
        }

        /** @return the immutable pairs */
        public ScorePairs build() {
            return new ScorePairs(this);
        }
    }
}
