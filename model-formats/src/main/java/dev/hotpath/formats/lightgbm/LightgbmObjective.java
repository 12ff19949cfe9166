package dev.hotpath.formats.lightgbm;

import dev.hotpath.scoring.ModelFormatException;
import dev.hotpath.scoring.model.DoubleOutputTransform;
import dev.hotpath.scoring.model.DoubleOutputTransform.Kind;
import java.util.Locale;

/**
 * LightGBM's {@code objective=} header line resolved to the output transform LightGBM applies at prediction
 * ({@code ObjectiveFunction::CreateObjectiveFunction(ParseObjectiveAlias(line))} and each objective's
 * {@code ConvertOutput}, LightGBM 4.x). Parameters are read as LightGBM reads them: {@code sigmoid:} with LightGBM's
 * own (not correctly rounded) {@code Common::Atof}, so a file's {@code sigmoid:1.23457} gives LightGBM's double.
 *
 * <p>Stateless; package-private.
 */
final class LightgbmObjective {
    static final String KNOWN = "regression, regression_l1, huber, fair, quantile, mape, poisson, gamma, tweedie, "
            + "binary, multiclass, multiclassova, cross_entropy, cross_entropy_lambda, lambdarank, rank_xendcg, custom";

    private LightgbmObjective() {
    }

    /**
     * @param line the value of the {@code objective=} header, or {@code null} when absent
     * @param numOutputs {@code num_tree_per_iteration}
     * @return the transform (identity for no or a custom objective)
     * @throws ModelFormatException for an unknown objective, missing or invalid parameters, or an output count that
     *     does not fit the objective
     */
    static DoubleOutputTransform transform(String line, int numOutputs, String source) {
        if (line == null) {
            return DoubleOutputTransform.identity();
        }
        String[] tokens = alias(line).trim().split(" +");
        String name = tokens[0];
        switch (name) {
            case "custom":
                return DoubleOutputTransform.identity();
            case "regression":
            case "regression_l1":
            case "fair":
            case "quantile":
            case "mape":
                single(name, numOutputs, source);
                return has(tokens, "sqrt") ? DoubleOutputTransform.of(Kind.SIGNED_SQUARE)
                        : DoubleOutputTransform.identity();
            case "huber": // LightGBM switches sqrt off for huber
            case "lambdarank":
            case "rank_xendcg":
                single(name, numOutputs, source);
                return DoubleOutputTransform.identity();
            case "poisson":
            case "gamma":
            case "tweedie":
                single(name, numOutputs, source);
                return DoubleOutputTransform.of(Kind.EXP);
            case "cross_entropy":
                single(name, numOutputs, source);
                return DoubleOutputTransform.sigmoid(1.0);
            case "cross_entropy_lambda":
                single(name, numOutputs, source);
                return DoubleOutputTransform.of(Kind.LOG1P_EXP);
            case "binary":
                single(name, numOutputs, source);
                return DoubleOutputTransform.sigmoid(sigmoid(tokens, line, source));
            case "multiclass":
                classes(tokens, line, numOutputs, source);
                return DoubleOutputTransform.of(Kind.SOFTMAX);
            case "multiclassova":
                classes(tokens, line, numOutputs, source);
                return DoubleOutputTransform.sigmoid(sigmoid(tokens, line, source));
            default:
                throw new ModelFormatException(source, "objective", "unknown objective '"
                        + LightgbmTextParser.abbreviate(name) + "' (LightGBM refuses it too); expected one of "
                        + KNOWN);
        }
    }

    /** LightGBM's {@code ParseObjectiveAlias}, applied to the whole line as LightGBM's model loader does. */
    static String alias(String type) {
        switch (type) {
            case "regression_l2": case "mean_squared_error": case "mse": case "l2": case "l2_root":
            case "root_mean_squared_error": case "rmse":
                return "regression";
            case "mean_absolute_error": case "l1": case "mae":
                return "regression_l1";
            case "softmax":
                return "multiclass";
            case "multiclass_ova": case "ova": case "ovr":
                return "multiclassova";
            case "xentropy":
                return "cross_entropy";
            case "xentlambda":
                return "cross_entropy_lambda";
            case "mean_absolute_percentage_error":
                return "mape";
            case "xendcg": case "xe_ndcg": case "xe_ndcg_mart": case "xendcg_mart":
                return "rank_xendcg";
            case "none": case "null": case "na":
                return "custom";
            default:
                return type;
        }
    }

    private static boolean has(String[] tokens, String flag) {
        for (int i = 1; i < tokens.length; i++) {
            if (tokens[i].equals(flag)) {
                return true;
            }
        }
        return false;
    }

    /** @return the value of parameter {@code key:value}, or {@code null} */
    private static String param(String[] tokens, String key) {
        for (int i = 1; i < tokens.length; i++) {
            String[] kv = tokens[i].split(":", -1);
            if (kv.length == 2 && kv[0].equals(key)) {
                return kv[1];
            }
        }
        return null;
    }

    private static double sigmoid(String[] tokens, String line, String source) {
        String s = param(tokens, "sigmoid");
        double v = s == null ? -1 : atof(s);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new ModelFormatException(source, "objective", "'" + LightgbmTextParser.abbreviate(line)
                    + "' needs a sigmoid:<value> parameter greater than zero, found " + (s == null ? "none" : s));
        }
        return v;
    }

    private static void classes(String[] tokens, String line, int numOutputs, String source) {
        String s = param(tokens, "num_class");
        int k;
        try {
            k = s == null ? -1 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            k = -1;
        }
        if (k != numOutputs) {
            throw new ModelFormatException(source, "objective", "'" + LightgbmTextParser.abbreviate(line)
                    + "' needs num_class:<K> equal to num_tree_per_iteration (" + numOutputs + "), found "
                    + (s == null ? "none" : s));
        }
    }

    private static void single(String name, int numOutputs, String source) {
        if (numOutputs != 1) {
            throw new ModelFormatException(source, "num_tree_per_iteration", "objective " + name + " has one output"
                    + " per row, but num_tree_per_iteration is " + numOutputs);
        }
    }

    /**
     * LightGBM's {@code Common::Atof}: digits accumulated in double, the fraction added as {@code right / 10^nn}
     * ({@code 10^nn} by LightGBM's recursive {@code Pow}), the exponent applied by repeated factors of 1e50, 1e8 and
     * 10. Not correctly rounded, so it differs from {@link Double#parseDouble} in rare last bits.
     */
    static double atof(String text) {
        String p = text.trim();
        int i = 0;
        double sign = 1.0;
        if (i < p.length() && (p.charAt(i) == '-' || p.charAt(i) == '+')) {
            sign = p.charAt(i) == '-' ? -1.0 : 1.0;
            i++;
        }
        if (i >= p.length() || !(Character.isDigit(p.charAt(i)) || p.charAt(i) == '.' || p.charAt(i) == 'e'
                || p.charAt(i) == 'E')) {
            String t = p.substring(i).toLowerCase(Locale.ROOT);
            if (t.equals("inf") || t.equals("infinity")) {
                return sign * 1e308;
            }
            return Double.NaN; // na, nan, null; LightGBM aborts on other tokens, and NaN is refused by the caller
        }
        double value = 0.0;
        for (; i < p.length() && Character.isDigit(p.charAt(i)); i++) {
            value = value * 10.0 + (p.charAt(i) - '0');
        }
        if (i < p.length() && p.charAt(i) == '.') {
            double right = 0.0;
            int nn = 0;
            for (i++; i < p.length() && Character.isDigit(p.charAt(i)); i++) {
                right = (p.charAt(i) - '0') + right * 10.0;
                nn++;
            }
            value += right / pow(10.0, nn);
        }
        boolean negativeExponent = false;
        double scale = 1.0;
        if (i < p.length() && (p.charAt(i) == 'e' || p.charAt(i) == 'E')) {
            i++;
            if (i < p.length() && (p.charAt(i) == '-' || p.charAt(i) == '+')) {
                negativeExponent = p.charAt(i) == '-';
                i++;
            }
            long expon = 0;
            for (; i < p.length() && Character.isDigit(p.charAt(i)); i++) {
                expon = Math.min(expon * 10 + (p.charAt(i) - '0'), 1_000_000L);
            }
            expon = Math.min(expon, 308);
            while (expon >= 50) {
                scale *= 1e50;
                expon -= 50;
            }
            while (expon >= 8) {
                scale *= 1e8;
                expon -= 8;
            }
            while (expon > 0) {
                scale *= 10.0;
                expon -= 1;
            }
        }
        return sign * (negativeExponent ? value / scale : value * scale);
    }

    /** LightGBM's {@code Common::Pow}: squaring for even powers, cubing for multiples of three. */
    private static double pow(double base, int power) {
        if (power < 0) {
            return 1.0 / pow(base, -power);
        } else if (power == 0) {
            return 1;
        } else if (power % 2 == 0) {
            return pow(base * base, power / 2);
        } else if (power % 3 == 0) {
            return pow(base * base * base, power / 3);
        }
        return base * pow(base, power - 1);
    }
}
