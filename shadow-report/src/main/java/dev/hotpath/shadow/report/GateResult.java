package dev.hotpath.shadow.report;

/**
 * A gate evaluated on one comparison. Immutable.
 *
 * @param gate the gate
 * @param value the metric's value (NaN when it could not be computed)
 * @param verdict {@code PASS} if the condition holds, else the gate's level; a NaN value gives {@code WARN}
 */
public record GateResult(Gate gate, double value, Verdict verdict) {
    static GateResult evaluate(Gate gate, ShadowComparison c) {
        double v = gate.metric().valueOf(c);
        Verdict verdict;
        if (Double.isNaN(v)) {
            verdict = Verdict.WARN;
        } else {
            verdict = gate.holds(v) ? Verdict.PASS : gate.level();
        }
        return new GateResult(gate, v, verdict);
    }
}
