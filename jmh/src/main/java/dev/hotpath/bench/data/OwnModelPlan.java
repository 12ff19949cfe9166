package dev.hotpath.bench.data;

import dev.hotpath.scoring.HotpathException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The first step of {@code jmh/run.sh model}: loads and checks the model and the rows in this JVM, so that a bad file
 * fails in a second with a message naming it instead of inside a JMH fork, prints what will be measured (to standard
 * error) and prints the JMH include regex of the {@code OwnModelBenchmark} methods that apply (to standard output).
 *
 * <p>Usage: {@code OwnModelPlan MODEL ROWS.csv [allowMissingColumns]}. Exit codes: 0 planned, 2 bad input.
 * Stateless.
 */
public final class OwnModelPlan {
    static final String BENCHMARK = "dev.hotpath.bench.OwnModelBenchmark";

    private OwnModelPlan() {
    }

    /**
     * @param input the checked input
     * @return the JMH include regex of the methods that apply to it
     */
    public static String regex(OwnModelInput input) {
        List<String> methods = new ArrayList<>(List.of("hotpathSingleRow", "hotpathBatch64"));
        if (input.peers().contains(OwnModelInput.Peer.XGBOOST4J)) {
            methods.add("xgboost4jInplacePredict");
            methods.add("xgboost4jBatch4096");
        }
        if (input.peers().contains(OwnModelInput.Peer.ONNX_RUNTIME)) {
            methods.add("onnxRuntime");
        }
        return "^" + BENCHMARK.replace(".", "\\.") + "\\.(" + String.join("|", methods) + ")$";
    }

    /**
     * @param args the model file, the CSV file and optionally {@code true} to allow missing columns
     */
    public static void main(String[] args) {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: OwnModelPlan MODEL ROWS.csv [allowMissingColumns]");
            System.exit(2);
            return;
        }
        for (int i = 0; i < 2; i++) {
            if (args[i].contains(",")) {
                // JMH splits -p values at commas.
                System.err.println(args[i] + ": the path contains a comma, which JMH parameters cannot carry;"
                        + " rename or link the file");
                System.exit(2);
                return;
            }
        }
        boolean allowMissing = args.length == 3 && Boolean.parseBoolean(args[2]);
        try (OwnModelInput input = OwnModelInput.load(args[0], args[1], allowMissing)) {
            System.err.print(input.describe());
            System.out.println(regex(input));
        } catch (HotpathException | UncheckedIOException | IllegalArgumentException e) {
            System.err.println("cannot benchmark this model: " + e.getMessage());
            System.exit(2);
        }
    }
}
