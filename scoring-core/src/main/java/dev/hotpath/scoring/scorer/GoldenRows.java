package dev.hotpath.scoring.scorer;

import dev.hotpath.scoring.ConfigurationException;
import dev.hotpath.scoring.Model;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows that a candidate model must score acceptably before a {@link Scorer} swaps it in: the parity gate.
 *
 * <p>Rows are given by feature <em>name</em>, so a candidate with a different feature order (or extra features the
 * rows do not name, which then count as missing) can be checked. Either expected outputs are given (checked within
 * the tolerance), or the candidate must agree with the model currently serving within the tolerance.
 *
 * <p>Immutable and thread-safe.
 */
public final class GoldenRows {
    private final List<String> featureNames;
    private final float[][] rows;
    private final float[][] expected;
    private final float tolerance;

    private GoldenRows(List<String> featureNames, float[][] rows, float[][] expected, float tolerance) {
        this.featureNames = featureNames;
        this.rows = rows;
        this.expected = expected;
        this.tolerance = tolerance;
    }

    /**
     * Golden rows checked against the model currently serving: the candidate's outputs must be within
     * {@code tolerance} (absolute) of the current model's.
     *
     * @param featureNames column names of {@code rows}
     * @param rows the rows (copied)
     * @param tolerance largest allowed absolute difference per output
     * @return the golden rows
     */
    public static GoldenRows agreeWithCurrent(List<String> featureNames, float[][] rows, float tolerance) {
        return new GoldenRows(List.copyOf(featureNames), deepCopy(rows, featureNames.size(), "rows"), null,
                checkTolerance(tolerance));
    }

    /**
     * Golden rows with expected outputs: the candidate's outputs must be within {@code tolerance} of them.
     *
     * @param featureNames column names of {@code rows}
     * @param rows the rows (copied)
     * @param expectedOutputs one array of outputs per row (copied)
     * @param tolerance largest allowed absolute difference per output
     * @return the golden rows
     */
    public static GoldenRows expectOutputs(List<String> featureNames, float[][] rows, float[][] expectedOutputs,
                                           float tolerance) {
        if (expectedOutputs.length != rows.length) {
            throw new ConfigurationException("golden rows: " + rows.length + " rows but " + expectedOutputs.length
                    + " expected outputs; give one array of outputs per row");
        }
        float[][] exp = new float[expectedOutputs.length][];
        for (int i = 0; i < exp.length; i++) {
            exp[i] = expectedOutputs[i].clone();
        }
        return new GoldenRows(List.copyOf(featureNames), deepCopy(rows, featureNames.size(), "rows"), exp,
                checkTolerance(tolerance));
    }

    private static float checkTolerance(float tolerance) {
        if (!(tolerance >= 0)) {
            throw new ConfigurationException("golden rows: tolerance must be >= 0, was " + tolerance);
        }
        return tolerance;
    }

    private static float[][] deepCopy(float[][] rows, int width, String what) {
        if (rows.length == 0) {
            throw new ConfigurationException("golden rows: give at least one row");
        }
        float[][] copy = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != width) {
                throw new ConfigurationException("golden " + what + "[" + i + "] has " + rows[i].length
                        + " values but " + width + " feature names were given");
            }
            copy[i] = rows[i].clone();
        }
        return copy;
    }

    /** @return whether the rows carry expected outputs (else candidates are compared with the serving model) */
    boolean hasExpectedOutputs() {
        return expected != null;
    }

    /** @return number of rows */
    public int size() {
        return rows.length;
    }

    /**
     * Checks a candidate. Cold path.
     *
     * @param candidate the model to check
     * @param current the model serving now (used when no expected outputs were given)
     * @return {@code null} when the candidate passes, else a report of what failed
     */
    String check(Model candidate, Model current) {
        Map<String, Integer> column = new HashMap<>();
        for (int i = 0; i < featureNames.size(); i++) {
            column.put(featureNames.get(i), i);
        }
        if (expected == null && candidate.numOutputs() != current.numOutputs()) {
            return "candidate has " + candidate.numOutputs() + " outputs, the serving model " + current.numOutputs();
        }
        float[] candRow = new float[candidate.numFeatures()];
        float[] curRow = new float[current.numFeatures()];
        float[] candOut = new float[candidate.numOutputs()];
        float[] curOut = new float[current.numOutputs()];
        StringBuilder failures = new StringBuilder();
        int failed = 0;
        float maxDiff = 0;
        for (int r = 0; r < rows.length; r++) {
            fill(candidate, column, rows[r], candRow);
            candidate.score(candRow, candOut);
            float[] want;
            if (expected != null) {
                want = expected[r];
                if (want.length != candOut.length) {
                    return "golden row " + r + " expects " + want.length + " outputs, the candidate produces "
                            + candOut.length;
                }
            } else {
                fill(current, column, rows[r], curRow);
                current.score(curRow, curOut);
                want = curOut;
            }
            for (int k = 0; k < candOut.length; k++) {
                float diff = Math.abs(candOut[k] - want[k]);
                boolean bothNaN = Float.isNaN(candOut[k]) && Float.isNaN(want[k]);
                if (!bothNaN && !(diff <= tolerance)) {
                    if (failed++ < 5) {
                        failures.append("\n  row ").append(r).append(" output ").append(k).append(": expected ")
                                .append(want[k]).append(", candidate ").append(candOut[k]);
                    }
                }
                if (diff > maxDiff) {
                    maxDiff = diff;
                }
            }
        }
        if (failed == 0) {
            return null;
        }
        return failed + " golden output(s) differ by more than " + tolerance + " (max difference " + maxDiff + ")"
                + (expected == null ? " from the serving model" : " from the expected outputs") + ":" + failures;
    }

    private static void fill(Model model, Map<String, Integer> column, float[] src, float[] dst) {
        List<String> names = model.featureNames();
        for (int i = 0; i < dst.length; i++) {
            Integer c = column.get(names.get(i));
            dst[i] = c == null ? Float.NaN : src[c];
        }
    }
}
