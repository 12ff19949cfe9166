package dev.hotpath.shadow.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.hotpath.scoring.ConfigurationException;

/**
 * The options of {@code hotpath shadow report}, for {@link ShadowReportCommand#run}. Immutable and thread-safe;
 * built with {@link #builder()}.
 *
 * <pre>
 * hotpath shadow report --log DIR [--log DIR ...] [--labels FILE] [--threshold T] [--json OUT] [--html OUT]
 *                       [--gates "psi&lt;0.25,spearman&gt;=0.9"] [--no-default-gates] [--quiet]
 * </pre>
 */
public final class ShadowReportOptions {
    private final List<Path> logs;
    private final Path labels;
    private final Float threshold;
    private final Path json;
    private final Path html;
    private final ShadowGates gates;
    private final boolean text;

    private ShadowReportOptions(Builder b) {
        this.logs = List.copyOf(b.logs);
        this.labels = b.labels;
        this.threshold = b.threshold;
        this.json = b.json;
        this.html = b.html;
        this.gates = b.gates;
        this.text = b.text;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the log directories or files */
    public List<Path> logs() {
        return logs;
    }

    /** @return the labels CSV, or {@code null} */
    public Path labels() {
        return labels;
    }

    /** @return the threshold override for all models, or {@code null} to use the log's */
    public Float threshold() {
        return threshold;
    }

    /** @return where to write JSON, or {@code null} */
    public Path json() {
        return json;
    }

    /** @return where to write HTML, or {@code null} */
    public Path html() {
        return html;
    }

    /** @return the gates */
    public ShadowGates gates() {
        return gates;
    }

    /** @return whether the text report is printed */
    public boolean text() {
        return text;
    }

    /** Builds {@link ShadowReportOptions}; setters validate eagerly. Not thread-safe. */
    public static final class Builder {
        private final List<Path> logs = new ArrayList<>();
        private Path labels;
        private Float threshold;
        private Path json;
        private Path html;
        private ShadowGates gates = ShadowGates.defaults();
        private boolean text = true;

        private Builder() {
        }

        /**
         * @param dir {@code --log DIR} (repeatable)
         * @return this
         */
        public Builder log(Path dir) {
            logs.add(Objects.requireNonNull(dir, "log"));
            return this;
        }

        /**
         * @param file {@code --labels FILE}, a CSV {@code request_id,label}
         * @return this
         */
        public Builder labels(Path file) {
            this.labels = file;
            return this;
        }

        /**
         * @param t {@code --threshold T}: decision threshold for primary and shadows
         * @return this
         */
        public Builder threshold(float t) {
            if (!Float.isFinite(t)) {
                throw new ConfigurationException("--threshold must be a finite number, got " + t);
            }
            this.threshold = t;
            return this;
        }

        /**
         * @param out {@code --json OUT}
         * @return this
         */
        public Builder json(Path out) {
            this.json = out;
            return this;
        }

        /**
         * @param out {@code --html OUT}
         * @return this
         */
        public Builder html(Path out) {
            this.html = out;
            return this;
        }

        /**
         * @param gates the gates ({@code --gates}); default {@link ShadowGates#defaults()}
         * @return this
         */
        public Builder gates(ShadowGates gates) {
            this.gates = Objects.requireNonNull(gates, "gates");
            return this;
        }

        /**
         * @param text print the text report ({@code false} for {@code --quiet}); default {@code true}
         * @return this
         */
        public Builder text(boolean text) {
            this.text = text;
            return this;
        }

        /**
         * @return the options
         * @throws ConfigurationException if no log was given
         */
        public ShadowReportOptions build() {
            if (logs.isEmpty()) {
                throw new ConfigurationException("--log DIR is required");
            }
            return new ShadowReportOptions(this);
        }
    }
}
