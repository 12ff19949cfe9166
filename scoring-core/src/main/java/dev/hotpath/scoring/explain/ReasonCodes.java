package dev.hotpath.scoring.explain;

import dev.hotpath.scoring.ConfigurationException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How feature contributions become reason codes: which features make up each code (several features may share one,
 * e.g. every velocity feature → {@code VELOCITY}), which features are never cited, which sign counts as risk, and the
 * smallest amount worth reporting. A code's contribution is the sum of its features' contributions (Shapley values
 * add, so this is the code's exact share of the margin). Independent of any model: feature names are checked when
 * the codes are bound to an explainer ({@link TreeExplainer#reasons(ReasonCodes)}).
 *
 * <p>Ranking: codes whose summed contribution lies in the risk direction by more than
 * {@link #minContribution()} are ordered by that amount, largest first; exact ties keep catalogue order (the codes
 * in the order they were defined, then — when unmapped features are their own codes — those features in the model's
 * order). Features never cited ({@link Builder#exclude(String...)}) are dropped after the contributions are computed:
 * their amount stays in the score and is not spread over the others.
 *
 * <pre>{@code
 * ReasonCodes codes = ReasonCodes.builder()
 *         .code("VELOCITY", "card.txn_count_1h", "card.txn_count_24h")
 *         .code("AMOUNT", "amount", "amount_vs_category")
 *         .exclude("card.customer_age")
 *         .build();
 * }</pre>
 *
 * <p><b>Thread-safety:</b> immutable. Built once at start-up; no method is on the request path.
 */
public final class ReasonCodes {
    /** Which contributions count as reasons. */
    public enum RiskDirection {
        /** Contributions that raised the margin (a fraud or default model, where higher means riskier). */
        POSITIVE,
        /** Contributions that lowered the margin (a score where lower means riskier); reported with their sign. */
        NEGATIVE,
        /** The largest contributions in either direction ("top drivers"), ranked by absolute value. */
        EITHER
    }

    /** What happens to features no code names. */
    public enum Unmapped {
        /** Each is a reason code of its own, named like the feature. */
        OWN_CODE,
        /** They are never cited. */
        EXCLUDE
    }

    private final Map<String, List<String>> codes;
    private final Set<String> excluded;
    private final Unmapped unmapped;
    private final RiskDirection direction;
    private final double minContribution;
    private final int outputGroup;

    private ReasonCodes(Builder b) {
        Map<String, List<String>> c = new LinkedHashMap<>();
        b.codes.forEach((code, features) -> c.put(code, List.copyOf(features)));
        this.codes = Collections.unmodifiableMap(c);
        this.excluded = Collections.unmodifiableSet(new LinkedHashSet<>(b.excluded));
        this.unmapped = b.unmapped;
        this.direction = b.direction;
        this.minContribution = b.minContribution;
        this.outputGroup = b.outputGroup;
    }

    /** @return a builder with no codes: every feature its own code, positive contributions count as risk */
    public static Builder builder() {
        return new Builder();
    }

    /** @return one code per feature, named like the feature; positive contributions count as risk */
    public static ReasonCodes perFeature() {
        return builder().build();
    }

    /** @return the defined codes and their features, in definition order; unmodifiable */
    public Map<String, List<String>> codes() {
        return codes;
    }

    /** @return the features never cited; unmodifiable */
    public Set<String> excluded() {
        return excluded;
    }

    /** @return what happens to features no code names */
    public Unmapped unmapped() {
        return unmapped;
    }

    /** @return which contributions count as reasons */
    public RiskDirection direction() {
        return direction;
    }

    /** @return a code is reported only when its contribution exceeds this in the risk direction ({@code >= 0}) */
    public double minContribution() {
        return minContribution;
    }

    /** @return the output group (class) explained; 0 for single-output models */
    public int outputGroup() {
        return outputGroup;
    }

    @Override
    public String toString() {
        return "ReasonCodes[codes=" + codes + ", excluded=" + excluded + ", unmapped=" + unmapped + ", direction="
                + direction + ", minContribution=" + minContribution + ", outputGroup=" + outputGroup + "]";
    }

    /** Collects and validates a reason-code configuration. Not thread-safe. */
    public static final class Builder {
        private final Map<String, List<String>> codes = new LinkedHashMap<>();
        private final Map<String, String> codeOfFeature = new LinkedHashMap<>();
        private final Set<String> excluded = new LinkedHashSet<>();
        private Unmapped unmapped = Unmapped.OWN_CODE;
        private RiskDirection direction = RiskDirection.POSITIVE;
        private double minContribution;
        private int outputGroup;

        private Builder() {
        }

        /**
         * Adds features to a reason code (a code named again gets more features).
         *
         * @param code the code reported, e.g. {@code VELOCITY}; non-blank
         * @param features model feature names; each feature belongs to at most one code
         * @return this builder
         * @throws ConfigurationException if the code is blank, a feature is blank, excluded or already in a code
         */
        public Builder code(String code, String... features) {
            return code(code, List.of(features));
        }

        /**
         * Adds features to a reason code (a code named again gets more features).
         *
         * @param code the code reported; non-blank
         * @param features model feature names; each feature belongs to at most one code
         * @return this builder
         * @throws ConfigurationException if the code is blank, a feature is blank, excluded or already in a code
         */
        public Builder code(String code, Collection<String> features) {
            if (code == null || code.isBlank()) {
                throw new ConfigurationException("a reason code needs a non-blank name, got '" + code + "'");
            }
            if (features.isEmpty()) {
                throw new ConfigurationException("reason code '" + code + "' names no features");
            }
            List<String> list = codes.computeIfAbsent(code, k -> new ArrayList<>());
            for (String f : features) {
                checkFeature(f, "reason code '" + code + "'");
                String other = codeOfFeature.putIfAbsent(f, code);
                if (other != null) {
                    throw new ConfigurationException("feature '" + f + "' is in reason code '" + other
                            + "' and in '" + code + "'; a feature belongs to one code");
                }
                if (excluded.contains(f)) {
                    throw new ConfigurationException("feature '" + f + "' is excluded and in reason code '" + code
                            + "'");
                }
                list.add(f);
            }
            return this;
        }

        /**
         * Features never to cite (protected attributes, internal ids): dropped after the contributions are computed.
         *
         * @param features model feature names
         * @return this builder
         * @throws ConfigurationException if a feature is blank or in a code
         */
        public Builder exclude(String... features) {
            return exclude(List.of(features));
        }

        /**
         * @param features model feature names never to cite
         * @return this builder
         * @throws ConfigurationException if a feature is blank or in a code
         */
        public Builder exclude(Collection<String> features) {
            for (String f : features) {
                checkFeature(f, "exclude");
                if (codeOfFeature.containsKey(f)) {
                    throw new ConfigurationException("feature '" + f + "' is excluded and in reason code '"
                            + codeOfFeature.get(f) + "'");
                }
                excluded.add(f);
            }
            return this;
        }

        /**
         * @param policy what happens to features no code names (default {@link Unmapped#OWN_CODE})
         * @return this builder
         */
        public Builder unmapped(Unmapped policy) {
            this.unmapped = java.util.Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param d which contributions count as reasons (default {@link RiskDirection#POSITIVE})
         * @return this builder
         */
        public Builder direction(RiskDirection d) {
            this.direction = java.util.Objects.requireNonNull(d, "direction");
            return this;
        }

        /**
         * @param min report a code only when its contribution exceeds this in the risk direction (default 0: every
         *     code that moved the margin that way)
         * @return this builder
         * @throws ConfigurationException if {@code min} is negative or not finite
         */
        public Builder minContribution(double min) {
            if (!(min >= 0 && min < Double.POSITIVE_INFINITY)) {
                throw new ConfigurationException("minContribution must be finite and >= 0, got " + min);
            }
            this.minContribution = min;
            return this;
        }

        /**
         * @param group the output group (class) to explain, default 0
         * @return this builder
         * @throws ConfigurationException if negative
         */
        public Builder outputGroup(int group) {
            if (group < 0) {
                throw new ConfigurationException("outputGroup must be >= 0, got " + group);
            }
            this.outputGroup = group;
            return this;
        }

        /** @return the immutable configuration */
        public ReasonCodes build() {
            return new ReasonCodes(this);
        }

        private static void checkFeature(String f, String where) {
            if (f == null || f.isBlank()) {
                throw new ConfigurationException(where + ": feature names must be non-blank, got '" + f + "'");
            }
        }
    }
}
