package dev.hotpath.shadow.report;

import java.util.Arrays;
import java.util.List;
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
