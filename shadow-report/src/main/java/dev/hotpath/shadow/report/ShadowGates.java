package dev.hotpath.shadow.report;

import java.util.ArrayList;
import java.util.List;

import dev.hotpath.scoring.ConfigurationException;

/**
 * The set of gates a report applies to every shadow. Gates only recommend; nothing is promoted automatically.
 * A {@code FAIL}-level gate that does not hold makes the report's verdict {@link Verdict#FAIL} (and
 * {@code hotpath shadow report} exit with 3), so CI can block a promotion. Immutable and thread-safe.
 */
public final class ShadowGates {
    private final List<Gate> gates;

    private ShadowGates(List<Gate> gates) {
        this.gates = List.copyOf(gates);
    }

    /** @return no gates: every report passes */
    public static ShadowGates none() {
        return new ShadowGates(List.of());
    }

    /**
     * The defaults, adapted from common practice for champion/challenger fraud models. Scale-sensitive
     * distribution metrics only warn, because a retrained model may legitimately be calibrated differently; the
     * ranking, decision, reliability and coverage gates can fail:
     * <pre>
     * warn:psi&lt;=0.1  warn:ks&lt;=0.1  warn:js_distance&lt;=0.1
     * warn:spearman&gt;=0.9  spearman&gt;=0.8
     * warn:matched_flip_over_block_rate&lt;=0.5  matched_flip_over_block_rate&lt;=1.0
     * warn:error_rate&lt;=0.0001  error_rate&lt;=0.001
     * warn:coverage&gt;=0.99  coverage&gt;=0.95
     * warn:latency_p99_ratio&lt;=2.0
     * </pre>
     *
     * @return the default gates
     */
    public static ShadowGates defaults() {
        return parse("warn:psi<=0.1, warn:ks<=0.1, warn:js_distance<=0.1, warn:spearman>=0.9, spearman>=0.8,"
                + "warn:matched_flip_over_block_rate<=0.5, matched_flip_over_block_rate<=1.0,"
                + "warn:error_rate<=0.0001, error_rate<=0.001, warn:coverage>=0.99, coverage>=0.95,"
                + "warn:latency_p99_ratio<=2.0");
    }

    /**
     * @param gates the gates
     * @return a set of exactly these gates
     */
    public static ShadowGates of(List<Gate> gates) {
        return new ShadowGates(gates);
    }

    /**
     * Parses comma- or semicolon-separated gate expressions (see {@link Gate#parse(String)}), e.g.
     * {@code "psi<0.1, flip_rate<0.02, warn:spearman>=0.95"}. An empty string gives no gates.
     *
     * @param expressions the expressions
     * @return the gates
     * @throws ConfigurationException for a malformed expression
     */
    public static ShadowGates parse(String expressions) {
        if (expressions == null) {
            throw new ConfigurationException("gate expressions must not be null");
        }
        List<Gate> list = new ArrayList<>();
        for (String part : expressions.split("[,;]")) {
            if (!part.isBlank()) {
                list.add(Gate.parse(part));
            }
        }
        return new ShadowGates(list);
    }

    /**
     * @param gate a gate to add
     * @return a new set with the gate appended
     */
    public ShadowGates with(Gate gate) {
        List<Gate> list = new ArrayList<>(gates);
        list.add(gate);
        return new ShadowGates(list);
    }

    /** @return the gates in order; unmodifiable */
    public List<Gate> gates() {
        return gates;
    }

    @Override
    public String toString() {
        return gates.toString();
    }
}
