package dev.hotpath.shadow.report;

import java.util.Locale;
import java.util.Objects;

import dev.hotpath.scoring.ConfigurationException;

/**
 * One promotion gate: a condition a metric must satisfy, e.g. {@code psi < 0.1}, and what happens when it does
 * not ({@link Verdict#WARN} or {@link Verdict#FAIL}). Immutable and thread-safe.
 *
 * @param metric the metric tested
 * @param operator one of {@code <}, {@code <=}, {@code >}, {@code >=}: the metric must satisfy
 *     {@code value operator limit}
 * @param limit the limit
 * @param level the verdict when the condition does not hold: {@code WARN} or {@code FAIL}
 */
public record Gate(GateMetric metric, String operator, double limit, Verdict level) {

    /** Validates the operator and level. */
    public Gate {
        Objects.requireNonNull(metric, "metric");
        if (!"<".equals(operator) && !"<=".equals(operator) && !">".equals(operator) && !">=".equals(operator)) {
            throw new ConfigurationException("gate operator must be <, <=, > or >=, got '" + operator + "'");
        }
        if (!Double.isFinite(limit)) {
            throw new ConfigurationException("gate limit must be finite, got " + limit);
        }
        if (level != Verdict.WARN && level != Verdict.FAIL) {
            throw new ConfigurationException("gate level must be WARN or FAIL, got " + level);
        }
    }

    /**
     * @param value the metric's value
     * @return whether the condition holds; {@code false} for NaN
     */
    public boolean holds(double value) {
        if (Double.isNaN(value)) {
            return false;
        }
        switch (operator) {
            case "<":
                return value < limit;
            case "<=":
                return value <= limit;
            case ">":
                return value > limit;
            default:
                return value >= limit;
        }
    }

    /**
     * Parses {@code [warn:|fail:]metric op limit}, e.g. {@code psi<0.1} (fail level) or
     * {@code warn:spearman>=0.9}.
     *
     * @param expression the expression
     * @return the gate
     * @throws ConfigurationException naming the expression and what was expected
     */
    public static Gate parse(String expression) {
        String e = expression.trim();
        Verdict level = Verdict.FAIL;
        String lower = e.toLowerCase(Locale.ROOT);
        if (lower.startsWith("warn:")) {
            level = Verdict.WARN;
            e = e.substring(5).trim();
        } else if (lower.startsWith("fail:")) {
            e = e.substring(5).trim();
        }
        int i = 0;
        while (i < e.length() && "<>=".indexOf(e.charAt(i)) < 0) {
            i++;
        }
        if (i == 0 || i == e.length()) {
            throw new ConfigurationException("gate '" + expression + "': expected [warn:|fail:]metric<op>limit "
                    + "with op one of <, <=, >, >= (e.g. psi<0.1)");
        }
        int j = i + 1;
        if (j < e.length() && e.charAt(j) == '=') {
            j++;
        }
        String op = e.substring(i, j);
        double limit;
        try {
            limit = Double.parseDouble(e.substring(j).trim());
        } catch (NumberFormatException ex) {
            throw new ConfigurationException("gate '" + expression + "': limit '" + e.substring(j).trim()
                    + "' is not a number");
        }
        return new Gate(GateMetric.fromKey(e.substring(0, i)), op, limit, level);
    }

    @Override
    public String toString() {
        return (level == Verdict.WARN ? "warn:" : "") + metric.key() + operator + limit;
    }
}
